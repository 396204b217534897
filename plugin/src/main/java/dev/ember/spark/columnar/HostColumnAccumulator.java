package dev.ember.spark.columnar;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.memory.HostMemory;
import dev.ember.cuda.ops.Bitmaps;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.spark.unsafe.Platform;

/**
 * One column's values and validity growing in Arrow host buffers (Ember's layout: little-endian
 * values, Arrow bitmap), written in place by {@link VectorCopy}. The bitmap is created at the first
 * null, all valid before it. {@link #build} hands the buffers to a {@link HostColumn}; {@link #close}
 * frees them if they were not handed over.
 */
final class HostColumnAccumulator implements AutoCloseable {
    private static final int MIN_CAPACITY = 64;

    private final DType type;
    private final int width;
    private ArrowBuf data;
    private ArrowBuf validity;
    private int capacity;

    HostColumnAccumulator(DType type, int initialCapacity) {
        this.type = requireNonNull(type, "type is null");
        type.requireFixedWidth("a host column accumulator");
        this.width = type.sizeInBytes();
        this.capacity = Math.max(MIN_CAPACITY, initialCapacity);
        this.data = HostMemory.allocator().buffer((long) capacity * width);
    }

    DType type() {
        return type;
    }

    int width() {
        return width;
    }

    /** Host address of row {@code row}'s value (valid until the next {@link #reserve}). */
    long valueAddress(int row) {
        return data.memoryAddress() + (long) row * width;
    }

    /** Makes room for {@code needed} rows, keeping the first {@code filled}; grows at least twofold. */
    void reserve(int filled, int needed) {
        if (needed <= capacity) {
            return;
        }
        int grown = (int) Math.min(Integer.MAX_VALUE - 64L, Math.max(needed, 2L * capacity));
        if (grown < needed) {
            throw new IllegalArgumentException(needed + " rows do not fit one host column: use smaller batches");
        }
        ArrowBuf newData = HostMemory.allocator().buffer((long) grown * width);
        Platform.copyMemory(null, data.memoryAddress(), null, newData.memoryAddress(), (long) filled * width);
        data.close();
        data = newData;
        if (validity != null) {
            ArrowBuf newValidity = allValid(grown);
            Platform.copyMemory(null, validity.memoryAddress(), null, newValidity.memoryAddress(), validity.capacity());
            validity.close();
            validity = newValidity;
        }
        capacity = grown;
    }

    private static ArrowBuf allValid(int rows) {
        ArrowBuf b = HostMemory.allocator().buffer(Bitmaps.bitmapBytes(rows));
        Platform.setMemory(b.memoryAddress(), (byte) 0xFF, b.capacity());
        return b;
    }

    private long bitmapAddress() {
        if (validity == null) {
            validity = allValid(capacity);
        }
        return validity.memoryAddress();
    }

    /** Marks row {@code row} null. */
    void setNull(int row) {
        long at = bitmapAddress() + (row >>> 3);
        Platform.putByte(null, at, (byte) (Platform.getByte(null, at) & ~(1 << (row & 7))));
    }

    /** Marks row {@code row} null and zeroes its value. */
    void setNullZeroed(int row) {
        long at = valueAddress(row);
        switch (width) {
            case 1 -> Platform.putByte(null, at, (byte) 0);
            case 2 -> Platform.putShort(null, at, (short) 0);
            case 4 -> Platform.putInt(null, at, 0);
            case 8 -> Platform.putLong(null, at, 0L);
            default -> Platform.setMemory(at, (byte) 0, width);
        }
        setNull(row);
    }

    /** Marks rows {@code [from, from + count)} null and zeroes their values. */
    void setNulls(int from, int count) {
        if (count == 0) {
            return;
        }
        Platform.setMemory(valueAddress(from), (byte) 0, (long) count * width);
        int row = from;
        int end = from + count;
        for (; row < end && (row & 7) != 0; row++) {
            setNull(row);
        }
        long address = bitmapAddress();
        int wholeBytes = (end - row) >>> 3;
        Platform.setMemory(address + (row >>> 3), (byte) 0, wholeBytes);
        for (row += wholeBytes << 3; row < end; row++) {
            setNull(row);
        }
    }

    /**
     * Takes the validity of {@code count} rows from an Arrow bitmap at {@code source} (bit 0 = its first
     * row) into rows {@code [dstRow, dstRow + count)}, which must be valid so far.
     */
    void andBits(long source, int dstRow, int count) {
        long dst = bitmapAddress();
        int shift = dstRow & 7;
        long base = dst + (dstRow >>> 3);
        int wholeBytes = count >>> 3;
        if (shift == 0) {
            // Rows so far valid: the source bytes are the result.
            Platform.copyMemory(null, source, null, base, wholeBytes);
        } else {
            int lowMask = (1 << shift) - 1;
            for (int k = 0; k < wholeBytes; k++) {
                int b = Platform.getByte(null, source + k) & 0xFF;
                long at = base + k;
                Platform.putByte(null, at, (byte) (Platform.getByte(null, at) & ((b << shift) | lowMask)));
                Platform.putByte(null, at + 1, (byte) (Platform.getByte(null, at + 1) & ((b >>> (8 - shift)) | ~lowMask)));
            }
        }
        for (int i = wholeBytes << 3; i < count; i++) {
            if (((Platform.getByte(null, source + (i >>> 3)) >>> (i & 7)) & 1) == 0) {
                setNull(dstRow + i);
            }
        }
    }

    /**
     * A host column of the first {@code rows} rows, taking over the buffers (the accumulator is
     * empty afterwards). Bitmap bits past the last row are cleared.
     */
    HostColumn build(int rows) {
        if (validity != null) {
            long address = validity.memoryAddress();
            long fullBytes = rows >>> 3;
            if ((rows & 7) != 0) {
                byte last = Platform.getByte(null, address + fullBytes);
                Platform.putByte(null, address + fullBytes, (byte) (last & ((1 << (rows & 7)) - 1)));
                fullBytes++;
            }
            Platform.setMemory(address + fullBytes, (byte) 0, validity.capacity() - fullBytes);
        }
        ArrowBuf d = data;
        ArrowBuf v = validity;
        data = null;
        validity = null;
        return HostColumn.wrap(type, rows, d, v);
    }

    @Override
    public void close() {
        if (data != null) {
            data.close();
            data = null;
        }
        if (validity != null) {
            validity.close();
            validity = null;
        }
    }
}
