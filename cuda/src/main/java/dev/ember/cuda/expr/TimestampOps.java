package dev.ember.cuda.expr;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;

/**
 * The builder's TIMESTAMP_US and calendar instructions (opcodes 80..92): literals, casts between
 * timestamps and numbers, the time-zone-aware operations that carry a {@link ZoneTable}, and the date
 * functions trunc, add_months and make_date.
 */
final class TimestampOps {
    /** Spark's DateTimeUtils truncation levels. */
    static final int TRUNC_INVALID = -1;
    static final int TRUNC_TO_MICROSECOND = 0;
    static final int TRUNC_TO_WEEK = 6;

    private TimestampOps() {}

    /** A boxed TIMESTAMP_US literal: a Long (microseconds, as Spark's Literal holds it) or an Instant. */
    static long literalWord(DType type, Object value) {
        if (value instanceof Long micros) {
            return micros;
        }
        if (value instanceof Instant instant) {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
        }
        throw new IllegalArgumentException("a " + type + " literal must be a Long (microseconds) or an Instant, not "
                + value.getClass().getSimpleName() + " " + value);
    }

    /**
     * Spark's legacy casts between TIMESTAMP_US and BOOL8 (to it only), the integral types and the
     * floating types; date casts need a time zone ({@link ProgramBuilder#timestampToDate}).
     */
    static Reg cast(ProgramBuilder b, Reg value, DType to) {
        DType from = value.type();
        if (from.equals(to)) {
            return value;
        }
        if (from.equals(DType.TIMESTAMP_US)) {
            if (to.equals(DType.BOOL8)) {
                return b.notEqual(value, b.timestampLiteral(0));
            }
            if (to.equals(DType.FLOAT64) || to.equals(DType.FLOAT32)) {
                return b.cast(unary(b, Op.TIMESTAMP_TO_DOUBLE, value, DType.FLOAT64), to);
            }
            if (to.equals(DType.INT8) || to.equals(DType.INT16) || to.equals(DType.INT32) || to.equals(DType.INT64)) {
                return b.cast(unary(b, Op.TIMESTAMP_TO_SECONDS, value, DType.INT64), to);
            }
        } else {
            if (from.equals(DType.INT8) || from.equals(DType.INT16) || from.equals(DType.INT32)
                    || from.equals(DType.INT64)) {
                return unary(b, Op.SECONDS_TO_TIMESTAMP, b.cast(value, DType.INT64), DType.TIMESTAMP_US);
            }
            if (from.equals(DType.FLOAT32) || from.equals(DType.FLOAT64)) {
                return unary(b, Op.DOUBLE_TO_TIMESTAMP, b.cast(value, DType.FLOAT64), DType.TIMESTAMP_US);
            }
        }
        throw new IllegalArgumentException("CAST converts timestamp to boolean, the integral and floating types, and "
                + "the integral and floating types to timestamp, not " + from + " to " + to
                + (from.equals(DType.DATE32) || to.equals(DType.DATE32)
                        ? ": dates and timestamps convert in a time zone (timestampToDate, dateToTimestamp)" : ""));
    }

    private static Reg unary(ProgramBuilder b, Op op, Reg value, DType result) {
        return b.appendNode(op.code(), ProgramEncoding.typeCode(value.type()), 0, result, new Reg[] {value},
                new long[0]);
    }

    /** A one-operand instruction of {@code from} that carries {@code zone}'s table. */
    static Reg zoned(ProgramBuilder b, Op op, Reg value, DType from, DType result, ZoneId zone, int aux) {
        requireNonNull(zone, "zone is null");
        if (!value.type().equals(from)) {
            throw new IllegalArgumentException(op + " takes a " + from + " operand, not " + value.type());
        }
        return b.appendNode(op.code(), ProgramEncoding.typeCode(from), aux, result, new Reg[] {value},
                ZoneTable.of(zone).words());
    }

    /** Spark's DateTimeUtils.parseTruncLevel. */
    static int truncLevel(String format) {
        if (format == null) {
            return TRUNC_INVALID;
        }
        return switch (format.toUpperCase(Locale.ROOT)) {
            case "MICROSECOND" -> 0;
            case "MILLISECOND" -> 1;
            case "SECOND" -> 2;
            case "MINUTE" -> 3;
            case "HOUR" -> 4;
            case "DAY", "DD" -> 5;
            case "WEEK" -> 6;
            case "MON", "MONTH", "MM" -> 7;
            case "QUARTER" -> 8;
            case "YEAR", "YYYY", "YY" -> 9;
            default -> TRUNC_INVALID;
        };
    }

    static Reg truncTimestamp(ProgramBuilder b, Reg ts, String format, ZoneId zone) {
        int level = truncLevel(format);
        if (level < TRUNC_TO_MICROSECOND) {
            return b.nullLiteral(DType.TIMESTAMP_US);
        }
        return zoned(b, Op.TRUNC_TIMESTAMP, ts, DType.TIMESTAMP_US, DType.TIMESTAMP_US, zone, level);
    }

    static Reg truncDate(ProgramBuilder b, Reg date, String format) {
        if (!date.type().equals(DType.DATE32)) {
            throw new IllegalArgumentException("TRUNC_DATE takes a date operand, not " + date.type());
        }
        int level = truncLevel(format);
        if (level < TRUNC_TO_WEEK) {
            return b.nullLiteral(DType.DATE32);
        }
        return b.appendNode(Op.TRUNC_DATE.code(), ProgramEncoding.TYPE_DATE32, level, DType.DATE32, new Reg[] {date},
                new long[0]);
    }

    static Reg binaryDate(ProgramBuilder b, Op op, Reg date, Reg n) {
        if (!date.type().equals(DType.DATE32) || !n.type().equals(DType.INT32)) {
            throw new IllegalArgumentException(op + " takes (date, int), not (" + date.type() + ", " + n.type() + ")");
        }
        return b.appendNode(op.code(), ProgramEncoding.TYPE_DATE32, 0, DType.DATE32, new Reg[] {date, n}, new long[0]);
    }

    static Reg micros(ProgramBuilder b, Reg ts) {
        if (!ts.type().equals(DType.TIMESTAMP_US)) {
            throw new IllegalArgumentException("TIMESTAMP_TO_MICROS takes a timestamp operand, not " + ts.type());
        }
        return unary(b, Op.TIMESTAMP_TO_MICROS, ts, DType.INT64);
    }

    static Reg makeDate(ProgramBuilder b, Reg year, Reg month, Reg day) {
        for (Reg r : new Reg[] {year, month, day}) {
            if (!r.type().equals(DType.INT32)) {
                throw new IllegalArgumentException("MAKE_DATE takes int fields, not " + r.type());
            }
        }
        return b.appendNode(Op.MAKE_DATE.code(), ProgramEncoding.TYPE_INT32, 0, DType.DATE32,
                new Reg[] {year, month, day}, new long[0]);
    }
}
