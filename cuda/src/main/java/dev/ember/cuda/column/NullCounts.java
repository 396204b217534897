package dev.ember.cuda.column;

import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.ops.Bitmaps;

/** Counting the nulls of a device validity bitmap with the device's popcount kernel. */
final class NullCounts {
    private NullCounts() {}

    /** Null rows among the first {@code rows} of {@code validity} (null = none), after {@code stream}'s work. */
    static long count(DeviceBuffer validity, long rows, Stream stream) {
        if (validity == null || rows == 0) {
            return 0;
        }
        return Bitmaps.nullCount(validity.device(), validity.address(), rows, stream);
    }
}
