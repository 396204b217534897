package dev.ember.cuda.column;

import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Arrow-layout validity bitmaps: bit {@code i % 8} of byte {@code i / 8}, least significant bit
 * first, 1 = valid. Allocations Ember makes are sized to whole 64-bit words ({@link
 * #allocationBytes}); bitmaps received from Arrow may be as short as {@link #minimumBytes}.
 */
public final class Bitmaps {
    private Bitmaps() {}

    /** Bytes Ember allocates for a bitmap of {@code rows} rows: whole 64-bit words. */
    public static long allocationBytes(long rows) {
        checkRows(rows);
        return ((rows + 63) >>> 6) << 3;
    }

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

    /** Number of valid rows among the first {@code rows} bits of {@code words} (little-endian words). */
    public static long countValid(long[] words, long rows) {
        checkRows(rows);
        if (words.length < (rows + 63) >>> 6) {
            throw new IllegalArgumentException(words.length + " words hold fewer than " + rows + " rows");
        }
        long valid = 0;
        long fullWords = rows >>> 6;
        for (int w = 0; w < fullWords; w++) {
            valid += Long.bitCount(words[w]);
        }
        int tailBits = (int) (rows & 63);
        if (tailBits != 0) {
            valid += Long.bitCount(words[(int) fullWords] & ((1L << tailBits) - 1));
        }
        return valid;
    }

    private static void checkRows(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("negative row count " + rows);
        }
    }
}
