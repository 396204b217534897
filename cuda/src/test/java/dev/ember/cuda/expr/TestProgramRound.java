package dev.ember.cuda.expr;

import static dev.ember.cuda.expr.EvalHarness.check;
import static dev.ember.cuda.expr.EvalHarness.strict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.column.DType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * round and bround with literal scales against Spark 3.5's RoundBase as written in its source: result
 * types, {@code BigDecimal.setScale} with HALF_UP / HALF_EVEN, the integral types' {@code longValue()}
 * narrowing and the rejected operands.
 */
class TestProgramRound {
    private static final int[] SCALES = {-100, -40, -39, -38, -20, -19, -18, -10, -9, -5, -2, -1, 0, 1,
        2, 3, 5, 17, 40, Integer.MAX_VALUE};

    @Test
    void integralTypesRoundOnlyToNegativeScalesAndKeepTheLowBits() {
        for (DType t : List.of(DType.INT8, DType.INT16, DType.INT32, DType.INT64)) {
            for (int scale : SCALES) {
                for (RoundingMode mode : List.of(RoundingMode.HALF_UP, RoundingMode.HALF_EVEN)) {
                    check("round " + t + " " + scale + " " + mode, new DType[] {t},
                            b -> b.round(b.input(0, t), scale, mode == RoundingMode.HALF_EVEN),
                            strict(a -> integral(t, ((Number) a[0]).longValue(), scale, mode)), new int[] {0, 1, 4099});
                }
            }
        }
        ProgramBuilder b = new ProgramBuilder();
        Reg x = b.input(0, DType.INT32);
        assertThat(b.round(x, 0, false)).isSameAs(x);
        assertThat(b.round(x, 3, true)).isSameAs(x);
    }

    @Test
    void decimalsRoundToSparksResultType() {
        for (DType t : List.of(DType.decimal64(10, 2), DType.decimal64(18, 0), DType.decimal64(18, 18),
                DType.decimal64(5, 3), DType.decimal64(18, 4), DType.decimal128(19, 6), DType.decimal128(38, 10),
                DType.decimal128(38, 38), DType.decimal128(20, 0), DType.decimal128(37, 0), DType.decimal128(38, 1))) {
            for (int scale : SCALES) {
                for (RoundingMode mode : List.of(RoundingMode.HALF_UP, RoundingMode.HALF_EVEN)) {
                    DType result = sparkResultType(t, scale);
                    ProgramBuilder probe = new ProgramBuilder();
                    assertThat(probe.round(probe.input(0, t), scale, false).type()).as(t + " " + scale)
                            .isEqualTo(result);
                    assertThat(ProgramBuilder.roundResultType(t, scale)).isEqualTo(result);
                    check("round " + t + " " + scale + " " + mode, new DType[] {t},
                            b -> b.round(b.input(0, t), scale, mode == RoundingMode.HALF_EVEN),
                            strict(a -> decimal((BigDecimal) a[0], scale, mode, result)), new int[] {0, 1, 4099});
                }
            }
        }
    }

    @Test
    void floorAndCeilOfWideDecimalsAreSparksDecimalFloorAndCeil() {
        for (DType t : List.of(DType.decimal128(20, 2), DType.decimal128(38, 10), DType.decimal128(38, 38),
                DType.decimal128(38, 1), DType.decimal128(19, 0), DType.decimal128(25, 24))) {
            DType result = t.scale() == 0 ? t : precision(Math.min(t.precision() - t.scale() + 1, 38));
            ProgramBuilder probe = new ProgramBuilder();
            assertThat(probe.floor(probe.input(0, t)).type()).as(t.toString()).isEqualTo(result);
            check("floor " + t, new DType[] {t}, b -> b.floor(b.input(0, t)),
                    strict(a -> ((BigDecimal) a[0]).setScale(0, RoundingMode.FLOOR)), new int[] {0, 1, 4099});
            check("ceil " + t, new DType[] {t}, b -> b.ceil(b.input(0, t)),
                    strict(a -> ((BigDecimal) a[0]).setScale(0, RoundingMode.CEILING)), new int[] {0, 1, 4099});
        }
    }

    private static DType precision(int p) {
        return p <= 18 ? DType.decimal64(p, 0) : DType.decimal128(p, 0);
    }

    @Test
    void tiesFollowTheMode() {
        DType t = DType.decimal64(4, 1);
        ProgramBuilder b = new ProgramBuilder();
        Reg x = b.input(0, t);
        b.output(b.round(x, 0, false));
        b.output(b.round(x, 0, true));
        Program p = b.build();
        Object[] values = {new BigDecimal("2.5"), new BigDecimal("3.5"), new BigDecimal("-2.5"), new BigDecimal("-0.5"),
            new BigDecimal("0.4"), null};
        List<Object[]> out = EvalHarness.run(p, List.of(new EvalHarness.Values(t, values)), values.length);
        assertThat(out.get(0)).containsExactly(new BigDecimal("3"), new BigDecimal("4"), new BigDecimal("-3"),
                new BigDecimal("-1"), new BigDecimal("0"), null);
        assertThat(out.get(1)).containsExactly(new BigDecimal("2"), new BigDecimal("4"), new BigDecimal("-2"),
                new BigDecimal("0"), new BigDecimal("0"), null);
    }

    @Test
    void floatsAndSpilledDigitsAreRejectedWithTheReason() {
        ProgramBuilder b = new ProgramBuilder();
        assertThat(ProgramBuilder.roundProblem(DType.FLOAT64, 2)).get().asString().contains("Double.toString");
        assertThat(ProgramBuilder.roundProblem(DType.decimal128(38, 0), -1)).get().asString().contains("error");
        assertThat(ProgramBuilder.roundProblem(DType.decimal128(38, 0), 0)).isEmpty();
        assertThat(ProgramBuilder.roundProblem(DType.INT32, -101)).get().asString().contains("-100");
        assertThatThrownBy(() -> b.round(b.input(0, DType.FLOAT32), 1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Double.toString");
        assertThatThrownBy(() -> b.round(b.input(1, DType.decimal128(38, 0)), -2, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("39 digits");
    }

    /** Spark's {@code BigDecimal(v).setScale(scale, mode).<type>Value()} as its codegen writes it. */
    private static Object integral(DType t, long v, int scale, RoundingMode mode) {
        if (scale >= 0) {
            return box(t, v);
        }
        return box(t, new BigDecimal(v).setScale(scale, mode).longValue());
    }

    private static Object box(DType t, long v) {
        return switch (t.id()) {
            case INT8 -> (byte) v;
            case INT16 -> (short) v;
            case INT32 -> (int) v;
            default -> v;
        };
    }

    /** Spark's RoundBase.nullSafeEval for decimals: null when the rounded value overflows the result type. */
    private static Object decimal(BigDecimal v, int scale, RoundingMode mode, DType result) {
        // scale >= 0: toPrecision(p, min(s, scale), mode); scale < 0: Decimal.set(bd.setScale(scale, mode), p, 0).
        BigDecimal r = scale >= 0 ? v.setScale(result.scale(), mode) : v.setScale(scale, mode).setScale(0);
        return r.unscaledValue().abs().compareTo(BigInteger.TEN.pow(result.precision())) >= 0 ? null : r;
    }

    /** RoundBase.dataType, copied from Spark's source. */
    private static DType sparkResultType(DType t, int scale) {
        int p = t.precision();
        int s = t.scale();
        int integralLeastNumDigits = p - s + 1;
        int precision;
        int newScale;
        if (scale < 0) {
            precision = Math.min(Math.max(integralLeastNumDigits, 1 - scale), 38);
            newScale = 0;
        } else {
            newScale = Math.min(s, scale);
            precision = Math.min(integralLeastNumDigits + newScale, 38);
        }
        return precision <= 18 ? DType.decimal64(precision, newScale) : DType.decimal128(precision, newScale);
    }
}
