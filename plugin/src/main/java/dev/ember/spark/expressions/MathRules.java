package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.ENGINE;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.regs;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.Reg;
import dev.ember.spark.planning.ExprTranslationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.BRound;
import org.apache.spark.sql.catalyst.expressions.Ceil;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Round;
import org.apache.spark.sql.catalyst.expressions.RoundBase;
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
    private static final TypeSig ROUNDING_OPERANDS = TypeSig.of(Kind.LONG, Kind.DOUBLE, Kind.DECIMAL);
    private static final TypeSig ROUNDING_RESULTS = TypeSig.of(Kind.LONG, Kind.DECIMAL);

    private MathRules() {}

    public static List<ExprRule<?>> rules() {
        List<ExprRule<?>> rules = new ArrayList<>(baseRules());
        rules.addAll(roundRules());
        return List.copyOf(rules);
    }

    private static List<ExprRule<?>> baseRules() {
        return List.of(
                rule(Floor.class, "floor(a): of a double the floor cast to bigint (saturating, NaN to 0); of a "
                        + "bigint the value; of a decimal(p,s) of up to 38 digits the decimal(min(p-s+1,38),0) rounded down",
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

    /** round's and bround's results: the integral types and decimals (float and double stay on the CPU). */
    private static final TypeSig ROUND_RESULTS = TypeSig.of(Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG, Kind.DECIMAL);
    /** Their operands: doubles and floats too, so that the check below names why they stay on the CPU. */
    private static final TypeSig ROUND_OPERANDS = TypeSig.of(Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG, Kind.FLOAT,
            Kind.DOUBLE, Kind.DECIMAL);

    private static List<ExprRule<?>> roundRules() {
        return List.of(
                rule(Round.class, "round(a, scale) with a literal scale (negative too), HALF_UP, of tinyint..bigint "
                        + "(wrapping as Spark) and decimals of up to 38 digits (Spark's result type, null on "
                        + "overflow); float and double stay on the CPU", ROUND_RESULTS, ROUND_OPERANDS,
                        MathRules::checkRound, (e, c, ctx) -> round(e, c, ctx, false)),
                rule(BRound.class, "bround(a, scale): round with HALF_EVEN", ROUND_RESULTS, ROUND_OPERANDS,
                        MathRules::checkRound, (e, c, ctx) -> round(e, c, ctx, true)));
    }

    private static <E extends RoundBase> Optional<String> checkRound(E e) {
        if (!(e.right() instanceof Literal literal)) {
            return Optional.of(ExprSupport.name(e) + ": the scale " + e.right().sql() + " is not a literal");
        }
        if (literal.value() == null) {
            return Optional.empty();
        }
        int scale = (Integer) literal.value();
        if (!e.left().resolved()) {
            return Optional.empty();
        }
        DType type = ExprSupport.dtype(e.left().dataType());
        Optional<String> problem = ProgramBuilder.roundProblem(type, scale);
        if (problem.isPresent()) {
            return Optional.of(ExprSupport.name(e) + ": " + problem.get());
        }
        if (ansi(e) && !type.isDecimal() && scale < 0) {
            return Optional.of(ExprSupport.name(e) + " of " + type + " to a negative scale with "
                    + "spark.sql.ansi.enabled=true raises an error on overflow; it stays on the CPU");
        }
        return Optional.empty();
    }

    private static boolean ansi(RoundBase e) {
        return e instanceof Round r ? r.ansiEnabled() : ((BRound) e).ansiEnabled();
    }

    private static Reg round(RoundBase e, List<Object> c, ExprTranslationContext ctx, boolean halfEven) {
        Object scale = ((Literal) e.right()).value();
        if (scale == null) {
            return builder(ctx).nullLiteral(ExprSupport.dtype(e.dataType()));
        }
        return builder(ctx).round(reg(c.get(0)), (Integer) scale, halfEven);
    }
}
