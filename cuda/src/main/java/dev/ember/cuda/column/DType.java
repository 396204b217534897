package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import java.util.Objects;

/**
 * The type of a column's values: a {@link TypeId} plus, for decimals, precision and scale. Immutable;
 * compare with {@link #equals}. Fixed-width types store one little-endian value of {@link
 * #sizeInBytes()} bytes per row; {@link TypeId#STRING} is declared so the model is complete and is
 * rejected by everything that needs a fixed width.
 */
public final class DType {
    /** Largest precision a DECIMAL64 holds: every 18-digit unscaled value fits in an int64. */
    public static final int MAX_DECIMAL64_PRECISION = 18;
    /** Spark's maximum decimal precision. */
    public static final int MAX_DECIMAL128_PRECISION = 38;

    /** The physical kinds of values. */
    public enum TypeId {
        /** One byte per row, 0 = false, 1 = true (not a bit: kernels address rows directly). */
        BOOL8(1),
        INT8(1),
        INT16(2),
        INT32(4),
        INT64(8),
        FLOAT32(4),
        FLOAT64(8),
        /** Days since 1970-01-01 as int32 (Spark's DateType). */
        DATE32(4),
        /** Microseconds since 1970-01-01T00:00:00Z as int64 (Spark's TimestampType). */
        TIMESTAMP_US(8),
        /** Unscaled int64, precision 1..18. */
        DECIMAL64(8),
        /** Unscaled two's-complement 128-bit little-endian (low word first), precision 19..38. */
        DECIMAL128(16),
        /** Variable width (offsets + chars); not yet supported by the fixed-width column code. */
        STRING(-1);

        private final int width;

        TypeId(int width) {
            this.width = width;
        }

        public boolean isFixedWidth() {
            return width > 0;
        }

        public boolean isDecimal() {
            return this == DECIMAL64 || this == DECIMAL128;
        }
    }

    public static final DType BOOL8 = new DType(TypeId.BOOL8, 0, 0);
    public static final DType INT8 = new DType(TypeId.INT8, 0, 0);
    public static final DType INT16 = new DType(TypeId.INT16, 0, 0);
    public static final DType INT32 = new DType(TypeId.INT32, 0, 0);
    public static final DType INT64 = new DType(TypeId.INT64, 0, 0);
    public static final DType FLOAT32 = new DType(TypeId.FLOAT32, 0, 0);
    public static final DType FLOAT64 = new DType(TypeId.FLOAT64, 0, 0);
    public static final DType DATE32 = new DType(TypeId.DATE32, 0, 0);
    public static final DType TIMESTAMP_US = new DType(TypeId.TIMESTAMP_US, 0, 0);
    public static final DType STRING = new DType(TypeId.STRING, 0, 0);

    private final TypeId id;
    private final int precision;
    private final int scale;

    private DType(TypeId id, int precision, int scale) {
        this.id = id;
        this.precision = precision;
        this.scale = scale;
    }

    /** The constant for a non-decimal type id. */
    public static DType of(TypeId id) {
        requireNonNull(id, "id is null");
        return switch (id) {
            case BOOL8 -> BOOL8;
            case INT8 -> INT8;
            case INT16 -> INT16;
            case INT32 -> INT32;
            case INT64 -> INT64;
            case FLOAT32 -> FLOAT32;
            case FLOAT64 -> FLOAT64;
            case DATE32 -> DATE32;
            case TIMESTAMP_US -> TIMESTAMP_US;
            case STRING -> STRING;
            case DECIMAL64, DECIMAL128 -> throw new IllegalArgumentException(
                    id + " needs a precision and a scale: use DType.decimal(precision, scale)");
        };
    }

    /** A decimal stored as an unscaled int64; precision 1..18, scale 0..precision. */
    public static DType decimal64(int precision, int scale) {
        checkDecimal(precision, scale, 1, MAX_DECIMAL64_PRECISION, "DECIMAL64");
        return new DType(TypeId.DECIMAL64, precision, scale);
    }

    /** A decimal stored as an unscaled 128-bit integer; precision 19..38, scale 0..precision. */
    public static DType decimal128(int precision, int scale) {
        checkDecimal(precision, scale, MAX_DECIMAL64_PRECISION + 1, MAX_DECIMAL128_PRECISION, "DECIMAL128");
        return new DType(TypeId.DECIMAL128, precision, scale);
    }

    /** A decimal in the narrowest width that holds {@code precision} digits (1..38). */
    public static DType decimal(int precision, int scale) {
        return precision <= MAX_DECIMAL64_PRECISION ? decimal64(precision, scale) : decimal128(precision, scale);
    }

    private static void checkDecimal(int precision, int scale, int minPrecision, int maxPrecision, String name) {
        if (precision < minPrecision || precision > maxPrecision) {
            throw new IllegalArgumentException(name + " precision must be " + minPrecision + ".." + maxPrecision
                    + ", not " + precision + (precision > 0 && precision <= MAX_DECIMAL128_PRECISION
                            ? ": use DType.decimal(precision, scale) to pick the width" : ""));
        }
        if (scale < 0 || scale > precision) {
            throw new IllegalArgumentException("decimal scale must be 0.." + precision + " (the precision), not " + scale);
        }
    }

    public TypeId id() {
        return id;
    }

    /** Total decimal digits; 0 for non-decimal types. */
    public int precision() {
        return precision;
    }

    /** Digits after the decimal point; 0 for non-decimal types. */
    public int scale() {
        return scale;
    }

    public boolean isDecimal() {
        return id.isDecimal();
    }

    public boolean isFixedWidth() {
        return id.isFixedWidth();
    }

    /**
     * Bytes per row.
     *
     * @throws UnsupportedOperationException for {@link TypeId#STRING}, which has no fixed width
     */
    public int sizeInBytes() {
        if (!id.isFixedWidth()) {
            throw new UnsupportedOperationException(this + " columns have no fixed width per row; "
                    + "only fixed-width types (" + fixedWidthNames() + ") are supported here");
        }
        return id.width;
    }

    /** Throws a message naming {@code what} if this type has no fixed width. */
    public DType requireFixedWidth(String what) {
        if (!id.isFixedWidth()) {
            throw new UnsupportedOperationException(what + " supports only fixed-width types ("
                    + fixedWidthNames() + "), not " + this);
        }
        return this;
    }

    private static String fixedWidthNames() {
        StringBuilder sb = new StringBuilder();
        for (TypeId t : TypeId.values()) {
            if (t.isFixedWidth()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(t);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DType other && id == other.id && precision == other.precision && scale == other.scale;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, precision, scale);
    }

    /** Spark SQL's name for the type ({@code int}, {@code bigint}, {@code decimal(10,2)}, ...). */
    @Override
    public String toString() {
        return switch (id) {
            case BOOL8 -> "boolean";
            case INT8 -> "tinyint";
            case INT16 -> "smallint";
            case INT32 -> "int";
            case INT64 -> "bigint";
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            case DATE32 -> "date";
            case TIMESTAMP_US -> "timestamp";
            case DECIMAL64, DECIMAL128 -> "decimal(" + precision + "," + scale + ")";
            case STRING -> "string";
        };
    }
}
