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

/**
 * Ranking functions, lag/lead gather maps and frame bounds over a table sorted by (partition keys, order
 * keys), from its partition groups ({@code groups}) and peer groups ({@code peers}, the segments of the
 * order keys within the groups: {@link WindowSegments}). Every result is a new device buffer or column;
 * nothing waits for the stream. The aggregates over frames are in {@link WindowAggregates}.
 */
public final class WindowFunctions {
    private WindowFunctions() {}

    /** {@code row_number()}: INT32, 1 for each group's first row. */
    public static Column rowNumber(Device device, WindowSegments groups, Stream stream) {
        return intColumn(device, groups.rowCount(), WindowKernels.ROW_NUMBER,
                KernelArgs.create().ptr(0).ptr(groups.startAddress()), stream);
    }

    /** {@code rank()}: INT32, the row number of the row's first peer. */
    public static Column rank(Device device, WindowSegments groups, WindowSegments peers, Stream stream) {
        same(groups, peers);
        return intColumn(device, groups.rowCount(), WindowKernels.RANK,
                KernelArgs.create().ptr(0).ptr(groups.startAddress()).ptr(peers.startAddress()), stream);
    }

    /** {@code dense_rank()}: INT32, the number of peer groups from the group's first row to this row. */
    public static Column denseRank(Device device, WindowSegments groups, WindowSegments peers, Stream stream) {
        same(groups, peers);
        long n = groups.rowCount();
        LaunchConfig launch = launch(device, n);
        try (DeviceBuffer flags = device.allocate(WindowSegments.bytes(n), stream);
                DeviceBuffer excl = device.allocate(WindowSegments.bytes(n), stream)) {
            if (n > 0) {
                device.kernel(WindowKernels.HEAD_FLAGS).launch(launch, KernelArgs.create().ptr(flags.address())
                        .ptr(peers.startAddress()).i64(n), stream);
                PrefixSum.exclusiveSumIntAsync(device, flags.address(), excl.address(), n, stream);
            }
            return intColumn(device, n, WindowKernels.DENSE_RANK, KernelArgs.create().ptr(0)
                    .ptr(groups.startAddress()).ptr(flags.address()).ptr(excl.address()), stream);
        }
    }

    /** {@code percent_rank()}: FLOAT64, (rank - 1) / (group size - 1), 0 for a group of one row. */
    public static Column percentRank(Device device, WindowSegments groups, WindowSegments peers, Stream stream) {
        same(groups, peers);
        return doubleColumn(device, groups.rowCount(), WindowKernels.PERCENT_RANK, KernelArgs.create().ptr(0)
                .ptr(groups.startAddress()).ptr(groups.endAddress()).ptr(peers.startAddress()), stream);
    }

    /** {@code cume_dist()}: FLOAT64, (rows up to the row's last peer) / (group size). */
    public static Column cumeDist(Device device, WindowSegments groups, WindowSegments peers, Stream stream) {
        same(groups, peers);
        return doubleColumn(device, groups.rowCount(), WindowKernels.CUME_DIST, KernelArgs.create().ptr(0)
                .ptr(groups.startAddress()).ptr(groups.endAddress()).ptr(peers.endAddress()), stream);
    }

    /**
     * {@code ntile(k)}: INT32 bucket numbers 1..k, Spark 3.5's NTile: the group's rows split in order into
     * k buckets, the first (size % k) of them one row larger.
     */
    public static Column ntile(Device device, WindowSegments groups, int k, Stream stream) {
        if (k <= 0) {
            throw new IllegalArgumentException("ntile needs a positive bucket count, not " + k);
        }
        return intColumn(device, groups.rowCount(), WindowKernels.NTILE, KernelArgs.create().ptr(0)
                .ptr(groups.startAddress()).ptr(groups.endAddress()).i32(k), stream);
    }

    /**
     * The int32 gather map of {@code lag}/{@code lead}: row i + offset when it lies in row i's group, else -1
     * (gathering a -1 gives null: {@link Gather}). lag(x, k) is offset -k, lead(x, k) offset k.
     */
    public static DeviceBuffer offsetMap(Device device, WindowSegments groups, long offset, Stream stream) {
        long n = groups.rowCount();
        DeviceBuffer out = device.allocate(WindowSegments.bytes(n), stream);
        try {
            if (n > 0) {
                device.kernel(WindowKernels.OFFSET_MAP).launch(launch(device, n), KernelArgs.create().ptr(out.address())
                        .ptr(groups.startAddress()).ptr(groups.endAddress()).i64(offset).i64(n), stream);
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /**
     * A ROWS frame: from row i + lower to row i + upper (both inclusive), clipped to the row's group.
     *
     * @param lower null for UNBOUNDED PRECEDING, else the offset (negative: preceding, 0: current row)
     * @param upper null for UNBOUNDED FOLLOWING, else the offset (positive: following)
     */
    public static FrameBounds rowsFrame(Device device, WindowSegments groups, Long lower, Long upper, Stream stream) {
        long n = groups.rowCount();
        int kinds = (lower == null ? WindowKernels.BOUND_UNBOUNDED : WindowKernels.BOUND_OFFSET)
                | (upper == null ? WindowKernels.BOUND_UNBOUNDED : WindowKernels.BOUND_OFFSET) << 2;
        return frame(device, n, WindowKernels.ROWS_FRAME, KernelArgs.create().ptr(groups.startAddress())
                .ptr(groups.endAddress()).i64(lower == null ? 0 : lower).i64(upper == null ? 0 : upper).i32(kinds),
                stream);
    }

    /**
     * A RANGE frame over one order column, as Spark's RangeBoundOrdering: for an ascending order, the rows
     * of the group whose value v has value_i + lower <= v <= value_i + upper (descending: value_i - lower >= v
     * >= value_i - upper), found by binary search in the group's sorted values. An unbounded end is the
     * group's bound; an offset of 0 is CURRENT ROW, the row's peer group bound (also the only supported
     * bound for order columns of other types, which pass them as 0 or null). The bound value wraps like
     * Spark's non-ANSI addition for the integer types, DATE32 (days) and TIMESTAMP_US (microseconds), is
     * exact for DECIMAL64 (an unscaled offset at the column's scale), and float / double addition for the
     * floats (NaN sorts greatest and equals NaN, -0.0 equals 0.0). A row whose order value is null has as
     * bound of an offset the bound of its group's null rows (which sort together, first or last): with two
     * offsets its frame is exactly the null rows of its group, as in Spark, where the null bound value
     * compares equal to nulls only.
     *
     * @param lower null (UNBOUNDED PRECEDING) or the offset added to the row's value: a Long for the integer
     *     types, DATE32, TIMESTAMP_US and DECIMAL64; any Number for FLOAT32 / FLOAT64 (as a double, rounded to
     *     float for FLOAT32)
     * @param upper null (UNBOUNDED FOLLOWING) or the offset, as {@code lower}
     */
    public static FrameBounds rangeFrame(Device device, WindowSegments groups, WindowSegments peers, Column order,
            boolean ascending, boolean nullsFirst, Number lower, Number upper, Stream stream) {
        same(groups, peers);
        requireNonNull(order, "order is null");
        long n = groups.rowCount();
        if (order.rowCount() != n) {
            throw new IllegalArgumentException("order column of " + order.rowCount() + " rows, groups of " + n);
        }
        String type = WindowKernels.rangeType(order.type());
        boolean offsets = isOffset(lower) || isOffset(upper);
        if (offsets && type == null) {
            throw new IllegalArgumentException("RANGE frames with value offsets take a numeric, date, timestamp or "
                    + "DECIMAL64 order column, not " + order.type());
        }
        boolean floating = type != null && type.startsWith("f");
        int kinds = kind(lower) | kind(upper) << 2 | (ascending ? 0 : WindowKernels.RANGE_DESCENDING)
                | (nullsFirst ? WindowKernels.RANGE_NULLS_FIRST : 0);
        // Without offsets the bounds are the group's and the peers': any range kernel computes them.
        String kernel = WindowKernels.rangeFrame(type == null ? "i8" : type);
        return frame(device, n, kernel, KernelArgs.create().ptr(groups.startAddress()).ptr(groups.endAddress())
                .ptr(peers.startAddress()).ptr(peers.endAddress()).ptr(type == null ? 0 : order.dataAddress())
                .ptr(order.validityAddress()).i64(offsetBits(lower, floating)).i64(offsetBits(upper, floating))
                .i32(kinds), stream);
    }

    private static boolean isOffset(Number bound) {
        return kind(bound) == WindowKernels.BOUND_OFFSET;
    }

    private static int kind(Number bound) {
        if (bound == null) {
            return WindowKernels.BOUND_UNBOUNDED;
        }
        return bound.doubleValue() == 0.0 ? WindowKernels.BOUND_CURRENT_ROW : WindowKernels.BOUND_OFFSET;
    }

    private static long offsetBits(Number bound, boolean floating) {
        if (bound == null) {
            return 0;
        }
        if (floating) {
            return Double.doubleToRawLongBits(bound.doubleValue());
        }
        if (!(bound instanceof Long || bound instanceof Integer || bound instanceof Short || bound instanceof Byte)) {
            throw new IllegalArgumentException("an integer offset is needed for this order column, not " + bound);
        }
        return bound.longValue();
    }

    private static FrameBounds frame(Device device, long n, String kernel, KernelArgs tail, Stream stream) {
        DeviceBuffer start = device.allocate(WindowSegments.bytes(n), stream);
        DeviceBuffer end = null;
        try {
            end = device.allocate(WindowSegments.bytes(n), stream);
            if (n > 0) {
                KernelArgs args = KernelArgs.create().ptr(start.address()).ptr(end.address());
                for (int i = 0; i < tail.size(); i++) {
                    append(args, tail, i);
                }
                device.kernel(kernel).launch(launch(device, n), args.i64(n), stream);
            }
            return new FrameBounds(start, end, n);
        } catch (RuntimeException | Error e) {
            start.close();
            if (end != null) {
                end.close();
            }
            throw e;
        }
    }

    /** Copies argument {@code i} of {@code from} to {@code to}. */
    private static void append(KernelArgs to, KernelArgs from, int i) {
        switch (from.type(i)) {
            case PTR -> to.ptr(from.ptrAt(i));
            case I32 -> to.i32(from.i32At(i));
            case I64 -> to.i64(from.i64At(i));
            case F32 -> to.f32(from.f32At(i));
            case F64 -> to.f64(from.f64At(i));
        }
    }

    /** A new column from a kernel whose first argument is the output and last the row count. */
    private static Column intColumn(Device device, long n, String kernel, KernelArgs args, Stream stream) {
        return column(device, n, DType.INT32, kernel, args, stream);
    }

    private static Column doubleColumn(Device device, long n, String kernel, KernelArgs args, Stream stream) {
        return column(device, n, DType.FLOAT64, kernel, args, stream);
    }

    /** {@code args} starts with a placeholder pointer (0) for the output. */
    private static Column column(Device device, long n, DType type, String kernel, KernelArgs args, Stream stream) {
        DeviceBuffer out = device.allocate(Math.max(8, n * type.sizeInBytes()), stream);
        try {
            if (n > 0) {
                KernelArgs real = KernelArgs.create().ptr(out.address());
                for (int i = 1; i < args.size(); i++) {
                    append(real, args, i);
                }
                device.kernel(kernel).launch(launch(device, n), real.i64(n), stream);
            }
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return Column.create(type, n, out);
    }

    static LaunchConfig launch(Device device, long n) {
        return LaunchConfig.gridStride(n, device.multiProcessorCount());
    }

    static void same(WindowSegments groups, WindowSegments peers) {
        requireNonNull(groups, "groups is null");
        requireNonNull(peers, "peers is null");
        if (groups.rowCount() != peers.rowCount()) {
            throw new IllegalArgumentException("groups of " + groups.rowCount() + " rows, peers of " + peers.rowCount());
        }
    }
}
