package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.DECIMAL64;
import static dev.ember.spark.expressions.ExprSupport.LONG_ONLY;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.dtype;
import static dev.ember.spark.expressions.ExprSupport.name;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.Op;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprTranslator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.MakeDecimal;
import org.apache.spark.sql.catalyst.expressions.UnscaledValue;
import org.apache.spark.sql.types.DecimalType;

/**
 * Decimals of up to 18 digits in programs (an unscaled int64 each): Spark's {@code UnscaledValue} and
 * {@code MakeDecimal}, which its optimizer's DecimalAggregates rule puts around sums and averages of
 * small decimals (so those aggregates compute on bigints), and the decimal cases of +, - and * that
 * {@link ArithmeticRules} translate. Wider decimals stay on the CPU (their type is not in the signatures),
 * except products of two decimals of up to 18 digits, computed exactly into DECIMAL128 columns
 * ({@link WideDecimals}).
 */
public final class DecimalRules {
    private DecimalRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(UnscaledValue.class, "the unscaled bigint of a decimal of up to 18 digits", LONG_ONLY, DECIMAL64,
                        null, (e, c, ctx) -> builder(ctx).unscaledValue(reg(c.get(0)))),
                rule(MakeDecimal.class, "the decimal(p,s) (p <= 18) of an unscaled bigint; null when it has more "
                        + "than p digits", DECIMAL64, LONG_ONLY, DecimalRules::checkMakeDecimal,
                        (e, c, ctx) -> builder(ctx).makeDecimal(reg(c.get(0)), e.precision(), e.scale())));
    }

    private static Optional<String> checkMakeDecimal(MakeDecimal e) {
        return e.nullOnOverflow() ? Optional.empty() : Optional.of("MakeDecimal without nullOnOverflow (ANSI mode) "
                + "raises an error on overflow; it stays on the CPU");
    }

    /** Why decimal {@code e} (an ADD, SUBTRACT or MULTIPLY of two children) cannot be computed, or empty. */
    static Optional<String> checkArithmetic(Expression e, Op op) {
        if (!(e.dataType() instanceof DecimalType)) {
            return Optional.empty();
        }
        Expression left = e.children().apply(0);
        Expression right = e.children().apply(1);
        if (op == Op.MULTIPLY && WideDecimals.isWide(e.dataType())) {
            return WideDecimals.checkMultiply(e);
        }
        if (WideDecimals.isWide(e.dataType())) {
            return Optional.of(name(e) + " of decimals is " + e.dataType().simpleString() + ": decimals of more than "
                    + "18 digits are computed only as the exact product of two decimals of up to 18 digits; it stays "
                    + "on the CPU");
        }
        try {
            DType result = ProgramBuilder.decimalResultType(op, dtype(left.dataType()), dtype(right.dataType()));
            if (!result.equals(dtype(e.dataType()))) {
                return Optional.of(name(e) + " of decimals is " + e.dataType().simpleString() + " here, not " + result
                        + " as the GPU computes it; it stays on the CPU");
            }
            return Optional.empty();
        } catch (IllegalArgumentException ex) {
            return Optional.of(name(e) + ": " + ex.getMessage() + "; it stays on the CPU");
        }
    }

    /** The translation of +, - or * of numbers or of decimals. */
    static <E extends Expression> ExprTranslator<E> arithmetic(Op op) {
        return (e, c, ctx) -> {
            ProgramBuilder b = builder(ctx);
            if (!(e.dataType() instanceof DecimalType)) {
                return b.op(op, reg(c.get(0)), reg(c.get(1)));
            }
            if (op == Op.MULTIPLY && WideDecimals.isWide(e.dataType())) {
                return WideDecimals.multiply(e, c, ctx);
            }
            return switch (op) {
                case ADD -> b.decimalAdd(reg(c.get(0)), reg(c.get(1)));
                case SUBTRACT -> b.decimalSubtract(reg(c.get(0)), reg(c.get(1)));
                default -> b.decimalMultiply(reg(c.get(0)), reg(c.get(1)));
            };
        };
    }
}
