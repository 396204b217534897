package dev.ember.cuda.column;

import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;

/**
 * Counting the nulls of a device bitmap. Today this downloads the bitmap and counts on the host; a
 * device popcount kernel can replace the body of {@link #count} without changing any caller.
 */
final class NullCounts {
    private NullCounts() {}

    /** Null rows among the first {@code rows} of {@code validity} (null = none), after {@code stream}'s work. */
    static long count(DeviceBuffer validity, long rows, Stream stream) {
        if (validity == null || rows == 0) {
            return 0;
        }
        long words = (rows + 63) >>> 6;
        if (words > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + " rows are too many to count nulls on the host");
        }
        // DeviceArrays copies on the default stream; finishing the producer's stream first orders it.
        stream.synchronize();
        long[] bits = DeviceArrays.downloadLongs(validity, 0, (int) words);
        return rows - Bitmaps.countValid(bits, rows);
    }
}
