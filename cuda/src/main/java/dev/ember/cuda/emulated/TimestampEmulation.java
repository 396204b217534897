package dev.ember.cuda.emulated;

import dev.ember.cuda.expr.Op;
import dev.ember.cuda.expr.ZoneTable;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.temporal.IsoFields;

/**
 * Emulation of {@code expr.cu}'s timestamp and calendar instructions (opcodes 80..92): Spark 3.5's
 * DateTimeUtils arithmetic in Java (floorDiv, int wrapping, {@link LocalDate} for the calendar), with
 * the zone's offsets read from the instruction's {@link ZoneTable} words by a linear scan (the kernel
 * searches them by bisection).
 */
final class TimestampEmulation {
    private static final long MICROS = 1_000_000L;
    private static final int EARLIER = 0;
    private static final int START_OF_DAY = 1;
    private static final int PREFERRED = 2;

    private TimestampEmulation() {}

    static boolean handles(int opcode) {
        return opcode >= 80 && opcode <= 92 || opcode == 94;  // OP_ZONE_TABLE (93) is data
    }

    /**
     * The result of the instruction; {@code out[0]} its word. Returns whether it is null.
     *
     * @param code the program, holding the zone table at {@code base} (opcodes 80..84, 89)
     */
    static boolean apply(Op op, int aux, long a, boolean na, long b, boolean nb, long c, boolean nc, long[] code,
            int base, long[] out) {
        boolean binary = op == Op.ADD_MONTHS || op == Op.MAKE_DATE;
        if (na || binary && nb || op == Op.MAKE_DATE && nc) {
            return true;
        }
        switch (op) {
            case TIMESTAMP_TO_DATE -> {
                long s = Math.floorDiv(a, MICROS);
                out[0] = Math.floorDiv(s + offset(code, base, s), 86400);
            }
            case DATE_TO_TIMESTAMP -> {
                return micros(local(code, base, a * 86400, START_OF_DAY, 0), out);
            }
            case HOUR, MINUTE, SECOND -> {
                long s = Math.floorDiv(a, MICROS);
                long sod = Math.floorMod(s + offset(code, base, s), 86400);
                out[0] = op == Op.HOUR ? sod / 3600 : op == Op.MINUTE ? sod / 60 % 60 : sod % 60;
            }
            case TIMESTAMP_TO_SECONDS -> out[0] = Math.floorDiv(a, MICROS);
            case TIMESTAMP_TO_MICROS -> out[0] = a;
            case TIMESTAMP_TO_DOUBLE -> {
                double x = a / (double) MICROS;
                out[0] = Double.isNaN(x) ? dev.ember.cuda.expr.ProgramEncoding.CANONICAL_NAN_F64
                        : Double.doubleToRawLongBits(x);
            }
            case SECONDS_TO_TIMESTAMP -> out[0] = java.util.concurrent.TimeUnit.SECONDS.toMicros(a);
            case DOUBLE_TO_TIMESTAMP -> {
                double d = Double.longBitsToDouble(a);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    return true;
                }
                out[0] = (long) (d * MICROS);
            }
            case TRUNC_TIMESTAMP -> {
                return truncTimestamp(aux, a, code, base, out);
            }
            case TRUNC_DATE -> {
                return truncDate(aux, (int) a, out);
            }
            case ADD_MONTHS -> {
                long r = LocalDate.ofEpochDay(a).plusMonths((int) b).toEpochDay();
                if (r != (int) r) {
                    return true;
                }
                out[0] = r;
            }
            case MAKE_DATE -> {
                try {
                    long r = LocalDate.of((int) a, (int) b, (int) c).toEpochDay();
                    if (r != (int) r) {
                        return true;
                    }
                    out[0] = r;
                } catch (DateTimeException e) {
                    return true;
                }
            }
            default -> throw new IllegalArgumentException("not a timestamp opcode: " + op);
        }
        return false;
    }

    private static boolean truncTimestamp(int level, long a, long[] code, int base, long[] out) {
        switch (level) {
            case 0 -> out[0] = a;
            case 1 -> out[0] = a - Math.floorMod(a, 1000L);
            case 2 -> out[0] = a - Math.floorMod(a, MICROS);
            default -> {
                long s = Math.floorDiv(a, MICROS);
                int offset = offset(code, base, s);
                long local = s + offset;
                if (level <= 5) {
                    long unit = level == 3 ? 60 : level == 4 ? 3600 : 86400;
                    return micros(local(code, base, local - Math.floorMod(local, unit), PREFERRED, offset), out);
                }
                long[] days = new long[1];
                if (truncDate(level, (int) Math.floorDiv(local, 86400), days)) {
                    return true;
                }
                return micros(local(code, base, days[0] * 86400, START_OF_DAY, 0), out);
            }
        }
        return false;
    }

    /** Spark's DateTimeUtils.truncDate, with its int arithmetic; true (null) where Math.toIntExact throws. */
    private static boolean truncDate(int level, int days, long[] out) {
        LocalDate d = LocalDate.ofEpochDay(days);
        switch (level) {
            case 6 -> {
                int start = days - 7;
                out[0] = start + 1 + ((4 - 1 - start) % 7 + 7) % 7;
            }
            case 7 -> out[0] = days - d.getDayOfMonth() + 1;
            case 8 -> {
                long r = d.with(IsoFields.DAY_OF_QUARTER, 1L).toEpochDay();
                if (r != (int) r) {
                    return true;
                }
                out[0] = r;
            }
            default -> out[0] = days - d.getDayOfYear() + 1;
        }
        return false;
    }

    /** Seconds to microseconds as Math.multiplyExact; true (null) on overflow. */
    private static boolean micros(long seconds, long[] out) {
        try {
            out[0] = Math.multiplyExact(seconds, MICROS);
            return false;
        } catch (ArithmeticException e) {
            return true;
        }
    }

    private static long count(long[] code, int base) {
        return code[base];
    }

    private static long transition(long[] code, int base, long k) {
        return code[base + ZoneTable.HEADER_WORDS + (int) k];
    }

    private static int offsetAfter(long[] code, int base, long k) {
        return k < 0 ? (int) code[base + 2] : ZoneTable.offsetOf(transition(code, base, k));
    }

    /** The zone's offset at epoch second s. */
    private static int offset(long[] code, int base, long s) {
        long start = code[base + 1];
        if (s >= start) {
            s = start + Math.floorMod(s - start, ZoneTable.PERIOD_SECONDS);
        }
        long last = -1;
        for (long k = 0; k < count(code, base) && ZoneTable.instantOf(transition(code, base, k)) <= s; k++) {
            last = k;
        }
        return offsetAfter(code, base, last);
    }

    /** The epoch second of local time {@code local} (seconds), resolved by mode. */
    private static long local(long[] code, int base, long local, int mode, int preferred) {
        long start = code[base + 1];
        long shift = 0;
        if (start != Long.MAX_VALUE && local >= start + ZoneTable.LOCAL_MARGIN_SECONDS) {
            shift = Math.floorDiv(local - (start + ZoneTable.LOCAL_MARGIN_SECONDS), ZoneTable.PERIOD_SECONDS)
                    * ZoneTable.PERIOD_SECONDS;
            local -= shift;
        }
        long n = count(code, base);
        for (long k = n - 1; k >= 0; k--) {
            long t = ZoneTable.instantOf(transition(code, base, k));
            int before = offsetAfter(code, base, k - 1);
            int after = offsetAfter(code, base, k);
            if (t + Math.min(before, after) > local) {
                continue;
            }
            if (local >= t + Math.max(before, after)) {
                return local - after + shift;
            }
            if (after > before) {
                return (mode == START_OF_DAY ? t : local - before) + shift;
            }
            return local - (mode == PREFERRED && preferred == after ? after : before) + shift;
        }
        return local - code[base + 2] + shift;
    }
}
