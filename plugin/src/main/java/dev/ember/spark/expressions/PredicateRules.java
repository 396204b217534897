package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.BOOLEAN;
import static dev.ember.spark.expressions.ExprSupport.ENGINE;
import static dev.ember.spark.expressions.ExprSupport.ENGINE_AND_STRING;
import static dev.ember.spark.expressions.ExprSupport.FLOATING;
import static dev.ember.spark.expressions.ExprSupport.binary;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.dtype;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprTranslator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.InSet;
import org.apache.spark.sql.catalyst.expressions.IsNaN;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Comparisons (Spark's order: NaN equals NaN and sorts above +Infinity, -0.0 equals 0.0), three-valued
 * logic, null and NaN tests, and IN over literal lists. {@code a != b} arrives as {@code Not(EqualTo)}.
 * Comparisons, null tests and IN over strings go through the {@link PreStage} ({@link StringPredicates}).
 */
public final class PredicateRules {
    private PredicateRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(EqualTo.class, "a = b (strings: a pre-stage comparison)", BOOLEAN, ENGINE_AND_STRING, null,
                        comparison(ProgramBuilder::equal)),
                rule(EqualNullSafe.class, "a <=> b, never null (strings: a pre-stage comparison)", BOOLEAN,
                        ENGINE_AND_STRING, null, (e, c, ctx) -> anyString(c)
                                ? StringPredicates.nullSafeEqual(ctx, c.get(0), c.get(1))
                                : builder(ctx).nullSafeEqual(reg(c.get(0)), reg(c.get(1)))),
                rule(LessThan.class, "a < b (strings in UTF8String order)", BOOLEAN, ENGINE_AND_STRING, null,
                        comparison(ProgramBuilder::lessThan)),
                rule(LessThanOrEqual.class, "a <= b (strings in UTF8String order)", BOOLEAN, ENGINE_AND_STRING, null,
                        comparison(ProgramBuilder::lessOrEqual)),
                rule(GreaterThan.class, "a > b (strings in UTF8String order)", BOOLEAN, ENGINE_AND_STRING, null,
                        comparison(ProgramBuilder::greaterThan)),
                rule(GreaterThanOrEqual.class, "a >= b (strings in UTF8String order)", BOOLEAN, ENGINE_AND_STRING,
                        null, comparison(ProgramBuilder::greaterOrEqual)),
                rule(And.class, "three-valued a AND b", BOOLEAN, BOOLEAN, null, binary(ProgramBuilder::and)),
                rule(Or.class, "three-valued a OR b", BOOLEAN, BOOLEAN, null, binary(ProgramBuilder::or)),
                rule(Not.class, "NOT a (and a != b as NOT(a = b))", BOOLEAN, BOOLEAN, null,
                        (e, c, ctx) -> builder(ctx).not(reg(c.get(0)))),
                rule(IsNull.class, "a IS NULL", BOOLEAN, ENGINE_AND_STRING, null, (e, c, ctx) -> anyString(c)
                        ? StringPredicates.isNull(ctx, c.get(0), false) : builder(ctx).isNull(reg(c.get(0)))),
                rule(IsNotNull.class, "a IS NOT NULL", BOOLEAN, ENGINE_AND_STRING, null, (e, c, ctx) -> anyString(c)
                        ? StringPredicates.isNull(ctx, c.get(0), true) : builder(ctx).isNotNull(reg(c.get(0)))),
                rule(IsNaN.class, "isnan(a); false for null", BOOLEAN, FLOATING, null,
                        (e, c, ctx) -> builder(ctx).isNaN(reg(c.get(0)))),
                rule(In.class, "a IN (literals); null when a is null, or when nothing matched and the list holds a null",
                        BOOLEAN, ENGINE_AND_STRING, PredicateRules::checkIn, (e, c, ctx) -> anyString(c)
                                ? StringPredicates.in(ctx, c.get(0), inValues(e))
                                : builder(ctx).in(reg(c.get(0)), inValues(e))),
                // The optimizer turns IN lists longer than spark.sql.optimizer.inSetConversionThreshold into
                // InSet, whose hash-set lookup treats -0.0 as 0.0 (Scala's numeric ==) and checks NaN
                // separately, so it matches IN's semantics, which the same IN instruction implements.
                rule(InSet.class, "a IN (set of constants), as the optimizer plans long IN lists", BOOLEAN,
                        ENGINE_AND_STRING, PredicateRules::checkInSet, (e, c, ctx) -> anyString(c)
                                ? StringPredicates.in(ctx, c.get(0), inSetValues(e))
                                : builder(ctx).in(reg(c.get(0)), inSetValues(e))));
    }

    private static boolean anyString(List<Object> handles) {
        for (Object h : handles) {
            if (StringPredicates.isString(h)) {
                return true;
            }
        }
        return false;
    }

    /** A comparison of two engine values in the program, or of strings through a pre-stage comparison. */
    private static <E extends Expression> ExprTranslator<E> comparison(ExprSupport.Op2 op) {
        return (e, c, ctx) -> anyString(c) ? StringPredicates.compare(ctx, c.get(0), c.get(1), op)
                : op.apply(builder(ctx), reg(c.get(0)), reg(c.get(1)));
    }

    private static Optional<String> checkIn(In in) {
        for (Expression item : CollectionConverters.asJava(in.list())) {
            if (!(item instanceof Literal)) {
                return Optional.of("In: list item " + item.sql() + " is not a constant; only IN lists of literals "
                        + "run on the GPU");
            }
        }
        return checkValues("In", in.value(), inValues(in));
    }

    private static Optional<String> checkInSet(InSet in) {
        return checkValues("InSet", in.child(), inSetValues(in));
    }

    /** Builds the IN instruction once to learn whether the list fits (count, literal classes). */
    private static Optional<String> checkValues(String name, Expression value, List<Object> values) {
        if (!value.resolved() || ENGINE.check(value.dataType()).isPresent()) {
            return Optional.empty();
        }
        try {
            ProgramBuilder b = new ProgramBuilder();
            DType type = dtype(value.dataType());
            b.in(b.input(0, type), values);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(name + ": " + e.getMessage());
        }
    }

    private static List<Object> inValues(In in) {
        List<Object> values = new ArrayList<>();
        for (Expression item : CollectionConverters.asJava(in.list())) {
            values.add(ExprSupport.engineValue(((Literal) item).value()));
        }
        return values;
    }

    private static List<Object> inSetValues(InSet in) {
        List<Object> values = new ArrayList<>();
        for (Object v : CollectionConverters.asJava(in.hset())) {
            values.add(ExprSupport.engineValue(v));
        }
        return values;
    }
}
