package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.WindowKernels;
import dev.ember.cuda.memory.Closeables;
import java.util.ArrayList;
import java.util.List;

/**
 * Aggregates over window frames ({@link FrameBounds}), running frames (group start to current row) and
 * whole groups, with Spark's results:
 *
 * <ul>
 *   <li>SUM of INT8..INT64: INT64, wrapping like Java's long (Spark's non-ANSI sum); of FLOAT32 / FLOAT64:
 *       FLOAT64. Null when the frame has no non-null value.
 *   <li>COUNT (of non-null values, any type): INT64, never null.
 *   <li>MIN / MAX of INT8..INT64, DATE32, TIMESTAMP_US, DECIMAL64, FLOAT32, FLOAT64: the input type, null
 *       when the frame has no non-null value; floats in Spark's order (NaN greatest, -0.0 equal to 0.0, the
 *       first met of equal values), a NaN result written as the canonical NaN.
 * </ul>
 *
 * SUM of decimals is not supported here (it throws): its overflow-to-null at the result's precision is
 * left to the caller's plan (the CPU).
 *
 * <p>How: integer SUM and COUNT over any frame by differences of exclusive prefix sums (wrapping
 * differences are exact); float SUM and MIN / MAX over a bounded frame by a loop over the frame in row
 * order (Spark's sliding frame recomputes the same way: bit-identical sums). Running float SUM and MIN /
 * MAX by a segmented scan over chunks of {@link WindowKernels#SCAN_CHUNK} rows in three phases (chunk
 * scans, the chunk results scanned by the same kernels recursively, then carries added), no inter-block
 * waiting; a running double SUM adds in a different association than Spark's sequential loop and may
 * differ in the last bits (see docs/compatibility.md). Whole-group results are the running result at each
 * group's last row (MIN / MAX / float SUM) or the prefix-sum difference over the group.
 */
public final class WindowAggregates {
    private WindowAggregates() {}

    /** The aggregate functions. */
    public enum Kind {
        SUM,
        COUNT,
        MIN,
        MAX
    }

    /** The result type of {@code kind} over {@code input}; throws for unsupported inputs. */
    public static DType resultType(Kind kind, DType input) {
        requireNonNull(kind, "kind is null");
        requireNonNull(input, "input is null");
        if (kind == Kind.COUNT) {
            return DType.INT64;
        }
        String t = WindowKernels.minMaxType(input);
        if (t == null) {
            throw new IllegalArgumentException(kind + " over " + input + " is not supported by window aggregates");
        }
        if (kind == Kind.SUM) {
            return switch (input.id()) {
                case INT8, INT16, INT32, INT64 -> DType.INT64;
                case FLOAT32, FLOAT64 -> DType.FLOAT64;
                default -> throw new IllegalArgumentException("SUM over " + input + " is not supported by window "
                        + "aggregates");
            };
        }
        return input;
    }

    /** {@code kind} over each row's frame. */
    public static Column frameAggregate(Device device, Kind kind, Column values, FrameBounds frame, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(values, "values is null");
        requireNonNull(frame, "frame is null");
        requireNonNull(stream, "stream is null");
        DType result = resultType(kind, values.type());
        long n = values.rowCount();
        if (frame.rowCount() != n) {
            throw new IllegalArgumentException("values of " + n + " rows, frames of " + frame.rowCount());
        }
        if (kind == Kind.COUNT || isIntegerSum(kind, values.type())) {
            return prefixAggregate(device, kind == Kind.COUNT, values, frame.startAddress(), frame.endAddress(), stream);
        }
        String t = WindowKernels.minMaxType(values.type());
        LaunchConfig launch = validityLaunch(device, n);
        List<DeviceBuffer> out = allocateResult(device, result, n, stream);
        try {
            if (n > 0) {
                KernelArgs args = KernelArgs.create().ptr(out.get(0).address()).ptr(out.get(1).address())
                        .ptr(values.dataAddress()).ptr(values.validityAddress()).ptr(frame.startAddress())
                        .ptr(frame.endAddress());
                if (kind == Kind.SUM) {
                    device.kernel(WindowKernels.frameSum(t)).launch(launch, args.i64(n), stream);
                } else {
                    device.kernel(WindowKernels.frameMinMax(t)).launch(launch,
                            args.i32(kind == Kind.MAX ? 1 : 0).i64(n), stream);
                }
            }
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(out);
            throw e;
        }
        return Column.create(result, n, out.get(0), out.get(1), Column.UNKNOWN_NULL_COUNT);
    }

    /** {@code kind} over each row's running frame: its group's first row to the row itself. */
    public static Column runningAggregate(Device device, Kind kind, Column values, WindowSegments groups,
            Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(values, "values is null");
        requireNonNull(groups, "groups is null");
        DType result = resultType(kind, values.type());
        groups.requireRows(values.rowCount(), "the value column");
        if (kind == Kind.COUNT || isIntegerSum(kind, values.type())) {
            try (FrameBounds frame = WindowFunctions.rowsFrame(device, groups, null, 0L, stream)) {
                return frameAggregate(device, kind, values, frame, stream);
            }
        }
        return WindowScan.running(device, kind, values, groups, result, stream);
    }

    /** {@code kind} over each row's whole group (every row of a group gets the same value). */
    public static Column groupAggregate(Device device, Kind kind, Column values, WindowSegments groups,
            Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(values, "values is null");
        requireNonNull(groups, "groups is null");
        DType result = resultType(kind, values.type());
        long n = values.rowCount();
        groups.requireRows(n, "the value column");
        if (kind == Kind.COUNT || isIntegerSum(kind, values.type())) {
            return prefixAggregate(device, kind == Kind.COUNT, values, groups.startAddress(), groups.endAddress(),
                    stream);
        }
        try (Column running = WindowScan.running(device, kind, values, groups, result, stream);
                DeviceBuffer map = device.allocate(WindowSegments.bytes(n), stream)) {
            if (n > 0) {
                device.kernel(WindowKernels.LAST_MAP).launch(WindowFunctions.launch(device, n), KernelArgs.create()
                        .ptr(map.address()).ptr(groups.endAddress()).i64(n), stream);
            }
            Gather.Gathered g = Gather.gather(device, running.data(), running.validity(), n, result.sizeInBytes(), map,
                    Gather.MapType.INT32, n, stream);
            return Column.create(result, n, g.data(), g.validity(), Column.UNKNOWN_NULL_COUNT);
        }
    }

    private static boolean isIntegerSum(Kind kind, DType type) {
        return kind == Kind.SUM && switch (type.id()) {
            case INT8, INT16, INT32, INT64 -> true;
            default -> false;
        };
    }

    /** Integer SUM (INT64 with nulls) or COUNT (INT64) over frames [start, end) by prefix sums. */
    private static Column prefixAggregate(Device device, boolean count, Column values, long start, long end,
            Stream stream) {
        long n = values.rowCount();
        LaunchConfig launch = LaunchConfig.gridStride(n + 1, device.multiProcessorCount());
        List<DeviceBuffer> out = count ? List.of(device.allocate(Math.max(8, n * 8), stream))
                : allocateResult(device, DType.INT64, n, stream);
        try (DeviceBuffer counts = device.allocate((n + 1) * 4, stream);
                DeviceBuffer sums = count ? null : device.allocate((n + 1) * 8, stream)) {
            device.kernel(WindowKernels.PREFIX_COUNTS).launch(launch, KernelArgs.create().ptr(counts.address())
                    .ptr(values.validityAddress()).i64(n), stream);
            PrefixSum.exclusiveSumIntAsync(device, counts.address(), counts.address(), n + 1, stream);
            if (count) {
                if (n > 0) {
                    device.kernel(WindowKernels.FRAME_COUNT).launch(launch, KernelArgs.create().ptr(out.get(0).address())
                            .ptr(counts.address()).ptr(start).ptr(end).i64(n), stream);
                }
                return Column.create(DType.INT64, n, out.get(0));
            }
            String t = WindowKernels.minMaxType(values.type());
            device.kernel(WindowKernels.prefixSums(t)).launch(launch, KernelArgs.create().ptr(sums.address())
                    .ptr(values.dataAddress()).ptr(values.validityAddress()).i64(n), stream);
            PrefixSum.exclusiveSumLong(device, sums.address(), sums.address(), n + 1, stream);
            if (n > 0) {
                device.kernel(WindowKernels.FRAME_SUM_I64).launch(validityLaunch(device, n), KernelArgs.create()
                        .ptr(out.get(0).address()).ptr(out.get(1).address()).ptr(sums.address()).ptr(counts.address())
                        .ptr(start).ptr(end).i64(n), stream);
            }
            return Column.create(DType.INT64, n, out.get(0), out.get(1), Column.UNKNOWN_NULL_COUNT);
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(out);
            throw e;
        }
    }

    /** Data and validity buffers of a result column of {@code n} rows. */
    static List<DeviceBuffer> allocateResult(Device device, DType type, long n, Stream stream) {
        List<DeviceBuffer> out = new ArrayList<>(2);
        try {
            out.add(device.allocate(Math.max(8, n * type.sizeInBytes()), stream));
            out.add(device.allocate(Math.max(8, Bitmaps.bitmapBytes(n)), stream));
            return out;
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(out);
            throw e;
        }
    }

    /** One thread per row, rows rounded up to whole 64-bit validity words (kernels that write bitmaps). */
    static LaunchConfig validityLaunch(Device device, long n) {
        return LaunchConfig.gridStride(Bitmaps.bitmapBytes(n) * 8, device.multiProcessorCount());
    }
}
