package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType.TypeId;
import dev.ember.cuda.memory.HostMemory;
import dev.ember.cuda.memory.RefCountedResource;
import dev.ember.cuda.memory.ResourceKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * A column in host memory, in Arrow's layout, backed by Arrow {@link ArrowBuf}s: {@code rowCount}
 * little-endian fixed-width values and an optional validity bitmap (absent means no nulls; at least
 * {@code ceil(rows / 8)} bytes, and whole 64-bit words when Ember allocates it). The value stored
 * under a null row is unspecified but preserved by copies.
 *
 * <p>Ref-counted like device memory and tracked as {@link ResourceKind#HOST_MEMORY}; the last close
 * releases this column's reference to its buffers (Arrow vectors sharing them keep theirs). Builders
 * ({@code fromInts(values, nulls)}, ...) take a {@code nulls} array where {@code true} marks a null
 * row, or null for a column without nulls, and allocate from {@link HostMemory#allocator()}.
 *
 * <p>STRING columns ({@link #fromStrings}, {@link #fromUtf8}, {@link #wrapStrings}) have Arrow's
 * variable-width layout with the invariants of the device {@link Column}: {@code rowCount + 1} int32
 * offsets starting at 0 and never decreasing, the UTF-8 bytes of all rows back to back in the data
 * buffer ({@link #dataBytes()} = {@code offsets[rowCount]}), and empty null rows.
 */
public final class HostColumn extends RefCountedResource {
    private final DType type;
    private final int rowCount;
    private final ArrowBuf data;
    private final ArrowBuf validity;
    /** STRING columns only, else null. */
    private final ArrowBuf offsets;
    private final long dataBytes;
    private final int nullCount;

    private HostColumn(DType type, int rowCount, ArrowBuf data, ArrowBuf validity, ArrowBuf offsets, long dataBytes,
            int nullCount) {
        super(ResourceKind.HOST_MEMORY, data.capacity() + (validity == null ? 0 : validity.capacity())
                + (offsets == null ? 0 : offsets.capacity()),
                "host column " + type + " [" + rowCount + " rows]", releaser(data, validity, offsets));
        this.type = type;
        this.rowCount = rowCount;
        this.data = data;
        this.validity = validity;
        this.offsets = offsets;
        this.dataBytes = dataBytes;
        this.nullCount = nullCount;
    }

    private static Runnable releaser(ArrowBuf data, ArrowBuf validity, ArrowBuf offsets) {
        return () -> {
            try {
                data.close();
            } finally {
                try {
                    if (validity != null) {
                        validity.close();
                    }
                } finally {
                    if (offsets != null) {
                        offsets.close();
                    }
                }
            }
        };
    }

    /**
     * A column over Arrow buffers, taking over one reference to each (closing them when it throws).
     * {@code data} needs {@code rowCount * type.sizeInBytes()} bytes, {@code validity} (null for no
     * nulls) {@code ceil(rowCount / 8)}. The null count is counted from the bitmap.
     */
    public static HostColumn wrap(DType type, int rowCount, ArrowBuf data, ArrowBuf validity) {
        try {
            requireNonNull(type, "type is null");
            requireNonNull(data, "data is null");
            if (type.id() == TypeId.STRING) {
                throw new UnsupportedOperationException("HostColumn.wrap supports only fixed-width types; string "
                        + "columns also need their offsets: use HostColumn.wrapStrings");
            }
            type.requireFixedWidth("HostColumn");
            if (rowCount < 0) {
                throw new IllegalArgumentException("negative row count " + rowCount);
            }
            long dataBytes = (long) rowCount * type.sizeInBytes();
            if (data.capacity() < dataBytes) {
                throw new IllegalArgumentException(rowCount + " rows of " + type + " need " + dataBytes
                        + " data bytes, but the buffer has " + data.capacity());
            }
            int nulls = countNulls(rowCount, data, validity);
            return new HostColumn(type, rowCount, data, validity, null, dataBytes, nulls);
        } catch (RuntimeException | Error e) {
            if (data != null) {
                data.close();
            }
            if (validity != null && validity != data) {
                validity.close();
            }
            throw e;
        }
    }

    private static int countNulls(int rowCount, ArrowBuf data, ArrowBuf validity) {
        if (validity == null) {
            return 0;
        }
        // Empty buffers may be one shared instance; real ones must differ.
        if (validity == data && data.capacity() > 0) {
            throw new IllegalArgumentException("data and validity must be different buffers");
        }
        long bitmapBytes = HostBitmaps.minimumBytes(rowCount);
        if (validity.capacity() < bitmapBytes) {
            throw new IllegalArgumentException(rowCount + " rows need a validity bitmap of at least "
                    + bitmapBytes + " bytes, but the buffer has " + validity.capacity());
        }
        return (int) (rowCount - HostBitmaps.countValid(validity.memoryAddress(), rowCount));
    }

    /**
     * A STRING column over Arrow buffers, taking over one reference to each (closing them when it
     * throws): {@code offsets} ({@code rowCount + 1} int32 entries), {@code data} (at least {@code
     * offsets[rowCount]} bytes of UTF-8) and {@code validity} (null for no nulls). The offsets are
     * checked on the host (start at 0, never decrease, end inside {@code data}) and null rows must be
     * empty. The bytes are not checked to be valid UTF-8: like Spark's {@code UTF8String}, Ember
     * carries whatever bytes it is given.
     */
    public static HostColumn wrapStrings(int rowCount, ArrowBuf offsets, ArrowBuf data, ArrowBuf validity) {
        try {
            requireNonNull(offsets, "offsets is null");
            requireNonNull(data, "data is null");
            if (rowCount < 0 || rowCount == Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a string column has 0.." + (Integer.MAX_VALUE - 1)
                        + " rows (int32 offsets), not " + rowCount);
            }
            int nulls = countNulls(rowCount, data, validity);
            long bytes = HostStrings.checkOffsets(rowCount, offsets, data, validity);
            return new HostColumn(DType.STRING, rowCount, data, validity, offsets, bytes, nulls);
        } catch (RuntimeException | Error e) {
            if (offsets != null) {
                offsets.close();
            }
            if (data != null && data != offsets) {
                data.close();
            }
            if (validity != null && validity != data && validity != offsets) {
                validity.close();
            }
            throw e;
        }
    }

    /** A STRING column of {@code values}' UTF-8 encodings; null elements are null rows. */
    public static HostColumn fromStrings(String[] values) {
        requireNonNull(values, "values is null");
        byte[][] utf8 = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            utf8[i] = values[i] == null ? null : values[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return fromUtf8(utf8);
    }

    /**
     * A STRING column of the given byte strings (taken as UTF-8 without checking, as Spark's {@code
     * UTF8String.fromBytes} does); null elements are null rows.
     */
    public static HostColumn fromUtf8(byte[][] values) {
        return HostStrings.build(values);
    }

    // ---------------------------------------------------------------- builders

    /** Writes row {@code row}'s value into {@code data}. */
    private interface ValueWriter {
        void write(ArrowBuf data, int row);
    }

    /**
     * Allocates and fills a column; bitmap bytes past the last row are 0, and null rows keep the
     * value given for them so copies can be checked bit for bit.
     */
    private static HostColumn build(DType type, int rowCount, boolean[] nulls, ValueWriter writer) {
        if (nulls != null && nulls.length != rowCount) {
            throw new IllegalArgumentException(nulls.length + " null flags for " + rowCount + " values");
        }
        BufferAllocator allocator = HostMemory.allocator();
        ArrowBuf data = allocator.buffer((long) rowCount * type.sizeInBytes());
        ArrowBuf validity = null;
        try {
            for (int i = 0; i < rowCount; i++) {
                writer.write(data, i);
            }
            if (nulls != null) {
                validity = allocator.buffer(dev.ember.cuda.ops.Bitmaps.bitmapBytes(rowCount));
                validity.setZero(0, validity.capacity());
                for (int i = 0; i < rowCount; i++) {
                    if (!nulls[i]) {
                        long b = i >>> 3;
                        validity.setByte(b, validity.getByte(b) | (1 << (i & 7)));
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            data.close();
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        return wrap(type, rowCount, data, validity);
    }

    public static HostColumn fromBooleans(boolean[] values, boolean[] nulls) {
        return build(DType.BOOL8, values.length, nulls, (d, i) -> d.setByte(i, values[i] ? 1 : 0));
    }

    public static HostColumn fromBytes(byte[] values, boolean[] nulls) {
        return build(DType.INT8, values.length, nulls, (d, i) -> d.setByte(i, values[i]));
    }

    public static HostColumn fromShorts(short[] values, boolean[] nulls) {
        return build(DType.INT16, values.length, nulls, (d, i) -> d.setShort(2L * i, values[i]));
    }

    public static HostColumn fromInts(int[] values, boolean[] nulls) {
        return fromInts(DType.INT32, values, nulls);
    }

    /** An INT32 or DATE32 column. */
    public static HostColumn fromInts(DType type, int[] values, boolean[] nulls) {
        requireType(type, "fromInts", TypeId.INT32, TypeId.DATE32);
        return build(type, values.length, nulls, (d, i) -> d.setInt(4L * i, values[i]));
    }

    /** Days since 1970-01-01. */
    public static HostColumn fromDates(int[] days, boolean[] nulls) {
        return fromInts(DType.DATE32, days, nulls);
    }

    public static HostColumn fromLongs(long[] values, boolean[] nulls) {
        return fromLongs(DType.INT64, values, nulls);
    }

    /** An INT64, TIMESTAMP_US or DECIMAL64 (unscaled values) column. */
    public static HostColumn fromLongs(DType type, long[] values, boolean[] nulls) {
        requireType(type, "fromLongs", TypeId.INT64, TypeId.TIMESTAMP_US, TypeId.DECIMAL64);
        return build(type, values.length, nulls, (d, i) -> d.setLong(8L * i, values[i]));
    }

    /** Microseconds since 1970-01-01T00:00:00Z. */
    public static HostColumn fromTimestamps(long[] micros, boolean[] nulls) {
        return fromLongs(DType.TIMESTAMP_US, micros, nulls);
    }

    /** Float values with their exact bits (NaN payloads, -0.0). */
    public static HostColumn fromFloats(float[] values, boolean[] nulls) {
        return build(DType.FLOAT32, values.length, nulls,
                (d, i) -> d.setInt(4L * i, Float.floatToRawIntBits(values[i])));
    }

    /** Double values with their exact bits (NaN payloads, -0.0). */
    public static HostColumn fromDoubles(double[] values, boolean[] nulls) {
        return build(DType.FLOAT64, values.length, nulls,
                (d, i) -> d.setLong(8L * i, Double.doubleToRawLongBits(values[i])));
    }

    /** A DECIMAL64 column of unscaled values (not checked against the precision). */
    public static HostColumn fromDecimal64(int precision, int scale, long[] unscaled, boolean[] nulls) {
        return fromLongs(DType.decimal64(precision, scale), unscaled, nulls);
    }

    /** A DECIMAL128 column of unscaled values given as low and high 64-bit halves. */
    public static HostColumn fromDecimal128(int precision, int scale, long[] low, long[] high, boolean[] nulls) {
        if (low.length != high.length) {
            throw new IllegalArgumentException(low.length + " low halves but " + high.length + " high halves");
        }
        return build(DType.decimal128(precision, scale), low.length, nulls, (d, i) -> {
            d.setLong(16L * i, low[i]);
            d.setLong(16L * i + 8, high[i]);
        });
    }

    /**
     * A decimal column (DECIMAL64 or DECIMAL128) from {@code values}, null elements being null rows.
     * Each value is rescaled to the type's scale exactly and must fit its precision.
     */
    public static HostColumn fromBigDecimals(DType type, BigDecimal[] values) {
        requireType(type, "fromBigDecimals", TypeId.DECIMAL64, TypeId.DECIMAL128);
        boolean[] nulls = new boolean[values.length];
        BigInteger[] unscaled = new BigInteger[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                nulls[i] = true;
                unscaled[i] = BigInteger.ZERO;
                continue;
            }
            BigDecimal v;
            try {
                v = values[i].setScale(type.scale());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("value " + i + " (" + values[i] + ") has more than "
                        + type.scale() + " fraction digits: round it before building a " + type + " column", e);
            }
            if (v.precision() > type.precision() && v.signum() != 0) {
                throw new IllegalArgumentException("value " + i + " (" + values[i] + ") does not fit " + type);
            }
            unscaled[i] = v.unscaledValue();
        }
        int width = type.sizeInBytes();
        return build(type, values.length, nulls, (d, i) -> {
            d.setLong((long) width * i, unscaled[i].longValue());
            if (width == 16) {
                d.setLong(16L * i + 8, unscaled[i].shiftRight(64).longValue());
            }
        });
    }

    /**
     * A column of any fixed-width type from raw little-endian value bytes and an optional Arrow
     * bitmap (at least {@code ceil(rowCount / 8)} bytes; bits past the last row are copied as given).
     */
    public static HostColumn fromRaw(DType type, int rowCount, byte[] data, byte[] validity) {
        requireNonNull(type, "type is null");
        type.requireFixedWidth("HostColumn");
        long dataBytes = (long) rowCount * type.sizeInBytes();
        if (data.length != dataBytes) {
            throw new IllegalArgumentException(rowCount + " rows of " + type + " are " + dataBytes
                    + " bytes, not " + data.length);
        }
        if (validity != null && validity.length < HostBitmaps.minimumBytes(rowCount)) {
            throw new IllegalArgumentException(validity.length + " bitmap bytes are too few for " + rowCount + " rows");
        }
        BufferAllocator allocator = HostMemory.allocator();
        ArrowBuf dataBuf = allocator.buffer(dataBytes);
        ArrowBuf validityBuf = null;
        try {
            dataBuf.setBytes(0, data);
            if (validity != null) {
                validityBuf = allocator.buffer(Math.max(validity.length, dev.ember.cuda.ops.Bitmaps.bitmapBytes(rowCount)));
                validityBuf.setZero(0, validityBuf.capacity());
                validityBuf.setBytes(0, validity);
            }
        } catch (RuntimeException | Error e) {
            dataBuf.close();
            if (validityBuf != null) {
                validityBuf.close();
            }
            throw e;
        }
        return wrap(type, rowCount, dataBuf, validityBuf);
    }

    /** A copy of this column's vector as a host column: zero-copy where Arrow's layout is Ember's. */
    public static HostColumn fromArrow(FieldVector vector) {
        return ArrowColumns.fromArrow(vector);
    }

    /** This column as an Arrow vector from the shared allocator: zero-copy where the layouts match. */
    public FieldVector toArrow(String name) {
        return ArrowColumns.toArrow(this, name, HostMemory.allocator());
    }

    /** This column as an Arrow vector from {@code allocator}: zero-copy where the layouts match. */
    public FieldVector toArrow(String name, BufferAllocator allocator) {
        return ArrowColumns.toArrow(this, name, allocator);
    }

    // ---------------------------------------------------------------- accessors

    public DType type() {
        return type;
    }

    public int rowCount() {
        return rowCount;
    }

    public int nullCount() {
        return nullCount;
    }

    public boolean hasValidity() {
        return validity != null;
    }

    /** The values buffer, owned by this column (retain it to keep it longer). */
    public ArrowBuf dataBuffer() {
        checkOpen();
        return data;
    }

    /** The bitmap buffer or null, owned by this column (retain it to keep it longer). */
    public ArrowBuf validityBuffer() {
        checkOpen();
        return validity;
    }

    /**
     * Bytes of values: {@code rowCount * type().sizeInBytes()} for fixed-width types, the UTF-8 bytes
     * of all rows ({@code offsets[rowCount]}) for STRING.
     */
    public long dataBytes() {
        return dataBytes;
    }

    /** The {@code rowCount + 1} int32 offsets of a STRING column, or null for fixed-width types; owned by this column. */
    public ArrowBuf offsetsBuffer() {
        checkOpen();
        return offsets;
    }

    /** The UTF-8 bytes of a STRING row, or null for a null row. */
    public byte[] getUtf8(int row) {
        checkRow(row);
        if (offsets == null) {
            throw new IllegalStateException("this column holds " + type + " values; use the accessor for that type");
        }
        if (isNull(row)) {
            return null;
        }
        int start = offsets.getInt(4L * row);
        byte[] bytes = new byte[offsets.getInt(4L * row + 4) - start];
        data.getBytes(start, bytes);
        return bytes;
    }

    /**
     * A STRING row decoded from UTF-8, or null for a null row (malformed bytes become U+FFFD, as
     * Java's decoder does; compare {@link #getUtf8} when the exact bytes matter).
     */
    public String getString(int row) {
        byte[] bytes = getUtf8(row);
        return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    public boolean isNull(int row) {
        checkRow(row);
        return validity != null && !HostBitmaps.isValid(validity.memoryAddress(), row);
    }

    public boolean isValid(int row) {
        return !isNull(row);
    }

    public boolean getBoolean(int row) {
        return data.getByte(offset(row, TypeId.BOOL8)) != 0;
    }

    public byte getByte(int row) {
        return data.getByte(offset(row, TypeId.INT8, TypeId.BOOL8));
    }

    public short getShort(int row) {
        return data.getShort(offset(row, TypeId.INT16));
    }

    /** INT32 values and DATE32 days. */
    public int getInt(int row) {
        return data.getInt(offset(row, TypeId.INT32, TypeId.DATE32));
    }

    /** INT64 values, TIMESTAMP_US micros and DECIMAL64 unscaled values. */
    public long getLong(int row) {
        return data.getLong(offset(row, TypeId.INT64, TypeId.TIMESTAMP_US, TypeId.DECIMAL64));
    }

    /** The stored float, bits unchanged (read {@code Float.floatToRawIntBits} to compare payloads). */
    public float getFloat(int row) {
        return Float.intBitsToFloat(data.getInt(offset(row, TypeId.FLOAT32)));
    }

    /** The stored double, bits unchanged (read {@code Double.doubleToRawLongBits} to compare payloads). */
    public double getDouble(int row) {
        return Double.longBitsToDouble(data.getLong(offset(row, TypeId.FLOAT64)));
    }

    /** The low 64 bits of a DECIMAL128 unscaled value. */
    public long getDecimal128Low(int row) {
        return data.getLong(offset(row, TypeId.DECIMAL128));
    }

    /** The high 64 bits (with the sign) of a DECIMAL128 unscaled value. */
    public long getDecimal128High(int row) {
        return data.getLong(offset(row, TypeId.DECIMAL128) + 8);
    }

    /** The unscaled value of a DECIMAL64 or DECIMAL128 row. */
    public BigInteger getUnscaled(int row) {
        if (type.id() == TypeId.DECIMAL64) {
            return BigInteger.valueOf(getLong(row));
        }
        long high = getDecimal128High(row);
        long low = getDecimal128Low(row);
        return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
    }

    /** The value of a decimal row, or null for a null row. */
    public BigDecimal getBigDecimal(int row) {
        requireType(type, "getBigDecimal", TypeId.DECIMAL64, TypeId.DECIMAL128);
        return isNull(row) ? null : new BigDecimal(getUnscaled(row), type.scale());
    }

    private void checkRow(int row) {
        checkOpen();
        Objects.checkIndex(row, rowCount);
    }

    private long offset(int row, TypeId... accepted) {
        checkRow(row);
        boolean ok = false;
        for (TypeId t : accepted) {
            ok |= t == type.id();
        }
        if (!ok) {
            throw new IllegalStateException("this column holds " + type + " values; use the accessor for that type");
        }
        return (long) row * type.sizeInBytes();
    }

    private static void requireType(DType type, String what, TypeId... accepted) {
        requireNonNull(type, "type is null");
        for (TypeId t : accepted) {
            if (t == type.id()) {
                return;
            }
        }
        throw new IllegalArgumentException(what + " builds " + java.util.Arrays.toString(accepted)
                + " columns, not " + type);
    }

    @Override
    public String toString() {
        return "HostColumn[" + type + ", " + rowCount + " rows, " + nullCount + " nulls]";
    }
}
