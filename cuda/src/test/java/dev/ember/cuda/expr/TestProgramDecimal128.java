package dev.ember.cuda.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.DType.TypeId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * DECIMAL128 in programs on the selected device against references computed with {@link BigDecimal}
 * alone (the exact result rounded HALF_UP to the result scale, null beyond the result precision):
 * arithmetic with the result types of Spark 3.5 (derived here from Spark's rules, with and without
 * {@code spark.sql.decimalOperations.allowPrecisionLoss}), ties, overflow at exactly 10^p, division by
 * zero and by divisors of more than 64 bits, casts, comparisons, IN, IF, COALESCE and register pairs.
 * Random values are ±(10^p - 1), 0, ±1, small values and values of every digit count, with nulls and
 * garbage under them. The row counts are small: the simulator runs the 128-bit division one thread at
 * a time.
 */
class TestProgramDecimal128 {
    /**
     * Row counts of the random checks: empty, one, a warp and a bit, a block, a few blocks (at odd sizes
     * the first input has no nulls).
     */
    private static final int[] SIZES = {0, 1, 33, 256, 1_025};

    private static final List<Op> ARITHMETIC = List.of(Op.ADD, Op.SUBTRACT, Op.MULTIPLY, Op.DIVIDE);

    /** Operand types of the arithmetic sweep: DECIMAL128 at scale 0, 38 and between, and DECIMAL64. */
    private static final DType[] OPERANDS = {DType.decimal(38, 0), DType.decimal(38, 4), DType.decimal(38, 10),
        DType.decimal(38, 38), DType.decimal(32, 4), DType.decimal(25, 20), DType.decimal(20, 2), DType.decimal(16, 2),
        DType.decimal(7, 3)};

    private static final DType[] WIDE = {DType.decimal128(19, 0), DType.decimal128(20, 2), DType.decimal128(25, 20),
        DType.decimal128(38, 0), DType.decimal128(38, 10), DType.decimal128(38, 38)};
    private static final DType[] NARROW = {DType.decimal64(1, 0), DType.decimal64(10, 2), DType.decimal64(18, 0),
        DType.decimal64(18, 4), DType.decimal64(18, 18)};
    private static final DType[] INTEGRAL = {DType.INT8, DType.INT16, DType.INT32, DType.INT64};

    // ---- Spark 3.5's result types (DecimalType.adjustPrecisionScale, DecimalType.bounded) ----

    private static final int MAX_PRECISION = 38;
    private static final int MINIMUM_ADJUSTED_SCALE = 6;

    /** Spark's result type of {@code a op b} (Add, Subtract, Multiply, Divide .resultDecimalType). */
    static DType sparkType(Op op, DType a, DType b, boolean allowPrecisionLoss) {
        int p1 = a.precision();
        int s1 = a.scale();
        int p2 = b.precision();
        int s2 = b.scale();
        switch (op) {
            case ADD, SUBTRACT -> {
                int scale = Math.max(s1, s2);
                int precision = Math.max(p1 - s1, p2 - s2) + scale + 1;
                return allowPrecisionLoss ? adjustPrecisionScale(precision, scale) : bounded(precision, scale);
            }
            case MULTIPLY -> {
                return allowPrecisionLoss ? adjustPrecisionScale(p1 + p2 + 1, s1 + s2) : bounded(p1 + p2 + 1, s1 + s2);
            }
            case DIVIDE -> {
                if (allowPrecisionLoss) {
                    int intDigits = p1 - s1 + s2;
                    int scale = Math.max(MINIMUM_ADJUSTED_SCALE, s1 + p2 + 1);
                    return adjustPrecisionScale(intDigits + scale, scale);
                }
                int intDigits = Math.min(MAX_PRECISION, p1 - s1 + s2);
                int decimalDigits = Math.min(MAX_PRECISION, Math.max(6, s1 + p2 + 1));
                int diff = intDigits + decimalDigits - MAX_PRECISION;
                if (diff > 0) {
                    decimalDigits -= diff / 2 + 1;
                    intDigits = MAX_PRECISION - decimalDigits;
                }
                return bounded(intDigits + decimalDigits, decimalDigits);
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    private static DType adjustPrecisionScale(int precision, int scale) {
        if (precision <= MAX_PRECISION) {
            return DType.decimal(precision, scale);
        }
        int intDigits = precision - scale;
        int minScale = Math.min(scale, MINIMUM_ADJUSTED_SCALE);
        return DType.decimal(MAX_PRECISION, Math.max(MAX_PRECISION - intDigits, minScale));
    }

    private static DType bounded(int precision, int scale) {
        return DType.decimal(Math.min(precision, MAX_PRECISION), Math.min(scale, MAX_PRECISION));
    }

    // ---- References ----

    /** The value if it has at most {@code precision} digits, else null (Spark's null on overflow). */
    private static BigDecimal fit(BigDecimal v, int precision) {
        return v.unscaledValue().abs().compareTo(BigInteger.TEN.pow(precision)) < 0 ? v : null;
    }

    /** The exact {@code x op y} rounded HALF_UP to the result scale; null beyond its precision or for x / 0. */
    static BigDecimal reference(Op op, BigDecimal x, BigDecimal y, DType result) {
        int s = result.scale();
        BigDecimal r = switch (op) {
            case ADD -> x.add(y).setScale(s, RoundingMode.HALF_UP);
            case SUBTRACT -> x.subtract(y).setScale(s, RoundingMode.HALF_UP);
            case MULTIPLY -> x.multiply(y).setScale(s, RoundingMode.HALF_UP);
            case DIVIDE -> y.signum() == 0 ? null : x.divide(y, s, RoundingMode.HALF_UP);
            default -> throw new IllegalArgumentException(op.toString());
        };
        return r == null ? null : fit(r, result.precision());
    }

    private static BigDecimal castReference(BigDecimal v, DType to) {
        return fit(v.setScale(to.scale(), RoundingMode.HALF_UP), to.precision());
    }

    /** Spark's decimal to integral cast: BigDecimal.longValue() (truncation, low 64 bits), then narrowing. */
    private static Object integralReference(BigDecimal v, DType to) {
        long truncated = v.toBigInteger().longValue();
        return switch (to.id()) {
            case INT8 -> (byte) truncated;
            case INT16 -> (short) truncated;
            case INT32 -> (int) truncated;
            default -> truncated;
        };
    }

    private static BigDecimal max(DType t) {
        return new BigDecimal(BigInteger.TEN.pow(t.precision()).subtract(BigInteger.ONE), t.scale());
    }

    private static BigDecimal value(DType t, String digits) {
        return new BigDecimal(digits).setScale(t.scale());
    }

    private static DType[] types(DType... t) {
        return t;
    }

    // ---- Result types ----

    @Test
    void sparkResultTypesOfTheReference() {
        DType d38x4 = DType.decimal(38, 4);
        assertThat(sparkType(Op.DIVIDE, d38x4, d38x4, true)).isEqualTo(DType.decimal(38, 6));
        assertThat(sparkType(Op.MULTIPLY, DType.decimal(32, 4), DType.decimal(16, 2), true)).isEqualTo(DType.decimal(38, 6));
        assertThat(sparkType(Op.MULTIPLY, DType.decimal(38, 10), DType.decimal(38, 10), true))
                .isEqualTo(DType.decimal(38, 6));
        assertThat(sparkType(Op.MULTIPLY, DType.decimal(38, 10), DType.decimal(38, 10), false))
                .isEqualTo(DType.decimal(38, 20));
        assertThat(sparkType(Op.ADD, DType.decimal(38, 10), DType.decimal(38, 30), true)).isEqualTo(DType.decimal(38, 9));
        assertThat(sparkType(Op.ADD, DType.decimal(38, 10), DType.decimal(38, 30), false)).isEqualTo(DType.decimal(38, 30));
        assertThat(sparkType(Op.DIVIDE, DType.decimal(38, 10), DType.decimal(38, 10), false))
                .isEqualTo(DType.decimal(38, 18));
        assertThat(sparkType(Op.DIVIDE, DType.decimal(10, 2), DType.decimal(5, 1), true)).isEqualTo(DType.decimal(17, 8));
        assertThat(sparkType(Op.ADD, DType.decimal(7, 2), DType.decimal(3, 2), true)).isEqualTo(DType.decimal(8, 2));
        // The builder's result register has the type asked for.
        ProgramBuilder b = new ProgramBuilder();
        Reg q = b.decimalArithmetic(Op.DIVIDE, b.input(0, d38x4), b.input(1, d38x4), DType.decimal(38, 6));
        assertThat(q.type()).isEqualTo(DType.decimal(38, 6));
        Reg narrow = b.decimalArithmetic(Op.DIVIDE, b.input(2, DType.decimal(10, 2)), b.input(3, DType.decimal(5, 1)),
                DType.decimal(17, 8));
        assertThat(narrow.type()).isEqualTo(DType.decimal64(17, 8));
        assertThatThrownBy(() -> b.decimalArithmetic(Op.REMAINDER, q, q, DType.decimal(38, 6)))
                .hasMessageContaining("ADD, SUBTRACT, MULTIPLY or DIVIDE");
        assertThatThrownBy(() -> b.decimalArithmetic(Op.ADD, q, b.input(4, DType.INT64), DType.decimal(38, 6)))
                .hasMessageContaining("takes decimals");
    }

    // ---- Arithmetic ----

    /**
     * ADD, SUBTRACT, MULTIPLY and DIVIDE over every pair of {@link #OPERANDS}, each with Spark's result
     * type with and without precision loss: one program per pair, up to eight outputs.
     */
    @Test
    void arithmeticWithSparkResultTypes() {
        for (DType x : OPERANDS) {
            for (DType y : OPERANDS) {
                List<Op> ops = new ArrayList<>();
                List<DType> results = new ArrayList<>();
                Set<String> seen = new LinkedHashSet<>();
                for (Op op : ARITHMETIC) {
                    for (boolean loss : new boolean[] {true, false}) {
                        DType result = sparkType(op, x, y, loss);
                        if (seen.add(op + " " + result)) {
                            ops.add(op);
                            results.add(result);
                        }
                    }
                }
                ProgramBuilder b = new ProgramBuilder();
                Reg a = b.input(0, x);
                Reg c = b.input(1, y);
                for (int k = 0; k < ops.size(); k++) {
                    Reg r = b.decimalArithmetic(ops.get(k), a, c, results.get(k));
                    assertThat(r.type()).isEqualTo(results.get(k));
                    b.output(r);
                }
                Program program = b.build();
                assertThat(program.outputTypes()).isEqualTo(results);
                EvalHarness.checkProgram(x + " op " + y + " -> " + results, types(x, y), program, row -> {
                    Object[] out = new Object[ops.size()];
                    for (int k = 0; k < out.length; k++) {
                        out[k] = row[0] == null || row[1] == null ? null
                                : reference(ops.get(k), (BigDecimal) row[0], (BigDecimal) row[1], results.get(k));
                    }
                    return out;
                }, SIZES);
            }
        }
    }

    /** Result types a caller may ask for beyond Spark's: narrower precisions and scales, DECIMAL64 results. */
    @Test
    void arithmeticWithOtherResultTypes() {
        DType[][] cases = {
            {DType.decimal(38, 10), DType.decimal(20, 2), DType.decimal(18, 6)},
            {DType.decimal(16, 2), DType.decimal(18, 4), DType.decimal(10, 2)},
            {DType.decimal(7, 3), DType.decimal(7, 3), DType.decimal(3, 1)},
            {DType.decimal(38, 38), DType.decimal(38, 0), DType.decimal(38, 38)},
            {DType.decimal(38, 0), DType.decimal(38, 38), DType.decimal(38, 0)},
            {DType.decimal(25, 20), DType.decimal(19, 0), DType.decimal(20, 19)}};
        for (DType[] c : cases) {
            DType x = c[0];
            DType y = c[1];
            DType result = c[2];
            ProgramBuilder b = new ProgramBuilder();
            for (Op op : ARITHMETIC) {
                b.output(b.decimalArithmetic(op, b.input(0, x), b.input(1, y), result));
            }
            EvalHarness.checkProgram(x + " op " + y + " -> " + result, types(x, y), b.build(), row -> {
                Object[] out = new Object[ARITHMETIC.size()];
                for (int k = 0; k < out.length; k++) {
                    out[k] = row[0] == null || row[1] == null ? null
                            : reference(ARITHMETIC.get(k), (BigDecimal) row[0], (BigDecimal) row[1], result);
                }
                return out;
            }, SIZES);
        }
    }

    /** One row of {@link #checkRows}: x, y and the expected result (null for SQL null). */
    private record Row(String x, String y, String expected) {}

    private static Row row(String x, String y, String expected) {
        return new Row(x, y, expected);
    }

    /**
     * {@code x op y} over the given rows (and every row once more with the operands' signs flipped where
     * that flips the result): the device's result must be the expected one, which must also be the
     * {@link #reference}.
     */
    private static void checkRows(Op op, DType xt, DType yt, DType result, Row... rows) {
        List<BigDecimal> xs = new ArrayList<>();
        List<BigDecimal> ys = new ArrayList<>();
        List<BigDecimal> expected = new ArrayList<>();
        for (Row r : rows) {
            BigDecimal x = value(xt, r.x());
            BigDecimal y = value(yt, r.y());
            BigDecimal e = r.expected() == null ? null : value(result, r.expected());
            xs.add(x);
            ys.add(y);
            expected.add(e);
            // Ties round away from zero: negating x negates a sum, difference (with y), product and quotient.
            if (op == Op.MULTIPLY || op == Op.DIVIDE) {
                xs.add(x.negate());
                ys.add(y);
                expected.add(e == null ? null : e.negate());
                xs.add(x);
                ys.add(y.negate());
                expected.add(e == null ? null : e.negate());
            } else {
                xs.add(x.negate());
                ys.add(y.negate());
                expected.add(e == null ? null : e.negate());
            }
        }
        ProgramBuilder b = new ProgramBuilder();
        b.output(b.decimalArithmetic(op, b.input(0, xt), b.input(1, yt), result));
        Program program = b.build();
        int n = xs.size();
        List<Object[]> out = EvalHarness.run(program, List.of(new EvalHarness.Values(xt, xs.toArray()),
                new EvalHarness.Values(yt, ys.toArray())), n);
        for (int i = 0; i < n; i++) {
            String what = xs.get(i) + " " + op + " " + ys.get(i) + " as " + result;
            BigDecimal ref = reference(op, xs.get(i), ys.get(i), result);
            if (!EvalHarness.same(expected.get(i), ref)) {
                fail("the reference of %s is %s, expected %s", what, ref, expected.get(i));
            }
            if (!EvalHarness.same(expected.get(i), out.get(0)[i])) {
                fail("%s is %s, expected %s%n%s", what, out.get(0)[i], expected.get(i), program);
            }
        }
    }

    private static final String NINES_38 = "99999999999999999999999999999999999999";
    private static final String NINES_37 = "9999999999999999999999999999999999999";

    @Test
    void tiesRoundHalfUpAwayFromZero() {
        DType d38 = DType.decimal(38, 0);
        // Quotients: 1/8 = 0.125 -> 0.13; 5/2 = 2.5 -> 3; (10^38 - 1) / 2 = ...9.5 -> 5 * 10^37.
        checkRows(Op.DIVIDE, d38, d38, DType.decimal(38, 2), row("1", "8", "0.13"), row("1", "16", "0.06"),
                row("3", "16", "0.19"), row("0", "7", "0.00"));
        checkRows(Op.DIVIDE, d38, d38, d38, row("5", "2", "3"), row("7", "2", "4"), row("1", "3", "0"),
                row(NINES_38, "2", "50000000000000000000000000000000000000"),
                row(NINES_38, "1", NINES_38));
        // Divisors of more than 64 bits: 3 * 10^20 / (2 * 10^20) = 1.5 -> 2; at scale 25, 2.0 as 2 * 10^25.
        checkRows(Op.DIVIDE, d38, d38, d38, row("300000000000000000000", "200000000000000000000", "2"),
                row("500000000000000000000000000000000000", "200000000000000000000", "2500000000000000"),
                row("100000000000000000000000000000000001", "200000000000000000000000000000000002", "1"));
        checkRows(Op.DIVIDE, d38, DType.decimal(38, 25), DType.decimal(38, 6), row("5", "2", "2.500000"),
                row("1", "0.0000000000000000000000003", "3333333333333333333333333.333333"),
                row("1", "6", "0.166667"), row("1", "8", "0.125000"),
                row("1", "0.0000000000000000000000001", "10000000000000000000000000"),
                row("100000000000000000000000000000000", "0.0000000000000000000000001", null));
        // Quotients of more than 64 bits from divisors of more than 64 bits.
        checkRows(Op.DIVIDE, d38, DType.decimal(38, 20), d38,
                row(NINES_38, "1.00000000000000000001", "99999999999999999998999999999999999999"),
                row(NINES_38, "1.00000000000000000000", NINES_38),
                row(NINES_38, "0.99999999999999999999", null),
                row("12345678901234567890123456789", "0.00000000000000000003", null),
                row("123456789012345678", "0.00000000000000000003", "4115226300411522600000000000000000000"));
        // decimal(38,4) / decimal(38,4) = decimal(38,6): 2 / 3 = 0.666667, 1 / 0.0008 = 1250.
        DType d38x4 = DType.decimal(38, 4);
        checkRows(Op.DIVIDE, d38x4, d38x4, sparkType(Op.DIVIDE, d38x4, d38x4, true), row("2", "3", "0.666667"),
                row("1", "0.0008", "1250"), row("0.0001", "0.0002", "0.5"), row("0.0001", "3", "0.000033"),
                row("0.0001", "6", "0.000017"), row("9999999999999999999999999999999999.9999", "0.0001", null),
                row("99999999999999999999999999.9999", "0.0001", "999999999999999999999999999999"),
                row("9999999999999999999999999999.9999", "0.0001", "99999999999999999999999999999999"),
                row("99999999999999999999999999999.9999", "0.0001", null),
                row("0.0005", "1000", "0.000001"), row("0.0004", "1000", "0"));
        // Products: 0.5 * 3 = 1.5 -> 2; 1.5 * (10^37 - 1) = ...98.5 -> ...99.
        checkRows(Op.MULTIPLY, DType.decimal(20, 1), d38, d38, row("0.5", "3", "2"), row("0.5", "1", "1"),
                row("0.4", "1", "0"), row("1.5", NINES_37, "14999999999999999999999999999999999999"),
                row("0.5", NINES_38, "50000000000000000000000000000000000000"));
        // decimal(38,10) * decimal(38,10) = decimal(38,6): 0.0000005 -> 0.000001; 0.00000049999 -> 0.
        DType d38x10 = DType.decimal(38, 10);
        checkRows(Op.MULTIPLY, d38x10, d38x10, sparkType(Op.MULTIPLY, d38x10, d38x10, true),
                row("0.0000005", "1", "0.000001"), row("0.0000004999", "1", "0"), row("0.0005", "0.001", "0.000001"),
                row("0.0007071067", "0.0007071067", "0"), row("0.0007071068", "0.0007071068", "0.000001"),
                row("1234567890123456789012345678.0123456789", "1", "1234567890123456789012345678.012346"));
        // decimal(32,4) * decimal(16,2) = decimal(38,6): exact, or null past 32 integer digits.
        DType d32x4 = DType.decimal(32, 4);
        DType d16x2 = DType.decimal(16, 2);
        checkRows(Op.MULTIPLY, d32x4, d16x2, sparkType(Op.MULTIPLY, d32x4, d16x2, true),
                row("1234567890123456789012345678.9999", "99999999999999.99",
                        null),
                row("12345678901234567890123.4567", "100000000.01", "1234567890246913578024691348901.234567"),
                row("0.0001", "0.01", "0.000001"), row("0.0001", "0.05", "0.000005"));
        // decimal(38,10) + decimal(38,30) = decimal(38,9): 5 * 10^-10 -> 10^-9.
        checkRows(Op.ADD, d38x10, DType.decimal(38, 30), sparkType(Op.ADD, d38x10, DType.decimal(38, 30), true),
                row("0", "0.0000000005", "0.000000001"), row("0", "0.000000000" + "4" + "9".repeat(20), "0"),
                row("1.0000000000", "0.000000000499999", "1.000000000"),
                row("1.0000000001", "0.000000000499999", "1.000000001"),
                row("1.0000000005", "0.0000000000000000000000000001", "1.000000001"));
        checkRows(Op.SUBTRACT, d38x10, DType.decimal(38, 30), DType.decimal(38, 9),
                row("0.0000000010", "0.0000000005", "0.000000001"),
                row("0.0000000010", "0.000000000" + "5" + "0".repeat(19) + "1", "0"));
    }

    @Test
    void overflowAtExactlyTenToThePrecision() {
        DType d38 = DType.decimal(38, 0);
        // Sums: 10^38 - 1 fits decimal(38,0), 10^38 does not.
        checkRows(Op.ADD, d38, d38, d38, row("99999999999999999999999999999999999998", "1", NINES_38),
                row("99999999999999999999999999999999999998", "2", null), row(NINES_38, "0", NINES_38),
                row(NINES_38, NINES_38, null), row(NINES_38, "-" + NINES_38, "0"));
        checkRows(Op.SUBTRACT, d38, d38, d38, row("-99999999999999999999999999999999999998", "1", "-" + NINES_38),
                row("-99999999999999999999999999999999999998", "2", null));
        // Products: (10^19 - 1) * (10^19 + 1) = 10^38 - 1; 10^19 * 10^19 = 10^38.
        DType d20 = DType.decimal(20, 0);
        checkRows(Op.MULTIPLY, d20, d20, sparkType(Op.MULTIPLY, d20, d20, true),
                row("9999999999999999999", "10000000000000000001", NINES_38),
                row("10000000000000000000", "10000000000000000000", null),
                row("99999999999999999999", "99999999999999999999", null));
        // Rounding up to 10^p: ...9.5 -> 10^37, null in decimal(37,0); ...9.4 -> 10^37 - 1.
        DType d38x1 = DType.decimal(38, 1);
        DType d37 = DType.decimal(37, 0);
        checkRows(Op.DIVIDE, d38x1, DType.decimal(1, 0), d37, row(NINES_37 + ".4", "1", NINES_37),
                row(NINES_37 + ".5", "1", null), row(NINES_37 + ".4", "0", null));
        checkRows(Op.MULTIPLY, d38x1, DType.decimal(1, 0), d37, row(NINES_37 + ".4", "1", NINES_37),
                row(NINES_37 + ".5", "1", null));
        checkRows(Op.ADD, d38x1, DType.decimal(1, 0), d37, row(NINES_37 + ".4", "0", NINES_37),
                row(NINES_37 + ".5", "0", null));
        // DECIMAL64 results of 128-bit instructions: 10^18 - 1 fits decimal(18,0), 10^18 does not.
        DType d18 = DType.decimal(18, 0);
        checkRows(Op.MULTIPLY, d38, d38, d18, row("999999999999999999", "1", "999999999999999999"),
                row("1000000000000000000", "1", null), row("333333333333333333", "3", "999999999999999999"));
        checkRows(Op.DIVIDE, d38, d38, d18, row("1999999999999999999", "2", null),
                row("1999999999999999997", "2", "999999999999999999"), row("1", "0", null));
    }

    @Test
    void divisionByZeroIsNull() {
        for (DType y : List.of(DType.decimal(38, 0), DType.decimal(38, 38), DType.decimal(20, 2), DType.decimal(7, 3))) {
            DType x = DType.decimal(38, 10);
            checkRows(Op.DIVIDE, x, y, DType.decimal(38, 6), row("1", "0", null), row("0", "0", null),
                    row("1234567890123456789012345678.0123456789", "0", null));
        }
    }

    // ---- Casts ----

    @Test
    void decimalToDecimal() {
        List<DType> all = new ArrayList<>(Arrays.asList(WIDE));
        all.addAll(Arrays.asList(NARROW));
        for (DType from : all) {
            List<DType> targets = all.stream().filter(to -> !to.equals(from)
                    && (from.id() == TypeId.DECIMAL128 || to.id() == TypeId.DECIMAL128)).toList();
            checkCasts(from, targets, v -> targets.stream().map(to -> (Object) castReference((BigDecimal) v, to)).toArray());
        }
    }

    @Test
    void castTiesAndOverflow() {
        DType from = DType.decimal(38, 1);
        DType to = DType.decimal(37, 0);
        String[] values = {"0.5", "1.5", "2.5", "0.4", NINES_37 + ".4", NINES_37 + ".5", NINES_38.substring(1) + ".0"};
        String[] expected = {"1", "2", "3", "0", NINES_37, null, NINES_37};
        List<Object> xs = new ArrayList<>();
        for (String v : values) {
            xs.add(value(from, v));
            xs.add(value(from, v).negate());
        }
        ProgramBuilder b = new ProgramBuilder();
        b.output(b.cast(b.input(0, from), to));
        b.output(b.cast(b.input(0, from), DType.decimal(38, 3)));
        b.output(b.cast(b.input(0, from), DType.decimal(18, 0)));
        List<Object[]> out = EvalHarness.run(b.build(), List.of(new EvalHarness.Values(from, xs.toArray())), xs.size());
        for (int i = 0; i < xs.size(); i++) {
            BigDecimal e = expected[i / 2] == null ? null : value(to, expected[i / 2]);
            if (e != null && i % 2 == 1) {
                e = e.negate();
            }
            BigDecimal x = (BigDecimal) xs.get(i);
            assertThat(castReference(x, to)).as("reference of %s", x).isEqualTo(e);
            assertThat(out.get(0)[i]).as("CAST %s AS %s", x, to).isEqualTo(e);
            assertThat(out.get(1)[i]).as("CAST %s AS decimal(38,3)", x).isEqualTo(castReference(x, DType.decimal(38, 3)));
            assertThat(out.get(2)[i]).as("CAST %s AS decimal(18,0)", x).isEqualTo(castReference(x, DType.decimal(18, 0)));
        }
    }

    @Test
    void integralAndBooleanToDecimal128() {
        for (DType from : INTEGRAL) {
            List<DType> targets = Arrays.asList(WIDE);
            checkCasts(from, targets, v -> targets.stream()
                    .map(to -> (Object) castReference(new BigDecimal(((Number) v).longValue()), to)).toArray());
        }
        List<DType> targets = List.of(DType.decimal128(19, 18), DType.decimal128(38, 38), DType.decimal128(20, 0));
        checkCasts(DType.BOOL8, targets, v -> targets.stream()
                .map(to -> (Object) castReference((Boolean) v ? BigDecimal.ONE : BigDecimal.ZERO, to)).toArray());
    }

    @Test
    void decimal128ToIntegralAndBoolean() {
        List<DType> targets = List.of(DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.BOOL8);
        for (DType from : WIDE) {
            checkCasts(from, targets, v -> targets.stream()
                    .map(to -> to.equals(DType.BOOL8) ? (Object) (((BigDecimal) v).signum() != 0)
                            : integralReference((BigDecimal) v, to)).toArray());
        }
        // Truncation toward zero, then the low bits: 2^64 + 5 as bigint is 5, -(2^63) - 1.9 is Long.MAX_VALUE.
        DType from = DType.decimal(38, 1);
        List<Object> xs = List.of(new BigDecimal("18446744073709551621.9"), new BigDecimal("-9223372036854775809.9"),
                new BigDecimal("-0.9"), new BigDecimal("-1.0"), new BigDecimal("300.5"));
        ProgramBuilder b = new ProgramBuilder();
        b.output(b.cast(b.input(0, from), DType.INT64));
        b.output(b.cast(b.input(0, from), DType.INT8));
        b.output(b.cast(b.input(0, from), DType.BOOL8));
        List<Object[]> out = EvalHarness.run(b.build(), List.of(new EvalHarness.Values(from, xs.toArray())), xs.size());
        assertThat(out.get(0)).containsExactly(5L, Long.MAX_VALUE, 0L, -1L, 300L);
        assertThat(out.get(1)).containsExactly((byte) 5, (byte) -1, (byte) 0, (byte) -1, (byte) 44);
        assertThat(out.get(2)).containsExactly(true, true, true, true, true);
    }

    /** One program casting input 0 of {@code from} to every target; {@code ref} maps a non-null value to the outputs. */
    private static void checkCasts(DType from, List<DType> targets, Function<Object, Object[]> ref) {
        ProgramBuilder b = new ProgramBuilder();
        Reg x = b.input(0, from);
        for (DType to : targets) {
            b.output(b.cast(x, to));
        }
        EvalHarness.checkProgram("cast " + from + " to " + targets, types(from), b.build(),
                row -> row[0] == null ? new Object[targets.size()] : ref.apply(row[0]), SIZES);
    }

    @Test
    void castProblems() {
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(38, 10), DType.FLOAT64)).get().asString()
                .contains("decimal(38,10)");
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(20, 0), DType.FLOAT32)).isPresent();
        assertThat(ProgramBuilder.decimalCastProblem(DType.FLOAT32, DType.decimal(20, 0))).isPresent();
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(20, 0), DType.decimal(38, 38))).isEmpty();
        ProgramBuilder b = new ProgramBuilder();
        Reg x = b.input(0, DType.decimal(20, 2));
        assertThat(b.cast(x, DType.decimal(20, 2))).isSameAs(x);
        assertThatThrownBy(() -> b.cast(x, DType.FLOAT64)).hasMessageContaining("decimal(20,2)");
        assertThatThrownBy(() -> b.cast(x, DType.DATE32)).hasMessageContaining("not computed");
    }

    // ---- Comparisons, null tests, IN, IF, COALESCE, NEGATE, ABS ----

    @Test
    void comparisonsNullTestsAndOutputs() {
        List<Op> ops = List.of(Op.EQUAL, Op.LESS_THAN, Op.LESS_OR_EQUAL, Op.GREATER_THAN, Op.GREATER_OR_EQUAL,
                Op.NOT_EQUAL);
        for (DType t : WIDE) {
            ProgramBuilder b = new ProgramBuilder();
            Reg x = b.input(0, t);
            Reg y = b.input(1, t);
            for (Op op : ops) {
                b.output(b.op(op, x, y));
            }
            b.output(b.nullSafeEqual(x, y));
            b.output(b.nullSafeEqual(x, x));
            b.output(b.isNull(x));
            b.output(b.isNotNull(y));
            b.output(x);
            b.output(b.nullLiteral(t));
            b.output(b.literal(t, max(t).negate()));
            b.output(b.lessThan(x, b.literal(t, max(t))));
            Program program = b.build();
            assertThat(program.usesDecimal128()).isTrue();
            EvalHarness.checkProgram("comparisons " + t, types(t, t), program, row -> {
                BigDecimal p = (BigDecimal) row[0];
                BigDecimal q = (BigDecimal) row[1];
                List<Object> out = new ArrayList<>();
                for (Op op : ops) {
                    if (p == null || q == null) {
                        out.add(null);
                        continue;
                    }
                    int c = p.compareTo(q);
                    out.add(switch (op) {
                        case EQUAL -> c == 0;
                        case LESS_THAN -> c < 0;
                        case LESS_OR_EQUAL -> c <= 0;
                        case GREATER_THAN -> c > 0;
                        case GREATER_OR_EQUAL -> c >= 0;
                        default -> c != 0;
                    });
                }
                out.add(p == null || q == null ? p == q : p.compareTo(q) == 0);
                out.add(true);
                out.add(p == null);
                out.add(q != null);
                out.add(p);
                out.add(null);
                out.add(max(t).negate());
                out.add(p == null ? null : p.compareTo(max(t)) < 0);
                return out.toArray();
            }, SIZES);
        }
    }

    @Test
    void inIfCaseAndCoalesce() {
        for (DType t : WIDE) {
            BigDecimal max = max(t);
            BigDecimal unit = BigDecimal.ONE.movePointLeft(t.scale());
            List<Object> list = new ArrayList<>(Arrays.asList(max, max.negate(), BigDecimal.ZERO, unit.negate()));
            if (t.precision() >= 20) {
                // 2^64 units: a high word of 1.
                list.add(new BigDecimal(BigInteger.ONE.shiftLeft(64), t.scale()));
            }
            List<Object> withNull = new ArrayList<>(list);
            withNull.add(null);
            ProgramBuilder b = new ProgramBuilder();
            Reg flag = b.input(0, DType.BOOL8);
            Reg x = b.input(1, t);
            Reg y = b.input(2, t);
            b.output(b.in(x, list));
            b.output(b.in(y, withNull));
            b.output(b.ifThenElse(flag, x, y));
            b.output(b.coalesce(x, y, b.literal(t, max)));
            b.output(b.coalesce(b.nullLiteral(t), y));
            b.output(b.caseWhen(List.of(flag, b.isNull(x)), List.of(b.literal(t, max.negate()), y), null));
            EvalHarness.checkProgram("in, if, case, coalesce " + t, types(DType.BOOL8, t, t), b.build(), row -> {
                BigDecimal p = (BigDecimal) row[1];
                BigDecimal q = (BigDecimal) row[2];
                boolean cond = Boolean.TRUE.equals(row[0]);
                return new Object[] {
                    p == null ? null : list.stream().anyMatch(v -> ((BigDecimal) v).compareTo(p) == 0),
                    q == null ? null : list.stream().anyMatch(v -> ((BigDecimal) v).compareTo(q) == 0) ? Boolean.TRUE : null,
                    cond ? p : q,
                    p != null ? p : q != null ? q : max,
                    q,
                    cond ? max.negate() : p == null ? q : null};
            }, SIZES);
        }
    }

    @Test
    void negateAndAbsKeepTheType() {
        List<DType> all = new ArrayList<>(Arrays.asList(WIDE));
        all.addAll(Arrays.asList(NARROW));
        for (DType t : all) {
            ProgramBuilder b = new ProgramBuilder();
            Reg x = b.input(0, t);
            Reg negated = b.negate(x);
            Reg abs = b.abs(x);
            assertThat(negated.type()).isEqualTo(t);
            assertThat(abs.type()).isEqualTo(t);
            b.output(negated);
            b.output(abs);
            b.output(b.negate(b.abs(x)));
            EvalHarness.checkProgram("negate, abs " + t, types(t), b.build(), strict1(v -> new Object[] {v.negate(),
                v.abs(), v.abs().negate()}, 3), SIZES);
        }
    }

    /** Null in, nulls out; otherwise {@code f} of the one decimal input. */
    private static EvalHarness.MultiRef strict1(Function<BigDecimal, Object[]> f, int outputs) {
        return row -> row[0] == null ? new Object[outputs] : f.apply((BigDecimal) row[0]);
    }

    // ---- Registers ----

    /**
     * Several DECIMAL128 values alive at once next to narrow ones, pairs freed and taken again in
     * between: the register count is the most registers alive at once and every result is right.
     */
    @Test
    void registerPairsUnderPressure() {
        DType a = DType.decimal128(38, 10);
        DType c = DType.decimal128(20, 2);
        DType e = DType.decimal128(30, 5);
        ProgramBuilder b = new ProgramBuilder();
        Reg i = b.input(0, DType.INT32);
        Reg w0 = b.input(1, a);
        Reg flag = b.input(2, DType.BOOL8);
        Reg w1 = b.input(3, a);
        Reg l = b.input(4, DType.INT64);
        Reg w2 = b.input(5, c);
        Reg w3 = b.input(6, e);
        Reg small = b.add(i, b.literal(1));
        Reg sum = b.decimalArithmetic(Op.ADD, w0, w1, DType.decimal128(38, 9));
        Reg product = b.decimalArithmetic(Op.MULTIPLY, w2, w3, DType.decimal128(38, 7));
        Reg fromInt = b.cast(small, DType.decimal128(20, 0));
        Reg fromLong = b.cast(l, DType.decimal128(38, 7));
        Reg quotient = b.decimalArithmetic(Op.DIVIDE, product, fromLong, DType.decimal128(38, 6));
        Reg cmp = b.lessThan(b.cast(sum, DType.decimal128(38, 7)), product);
        Reg pick = b.ifThenElse(b.and(flag, cmp), w0, w1);
        Reg total = b.decimalArithmetic(Op.ADD, fromInt, w2, DType.decimal128(23, 2));
        b.output(sum);
        b.output(product);
        b.output(quotient);
        b.output(cmp);
        b.output(pick);
        b.output(total);
        b.output(b.coalesce(w3, b.cast(l, e)));
        b.output(small);
        b.output(w0);
        b.output(w1);
        b.output(w2);
        b.output(l);
        b.output(flag);
        Program program = b.build();
        assertThat(program.usesDecimal128()).isTrue();
        // The most alive at once, at the IF: w0..w3, sum, product, fromInt, the quotient and the IF's
        // result (nine pairs), small, flag, l and the comparison.
        assertThat(program.registerCount()).as("%s", program).isEqualTo(22);
        EvalHarness.checkProgram("register pairs", types(DType.INT32, a, DType.BOOL8, a, DType.INT64, c, e), program,
                row -> {
                    Integer iv = (Integer) row[0];
                    BigDecimal x0 = (BigDecimal) row[1];
                    Boolean f = (Boolean) row[2];
                    BigDecimal x1 = (BigDecimal) row[3];
                    Long lv = (Long) row[4];
                    BigDecimal x2 = (BigDecimal) row[5];
                    BigDecimal x3 = (BigDecimal) row[6];
                    Integer smallV = iv == null ? null : iv + 1;
                    BigDecimal s = x0 == null || x1 == null ? null : reference(Op.ADD, x0, x1, DType.decimal128(38, 9));
                    BigDecimal p = x2 == null || x3 == null ? null
                            : reference(Op.MULTIPLY, x2, x3, DType.decimal128(38, 7));
                    BigDecimal fi = smallV == null ? null : castReference(new BigDecimal(smallV), DType.decimal128(20, 0));
                    BigDecimal fl = lv == null ? null : castReference(new BigDecimal(lv), DType.decimal128(38, 7));
                    BigDecimal q = p == null || fl == null ? null : reference(Op.DIVIDE, p, fl, DType.decimal128(38, 6));
                    BigDecimal s7 = s == null ? null : castReference(s, DType.decimal128(38, 7));
                    Boolean lt = s7 == null || p == null ? null : s7.compareTo(p) < 0;
                    Boolean and = Boolean.FALSE.equals(f) || Boolean.FALSE.equals(lt) ? Boolean.FALSE
                            : f == null || lt == null ? null : Boolean.TRUE;
                    BigDecimal chosen = Boolean.TRUE.equals(and) ? x0 : x1;
                    BigDecimal t = fi == null || x2 == null ? null : reference(Op.ADD, fi, x2, DType.decimal128(23, 2));
                    BigDecimal co = x3 != null ? x3 : lv == null ? null : castReference(new BigDecimal(lv), e);
                    return new Object[] {s, p, q, lt, chosen, t, co, smallV, x0, x1, x2, lv, f};
                }, SIZES);
    }

    @Test
    void thirtyTwoPairsFillTheRegisterFile() {
        DType t = DType.decimal128(38, 2);
        ProgramBuilder fits = new ProgramBuilder();
        List<Reg> values = new ArrayList<>();
        for (int k = 0; k < 32; k++) {
            values.add(fits.input(k, t));
        }
        values.forEach(fits::output);
        assertThat(fits.build().registerCount()).isEqualTo(64);
        ProgramBuilder tooMany = new ProgramBuilder();
        List<Reg> more = new ArrayList<>();
        for (int k = 0; k < 32; k++) {
            more.add(tooMany.input(k, t));
        }
        more.add(tooMany.input(32, DType.INT32));
        more.forEach(tooMany::output);
        assertThatThrownBy(tooMany::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs more than 64 registers");
        // A narrow value between pairs: the freed single register and its neighbour above make a pair again.
        ProgramBuilder b = new ProgramBuilder();
        Reg i = b.input(0, DType.INT32);
        Reg w = b.input(1, t);
        b.output(i);
        Reg w2 = b.input(2, t);
        b.output(b.decimalArithmetic(Op.ADD, w, w2, DType.decimal128(38, 2)));
        Program p = b.build();
        assertThat(p.registerCount()).as("%s", p).isLessThanOrEqualTo(5);
        EvalHarness.checkProgram("pairs after a single", types(DType.INT32, t, t), p, row -> new Object[] {row[0],
            row[1] == null || row[2] == null ? null : reference(Op.ADD, (BigDecimal) row[1], (BigDecimal) row[2], t)},
                SIZES);
    }

    // ---- Listing and kernel choice ----

    @Test
    void listingAndKernelChoice() {
        ProgramBuilder b = new ProgramBuilder();
        DType t = DType.decimal128(38, 4);
        Reg x = b.input(0, t);
        b.output(b.decimalArithmetic(Op.DIVIDE, x, b.literal(t, new BigDecimal("-1.0000")), DType.decimal128(38, 6)));
        b.output(b.cast(x, DType.decimal64(18, 2)));
        Program p = b.build();
        assertThat(p.usesDecimal128()).isTrue();
        assertThat(p.toString()).contains("INPUT decimal128 column 0", "LITERAL decimal128 0xffffffffffffffff"
                + "ffffffffffffd8f0", "DIVIDE decimal128 r0 (scale 4), r", "(scale 4) -> decimal(38,6)",
                "CAST decimal128 r0 to decimal64 (scale 4 -> decimal(18,2))", "OUTPUT 0 decimal128");
        // Only casts to DECIMAL128 use it too.
        ProgramBuilder c = new ProgramBuilder();
        c.output(c.isNull(c.cast(c.input(0, DType.INT32), DType.decimal128(20, 0))));
        assertThat(c.build().usesDecimal128()).isTrue();
        // DECIMAL64 arithmetic with the exact result type stays in int64 registers on the plain interpreter.
        ProgramBuilder d = new ProgramBuilder();
        d.output(d.decimalArithmetic(Op.ADD, d.input(0, DType.decimal64(7, 2)), d.input(1, DType.decimal64(3, 2)),
                DType.decimal64(8, 2)));
        d.output(d.decimalArithmetic(Op.MULTIPLY, d.input(0, DType.decimal64(7, 2)), d.input(1, DType.decimal64(3, 2)),
                DType.decimal64(11, 4)));
        Program narrow = d.build();
        assertThat(narrow.usesDecimal128()).as("%s", narrow).isFalse();
        ProgramBuilder e = new ProgramBuilder();
        e.output(e.decimalArithmetic(Op.DIVIDE, e.input(0, DType.decimal64(7, 2)), e.input(1, DType.decimal64(3, 2)),
                DType.decimal64(15, 6)));
        assertThat(e.build().usesDecimal128()).isTrue();
        // DECIMAL64 operands whose exact product or sum needs more than 18 digits: one 128-bit instruction.
        ProgramBuilder f = new ProgramBuilder();
        Reg n = f.input(0, DType.decimal64(18, 4));
        f.output(f.decimalArithmetic(Op.MULTIPLY, n, n, DType.decimal128(37, 8)));
        f.output(f.decimalArithmetic(Op.ADD, n, f.input(1, DType.decimal64(18, 0)), DType.decimal128(23, 4)));
        Program wide = f.build();
        assertThat(wide.usesDecimal128()).isTrue();
        assertThat(wide.toString()).contains("MULTIPLY decimal128", "-> decimal(37,8)", "ADD decimal128", "-> decimal(23,4)");
    }
}
