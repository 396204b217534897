package dev.ember.cuda.column;

import dev.ember.cuda.memory.HostMemory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The string half of {@link HostColumn}: building STRING columns from Java values and checking the
 * offsets of wrapped buffers. Kept apart so HostColumn stays about the column, not the layout rules.
 */
final class HostStrings {
    private HostStrings() {}

    /**
     * Checks Ember's STRING invariants on host buffers: {@code rowCount + 1} offsets, the first 0,
     * never decreasing, the last within {@code data}, and every null row empty. Returns the byte
     * count {@code offsets[rowCount]}.
     */
    static long checkOffsets(int rowCount, ArrowBuf offsets, ArrowBuf data, ArrowBuf validity) {
        long offsetBytes = 4L * rowCount + 4;
        if (offsets.capacity() < offsetBytes) {
            throw new IllegalArgumentException(rowCount + " string rows need " + offsetBytes
                    + " offset bytes (rows + 1 int32 entries), but the buffer has " + offsets.capacity());
        }
        int first = offsets.getInt(0);
        if (first != 0) {
            throw new IllegalArgumentException("string offsets must start at 0, not " + first
                    + ": rebase them (Arrow slices may start elsewhere)");
        }
        long address = validity == null ? 0 : validity.memoryAddress();
        int previous = 0;
        for (int i = 0; i < rowCount; i++) {
            int next = offsets.getInt(4L * i + 4);
            if (next < previous) {
                throw new IllegalArgumentException("string offsets decrease at row " + i + " (" + previous + " then "
                        + next + ")");
            }
            if (next != previous && address != 0 && !HostBitmaps.isValid(address, i)) {
                throw new IllegalArgumentException("null string row " + i + " has " + (next - previous)
                        + " bytes; null rows must be empty (equal consecutive offsets)");
            }
            previous = next;
        }
        if (data.capacity() < previous) {
            throw new IllegalArgumentException("string offsets end at " + previous + " but the data buffer has "
                    + data.capacity() + " bytes");
        }
        return previous;
    }

    /** A STRING column of the byte strings; null elements are null (empty) rows. */
    static HostColumn build(byte[][] values) {
        if (values == null) {
            throw new NullPointerException("values is null");
        }
        int rows = values.length;
        if (rows == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a string column has at most " + (Integer.MAX_VALUE - 1) + " rows");
        }
        long total = 0;
        boolean anyNull = false;
        for (byte[] v : values) {
            total += v == null ? 0 : v.length;
            anyNull |= v == null;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(total + " bytes of strings exceed the " + Integer.MAX_VALUE
                    + " int32 offsets can address: build several columns");
        }
        BufferAllocator allocator = HostMemory.allocator();
        ArrowBuf offsets = allocator.buffer(4L * rows + 4);
        ArrowBuf data = null;
        ArrowBuf validity = null;
        try {
            data = allocator.buffer(total);
            int at = 0;
            offsets.setInt(0, 0);
            for (int i = 0; i < rows; i++) {
                if (values[i] != null) {
                    data.setBytes(at, values[i]);
                    at += values[i].length;
                }
                offsets.setInt(4L * i + 4, at);
            }
            if (anyNull) {
                validity = allocator.buffer(dev.ember.cuda.ops.Bitmaps.bitmapBytes(rows));
                validity.setZero(0, validity.capacity());
                for (int i = 0; i < rows; i++) {
                    if (values[i] != null) {
                        long b = i >>> 3;
                        validity.setByte(b, validity.getByte(b) | (1 << (i & 7)));
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            offsets.close();
            if (data != null) {
                data.close();
            }
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        return HostColumn.wrapStrings(rows, offsets, data, validity);
    }
}
