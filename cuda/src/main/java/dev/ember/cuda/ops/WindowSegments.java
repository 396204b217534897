package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.WindowKernels;
import dev.ember.cuda.memory.Closeables;
import java.util.ArrayList;
import java.util.List;

/**
 * The segments of a table whose rows are sorted by (partition keys, order keys): runs of adjacent rows,
 * given per row as {@code start} (int32, the index of the segment's first row) and {@code end} (int32,
 * one past its last row). Partition groups are the segments of the partition keys; peer groups the
 * segments of the order keys within the partition groups. Closing the segments frees both arrays.
 *
 * @param start {@code rowCount} int32 entries
 * @param end {@code rowCount} int32 entries
 */
public record WindowSegments(DeviceBuffer start, DeviceBuffer end, long rowCount) implements AutoCloseable {
    public WindowSegments {
        requireNonNull(start, "start is null");
        requireNonNull(end, "end is null");
        if (rowCount < 0 || rowCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segments of " + rowCount + " rows (int32 row indices)");
        }
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

    /** One segment of all {@code n} rows. */
    public static WindowSegments whole(Device device, long n, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        checkRows(n);
        DeviceBuffer start = device.allocate(bytes(n), stream);
        DeviceBuffer end = null;
        try {
            end = device.allocate(bytes(n), stream);
            Fill.fill(device, start.address(), n, 4, 0, stream);
            Fill.fill(device, end.address(), n, 4, n, stream);
            return new WindowSegments(start, end, n);
        } catch (RuntimeException | Error e) {
            start.close();
            if (end != null) {
                end.close();
            }
            throw e;
        }
    }

    /**
     * The segments of adjacent rows equal on every key column (Spark's grouping equality: null equals null,
     * NaN equals NaN, -0.0 equals 0.0, strings bytewise), never crossing a segment of {@code parent}.
     *
     * @param keys key columns of any device type, all of the same row count; may be empty when {@code parent}
     *     is given (the result then equals the parent's segments)
     * @param parent the enclosing segments (the partition groups, for peer groups), or null
     */
    public static WindowSegments of(Device device, List<Column> keys, WindowSegments parent, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(keys, "keys is null");
        requireNonNull(stream, "stream is null");
        if (keys.isEmpty() && parent == null) {
            throw new IllegalArgumentException("segments need key columns or a parent");
        }
        long n = parent != null ? parent.rowCount() : keys.get(0).rowCount();
        for (Column k : keys) {
            if (requireNonNull(k, "a key column is null").rowCount() != n) {
                throw new IllegalArgumentException("key columns of " + k.rowCount() + " rows, expected " + n);
            }
        }
        checkRows(n);
        if (n == 0) {
            return whole(device, 0, stream);
        }
        LaunchConfig launch = LaunchConfig.gridStride(n, device.multiProcessorCount());
        List<DeviceBuffer> temps = new ArrayList<>();
        try {
            DeviceBuffer descriptor = KeyDescriptor.upload(device, keys, stream);
            temps.add(descriptor);
            DeviceBuffer flags = device.allocate(n * 4, stream);
            temps.add(flags);
            DeviceBuffer excl = device.allocate(n * 4, stream);
            temps.add(excl);
            device.kernel(WindowKernels.BOUNDARIES).launch(launch, KernelArgs.create().ptr(flags.address())
                    .ptr(descriptor.address()).i32(keys.size()).ptr(parent == null ? 0 : parent.startAddress()).i64(n),
                    stream);
            int count = PrefixSum.exclusiveSumInt(device, flags.address(), excl.address(), n, stream);
            DeviceBuffer segStart = device.allocate((count + 1L) * 4, stream);
            temps.add(segStart);
            device.kernel(WindowKernels.SEGMENT_STARTS).launch(launch, KernelArgs.create().ptr(segStart.address())
                    .ptr(flags.address()).ptr(excl.address()).i64(n), stream);
            return bounds(device, flags, excl, segStart, n, stream);
        } finally {
            Closeables.closeAll(temps);
        }
    }

    private static WindowSegments bounds(Device device, DeviceBuffer flags, DeviceBuffer excl, DeviceBuffer segStart,
            long n, Stream stream) {
        DeviceBuffer start = device.allocate(n * 4, stream);
        DeviceBuffer end = null;
        try {
            end = device.allocate(n * 4, stream);
            device.kernel(WindowKernels.SEGMENT_BOUNDS).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                    KernelArgs.create().ptr(start.address()).ptr(end.address()).ptr(flags.address())
                            .ptr(excl.address()).ptr(segStart.address()).i64(n), stream);
            return new WindowSegments(start, end, n);
        } catch (RuntimeException | Error e) {
            start.close();
            if (end != null) {
                end.close();
            }
            throw e;
        }
    }

    static void checkRows(long n) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("window functions take 0 to " + Integer.MAX_VALUE + " rows, not " + n);
        }
    }

    /** Bytes of an int32 array of {@code n} entries (at least 4, so an empty table still has buffers). */
    static long bytes(long n) {
        return Math.max(4, n * 4);
    }

    void requireRows(long n, String what) {
        if (rowCount != n) {
            throw new IllegalArgumentException(what + " has " + n + " rows, but the segments " + rowCount);
        }
    }
}
