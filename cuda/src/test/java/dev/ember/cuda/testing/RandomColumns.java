package dev.ember.cuda.testing;

import dev.ember.cuda.column.HostBitmaps;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostColumn;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Random host columns of every fixed-width type from {@link RandomData}'s values (NaN payloads,
 * -0.0, min/max...), as raw little-endian bytes so tests can compare copies bit for bit.
 */
public final class RandomColumns {
    private RandomColumns() {}

    /** The fixed-width types, one decimal of each width. */
    public static final DType[] FIXED_WIDTH_TYPES = {DType.BOOL8, DType.INT8, DType.INT16, DType.INT32, DType.INT64,
        DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(18, 2),
        DType.decimal128(38, 10)};

    /** {@code rows} random values of {@code type}, little-endian. */
    public static byte[] values(Random r, DType type, int rows) {
        ByteBuffer out = ByteBuffer.allocate(rows * type.sizeInBytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (type.id()) {
            case BOOL8 -> {
                for (int i = 0; i < rows; i++) {
                    out.put((byte) (r.nextBoolean() ? 1 : 0));
                }
            }
            case INT8 -> out.put(RandomData.bytes(r, rows));
            case INT16 -> out.asShortBuffer().put(RandomData.shorts(r, rows));
            case INT32, DATE32 -> out.asIntBuffer().put(RandomData.ints(r, rows));
            case INT64, TIMESTAMP_US, DECIMAL64 -> out.asLongBuffer().put(RandomData.longs(r, rows));
            case FLOAT32 -> {
                for (float f : RandomData.floats(r, rows)) {
                    out.putInt(Float.floatToRawIntBits(f));
                }
            }
            case FLOAT64 -> {
                for (double d : RandomData.doubles(r, rows)) {
                    out.putLong(Double.doubleToRawLongBits(d));
                }
            }
            case DECIMAL128 -> out.asLongBuffer().put(RandomData.longs(r, 2 * rows));
            case STRING -> throw new IllegalArgumentException("no fixed-width values for " + type);
        }
        return out.array();
    }

    /**
     * {@code rows} random unscaled values of the decimal {@code type} that fit its precision ({@link
     * RandomDecimals#next(Random, int)}: ±(10^p - 1), 0, ±1, every digit count), little-endian in the
     * type's width (16 bytes, the low word first, for DECIMAL128).
     */
    public static byte[] decimalValues(Random r, DType type, int rows) {
        if (!type.isDecimal()) {
            throw new IllegalArgumentException("not a decimal: " + type);
        }
        ByteBuffer out = ByteBuffer.allocate(rows * type.sizeInBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows; i++) {
            BigInteger v = RandomDecimals.next(r, type.precision());
            out.putLong(v.longValue());
            if (type.sizeInBytes() == 16) {
                out.putLong(v.shiftRight(64).longValue());
            }
        }
        return out.array();
    }

    /** A column of random values; {@code nullFraction} of the rows null, or no bitmap when negative. */
    public static HostColumn column(Random r, DType type, int rows, double nullFraction) {
        byte[] validity = nullFraction < 0 ? null : RandomData.validity(r, rows, nullFraction);
        return HostColumn.fromRaw(type, rows, values(r, type, rows), validity);
    }

    /** The column's value bytes. */
    public static byte[] dataBytes(HostColumn column) {
        byte[] out = new byte[(int) column.dataBytes()];
        column.dataBuffer().getBytes(0, out);
        return out;
    }

    /** The column's validity as one flag per row (true = valid). */
    public static boolean[] validFlags(HostColumn column) {
        boolean[] out = new boolean[column.rowCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = column.isValid(i);
        }
        return out;
    }

    /** One flag per row of an Arrow bitmap given as bytes (true = valid); null bitmap = all valid. */
    public static boolean[] validFlags(byte[] bitmap, int rows) {
        boolean[] out = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = RandomData.isValid(bitmap, i);
        }
        return out;
    }

    /** Bytes of the bitmap Ember allocates for {@code rows} rows. */
    public static int bitmapBytes(int rows) {
        return (int) dev.ember.cuda.ops.Bitmaps.bitmapBytes(rows);
    }
}
