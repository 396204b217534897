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
 *
 * <p>STRING columns hold {@code rows + 1} int32 offsets and the UTF-8 bytes in {@code data}, which
 * grows by bytes ({@link #reserveChars}); rows are appended in order ({@link StringVectorCopy} writes
 * each row's end offset), null rows empty.
 */
final class HostColumnAccumulator implements AutoCloseable {
    private static final int MIN_CAPACITY = 64;

    private final DType type;
    private final int width;
    private ArrowBuf data;
    private ArrowBuf validity;
    /** STRING only: the offsets, and the bytes written to {@code data} so far. */
    private ArrowBuf offsets;
    private long chars;
    private int capacity;

    HostColumnAccumulator(DType type, int initialCapacity) {
        this.type = requireNonNull(type, "type is null");
        this.capacity = Math.max(MIN_CAPACITY, initialCapacity);
        if (type.id() == DType.TypeId.STRING) {
            this.width = 0;
            this.offsets = HostMemory.allocator().buffer(4L * capacity + 4);
            Platform.putInt(null, offsets.memoryAddress(), 0);
            try {
                this.data = HostMemory.allocator().buffer(16L * capacity);
            } catch (RuntimeException | Error e) {
                offsets.close();
                throw e;
            }
        } else {
            this.width = type.sizeInBytes();
            this.data = HostMemory.allocator().buffer((long) capacity * width);
        }
    }

    boolean isString() {
        return type.id() == DType.TypeId.STRING;
    }

    /** STRING: UTF-8 bytes written so far. */
    long charsUsed() {
        return chars;
    }

    /** STRING: host address of the offsets (entry {@code row} at {@code + 4 * row}; valid until the next {@link #reserve}). */
    long offsetsAddress() {
        return offsets.memoryAddress();
    }

    /**
     * STRING: makes room for {@code more} bytes after those written and returns the address to write
     * them at (valid until the next call); {@link #commitChars} then counts them.
     *
     * @throws IllegalArgumentException past the {@link Integer#MAX_VALUE} bytes int32 offsets address
     */
    long reserveChars(long more) {
        long needed = chars + more;
        if (needed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a string column cannot hold " + needed + " bytes: int32 offsets "
                    + "address at most " + Integer.MAX_VALUE + " bytes; read smaller batches");
        }
        if (needed > data.capacity()) {
            long grown = Math.min(Integer.MAX_VALUE, Math.max(needed, 2 * data.capacity()));
            ArrowBuf newData = HostMemory.allocator().buffer(grown);
            Platform.copyMemory(null, data.memoryAddress(), null, newData.memoryAddress(), chars);
            data.close();
            data = newData;
        }
        return data.memoryAddress() + chars;
    }

    /** STRING: counts {@code n} bytes written at the address {@link #reserveChars} returned. */
    void commitChars(long n) {
        chars += n;
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
        if (offsets != null) {
            ArrowBuf newOffsets = HostMemory.allocator().buffer(4L * grown + 4);
            Platform.copyMemory(null, offsets.memoryAddress(), null, newOffsets.memoryAddress(), 4L * filled + 4);
            offsets.close();
            offsets = newOffsets;
        } else {
            ArrowBuf newData = HostMemory.allocator().buffer((long) grown * width);
            Platform.copyMemory(null, data.memoryAddress(), null, newData.memoryAddress(), (long) filled * width);
            data.close();
            data = newData;
        }
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

    /** Marks row {@code row} null and zeroes its value (a string row: marks it only; its offsets are the writer's). */
    void setNullZeroed(int row) {
        if (offsets != null) {
            setNull(row);
            return;
        }
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
        if (offsets != null) {
            // Empty rows: each ends where the bytes written so far end.
            for (int r = 0; r < count; r++) {
                Platform.putInt(null, offsets.memoryAddress() + 4L * (from + r + 1), (int) chars);
            }
        } else {
            Platform.setMemory(valueAddress(from), (byte) 0, (long) count * width);
        }
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
        ArrowBuf o = offsets;
        data = null;
        validity = null;
        offsets = null;
        return o != null ? HostColumn.wrapStrings(rows, o, d, v) : HostColumn.wrap(type, rows, d, v);
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
        if (offsets != null) {
            offsets.close();
            offsets = null;
        }
    }
}
