package dev.ember.spark.columnar;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.memory.HostMemory;
import dev.ember.cuda.ops.Bitmaps;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Accumulates one column's values row by row in Ember's host layout (little-endian values, Arrow
 * bitmap) and builds a {@link HostColumn}. Null rows store zeros. STRING columns keep int32 offsets
 * and the UTF-8 bytes back to back (null rows empty); {@link #bytes} tells the caller when to stop.
 */
final class HostColumnBuilder {
    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final BigInteger LOW_MASK = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final DType type;
    private final int width;
    private byte[] data;
    private byte[] validity;
    /** STRING only: {@code rows + 1} offsets into {@link #data}, which then holds the UTF-8 bytes. */
    private int[] offsets;
    private int rows;
    private boolean anyNull;

    HostColumnBuilder(DType type, int expectedRows) {
        this.type = requireNonNull(type, "type is null");
        int capacity = Math.max(16, expectedRows);
        if (type.id() == DType.TypeId.STRING) {
            this.width = 0;
            this.offsets = new int[capacity + 1];
            this.data = new byte[Math.max(64, Math.min(capacity, 1 << 16) * 16)];
        } else {
            this.width = type.sizeInBytes();
            this.data = new byte[Math.multiplyExact(capacity, width)];
        }
        this.validity = new byte[(capacity + 7) / 8];
    }

    DType type() {
        return type;
    }

    int rows() {
        return rows;
    }

    /** Bytes held so far: values of fixed-width columns, UTF-8 bytes plus offsets of STRING columns. */
    long bytes() {
        return offsets == null ? (long) rows * width : offsets[rows] + 4L * rows;
    }

    /** UTF-8 bytes held so far by a STRING column (0 for other types). */
    long stringBytes() {
        return offsets == null ? 0 : offsets[rows];
    }

    /** Starts a row: makes room and marks it valid; returns the byte offset of its value. */
    private int next() {
        if (offsets != null) {
            if (rows + 1 >= offsets.length) {
                int capacity = Math.max(rows * 2, 16);
                offsets = Arrays.copyOf(offsets, capacity + 1);
                validity = Arrays.copyOf(validity, (capacity + 7) / 8);
            }
            offsets[rows + 1] = offsets[rows];
            validity[rows >>> 3] |= (byte) (1 << (rows & 7));
            return offsets[rows++];
        }
        if ((long) (rows + 1) * width > data.length) {
            int capacity = Math.max(rows * 2, 16);
            data = Arrays.copyOf(data, Math.multiplyExact(capacity, width));
            validity = Arrays.copyOf(validity, (capacity + 7) / 8);
        }
        validity[rows >>> 3] |= (byte) (1 << (rows & 7));
        return rows++ * width;
    }

    void appendNull() {
        next();
        int row = rows - 1;
        validity[row >>> 3] &= (byte) ~(1 << (row & 7));
        anyNull = true;
    }

    // Each append takes the offset from next() before it reads the data field: Java evaluates an
    // array reference before the index, so data[next()] would write to the array next() replaced.
    void appendBoolean(boolean v) {
        int at = next();
        data[at] = (byte) (v ? 1 : 0);
    }

    void appendByte(byte v) {
        int at = next();
        data[at] = v;
    }

    void appendShort(short v) {
        int at = next();
        SHORTS.set(data, at, v);
    }

    void appendInt(int v) {
        int at = next();
        INTS.set(data, at, v);
    }

    void appendLong(long v) {
        int at = next();
        LONGS.set(data, at, v);
    }

    void appendFloat(float v) {
        int at = next();
        INTS.set(data, at, Float.floatToRawIntBits(v));
    }

    void appendDouble(double v) {
        int at = next();
        LONGS.set(data, at, Double.doubleToRawLongBits(v));
    }

    /**
     * A STRING value: its UTF-8 bytes are copied straight from the UTF8String's storage (no decoding).
     *
     * @throws IllegalArgumentException when the column would pass the {@link Integer#MAX_VALUE} bytes
     *     int32 offsets address (callers stop a batch well before, see {@link #stringBytes})
     */
    void appendUtf8(UTF8String v) {
        int length = v.numBytes();
        long end = (long) offsets[rows] + length;
        if (end > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a string column of " + rows + " rows cannot take " + length
                    + " more bytes: int32 offsets address at most " + Integer.MAX_VALUE + " bytes; use smaller batches");
        }
        if (end > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(end, 2L * data.length)));
        }
        int at = next();
        v.writeToMemory(data, Platform.BYTE_ARRAY_OFFSET + at);
        offsets[rows] = (int) end;
    }

    /** A decimal of this column's precision and scale (Spark has already rounded it to them). */
    void appendDecimal(Decimal v) {
        if (type.id() == DType.TypeId.DECIMAL64) {
            int at = next();
            LONGS.set(data, at, v.toUnscaledLong());
        } else {
            BigInteger unscaled = v.toJavaBigDecimal().setScale(type.scale()).unscaledValue();
            int offset = next();
            LONGS.set(data, offset, unscaled.and(LOW_MASK).longValue());
            LONGS.set(data, offset + 8, unscaled.shiftRight(64).longValue());
        }
    }

    /** The column built so far (the builder must not be used afterwards). */
    HostColumn build() {
        if (offsets != null) {
            return buildStrings();
        }
        byte[] values = Arrays.copyOf(data, rows * width);
        return HostColumn.fromRaw(type, rows, values, bitmap());
    }

    private byte[] bitmap() {
        if (!anyNull) {
            return null;
        }
        byte[] bitmap = new byte[(int) Bitmaps.bitmapBytes(rows)];
        System.arraycopy(validity, 0, bitmap, 0, (rows + 7) / 8);
        if ((rows & 7) != 0) {
            bitmap[rows >>> 3] &= (byte) ((1 << (rows & 7)) - 1);
        }
        return bitmap;
    }

    private HostColumn buildStrings() {
        byte[] bitmap = bitmap();
        ArrowBuf offsetBuf = HostMemory.allocator().buffer(4L * rows + 4);
        ArrowBuf dataBuf = null;
        ArrowBuf validityBuf = null;
        try {
            Platform.copyMemory(offsets, Platform.INT_ARRAY_OFFSET, null, offsetBuf.memoryAddress(), 4L * rows + 4);
            dataBuf = HostMemory.allocator().buffer(offsets[rows]);
            Platform.copyMemory(data, Platform.BYTE_ARRAY_OFFSET, null, dataBuf.memoryAddress(), offsets[rows]);
            if (bitmap != null) {
                validityBuf = HostMemory.allocator().buffer(bitmap.length);
                validityBuf.setBytes(0, bitmap);
            }
        } catch (RuntimeException | Error e) {
            offsetBuf.close();
            if (dataBuf != null) {
                dataBuf.close();
            }
            throw e;
        }
        return HostColumn.wrapStrings(rows, offsetBuf, dataBuf, validityBuf);
    }
}
