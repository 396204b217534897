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

    /**
     * Copies {@code count} bits from bit {@code srcBit} of the bitmap at {@code src} to bit {@code
     * dstBit} of the bitmap at {@code dst}; the other bits of {@code dst} are kept. Reads no byte of
     * {@code src} past the one holding its last copied bit.
     */
    public static void copyBits(long src, long srcBit, long dst, long dstBit, long count) {
        checkRows(count);
        long s = srcBit;
        long d = dstBit;
        long end = dstBit + count;
        // Head bits up to a byte boundary of dst, then whole dst bytes, then the tail bits.
        while (d < end && (d & 7) != 0) {
            setBit(dst, d++, isValid(src, s++));
        }
        long lastSrcByte = (srcBit + count - 1) >>> 3;
        if ((s & 7) == 0) {
            long bytes = (end - d) >>> 3;
            MemoryUtil.UNSAFE.copyMemory(src + (s >>> 3), dst + (d >>> 3), bytes);
            s += bytes << 3;
            d += bytes << 3;
        } else {
            int shift = (int) (s & 7);
            while (end - d >= 8) {
                long at = s >>> 3;
                int lo = (MemoryUtil.UNSAFE.getByte(src + at) & 0xff) >>> shift;
                int hi = at + 1 <= lastSrcByte ? (MemoryUtil.UNSAFE.getByte(src + at + 1) & 0xff) << (8 - shift) : 0;
                MemoryUtil.UNSAFE.putByte(dst + (d >>> 3), (byte) (lo | hi));
                s += 8;
                d += 8;
            }
        }
        while (d < end) {
            setBit(dst, d++, isValid(src, s++));
        }
    }

    private static void setBit(long address, long bit, boolean valid) {
        long at = address + (bit >>> 3);
        byte b = MemoryUtil.UNSAFE.getByte(at);
        int mask = 1 << (bit & 7);
        MemoryUtil.UNSAFE.putByte(at, (byte) (valid ? b | mask : b & ~mask));
    }
}
