package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.DeviceBuffer;

/**
 * The window frame of every row: {@code start} (int32, inclusive) and {@code end} (int32, exclusive) row
 * indices, within the row's partition group; {@code end == start} is an empty frame (the frame kernels
 * never write {@code end < start}). Closing it frees both arrays.
 */
public record FrameBounds(DeviceBuffer start, DeviceBuffer end, long rowCount) implements AutoCloseable {
    public FrameBounds {
        requireNonNull(start, "start is null");
        requireNonNull(end, "end is null");
        WindowSegments.checkRows(rowCount);
    }

    public long startAddress() {
        return start.address();
    }

    public long endAddress() {
        return end.address();
    }

    @Override
    public void close() {
        try (end) {
            start.close();
        }
    }
}
