package dev.ember.cuda.expr;

import static dev.ember.cuda.expr.EvalHarness.check;
import static dev.ember.cuda.expr.EvalHarness.strict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.column.DType;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Timestamps in programs and the time-zone-aware operations against java.time itself (Spark 3.5's
 * DateTimeUtils written with it): every zone's instants around its transitions, before 1900, far
 * past the transition tables' listed years, and the int64 extremes.
 */
class TestProgramTimestamps {
    private static final DType TS = DType.TIMESTAMP_US;
    private static final DType[] TS_IN = {TS};
    private static final long MICROS = 1_000_000L;
    /** DST zones, half-hour and 30-minute-DST zones, zones whose rules ended, negative DST, odd historic offsets. */
    private static final List<String> ZONES = List.of("UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata",
            "Australia/Lord_Howe", "Europe/London", "America/Sao_Paulo", "Africa/Casablanca", "Pacific/Apia",
            "America/St_Johns", "Europe/Dublin", "Europe/Amsterdam", "Asia/Kathmandu", "+05:45", "-09:30",
            "Antarctica/Troll", "America/Godthab");

    @Test
    void timestampsMoveCompareAndSelectAsInt64() {
        check("ts <", new DType[] {TS, TS}, b -> b.lessThan(b.input(0, TS), b.input(1, TS)),
                strict(a -> (Long) a[0] < (Long) a[1]));
        check("ts coalesce", new DType[] {TS, TS}, b -> b.coalesce(b.input(0, TS), b.input(1, TS)),
                a -> a[0] != null ? a[0] : a[1]);
        check("ts if", new DType[] {TS, TS}, b -> b.ifThenElse(b.isNull(b.input(0, TS)), b.timestampLiteral(-1),
                b.input(1, TS)), a -> a[0] == null ? (Object) (-1L) : a[1]);
        List<Object> list = Arrays.asList(0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L, null);
        check("ts in", TS_IN, b -> b.in(b.input(0, TS), list), a -> a[0] == null ? null
                : list.contains(a[0]) ? Boolean.TRUE : null);
        ProgramBuilder b = new ProgramBuilder();
        assertThat(b.literal(TS, Instant.parse("1969-12-31T23:59:59.999999Z")).type()).isEqualTo(TS);
        assertThatThrownBy(() -> b.literal(TS, 3)).hasMessageContaining("Long (microseconds)");
    }

    @Test
    void castsBetweenTimestampsAndNumbersAreSparks() {
        check("ts to long", TS_IN, b -> b.cast(b.input(0, TS), DType.INT64),
                strict(a -> Math.floorDiv((Long) a[0], MICROS)));
        check("ts micros", TS_IN, b -> b.timestampMicros(b.input(0, TS)), strict(a -> a[0]));
        check("ts to int", TS_IN, b -> b.cast(b.input(0, TS), DType.INT32),
                strict(a -> (int) Math.floorDiv((Long) a[0], MICROS)));
        check("ts to double", TS_IN, b -> b.cast(b.input(0, TS), DType.FLOAT64),
                strict(a -> (Long) a[0] / 1e6));
        check("ts to float", TS_IN, b -> b.cast(b.input(0, TS), DType.FLOAT32),
                strict(a -> (float) ((Long) a[0] / 1e6)));
        check("ts to boolean", TS_IN, b -> b.cast(b.input(0, TS), DType.BOOL8), strict(a -> (Long) a[0] != 0));
        check("long to ts", new DType[] {DType.INT64}, b -> b.cast(b.input(0, DType.INT64), TS),
                strict(a -> TimeUnit.SECONDS.toMicros((Long) a[0])));
        check("int to ts", new DType[] {DType.INT32}, b -> b.cast(b.input(0, DType.INT32), TS),
                strict(a -> (Integer) a[0] * MICROS));
        check("double to ts", new DType[] {DType.FLOAT64}, b -> b.cast(b.input(0, DType.FLOAT64), TS),
                strict(a -> {
                    double d = (Double) a[0];
                    return Double.isNaN(d) || Double.isInfinite(d) ? null : (Object) (long) (d * MICROS);
                }));
        ProgramBuilder b = new ProgramBuilder();
        assertThatThrownBy(() -> b.cast(b.input(0, TS), DType.DATE32)).hasMessageContaining("time zone");
        assertThatThrownBy(() -> b.cast(b.input(1, DType.BOOL8), TS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zoneTablesMatchZoneRulesEverywhere() {
        for (String name : ZONES) {
            ZoneId zone = ZoneId.of(name);
            long[] micros = instants(zone, new Random(name.hashCode()));
            ProgramBuilder b = new ProgramBuilder();
            Reg t = b.input(0, TS);
            b.output(b.timestampToDate(t, zone));
            b.output(b.hour(t, zone));
            b.output(b.minute(t, zone));
            b.output(b.second(t, zone));
            Reg day = b.timestampToDate(t, zone);
            b.output(b.dateToTimestamp(day, zone));
            String[] levels = {"MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH",
                "QUARTER", "YEAR"};
            for (String level : levels) {
                b.output(b.truncTimestamp(t, level, zone));
            }
            Program p = b.build();
            Object[] in = new Object[micros.length];
            for (int i = 0; i < micros.length; i++) {
                in[i] = micros[i];
            }
            in[micros.length - 1] = null;
            List<Object[]> out = EvalHarness.run(p, List.of(new EvalHarness.Values(TS, in)), in.length);
            for (int i = 0; i < in.length; i++) {
                if (in[i] == null) {
                    for (Object[] column : out) {
                        assertThat(column[i]).isNull();
                    }
                    continue;
                }
                long us = (Long) in[i];
                ZonedDateTime z = instant(us).atZone(zone);
                int days = (int) z.toLocalDate().toEpochDay();
                String at = name + " " + us + " (" + z + ")";
                assertThat(out.get(0)[i]).as("date " + at).isEqualTo(days);
                assertThat(out.get(1)[i]).as("hour " + at).isEqualTo(z.getHour());
                assertThat(out.get(2)[i]).as("minute " + at).isEqualTo(z.getMinute());
                assertThat(out.get(3)[i]).as("second " + at).isEqualTo(z.getSecond());
                assertThat(out.get(4)[i]).as("date to ts " + at).isEqualTo(daysToMicros(days, zone));
                for (int k = 0; k < levels.length; k++) {
                    assertThat(out.get(5 + k)[i]).as(levels[k] + " " + at).isEqualTo(truncTimestamp(us, k, zone));
                }
            }
        }
    }

    @Test
    void datesToTimestampsAtEveryMidnightOfThreeCenturies() {
        for (String name : List.of("America/Los_Angeles", "Pacific/Apia", "America/Sao_Paulo", "Asia/Kolkata",
                "Australia/Lord_Howe", "Africa/Casablanca")) {
            ZoneId zone = ZoneId.of(name);
            int from = (int) LocalDate.of(1850, 1, 1).toEpochDay();
            int to = (int) LocalDate.of(2150, 12, 31).toEpochDay();
            Object[] days = new Object[to - from + 1 + 6];
            for (int i = 0; i <= to - from; i++) {
                days[i] = from + i;
            }
            int[] extremes = {Integer.MIN_VALUE, Integer.MAX_VALUE, -106_751_991, 106_751_991, -106_751_992, 106_751_992};
            for (int i = 0; i < extremes.length; i++) {
                days[to - from + 1 + i] = extremes[i];
            }
            ProgramBuilder b = new ProgramBuilder();
            b.output(b.dateToTimestamp(b.input(0, DType.DATE32), zone));
            List<Object[]> out = EvalHarness.run(b.build(), List.of(new EvalHarness.Values(DType.DATE32, days)),
                    days.length);
            for (int i = 0; i < days.length; i++) {
                assertThat(out.get(0)[i]).as(name + " day " + days[i]).isEqualTo(daysToMicros((Integer) days[i], zone));
            }
        }
    }

    @Test
    void dateFunctionsAreJavaTimes() {
        check("add_months", new DType[] {DType.DATE32, DType.INT32},
                b -> b.addMonths(b.input(0, DType.DATE32), b.input(1, DType.INT32)), strict(a -> {
                    long r = LocalDate.ofEpochDay((Integer) a[0]).plusMonths((Integer) a[1]).toEpochDay();
                    return r == (int) r ? (Object) (int) r : null;
                }));
        check("make_date", new DType[] {DType.INT32, DType.INT32, DType.INT32},
                b -> b.makeDate(b.input(0, DType.INT32), b.input(1, DType.INT32), b.input(2, DType.INT32)),
                strict(a -> makeDate((Integer) a[0], (Integer) a[1], (Integer) a[2])));
        for (String level : List.of("week", "MON", "mm", "Month", "QUARTER", "year", "yyyy", "YY")) {
            int k = TimestampOps.truncLevel(level);
            check("trunc " + level, new DType[] {DType.DATE32}, b -> b.truncDate(b.input(0, DType.DATE32), level),
                    strict(a -> truncDate((Integer) a[0], k)));
        }
        for (String level : List.of("day", "hour", "x", "")) {
            check("trunc " + level, new DType[] {DType.DATE32}, b -> b.truncDate(b.input(0, DType.DATE32), level),
                    a -> null);
        }
        check("date_trunc invalid", TS_IN, b -> b.truncTimestamp(b.input(0, TS), "fortnight", ZoneId.of("UTC")),
                a -> null);
    }

    @Test
    void makeDateOnEveryMonthAndDayOfSomeYears() {
        List<Object> ys = new ArrayList<>();
        List<Object> ms = new ArrayList<>();
        List<Object> ds = new ArrayList<>();
        for (int y : new int[] {1900, 2000, 2023, 2024, 0, -1, 9999, 10000, 5_881_580, -5_877_641, 999_999_999}) {
            for (int m = -1; m <= 13; m++) {
                for (int d = -1; d <= 32; d++) {
                    ys.add(y);
                    ms.add(m);
                    ds.add(d);
                }
            }
        }
        ProgramBuilder b = new ProgramBuilder();
        b.output(b.makeDate(b.input(0, DType.INT32), b.input(1, DType.INT32), b.input(2, DType.INT32)));
        int n = ys.size();
        List<Object[]> out = EvalHarness.run(b.build(), List.of(new EvalHarness.Values(DType.INT32, ys.toArray()),
                new EvalHarness.Values(DType.INT32, ms.toArray()), new EvalHarness.Values(DType.INT32, ds.toArray())), n);
        for (int i = 0; i < n; i++) {
            assertThat(out.get(0)[i]).as("make_date(%s, %s, %s)", ys.get(i), ms.get(i), ds.get(i))
                    .isEqualTo(makeDate((Integer) ys.get(i), (Integer) ms.get(i), (Integer) ds.get(i)));
        }
    }

    @Test
    void zoneTablesCoverFourHundredYearsPastTheRules() {
        ZoneId la = ZoneId.of("America/Los_Angeles");
        long[] w = ZoneTable.of(la).words();
        long last = ZoneTable.instantOf(w[w.length - 1]);
        // Every transition up to a period and the local margin (plus an offset) past A is listed.
        long next = la.getRules().nextTransition(Instant.ofEpochSecond(last)).toEpochSecond();
        assertThat(next).isGreaterThan(w[1] + ZoneTable.PERIOD_SECONDS + ZoneTable.LOCAL_MARGIN_SECONDS + 86400);
        assertThat(w[0]).isEqualTo(w.length - ZoneTable.HEADER_WORDS);
        assertThat(ZoneTable.of(ZoneId.of("UTC")).words()).containsExactly(0L, Long.MAX_VALUE, 0L);
        assertThat(ZoneTable.of(ZoneId.of("Asia/Kolkata")).words()[1]).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void eachZoneTableIsInAProgramOnce() {
        ZoneId la = ZoneId.of("America/Los_Angeles");
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        ProgramBuilder b = new ProgramBuilder();
        Reg t = b.input(0, TS);
        b.output(b.hour(t, la));
        b.output(b.minute(t, la));
        b.output(b.truncTimestamp(t, "DAY", la));
        b.output(b.hour(t, berlin));
        b.output(b.dateToTimestamp(b.timestampToDate(t, berlin), la));
        Program p = b.build();
        int tables = ZoneTable.of(la).size() + ZoneTable.of(berlin).size();
        // Two tables, each with its header word, plus at most a handful of words per instruction.
        assertThat(p.code().length).isBetween(tables + 2, tables + 2 + 3 * 8);
        long[] micros = instants(la, new Random(3));
        Object[] in = new Object[micros.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = micros[i];
        }
        List<Object[]> out = EvalHarness.run(p, List.of(new EvalHarness.Values(TS, in)), in.length);
        for (int i = 0; i < in.length; i++) {
            ZonedDateTime z = instant(micros[i]).atZone(la);
            ZonedDateTime zb = instant(micros[i]).atZone(berlin);
            assertThat(out.get(0)[i]).as("hour %d", micros[i]).isEqualTo(z.getHour());
            assertThat(out.get(1)[i]).as("minute %d", micros[i]).isEqualTo(z.getMinute());
            assertThat(out.get(2)[i]).as("DAY %d", micros[i]).isEqualTo(truncTimestamp(micros[i], 5, la));
            assertThat(out.get(3)[i]).as("Berlin hour %d", micros[i]).isEqualTo(zb.getHour());
            assertThat(out.get(4)[i]).as("Berlin date in LA %d", micros[i])
                    .isEqualTo(daysToMicros((int) zb.toLocalDate().toEpochDay(), la));
        }
    }

    /** Instants near each transition of the zone (and of its first 400 rule years), far away, and the extremes. */
    private static long[] instants(ZoneId zone, Random r) {
        List<Long> out = new ArrayList<>();
        List<ZoneOffsetTransition> ts = new ArrayList<>(zone.getRules().getTransitions());
        ZoneOffsetTransition next = zone.getRules().nextTransition(Instant.parse("2030-01-01T00:00:00Z"));
        for (int i = 0; i < 40 && next != null; i++) {
            ts.add(next);
            next = zone.getRules().nextTransition(next.getInstant());
        }
        for (ZoneOffsetTransition t : ts) {
            long s = t.toEpochSecond();
            for (long d : new long[] {-3601, -3600, -1, 0, 1, 1799, 3599, 3600, 86399}) {
                out.add((s + d) * MICROS + (r.nextBoolean() ? 0 : r.nextInt(1_000_000)));
            }
        }
        // Rule years far past the listed ones, in the reduced window's own range and beyond it.
        for (int year : new int[] {2200, 2399, 2400, 2401, 2410, 2800, 3000, 10_000, 100_000, 290_000}) {
            for (ZoneOffsetTransition t : transitionsOf(zone, year)) {
                for (long d : new long[] {-1, 0, 1, -1800, 1800}) {
                    out.add((t.toEpochSecond() + d) * MICROS - r.nextInt(2));
                }
            }
        }
        for (int i = 0; i < 3000; i++) {
            out.add(r.nextLong() % 15_000_000_000_000_000L);
        }
        for (int i = 0; i < 2000; i++) {
            out.add(r.nextLong());
        }
        out.addAll(List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1,
                -62_135_596_800_000_000L, 253_402_300_799_999_999L, -2_208_988_800_000_001L, 0L));
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static List<ZoneOffsetTransition> transitionsOf(ZoneId zone, int year) {
        List<ZoneOffsetTransition> out = new ArrayList<>();
        for (var rule : zone.getRules().getTransitionRules()) {
            out.add(rule.createTransition(year));
        }
        return out;
    }

    private static Instant instant(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, MICROS), Math.floorMod(us, MICROS) * 1000);
    }

    /** Spark's instantToMicros, null where it overflows (Spark raises an error there). */
    private static Long micros(Instant i) {
        try {
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), MICROS), i.getNano() / 1000);
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** Spark's daysToMicros. */
    private static Long daysToMicros(int days, ZoneId zone) {
        return micros(LocalDate.ofEpochDay(days).atStartOfDay(zone).toInstant());
    }

    /** Spark's truncTimestamp for levels 0 (MICROSECOND) to 9 (YEAR). */
    private static Long truncTimestamp(long us, int level, ZoneId zone) {
        return switch (level) {
            case 0 -> us;
            case 1 -> us - Math.floorMod(us, 1000L);
            case 2 -> us - Math.floorMod(us, MICROS);
            case 3, 4, 5 -> micros(instant(us).atZone(zone).truncatedTo(
                    level == 3 ? ChronoUnit.MINUTES : level == 4 ? ChronoUnit.HOURS : ChronoUnit.DAYS).toInstant());
            default -> {
                Integer d = truncDate((int) instant(us).atZone(zone).toLocalDate().toEpochDay(), level);
                yield d == null ? null : daysToMicros(d, zone);
            }
        };
    }

    /** Spark's truncDate (int arithmetic), null where its Math.toIntExact throws. */
    private static Integer truncDate(int days, int level) {
        LocalDate d = LocalDate.ofEpochDay(days);
        return switch (level) {
            case 6 -> {
                int start = days - 7;
                yield start + 1 + ((4 - 1 - start) % 7 + 7) % 7;
            }
            case 7 -> days - d.getDayOfMonth() + 1;
            case 8 -> {
                long r = d.with(IsoFields.DAY_OF_QUARTER, 1L).toEpochDay();
                yield r == (int) r ? (Integer) (int) r : null;
            }
            default -> days - d.getDayOfYear() + 1;
        };
    }

    /** Spark's MakeDate with ANSI off: null for invalid fields (and where toIntExact would throw). */
    private static Integer makeDate(int y, int m, int d) {
        try {
            long r = LocalDate.of(y, m, d).toEpochDay();
            return r == (int) r ? (Integer) (int) r : null;
        } catch (DateTimeException e) {
            return null;
        }
    }
}
