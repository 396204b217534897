package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.LONG_ONLY;
import static dev.ember.spark.expressions.ExprSupport.binary;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.legacyOnly;
import static dev.ember.spark.expressions.ExprSupport.name;
import static dev.ember.spark.expressions.ExprSupport.noFailOnError;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.expr.Op;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.Reg;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprTranslator;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Abs;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.BinaryArithmetic;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.IntegralDivide;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.Pmod;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.UnaryPositive;
import org.apache.spark.sql.types.DecimalType;

/**
 * Arithmetic with ANSI off: integral results wrap at their type's width, division by zero gives null.
 * Decimal +, -, * and / of decimals of up to 38 digits give Spark's result type (which {@code
 * spark.sql.decimalOperations.allowPrecisionLoss} decides) and Spark's value: the exact result rounded
 * HALF_UP to that type's scale, null when it has more digits than its precision ({@link
 * DecimalRules}); negation and abs keep the decimal's type, up to 34 digits (beyond, Spark rounds them). Decimal remainder and pmod are
 * exact where both operands at the larger scale fit 38 digits; interval arithmetic stays on the CPU
 * (its types are not in the signatures); ANSI and TRY evaluation modes
 * stay on the CPU because they raise errors the GPU cannot raise.
 */
public final class ArithmeticRules {
    /** Significant digits of Scala's default BigDecimal context, which Spark's decimal negation uses. */
    private static final int SCALA_DIGITS = 34;
    private static final TypeSig DOUBLE_AND_DECIMAL = TypeSig.of(Kind.DOUBLE, Kind.DECIMAL);
    private static final TypeSig NUMERIC_AND_DECIMAL = TypeSig.of(Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG,
            Kind.FLOAT, Kind.DOUBLE, Kind.DECIMAL);

    private ArithmeticRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(Add.class, "a + b (integral types wrap; decimals of up to 38 digits exactly, rounded HALF_UP "
                        + "to Spark's result type, null on overflow)", NUMERIC_AND_DECIMAL, NUMERIC_AND_DECIMAL,
                        e -> legacyOnly(e, e.evalMode()).or(() -> DecimalRules.checkArithmetic(e)),
                        DecimalRules.arithmetic(Op.ADD)),
                rule(Subtract.class, "a - b (integral types wrap; decimals as for +)", NUMERIC_AND_DECIMAL,
                        NUMERIC_AND_DECIMAL,
                        e -> legacyOnly(e, e.evalMode()).or(() -> DecimalRules.checkArithmetic(e)),
                        DecimalRules.arithmetic(Op.SUBTRACT)),
                rule(Multiply.class, "a * b (integral types wrap; decimals as for +)", NUMERIC_AND_DECIMAL,
                        NUMERIC_AND_DECIMAL,
                        e -> legacyOnly(e, e.evalMode()).or(() -> DecimalRules.checkArithmetic(e)),
                        DecimalRules.arithmetic(Op.MULTIPLY)),
                // Spark's analyzer casts the operands of / to double or to decimals.
                rule(Divide.class, "a / b on doubles and decimals; null when b is 0 (decimals as for +)",
                        DOUBLE_AND_DECIMAL, DOUBLE_AND_DECIMAL,
                        e -> legacyOnly(e, e.evalMode()).or(() -> DecimalRules.checkArithmetic(e)),
                        DecimalRules.arithmetic(Op.DIVIDE)),
                // ... and those of div to bigint.
                rule(IntegralDivide.class, "a div b on bigints, truncating; null when b is 0", LONG_ONLY, LONG_ONLY,
                        e -> legacyOnly(e, e.evalMode()), binary(ProgramBuilder::integralDivide)),
                rule(Remainder.class, "a % b with the sign of a; null when b is 0 (decimals exactly, where both "
                        + "operands at the larger scale fit 38 digits)", NUMERIC_AND_DECIMAL, NUMERIC_AND_DECIMAL,
                        e -> legacyOnly(e, e.evalMode()).or(() -> decimalRemainder(e)),
                        remainder(Op.REMAINDER, ProgramBuilder::remainder)),
                rule(Pmod.class, "pmod(a, b), the non-negative remainder; null when b is 0 (decimals as for %)",
                        NUMERIC_AND_DECIMAL, NUMERIC_AND_DECIMAL,
                        e -> legacyOnly(e, e.evalMode()).or(() -> decimalRemainder(e)),
                        remainder(Op.PMOD, ProgramBuilder::pmod)),
                rule(UnaryMinus.class, "-a (integral types wrap; decimals of up to 34 digits exactly)",
                        NUMERIC_AND_DECIMAL, NUMERIC_AND_DECIMAL,
                        e -> noFailOnError(e, e.failOnError()).or(() -> scalaRounded(e)),
                        (e, c, ctx) -> builder(ctx).negate(reg(c.get(0)))),
                rule(UnaryPositive.class, "+a, the value itself", NUMERIC_AND_DECIMAL, NUMERIC_AND_DECIMAL, null,
                        (e, c, ctx) -> c.get(0)),
                rule(Abs.class, "abs(a) (integral types wrap: abs of the minimum is the minimum; decimals of up to "
                        + "34 digits exactly)", NUMERIC_AND_DECIMAL, NUMERIC_AND_DECIMAL,
                        e -> noFailOnError(e, e.failOnError()).or(() -> scalaRounded(e)),
                        (e, c, ctx) -> builder(ctx).abs(reg(c.get(0)))));
    }

    /**
     * Spark negates a decimal of more than 18 digits through Scala's BigDecimal, whose arithmetic rounds
     * to 34 significant digits (MathContext.DECIMAL128): -x and abs(x) of a value with more digits are
     * not exact there, and the GPU's exact results would differ.
     */
    private static Optional<String> scalaRounded(Expression e) {
        if (e.dataType() instanceof DecimalType d && d.precision() > SCALA_DIGITS) {
            return Optional.of(name(e) + " of " + d.simpleString() + ": Spark rounds the result to " + SCALA_DIGITS
                    + " significant digits (Scala BigDecimal arithmetic), which the GPU's exact value would not "
                    + "match; it stays on the CPU");
        }
        return Optional.empty();
    }

    /** Why programs cannot compute a decimal % or pmod, or empty (also for non-decimal operands). */
    private static Optional<String> decimalRemainder(BinaryArithmetic e) {
        if (!e.left().resolved() || !e.right().resolved() || !(e.left().dataType() instanceof DecimalType)
                || !(e.right().dataType() instanceof DecimalType)) {
            return Optional.empty();
        }
        return ProgramBuilder.decimalRemainderProblem(ExprSupport.dtype(e.left().dataType()),
                ExprSupport.dtype(e.right().dataType())).map(p -> name(e) + ": " + p);
    }

    private static <E extends BinaryArithmetic> ExprTranslator<E> remainder(Op op, ExprSupport.Op2 numeric) {
        return (e, c, ctx) -> {
            Reg a = reg(c.get(0));
            Reg b = reg(c.get(1));
            if (a.type().isDecimal()) {
                return builder(ctx).decimalRemainder(op, a, b, ExprSupport.dtype(e.dataType()));
            }
            return numeric.apply(builder(ctx), a, b);
        };
    }
}
