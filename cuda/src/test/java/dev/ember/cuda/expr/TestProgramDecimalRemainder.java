package dev.ember.cuda.expr;

import static dev.ember.cuda.expr.EvalHarness.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.column.DType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decimal {@code a % b} and {@code pmod(a, b)} against Spark 3.5's Decimal code as written in its
 * source: {@code BigDecimal.remainder(b, MathContext(39, DOWN))}, pmod's {@code (r + b) % b} for r < 0,
 * then {@code toPrecision(p, s, HALF_UP)} to the result type (null on overflow), null for b = 0.
 */
class TestProgramDecimalRemainder {
    private static final MathContext SPARK = new MathContext(39, RoundingMode.DOWN);

    @Test
    void remainderAndPmodOfDecimalPairs() {
        List<DType[]> pairs = List.of(
                new DType[] {DType.decimal64(10, 2), DType.decimal64(7, 4)},
                new DType[] {DType.decimal64(18, 0), DType.decimal64(5, 5)},
                new DType[] {DType.decimal64(4, 1), DType.decimal64(3, 1)},
                new DType[] {DType.decimal128(30, 5), DType.decimal128(20, 2)},
                new DType[] {DType.decimal128(38, 10), DType.decimal128(38, 10)},
                new DType[] {DType.decimal128(38, 0), DType.decimal64(18, 0)},
                new DType[] {DType.decimal64(12, 12), DType.decimal128(26, 0)});
        for (DType[] pair : pairs) {
            DType result = sparkResultType(pair[0], pair[1]);
            for (Op op : List.of(Op.REMAINDER, Op.PMOD)) {
                check(op + " " + pair[0] + " " + pair[1], pair,
                        b -> b.decimalRemainder(op, b.input(0, pair[0]), b.input(1, pair[1]), result),
                        row -> spark(op, (BigDecimal) row[0], (BigDecimal) row[1], result), new int[] {0, 1, 4099});
            }
            // A narrower result type rounds HALF_UP and overflows to null.
            int np = Math.max(1, Math.min(result.precision() - 1, 18));
            DType narrow = DType.decimal64(np, Math.max(0, Math.min(result.scale() - 1, np)));
            check("remainder to " + narrow, pair,
                    b -> b.decimalRemainder(Op.REMAINDER, b.input(0, pair[0]), b.input(1, pair[1]), narrow),
                    row -> spark(Op.REMAINDER, (BigDecimal) row[0], (BigDecimal) row[1], narrow), new int[] {4099});
        }
    }

    @Test
    void tooManyDigitsAtTheCommonScaleAreRejected() {
        assertThat(ProgramBuilder.decimalRemainderProblem(DType.decimal128(38, 0), DType.decimal64(5, 2))).get()
                .asString().contains("40 digits");
        assertThat(ProgramBuilder.decimalRemainderProblem(DType.decimal128(38, 2), DType.decimal64(5, 2))).isEmpty();
        ProgramBuilder b = new ProgramBuilder();
        assertThatThrownBy(() -> b.decimalRemainder(Op.REMAINDER, b.input(0, DType.decimal128(30, 0)),
                b.input(1, DType.decimal128(20, 10)), DType.decimal128(30, 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than the 38");
    }

    /** Spark's Remainder/Pmod of decimals, as its Decimal and arithmetic code compute them. */
    private static Object spark(Op op, BigDecimal a, BigDecimal b, DType result) {
        if (a == null || b == null || b.signum() == 0) {
            return null;
        }
        BigDecimal r = a.remainder(b, SPARK);
        if (op == Op.PMOD && r.signum() < 0) {
            r = r.add(b).remainder(b, SPARK);
        }
        BigDecimal out = r.setScale(result.scale(), RoundingMode.HALF_UP);
        return out.unscaledValue().abs().compareTo(BigInteger.TEN.pow(result.precision())) >= 0 ? null : out;
    }

    /** Remainder.resultDecimalType without precision loss (bounded), from Spark's source. */
    private static DType sparkResultType(DType a, DType b) {
        int scale = Math.max(a.scale(), b.scale());
        int precision = Math.min(Math.min(a.precision() - a.scale(), b.precision() - b.scale()) + scale, 38);
        return precision <= 18 ? DType.decimal64(precision, scale) : DType.decimal128(precision, scale);
    }
}
