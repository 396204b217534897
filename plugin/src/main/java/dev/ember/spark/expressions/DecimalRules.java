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
 * Decimals in programs (an unscaled int64 up to 18 digits, an int128 in a register pair up to 38):
 * Spark's {@code UnscaledValue} and {@code MakeDecimal}, which its optimizer's DecimalAggregates rule
 * puts around sums and averages of small decimals (so those aggregates compute on bigints), and the
 * decimal cases of +, -, * and / that {@link ArithmeticRules} translate.
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

    /**
     * Why decimal arithmetic {@code e} (ADD, SUBTRACT, MULTIPLY or DIVIDE of two children) cannot be
     * computed, or empty. Programs compute any decimal result type from any decimal operands (the exact
     * value rounded to the type Spark gives the expression, whichever {@code
     * spark.sql.decimalOperations.allowPrecisionLoss} says), so only mixed operands are refused, which
     * Spark's analyzer never produces.
     */
    static Optional<String> checkArithmetic(Expression e) {
        boolean decimalResult = e.dataType() instanceof DecimalType;
        boolean decimalOperands = e.children().apply(0).dataType() instanceof DecimalType
                && e.children().apply(1).dataType() instanceof DecimalType;
        if (decimalResult != decimalOperands) {
            return Optional.of(name(e) + " of " + e.children().apply(0).dataType().simpleString() + " and "
                    + e.children().apply(1).dataType().simpleString() + " giving " + e.dataType().simpleString()
                    + " mixes decimals with other types; it stays on the CPU");
        }
        return Optional.empty();
    }

    /** The translation of +, -, * or / of numbers or of decimals. */
    static <E extends Expression> ExprTranslator<E> arithmetic(Op op) {
        return (e, c, ctx) -> {
            ProgramBuilder b = builder(ctx);
            if (!(e.dataType() instanceof DecimalType)) {
                return b.op(op, reg(c.get(0)), reg(c.get(1)));
            }
            return b.decimalArithmetic(op, reg(c.get(0)), reg(c.get(1)), dtype(e.dataType()));
        };
    }
}
