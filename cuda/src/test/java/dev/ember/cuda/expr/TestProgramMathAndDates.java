package dev.ember.cuda.expr;

import static dev.ember.cuda.expr.EvalHarness.check;
import static dev.ember.cuda.expr.EvalHarness.strict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.column.DType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** floor, ceil, signum, sqrt, greatest, least and the calendar fields against Java's (Spark's) own code. */
class TestProgramMathAndDates {
    private static final DType[] DOUBLE = {DType.FLOAT64};
    private static final DType[] DATE = {DType.DATE32};

    @Test
    void floorAndCeilOfDoublesAreJavasCastOfMathFloor() {
        check("floor double", DOUBLE, b -> b.floor(b.input(0, DType.FLOAT64)),
                strict(a -> (long) Math.floor((Double) a[0])));
        check("ceil double", DOUBLE, b -> b.ceil(b.input(0, DType.FLOAT64)),
                strict(a -> (long) Math.ceil((Double) a[0])));
    }

    @Test
    void floorAndCeilOfIntegralsAreTheValue() {
        ProgramBuilder b = new ProgramBuilder();
        Reg x = b.input(0, DType.INT64);
        assertThat(b.floor(x)).isSameAs(x);
        assertThat(b.ceil(x)).isSameAs(x);
        Reg d = b.input(1, DType.decimal64(10, 0));
        assertThat(b.floor(d)).isSameAs(d);
    }

    @Test
    void floorAndCeilOfDecimalsRoundToScaleZero() {
        for (DType t : new DType[] {DType.decimal64(10, 2), DType.decimal64(18, 18), DType.decimal64(18, 1),
            DType.decimal64(5, 3)}) {
            ProgramBuilder probe = new ProgramBuilder();
            assertThat(probe.floor(probe.input(0, t)).type())
                    .isEqualTo(DType.decimal64(t.precision() - t.scale() + 1, 0));
            check("floor " + t, new DType[] {t}, b -> b.floor(b.input(0, t)),
                    strict(a -> ((BigDecimal) a[0]).setScale(0, RoundingMode.FLOOR)));
            check("ceil " + t, new DType[] {t}, b -> b.ceil(b.input(0, t)),
                    strict(a -> ((BigDecimal) a[0]).setScale(0, RoundingMode.CEILING)));
        }
        ProgramBuilder b = new ProgramBuilder();
        assertThatThrownBy(() -> b.ceil(b.input(1, DType.FLOAT32))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signumAndSqrtAreJavas() {
        check("signum", DOUBLE, b -> b.signum(b.input(0, DType.FLOAT64)), strict(a -> canonical(Math.signum((Double) a[0]))));
        check("sqrt", DOUBLE, b -> b.sqrt(b.input(0, DType.FLOAT64)), strict(a -> canonical(Math.sqrt((Double) a[0]))));
    }

    @Test
    void greatestAndLeastSkipNullsAndOrderNaNHighest() {
        for (DType t : new DType[] {DType.INT32, DType.INT64, DType.FLOAT64, DType.FLOAT32, DType.DATE32,
            DType.decimal64(12, 3)}) {
            DType[] in = {t, t, t};
            check("greatest " + t, in, b -> b.greatest(b.input(0, t), b.input(1, t), b.input(2, t)),
                    row -> extreme(row, 1));
            check("least " + t, in, b -> b.least(b.input(0, t), b.input(1, t), b.input(2, t)),
                    row -> extreme(row, -1));
        }
    }

    @Test
    void calendarFieldsAreJavaTimes() {
        date("dayofweek", ProgramBuilder::dayOfWeek, d -> d.getDayOfWeek().plus(1).getValue());
        date("weekday", ProgramBuilder::weekday, d -> d.getDayOfWeek().ordinal());
        date("dayofyear", ProgramBuilder::dayOfYear, LocalDate::getDayOfYear);
        date("quarter", ProgramBuilder::quarter, d -> d.get(IsoFields.QUARTER_OF_YEAR));
        date("weekofyear", ProgramBuilder::weekOfYear, d -> d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        check("last_day", DATE, b -> b.lastDay(b.input(0, DType.DATE32)), strict(a -> {
            int days = (Integer) a[0];
            LocalDate d = LocalDate.ofEpochDay(days);
            return (days - d.getDayOfMonth()) + d.lengthOfMonth();
        }));
    }

    /** Every day from 1899 to 2101 and around the int32 extremes, one program per field. */
    @Test
    void calendarFieldsOnEveryDayOfTwoCenturies() {
        int from = (int) LocalDate.of(1899, 1, 1).toEpochDay();
        int to = (int) LocalDate.of(2101, 12, 31).toEpochDay();
        ProgramBuilder b = new ProgramBuilder();
        Reg d = b.input(0, DType.DATE32);
        b.output(b.dayOfWeek(d));
        b.output(b.weekday(d));
        b.output(b.dayOfYear(d));
        b.output(b.quarter(d));
        b.output(b.weekOfYear(d));
        b.output(b.lastDay(d));
        Program p = b.build();
        int n = to - from + 1 + 200;
        Object[] days = new Object[n];
        for (int i = 0; i < to - from + 1; i++) {
            days[i] = from + i;
        }
        for (int i = 0; i < 100; i++) {
            days[to - from + 1 + i] = Integer.MIN_VALUE + i;
            days[to - from + 101 + i] = Integer.MAX_VALUE - i;
        }
        var rows = EvalHarness.run(p, java.util.List.of(new EvalHarness.Values(DType.DATE32, days)), n);
        for (int i = 0; i < n; i++) {
            int day = (Integer) days[i];
            LocalDate ld = LocalDate.ofEpochDay(day);
            Object[] expected = {ld.getDayOfWeek().plus(1).getValue(), ld.getDayOfWeek().ordinal(), ld.getDayOfYear(),
                ld.get(IsoFields.QUARTER_OF_YEAR), ld.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
                (day - ld.getDayOfMonth()) + ld.lengthOfMonth()};
            for (int k = 0; k < expected.length; k++) {
                assertThat(rows.get(k)[i]).as("output %d, day %d (%s)", k, day, ld).isEqualTo(expected[k]);
            }
        }
    }

    private static void date(String what, java.util.function.BiFunction<ProgramBuilder, Reg, Reg> op,
            Function<LocalDate, Integer> ref) {
        check(what, DATE, b -> op.apply(b, b.input(0, DType.DATE32)),
                strict(a -> ref.apply(LocalDate.ofEpochDay((Integer) a[0]))));
    }

    /** Spark's Greatest (sign 1) / Least (-1): the first non-null value no later value beats strictly. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object extreme(Object[] row, int sign) {
        Object best = null;
        for (Object v : row) {
            if (v != null && (best == null || sign * compare(v, best) > 0)) {
                best = v;
            }
        }
        return best;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object x, Object y) {
        if (x instanceof Double a && y instanceof Double c) {
            return a.doubleValue() == c.doubleValue() ? 0 : Double.compare(a, c);
        }
        if (x instanceof Float a && y instanceof Float c) {
            return a.floatValue() == c.floatValue() ? 0 : Float.compare(a, c);
        }
        return ((Comparable) x).compareTo(y);
    }

    private static double canonical(double x) {
        return Double.isNaN(x) ? Double.NaN : x;
    }
}
