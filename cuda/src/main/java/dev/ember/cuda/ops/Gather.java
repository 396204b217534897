package dev.ember.cuda.ops;

import static dev.ember.cuda.ops.Bitmaps.checkCount;
import static dev.ember.cuda.ops.Bitmaps.requireAddress;
import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.GatherKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/**
 * Gathers fixed-width elements (1, 2, 4, 8 or 16 bytes) by a map: {@code out[i] = src[map[i]]}. A map entry outside
 * {@code [0, srcRows)} (-1 by convention, e.g. the unmatched side of an outer join) or pointing at a
 * null source row gives a null output row whose data is 0. The output validity bitmap is always
 * written ({@link Bitmaps#bitmapBytes} bytes, bits past {@code n} are 0).
 *
 * <p>The output's null count is not computed: a gather stays asynchronous, and callers that need the
 * count ask {@link Bitmaps#nullCount} for it (one more kernel and a synchronization).
 */
public final class Gather {
    private Gather() {}

    /** The element type of a gather map. */
    public enum MapType {
        INT32(4),
        INT64(8);

        private final int width;

        MapType(int width) {
            this.width = width;
        }

        /** Bytes per map entry. */
        public int width() {
            return width;
        }
    }

    /** The data and validity of a gathered column; closing it closes both. */
    public record Gathered(DeviceBuffer data, DeviceBuffer validity) implements AutoCloseable {
        public Gathered {
            requireNonNull(data, "data is null");
            requireNonNull(validity, "validity is null");
        }

        @Override
        public void close() {
            try (validity) {
                data.close();
            }
        }
    }

    /**
     * Queues the gather of {@code n} rows into caller-provided memory.
     *
     * @param src source data: {@code srcRows} elements of {@code width} bytes (1, 2, 4, 8 or 16; floating
     *     point data uses its width; 16-byte data, e.g. DECIMAL128, must be 16-byte aligned, as allocations are)
     * @param srcValidity the source's validity bitmap, or 0 when every source row is valid
     * @param map {@code n} entries of {@code mapType}
     * @param out {@code n * width} bytes, not overlapping the inputs (16-byte aligned for width 16)
     * @param outValidity {@link Bitmaps#bitmapBytes}{@code (n)} bytes, 4-byte aligned
     */
    public static void gatherInto(Device device, long src, long srcValidity, long srcRows, int width, long map,
            MapType mapType, long n, long out, long outValidity, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(mapType, "mapType is null");
        requireNonNull(stream, "stream is null");
        String kernel = GatherKernels.name(mapType.width(), width);
        checkCount(n);
        if (srcRows < 0) {
            throw new IllegalArgumentException("source row count must be >= 0, not " + srcRows);
        }
        if (n == 0) {
            return;
        }
        requireAddress(map, "map");
        requireAddress(out, "out");
        requireAddress(outValidity, "outValidity");
        GatherKernels.checkAlignment(width, src, "src");
        GatherKernels.checkAlignment(width, out, "out");
        if ((outValidity & 3) != 0) {
            throw new IllegalArgumentException("outValidity must be 4-byte aligned (the kernel stores 32-bit words)");
        }
        KernelArgs args = KernelArgs.create().ptr(out).ptr(outValidity).ptr(src).ptr(srcValidity).i64(srcRows)
                .ptr(map).i64(n);
        // One thread per row, rows rounded up to whole 64-bit validity words.
        long rows = Bitmaps.bitmapBytes(n) * 8;
        device.kernel(kernel).launch(LaunchConfig.gridStride(rows, device.multiProcessorCount()), args, stream);
    }

    /**
     * Gathers {@code n} rows into new buffers.
     *
     * @param srcValidity the source's validity bitmap, or null when every source row is valid
     */
    public static Gathered gather(Device device, DeviceBuffer src, DeviceBuffer srcValidity, long srcRows, int width,
            DeviceBuffer map, MapType mapType, long n, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(src, "src is null");
        requireNonNull(map, "map is null");
        requireNonNull(mapType, "mapType is null");
        GatherKernels.name(mapType.width(), width);
        checkCount(n);
        checkFits(src, srcRows, width, "src");
        if (srcValidity != null && srcValidity.size() < (srcRows + 7) / 8) {
            throw new IllegalArgumentException(srcValidity + " is too small for the validity of " + srcRows + " rows");
        }
        checkFits(map, n, mapType.width(), "map");
        DeviceBuffer data = device.allocate(n * width, stream);
        try {
            DeviceBuffer validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
            try {
                gatherInto(device, src.address(), srcValidity == null ? 0 : srcValidity.address(), srcRows, width,
                        map.address(), mapType, n, data.address(), validity.address(), stream);
                return new Gathered(data, validity);
            } catch (RuntimeException | Error e) {
                validity.close();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            data.close();
            throw e;
        }
    }

    static void checkFits(DeviceBuffer buffer, long elements, int width, String what) {
        if (elements < 0) {
            throw new IllegalArgumentException(what + " element count must be >= 0, not " + elements);
        }
        if (buffer.size() < elements * width) {
            throw new IllegalArgumentException(what + " " + buffer + " is too small for " + elements + " elements of "
                    + width + " bytes");
        }
    }

    /**
     * A new column of rows {@code map[0..n)} of {@code c} ({@code n} int32 row indices, each a row of
     * {@code c}; no -1 entries, as a column without nulls gets no bitmap): strings with {@link Strings#gather}, fixed-width values with {@link #gather}; a column
     * without nulls gives one without a validity bitmap. {@code c} and {@code map} stay the caller's.
     */
    public static Column rows(Device device, Column c, DeviceBuffer map, long n, Stream stream) {
        requireNonNull(c, "c is null");
        if (c.type().id() == DType.TypeId.STRING) {
            return Strings.gather(device, c, map, n, stream);
        }
        Gathered g = gather(device, c.data(), c.hasValidity() ? c.validity() : null, c.rowCount(),
                c.type().sizeInBytes(), map, MapType.INT32, n, stream);
        if (!c.hasValidity()) {
            DeviceBuffer data = g.data();
            g.validity().close();
            return Column.create(c.type(), n, data, null, 0);
        }
        return Column.create(c.type(), n, g.data(), g.validity(), Column.UNKNOWN_NULL_COUNT);
    }

    /**
     * A new column of rows {@code map[0..n)} of {@code c} where a map entry of -1 gives a null row (join
     * maps, lag/lead maps): the result always has a validity bitmap. {@code c} and {@code map} stay the
     * caller's.
     */
    public static Column rowsOrNull(Device device, Column c, DeviceBuffer map, long n, Stream stream) {
        requireNonNull(c, "c is null");
        if (c.type().id() == DType.TypeId.STRING) {
            return Strings.gather(device, c, map, n, stream);
        }
        Gathered g = gather(device, c.data(), c.hasValidity() ? c.validity() : null, c.rowCount(),
                c.type().sizeInBytes(), map, MapType.INT32, n, stream);
        return Column.create(c.type(), n, g.data(), g.validity(), Column.UNKNOWN_NULL_COUNT);
    }
}
