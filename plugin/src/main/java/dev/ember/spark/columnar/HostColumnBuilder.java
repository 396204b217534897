package dev.ember.spark.columnar;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.ops.Bitmaps;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.spark.sql.types.Decimal;

/**
 * Accumulates one column's values row by row in Ember's host layout (little-endian values, Arrow
 * bitmap) and builds a {@link HostColumn}. Null rows store zeros.
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
    private int rows;
    private boolean anyNull;

    HostColumnBuilder(DType type, int expectedRows) {
        this.type = requireNonNull(type, "type is null");
        this.width = type.sizeInBytes();
        int capacity = Math.max(16, expectedRows);
        this.data = new byte[Math.multiplyExact(capacity, width)];
        this.validity = new byte[(capacity + 7) / 8];
    }

    DType type() {
        return type;
    }

    int rows() {
        return rows;
    }

    /** Starts a row: makes room and marks it valid; returns the byte offset of its value. */
    private int next() {
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

    void appendBoolean(boolean v) {
        data[next()] = (byte) (v ? 1 : 0);
    }

    void appendByte(byte v) {
        data[next()] = v;
    }

    void appendShort(short v) {
        SHORTS.set(data, next(), v);
    }

    void appendInt(int v) {
        INTS.set(data, next(), v);
    }

    void appendLong(long v) {
        LONGS.set(data, next(), v);
    }

    void appendFloat(float v) {
        INTS.set(data, next(), Float.floatToRawIntBits(v));
    }

    void appendDouble(double v) {
        LONGS.set(data, next(), Double.doubleToRawLongBits(v));
    }

    /** A decimal of this column's precision and scale (Spark has already rounded it to them). */
    void appendDecimal(Decimal v) {
        if (type.id() == DType.TypeId.DECIMAL64) {
            LONGS.set(data, next(), v.toUnscaledLong());
        } else {
            BigInteger unscaled = v.toJavaBigDecimal().setScale(type.scale()).unscaledValue();
            int offset = next();
            LONGS.set(data, offset, unscaled.and(LOW_MASK).longValue());
            LONGS.set(data, offset + 8, unscaled.shiftRight(64).longValue());
        }
    }

    /** The column built so far (the builder must not be used afterwards). */
    HostColumn build() {
        byte[] values = Arrays.copyOf(data, rows * width);
        byte[] bitmap = null;
        if (anyNull) {
            bitmap = new byte[(int) Bitmaps.bitmapBytes(rows)];
            System.arraycopy(validity, 0, bitmap, 0, (rows + 7) / 8);
            if ((rows & 7) != 0) {
                bitmap[rows >>> 3] &= (byte) ((1 << (rows & 7)) - 1);
            }
        }
        return HostColumn.fromRaw(type, rows, values, bitmap);
    }
}
