package dev.ember.cuda.expr;

import static dev.ember.cuda.expr.EvalHarness.FLOATING;
import static dev.ember.cuda.expr.EvalHarness.NUMERIC;
import static dev.ember.cuda.expr.EvalHarness.check;
import static dev.ember.cuda.expr.EvalHarness.strict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.testing.TestDevices;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every operation on every type it takes, on the selected device, against references written with
 * Java's own arithmetic on boxed values ({@link JavaRef}) and {@code java.time.LocalDate}: random
 * inputs with nulls, NaN, -0.0, min/max, at sizes 0, 1, 33, 257 and 100,003.
 */
class TestProgramEvaluator {
    private static final DType[] ALL = {DType.BOOL8, DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.FLOAT32,
        DType.FLOAT64, DType.DATE32};
    private static final DType[] CASTABLE = Arrays.copyOf(ALL, 7);

    @Test
    void add() {
        for (DType t : NUMERIC) {
            check("add " + t, types(t, t), b -> b.add(b.input(0, t), b.input(1, t)), strict(a -> JavaRef.add(a[0], a[1])));
        }
    }

    @Test
    void subtract() {
        for (DType t : NUMERIC) {
            check("subtract " + t, types(t, t), b -> b.subtract(b.input(0, t), b.input(1, t)),
                    strict(a -> JavaRef.subtract(a[0], a[1])));
        }
    }

    @Test
    void multiply() {
        for (DType t : NUMERIC) {
            check("multiply " + t, types(t, t), b -> b.multiply(b.input(0, t), b.input(1, t)),
                    strict(a -> JavaRef.multiply(a[0], a[1])));
        }
    }

    @Test
    void divide() {
        for (DType t : FLOATING) {
            check("divide " + t, types(t, t), b -> b.divide(b.input(0, t), b.input(1, t)),
                    strict(a -> JavaRef.isZero(a[1]) ? null : JavaRef.divide(a[0], a[1])));
        }
    }

    @Test
    void integralDivide() {
        check("div bigint", types(DType.INT64, DType.INT64),
                b -> b.integralDivide(b.input(0, DType.INT64), b.input(1, DType.INT64)),
                strict(a -> (Long) a[1] == 0 ? null : (Long) a[0] / (Long) a[1]));
    }

    @Test
    void remainder() {
        for (DType t : NUMERIC) {
            check("remainder " + t, types(t, t), b -> b.remainder(b.input(0, t), b.input(1, t)),
                    strict(a -> JavaRef.isZero(a[1]) ? null : JavaRef.remainder(a[0], a[1])));
        }
    }

    @Test
    void pmod() {
        for (DType t : NUMERIC) {
            check("pmod " + t, types(t, t), b -> b.pmod(b.input(0, t), b.input(1, t)),
                    strict(a -> JavaRef.isZero(a[1]) ? null : JavaRef.pmod(a[0], a[1])));
        }
    }

    @Test
    void negateAndAbs() {
        for (DType t : NUMERIC) {
            check("negate " + t, types(t), b -> b.negate(b.input(0, t)), strict(a -> JavaRef.negate(a[0])));
            check("abs " + t, types(t), b -> b.abs(b.input(0, t)), strict(a -> JavaRef.abs(a[0])));
        }
    }

    @Test
    void comparisons() {
        for (DType t : ALL) {
            DType[] in = types(t, t);
            check("= " + t, in, b -> b.equal(b.input(0, t), b.input(1, t)), strict(a -> JavaRef.compare(a[0], a[1]) == 0));
            check("!= " + t, in, b -> b.notEqual(b.input(0, t), b.input(1, t)),
                    strict(a -> JavaRef.compare(a[0], a[1]) != 0));
            check("< " + t, in, b -> b.lessThan(b.input(0, t), b.input(1, t)), strict(a -> JavaRef.compare(a[0], a[1]) < 0));
            check("<= " + t, in, b -> b.lessOrEqual(b.input(0, t), b.input(1, t)),
                    strict(a -> JavaRef.compare(a[0], a[1]) <= 0));
            check("> " + t, in, b -> b.greaterThan(b.input(0, t), b.input(1, t)),
                    strict(a -> JavaRef.compare(a[0], a[1]) > 0));
            check(">= " + t, in, b -> b.greaterOrEqual(b.input(0, t), b.input(1, t)),
                    strict(a -> JavaRef.compare(a[0], a[1]) >= 0));
            check("<=> " + t, in, b -> b.nullSafeEqual(b.input(0, t), b.input(1, t)),
                    a -> a[0] == null || a[1] == null ? a[0] == a[1] : JavaRef.compare(a[0], a[1]) == 0);
        }
    }

    @Test
    void floatingComparisonsFollowSparksOrder() {
        for (DType t : FLOATING) {
            ProgramBuilder b = new ProgramBuilder();
            boolean f = t.equals(DType.FLOAT32);
            Reg nan = f ? b.literal(Float.NaN) : b.literal(Double.NaN);
            Reg inf = f ? b.literal(Float.POSITIVE_INFINITY) : b.literal(Double.POSITIVE_INFINITY);
            Reg zero = f ? b.literal(0.0f) : b.literal(0.0);
            Reg negZero = f ? b.literal(-0.0f) : b.literal(-0.0);
            b.output(b.equal(nan, nan));
            b.output(b.greaterThan(nan, inf));
            b.output(b.equal(zero, negZero));
            b.output(b.lessThan(negZero, zero));
            b.output(b.in(zero, f ? List.of(-0.0f) : List.of(-0.0)));
            assertThat(EvalHarness.run(b.build(), List.of(), 1)).containsExactly(
                    new Object[] {true}, new Object[] {true}, new Object[] {true}, new Object[] {false},
                    new Object[] {true});
        }
    }

    @Test
    void logic() {
        DType[] in = types(DType.BOOL8, DType.BOOL8);
        check("and", in, b -> b.and(b.input(0, DType.BOOL8), b.input(1, DType.BOOL8)),
                a -> JavaRef.and((Boolean) a[0], (Boolean) a[1]));
        check("or", in, b -> b.or(b.input(0, DType.BOOL8), b.input(1, DType.BOOL8)),
                a -> JavaRef.or((Boolean) a[0], (Boolean) a[1]));
        check("not", types(DType.BOOL8), b -> b.not(b.input(0, DType.BOOL8)), strict(a -> !(Boolean) a[0]));
        check("and with null literal", types(DType.BOOL8),
                b -> b.and(b.input(0, DType.BOOL8), b.nullLiteral(DType.BOOL8)),
                a -> Boolean.FALSE.equals(a[0]) ? Boolean.FALSE : null);
        check("or with null literal", types(DType.BOOL8),
                b -> b.or(b.nullLiteral(DType.BOOL8), b.input(0, DType.BOOL8)),
                a -> Boolean.TRUE.equals(a[0]) ? Boolean.TRUE : null);
    }

    @Test
    void nullTests() {
        for (DType t : ALL) {
            check("isnull " + t, types(t), b -> b.isNull(b.input(0, t)), a -> a[0] == null);
            check("isnotnull " + t, types(t), b -> b.isNotNull(b.input(0, t)), a -> a[0] != null);
        }
        for (DType t : FLOATING) {
            check("isnan " + t, types(t), b -> b.isNaN(b.input(0, t)),
                    a -> a[0] != null && Double.isNaN(((Number) a[0]).doubleValue()));
        }
    }

    @Test
    void casts() {
        for (DType from : CASTABLE) {
            for (DType to : CASTABLE) {
                if (!from.equals(to)) {
                    check("cast " + from + " to " + to, types(from), b -> b.cast(b.input(0, from), to),
                            strict(a -> JavaRef.cast(a[0], to)));
                }
            }
        }
    }

    @Test
    void conditionals() {
        for (DType t : ALL) {
            check("if " + t, types(DType.BOOL8, t, t),
                    b -> b.ifThenElse(b.input(0, DType.BOOL8), b.input(1, t), b.input(2, t)),
                    a -> Boolean.TRUE.equals(a[0]) ? a[1] : a[2]);
            check("coalesce " + t, types(t, t, t), b -> b.coalesce(b.input(0, t), b.input(1, t), b.input(2, t)),
                    a -> a[0] != null ? a[0] : a[1] != null ? a[1] : a[2]);
        }
        check("case when", types(DType.BOOL8, DType.BOOL8, DType.INT32, DType.INT32),
                b -> b.caseWhen(List.of(b.input(0, DType.BOOL8), b.input(1, DType.BOOL8)),
                        List.of(b.input(2, DType.INT32), b.literal(7)), null),
                a -> Boolean.TRUE.equals(a[0]) ? a[2] : Boolean.TRUE.equals(a[1]) ? (Object) 7 : null);
    }

    @Test
    void in() {
        for (DType t : ALL) {
            List<Object> literals = Arrays.asList(EvalHarness.specialValues(t));
            List<Object> withNull = new ArrayList<>(literals);
            withNull.add(1, null);
            check("in " + t, types(t), b -> b.in(b.input(0, t), literals), a -> JavaRef.in(a[0], literals));
            check("in with null " + t, types(t), b -> b.in(b.input(0, t), withNull), a -> JavaRef.in(a[0], withNull));
        }
    }

    @Test
    void dateParts() {
        DType[] in = types(DType.DATE32);
        check("year", in, b -> b.year(b.input(0, DType.DATE32)), strict(a -> LocalDate.ofEpochDay((Integer) a[0]).getYear()));
        check("month", in, b -> b.month(b.input(0, DType.DATE32)),
                strict(a -> LocalDate.ofEpochDay((Integer) a[0]).getMonthValue()));
        check("dayofmonth", in, b -> b.dayOfMonth(b.input(0, DType.DATE32)),
                strict(a -> LocalDate.ofEpochDay((Integer) a[0]).getDayOfMonth()));
    }

    @Test
    void dateArithmetic() {
        check("date_add", types(DType.DATE32, DType.INT32), b -> b.dateAdd(b.input(0, DType.DATE32), b.input(1, DType.INT32)),
                strict(a -> (Integer) a[0] + (Integer) a[1]));
        check("date_sub", types(DType.DATE32, DType.INT32), b -> b.dateSub(b.input(0, DType.DATE32), b.input(1, DType.INT32)),
                strict(a -> (Integer) a[0] - (Integer) a[1]));
        check("datediff", types(DType.DATE32, DType.DATE32),
                b -> b.dateDiff(b.input(0, DType.DATE32), b.input(1, DType.DATE32)),
                strict(a -> (Integer) a[0] - (Integer) a[1]));
        // Spark's own examples: date_add('2016-07-30', 1), datediff('2009-07-31', '2009-07-30').
        ProgramBuilder b = new ProgramBuilder();
        b.output(b.dateAdd(b.literal(LocalDate.of(2016, 7, 30)), b.literal(1)));
        b.output(b.dateDiff(b.literal(LocalDate.of(2009, 7, 31)), b.literal(LocalDate.of(2009, 7, 30))));
        b.output(b.year(b.literal(LocalDate.of(-44, 3, 15))));
        assertThat(EvalHarness.run(b.build(), List.of(), 1)).containsExactly(
                new Object[] {(int) LocalDate.of(2016, 7, 31).toEpochDay()}, new Object[] {1}, new Object[] {-44});
    }

    @Test
    void literalsAndInputsPassThroughBitForBit() {
        ProgramBuilder b = new ProgramBuilder();
        float payload = Float.intBitsToFloat(0x7fc00001);
        b.output(b.literal(payload));
        b.output(b.literal(-0.0));
        b.output(b.nullLiteral(DType.INT64));
        b.output(b.literal(DType.INT16, (short) -5));
        b.output(b.literal(DType.DATE32, LocalDate.of(1969, 12, 31)));
        List<Object[]> out = EvalHarness.run(b.build(), List.of(), 2);
        assertThat(Float.floatToRawIntBits((Float) out.get(0)[1])).isEqualTo(0x7fc00001);
        assertThat(Double.doubleToRawLongBits((Double) out.get(1)[0])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(out.get(2)).containsExactly(null, null);
        assertThat(out.get(3)).containsExactly((short) -5, (short) -5);
        assertThat(out.get(4)).containsExactly(-1, -1);
    }

    @Test
    void aLongProgramMixingEverything() {
        DType[] in = {DType.INT32, DType.FLOAT64, DType.DATE32, DType.BOOL8, DType.INT64, DType.INT16};
        ProgramBuilder b = new ProgramBuilder();
        MixedProgram.build(b);
        Program program = b.build();
        assertThat(program.instructionCount()).isGreaterThanOrEqualTo(30);
        EvalHarness.checkProgram("mixed", in, program, MixedProgram::reference);
    }

    @Test
    void nullCountsAreComputedOnDemand() {
        Device device = TestDevices.device();
        ProgramBuilder b = new ProgramBuilder();
        b.output(b.divide(b.input(0, DType.FLOAT64), b.literal(0.0)));
        b.output(b.literal(1));
        try (Column in = Column.create(DType.FLOAT64, 3, DeviceArrays.upload(device, new double[] {1, 2, 3}))) {
            List<Column> out = ProgramEvaluator.evaluate(device, b.build(), List.of(in), 3, device.defaultStream());
            try {
                assertThat(out.get(0).isNullCountKnown()).isFalse();
                assertThat(out.get(0).nullCount()).isEqualTo(3);
                assertThat(out.get(1).nullCount()).isZero();
            } finally {
                out.forEach(Column::close);
            }
        }
    }

    @Test
    void inputsAreChecked() {
        Device device = TestDevices.device();
        ProgramBuilder b = new ProgramBuilder();
        b.output(b.negate(b.input(1, DType.INT32)));
        Program p = b.build();
        try (Column ints = Column.create(DType.INT32, 2, DeviceArrays.upload(device, new int[] {1, 2}));
                Column longs = Column.create(DType.INT64, 2, DeviceArrays.upload(device, new long[] {1, 2}))) {
            assertThatThrownBy(() -> ProgramEvaluator.evaluate(device, p, List.of(ints), 2, device.defaultStream()))
                    .hasMessage("the program reads column 1 but 1 input columns were given");
            assertThatThrownBy(() -> ProgramEvaluator.evaluate(device, p, List.of(ints, longs), 2, device.defaultStream()))
                    .hasMessage("the program reads input column 1 as int, but it is bigint");
            assertThatThrownBy(() -> ProgramEvaluator.evaluate(device, p, List.of(ints, ints), 3, device.defaultStream()))
                    .hasMessage("input column 1 has 2 rows, not 3");
            // Column 0 is not read: it may be anything, even null.
            List<Column> out = ProgramEvaluator.evaluate(device, p, Arrays.asList(null, ints), 2, device.defaultStream());
            try {
                assertThat(DeviceArrays.downloadInts(out.get(0).data(), 0, 2)).containsExactly(-1, -2);
            } finally {
                out.forEach(Column::close);
            }
        }
    }

    private static DType[] types(DType... types) {
        return types;
    }
}
