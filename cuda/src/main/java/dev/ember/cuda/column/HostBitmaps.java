package dev.ember.cuda.column;

import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Arrow-layout validity bitmaps in host memory: bit {@code i % 8} of byte {@code i / 8}, least
 * significant bit first, 1 = valid. Allocations Ember makes are sized to whole 64-bit words ({@link
 * dev.ember.cuda.ops.Bitmaps#bitmapBytes}); bitmaps received from Arrow may be as short as {@link
 * #minimumBytes}.
 */
public final class HostBitmaps {
    private HostBitmaps() {}

    /** Bytes that hold the bits of {@code rows} rows: {@code ceil(rows / 8)}. */
    public static long minimumBytes(long rows) {
        checkRows(rows);
        return (rows + 7) >>> 3;
    }

    /** Whether row {@code row} is valid in the bitmap at host address {@code address}. */
    static boolean isValid(long address, long row) {
        return ((MemoryUtil.UNSAFE.getByte(address + (row >>> 3)) >>> (row & 7)) & 1) != 0;
    }

    /** Number of valid rows among the first {@code rows} of a host bitmap; bits past them are ignored. */
    public static long countValid(long address, long rows) {
        checkRows(rows);
        long fullWords = rows >>> 6;
        long valid = 0;
        for (long w = 0; w < fullWords; w++) {
            valid += Long.bitCount(MemoryUtil.UNSAFE.getLong(address + (w << 3)));
        }
        // The tail is read byte by byte: the bitmap may end before the next whole word.
        for (long row = fullWords << 6; row < rows; row++) {
            if (isValid(address, row)) {
                valid++;
            }
        }
        return valid;
    }

    private static void checkRows(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("negative row count " + rows);
        }
    }
}
