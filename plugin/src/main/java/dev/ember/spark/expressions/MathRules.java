package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.ENGINE;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.regs;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Ceil;
import org.apache.spark.sql.catalyst.expressions.Floor;
import org.apache.spark.sql.catalyst.expressions.Greatest;
import org.apache.spark.sql.catalyst.expressions.Least;
import org.apache.spark.sql.catalyst.expressions.Signum;
import org.apache.spark.sql.catalyst.expressions.Sqrt;

/**
 * Math functions whose results the GPU reproduces bit for bit: floor and ceil (exact), signum, sqrt
 * (IEEE correctly rounded, as Java's Math.sqrt), greatest and least. None raises an error in ANSI mode
 * either, so they run in every mode. Functions computed by Java's StrictMath/Math library code (exp,
 * log, pow, the trigonometric functions, cbrt, ...) have no rule: CUDA's libm differs from them in the
 * last ulp for some inputs, so they stay on the CPU.
 */
public final class MathRules {
    private static final TypeSig DOUBLE = TypeSig.of(Kind.DOUBLE);
    /** Spark's analyzer casts floor's and ceil's operand to bigint, double or keeps a decimal. */
    private static final TypeSig ROUNDING_OPERANDS = TypeSig.of(Kind.LONG, Kind.DOUBLE, Kind.DECIMAL64);
    private static final TypeSig ROUNDING_RESULTS = TypeSig.of(Kind.LONG, Kind.DECIMAL64);

    private MathRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(Floor.class, "floor(a): of a double the floor cast to bigint (saturating, NaN to 0); of a "
                        + "bigint the value; of a decimal(p,s) of up to 18 digits the decimal(p-s+1,0) rounded down",
                        ROUNDING_RESULTS, ROUNDING_OPERANDS, null, (e, c, ctx) -> builder(ctx).floor(reg(c.get(0)))),
                rule(Ceil.class, "ceil(a), as floor rounding up", ROUNDING_RESULTS, ROUNDING_OPERANDS, null,
                        (e, c, ctx) -> builder(ctx).ceil(reg(c.get(0)))),
                rule(Signum.class, "signum(a) of a double: -1.0, 1.0, or a itself for -0.0 and 0.0; NaN stays NaN",
                        DOUBLE, DOUBLE, null, (e, c, ctx) -> builder(ctx).signum(reg(c.get(0)))),
                rule(Sqrt.class, "sqrt(a) of a double, correctly rounded as Java's Math.sqrt; NaN for a < 0",
                        DOUBLE, DOUBLE, null, (e, c, ctx) -> builder(ctx).sqrt(reg(c.get(0)))),
                rule(Greatest.class, "greatest(a, b, ...): the largest non-null argument (NaN is the largest "
                        + "double), null when all are null", ENGINE, ENGINE, null,
                        (e, c, ctx) -> builder(ctx).greatest(regs(c))),
                rule(Least.class, "least(a, b, ...): the smallest non-null argument, null when all are null",
                        ENGINE, ENGINE, null, (e, c, ctx) -> builder(ctx).least(regs(c))));
    }
}
