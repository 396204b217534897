package dev.ember.spark.expressions;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.Reg;
import dev.ember.spark.columnar.SparkTypes;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprTranslationContext;
import dev.ember.spark.planning.ExprTranslator;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import scala.Enumeration;
import scala.jdk.javaapi.CollectionConverters;

/** What the expression rule families share: the engine's types, operand checks and handle conversions. */
final class ExprSupport {
    /**
     * The types the expression engine computes with ({@code dev.ember.cuda.expr.ProgramEncoding#TYPES} and
     * decimals of up to 38 digits).
     */
    static final TypeSig ENGINE = TypeSig.of(Kind.BOOLEAN, Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG, Kind.FLOAT,
            Kind.DOUBLE, Kind.DATE, Kind.DECIMAL, Kind.TIMESTAMP);
    /** The engine's types and strings: operands of comparisons, which compare strings in a {@link PreStage}. */
    static final TypeSig ENGINE_AND_STRING = TypeSig.of(Kind.BOOLEAN, Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG,
            Kind.FLOAT, Kind.DOUBLE, Kind.DATE, Kind.DECIMAL, Kind.STRING, Kind.TIMESTAMP);
    static final TypeSig DECIMAL64 = TypeSig.of(Kind.DECIMAL64);
    static final TypeSig NUMERIC = TypeSig.of(Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG, Kind.FLOAT, Kind.DOUBLE);
    static final TypeSig BOOLEAN = TypeSig.of(Kind.BOOLEAN);
    static final TypeSig INT = TypeSig.of(Kind.INT);
    static final TypeSig DATE = TypeSig.of(Kind.DATE);
    static final TypeSig LONG_ONLY = TypeSig.of(Kind.LONG);
    static final TypeSig FLOATING = TypeSig.of(Kind.FLOAT, Kind.DOUBLE);

    private ExprSupport() {}

    static ProgramBuilder builder(ExprTranslationContext context) {
        return context.builder(ProgramBuilder.class);
    }

    static Reg reg(Object handle) {
        requireNonNull(handle, "handle is null");
        if (!(handle instanceof Reg r)) {
            throw new IllegalStateException("a " + handle + " (a column or string value) cannot be an operand of "
                    + "this expression on the GPU");
        }
        return r;
    }

    static Reg[] regs(List<Object> handles) {
        Reg[] out = new Reg[handles.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = reg(handles.get(i));
        }
        return out;
    }

    /** A Catalyst literal value as the program builder takes it: Spark's {@code Decimal} as a {@link java.math.BigDecimal}. */
    static Object engineValue(Object value) {
        return value instanceof Decimal d ? d.toJavaBigDecimal() : value;
    }

    static DType dtype(DataType type) {
        return SparkTypes.requireDType(type);
    }

    /** Why some child of {@code e} has a type outside {@code sig}, or empty. */
    static Optional<String> childTypes(Expression e, TypeSig sig) {
        List<Expression> children = CollectionConverters.asJava(e.children());
        for (int i = 0; i < children.size(); i++) {
            Expression c = children.get(i);
            if (!c.resolved()) {
                continue;
            }
            Optional<String> r = sig.check(c.dataType());
            if (r.isPresent()) {
                return Optional.of(name(e) + " operand " + i + " (" + c.sql() + "): " + r.get());
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code e} cannot run given its evaluation mode: only LEGACY (ANSI off) matches the GPU, which
     * wraps on overflow and gives null on division by zero where ANSI and TRY modes throw or differ.
     */
    static Optional<String> legacyOnly(Expression e, Enumeration.Value mode) {
        if (mode == EvalMode.LEGACY()) {
            return Optional.empty();
        }
        return Optional.of(name(e) + " with evalMode " + mode + " (spark.sql.ansi.enabled=true or a try_ function) "
                + "raises errors or differs from the GPU's legacy semantics; it stays on the CPU");
    }

    /** As {@link #legacyOnly} for expressions with a {@code failOnError} flag. */
    static Optional<String> noFailOnError(Expression e, boolean failOnError) {
        return failOnError ? Optional.of(name(e) + " with failOnError=true (ANSI mode) raises errors on overflow; "
                + "it stays on the CPU") : Optional.empty();
    }

    static String name(Expression e) {
        return e.getClass().getSimpleName();
    }

    /** The first reason among {@code checks}, or empty. */
    @SafeVarargs
    static Optional<String> first(Optional<String>... checks) {
        for (Optional<String> c : checks) {
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    /**
     * A rule whose result types are {@code resultTypes}, whose operands must all have a type of {@code
     * operandTypes}, with an optional further check, translated by {@code translator}.
     */
    static <E extends Expression> ExprRule<E> rule(Class<E> type, String doc, TypeSig resultTypes,
            TypeSig operandTypes, ExprRule.Tagger<E> extra, ExprTranslator<E> translator) {
        ExprRule.Tagger<E> tagger = e -> {
            Optional<String> operands = childTypes(e, operandTypes);
            return operands.isPresent() || extra == null ? operands : extra.check(e);
        };
        return ExprRule.of(type, doc, resultTypes).withTagger(tagger).withTranslator(translator);
    }

    /** A two-operand method of {@link ProgramBuilder}. */
    @FunctionalInterface
    interface Op2 {
        Reg apply(ProgramBuilder builder, Reg a, Reg b);
    }

    /** A translator applying a two-operand builder method to the two children. */
    static <E extends Expression> ExprTranslator<E> binary(Op2 op) {
        return (e, c, ctx) -> op.apply(builder(ctx), reg(c.get(0)), reg(c.get(1)));
    }
}
