package dev.ember.cuda.expr;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.DType.TypeId;
import java.util.Optional;

/**
 * Spark 3.5's {@code round(value, scale)} and {@code bround(value, scale)} with a literal scale, built
 * from {@link Op#ROUND} and decimal casts. Spark's RoundBase computes, for a decimal(p, s):
 * the result type decimal(min(p - s + 1 + min(s, scale), 38), min(s, scale)) for scale >= 0 and
 * decimal(min(max(p - s + 1, 1 - scale), 38), 0) for scale < 0, the value rounded with
 * {@code toPrecision} (null on overflow) or, for negative scales, {@code BigDecimal.setScale(scale,
 * mode)} stored with {@code Decimal.set}, which raises an error on overflow; for integral types the
 * value itself for scale >= 0, else {@code new BigDecimal(v).setScale(scale, mode).longValue()}
 * (intValue, shortValue, byteValue: the low bits of the rounded integer).
 */
final class RoundOps {
    /** The lowest scale computed; any scale from -38 down already rounds every value to 0. */
    static final int MIN_SCALE = -100;

    private RoundOps() {}

    /** Why a program cannot compute round/bround of {@code type} to {@code scale}, or empty. */
    static Optional<String> problem(DType type, int scale) {
        requireNonNull(type, "type is null");
        if (scale < MIN_SCALE) {
            return Optional.of("round/bround to scale " + scale + ": scales below " + MIN_SCALE + " are not computed "
                    + "(Spark's int arithmetic on the scale overflows near Integer.MIN_VALUE)");
        }
        return switch (type.id()) {
            case INT8, INT16, INT32, INT64 -> Optional.empty();
            case DECIMAL64, DECIMAL128 -> scale < 0 && type.precision() - type.scale() == 38
                    ? Optional.of("round/bround of " + type + " to a negative scale: a result of 39 digits "
                            + "makes Spark raise an error (Decimal.set), which the GPU does not reproduce")
                    : Optional.empty();
            case FLOAT32, FLOAT64 -> Optional.of("round/bround of " + type + ": Spark rounds the digits of "
                    + "Double.toString(value) (BigDecimal.valueOf), not the binary value, which the GPU does "
                    + "not reproduce for every input");
            default -> Optional.of("round/bround takes a numeric value, not " + type);
        };
    }

    /** Spark's result type of round/bround of {@code type} to {@code scale}. */
    static DType resultType(DType type, int scale) {
        if (!type.isDecimal()) {
            return type;
        }
        int p = type.precision();
        int s = type.scale();
        int integral = p - s + 1;
        if (scale < 0) {
            return decimal(Math.min(Math.max(integral, 1 - (long) scale), 38), 0);
        }
        int newScale = Math.min(s, scale);
        return decimal(Math.min(integral + newScale, 38), newScale);
    }

    private static DType decimal(long precision, int scale) {
        int p = (int) precision;
        return p <= DType.MAX_DECIMAL64_PRECISION ? DType.decimal64(p, scale) : DType.decimal128(p, scale);
    }

    static Reg round(ProgramBuilder b, Reg value, int scale, boolean halfEven) {
        DType t = value.type();
        problem(t, scale).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        DType result = resultType(t, scale);
        if (!t.isDecimal()) {
            if (scale >= 0) {
                return value;
            }
            int k = (int) Math.min(-(long) scale, 39);
            long parameters = ProgramEncoding.roundParameters(k, Math.min(k, 38), 0, halfEven);
            return b.appendNode(Op.ROUND.code(), ProgramEncoding.typeCode(t), 0, t, new Reg[] {value},
                    new long[] {parameters});
        }
        if (scale >= t.scale()) {
            // Nothing to round: the same value at the same scale, one digit wider.
            return b.cast(value, result);
        }
        int k = (int) Math.min((long) t.scale() - scale, 39);
        int e = scale < 0 ? (int) Math.min(-(long) scale, 38) : 0;
        long parameters = ProgramEncoding.roundParameters(k, e, result.precision(), halfEven);
        if (t.id() == TypeId.DECIMAL64 && result.id() == TypeId.DECIMAL64) {
            return b.appendNode(Op.ROUND.code(), ProgramEncoding.TYPE_DECIMAL64, 0, result, new Reg[] {value},
                    new long[] {parameters});
        }
        // One of them is wide: round in DECIMAL128 (the operand widened exactly), then narrow a result
        // of up to 18 digits (exact: the instruction already checked the result precision).
        Reg wide = t.id() == TypeId.DECIMAL128 ? value
                : b.cast(value, DType.decimal128(DType.MAX_DECIMAL64_PRECISION + 1, t.scale()));
        DType wideResult = DType.decimal128(Math.max(DType.MAX_DECIMAL64_PRECISION + 1, result.precision()),
                result.scale());
        Reg r = b.appendNode(Op.ROUND.code(), ProgramEncoding.TYPE_DECIMAL128, 0, wideResult, new Reg[] {wide},
                new long[] {parameters});
        return result.id() == TypeId.DECIMAL64 ? b.cast(r, result) : r;
    }

    /**
     * Spark's {@code floor} / {@code ceil} of a DECIMAL128 of scale s > 0: decimal(min(p - s + 1, 38), 0),
     * the value rounded toward negative / positive infinity ({@code Decimal.floor}, {@code ceil}); it
     * always fits. Of scale 0 the value itself.
     */
    static Reg floorOrCeil(ProgramBuilder b, Reg value, boolean ceil) {
        DType t = value.type();
        if (t.id() != TypeId.DECIMAL128) {
            throw new IllegalArgumentException("floorOrCeil takes a DECIMAL128, not " + t);
        }
        if (t.scale() == 0) {
            return value;
        }
        DType result = decimal(Math.min(t.precision() - t.scale() + 1, 38), 0);
        long parameters = ProgramEncoding.roundParameters(t.scale(), 0, result.precision(),
                ceil ? ProgramEncoding.ROUND_CEILING : ProgramEncoding.ROUND_FLOOR);
        DType wideResult = DType.decimal128(Math.max(DType.MAX_DECIMAL64_PRECISION + 1, result.precision()), 0);
        Reg r = b.appendNode(Op.ROUND.code(), ProgramEncoding.TYPE_DECIMAL128, 0, wideResult, new Reg[] {value},
                new long[] {parameters});
        return result.id() == TypeId.DECIMAL64 ? b.cast(r, result) : r;
    }
}
