package dev.ember.spark.exec.window;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.WindowKernels;
import dev.ember.cuda.ops.FrameBounds;
import dev.ember.cuda.ops.Gather;
import dev.ember.cuda.ops.WindowAggregates;
import dev.ember.cuda.ops.WindowFunctions;
import dev.ember.cuda.ops.WindowSegments;
import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.window.WindowCall.Frame;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Computes a {@link WindowPlan} over a table holding complete partition groups, sorted by partition
 * and order keys: the partition groups and peer groups ({@link WindowSegments}), each call with the
 * window kernels, then the final expressions over the child's columns and the call results (one GPU
 * program). Frames never cross partition groups, so any split of the input between groups gives the
 * same results.
 */
final class WindowEvaluator {
    private final WindowPlan plan;
    private final ExprPrograms.Compiled inputs;
    private final ExprPrograms.Compiled finals;
    /** Per final expression: its result column (index into the final input) or -1 when computed. */
    private final int[] passThrough;
    private final int[] computedIndex;

    WindowEvaluator(WindowPlan plan) {
        this.plan = requireNonNull(plan, "plan is null");
        this.inputs = plan.inputs().isEmpty() ? null : ExprPrograms.compile(plan.inputs(), plan.childOutput());
        List<Expression> computed = new ArrayList<>();
        passThrough = new int[plan.finals().size()];
        computedIndex = new int[plan.finals().size()];
        for (int k = 0; k < passThrough.length; k++) {
            Expression e = plan.finals().get(k);
            int index = e instanceof AttributeReference ref ? ExprPrograms.indexOf(plan.finalInput(), ref) : -1;
            passThrough[k] = index;
            computedIndex[k] = index >= 0 ? -1 : computed.size();
            if (index < 0) {
                computed.add(e);
            }
        }
        this.finals = computed.isEmpty() ? null : ExprPrograms.compile(computed, plan.finalInput());
    }

    /** The child's columns of {@code in} followed by the evaluated inputs (added to {@code owned}). */
    private List<Column> columns(Device device, Table in, List<Column> owned, Stream stream) {
        List<Column> all = new ArrayList<>(in.columns());
        if (inputs != null) {
            List<Column> evaluated = inputs.evaluate(device, in.columns(), in.rowCount(), stream);
            owned.addAll(evaluated);
            all.addAll(evaluated);
        }
        return all;
    }

    private WindowSegments groups(Device device, List<Column> columns, long n, Stream stream) {
        if (plan.partitionColumns().length == 0) {
            return WindowSegments.whole(device, n, stream);
        }
        return WindowSegments.of(device, pick(columns, plan.partitionColumns()), null, stream);
    }

    private static List<Column> pick(List<Column> columns, int[] indices) {
        List<Column> out = new ArrayList<>();
        for (int i : indices) {
            out.add(columns.get(i));
        }
        return out;
    }

    /**
     * The first row of the last partition group of {@code in} (0 when it holds one group; {@code in}
     * has rows): the rows before it are complete groups.
     */
    int lastGroupStart(Device device, Table in, Stream stream) {
        long n = in.rowCount();
        if (plan.partitionColumns().length == 0) {
            return 0;
        }
        List<Column> owned = new ArrayList<>();
        try (WindowSegments groups = groups(device, columns(device, in, owned, stream), n, stream);
                PinnedBuffer host = device.allocatePinned(4)) {
            device.copyDeviceToHost(groups.startAddress() + (n - 1) * 4, host.address(), 4, stream);
            stream.synchronize();
            return host.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        } finally {
            owned.forEach(Column::close);
        }
    }

    /** The child's columns of {@code in} followed by the window columns; {@code in} stays the caller's. */
    Table evaluate(Device device, Table in, Stream stream) {
        long n = in.rowCount();
        List<Column> owned = new ArrayList<>();
        List<Column> results = new ArrayList<>();
        try {
            List<Column> columns = columns(device, in, owned, stream);
            try (WindowSegments groups = groups(device, columns, n, stream);
                    WindowSegments peers = plan.needsPeers() ? WindowSegments.of(device,
                            pick(columns, plan.orderColumns()), groups, stream) : null) {
                for (WindowCall call : plan.calls()) {
                    results.add(compute(device, call, columns, groups, peers, n, stream));
                }
            }
            List<Column> finalInput = new ArrayList<>(in.columns());
            finalInput.addAll(results);
            List<Column> computed = finals == null ? List.of() : finals.evaluate(device, finalInput, n, stream);
            List<Column> out = new ArrayList<>();
            try {
                for (Column c : in.columns()) {
                    out.add(c.incRef());
                }
                for (int k = 0; k < passThrough.length; k++) {
                    out.add(passThrough[k] >= 0 ? finalInput.get(passThrough[k]).incRef()
                            : computed.get(computedIndex[k]).incRef());
                }
                return Table.of(n, out);
            } catch (RuntimeException | Error e) {
                out.forEach(Column::close);
                throw e;
            } finally {
                computed.forEach(Column::close);
            }
        } finally {
            owned.forEach(Column::close);
            results.forEach(Column::close);
        }
    }

    private Column compute(Device device, WindowCall call, List<Column> columns, WindowSegments groups,
            WindowSegments peers, long n, Stream stream) {
        return switch (call.function()) {
            case ROW_NUMBER -> WindowFunctions.rowNumber(device, groups, stream);
            case RANK -> WindowFunctions.rank(device, groups, peers, stream);
            case DENSE_RANK -> WindowFunctions.denseRank(device, groups, peers, stream);
            case PERCENT_RANK -> WindowFunctions.percentRank(device, groups, peers, stream);
            case CUME_DIST -> WindowFunctions.cumeDist(device, groups, peers, stream);
            case NTILE -> WindowFunctions.ntile(device, groups, (int) call.parameter(), stream);
            case OFFSET_VALUE -> {
                try (DeviceBuffer map = WindowFunctions.offsetMap(device, groups, call.parameter(), stream)) {
                    yield Gather.rowsOrNull(device, columns.get(call.input()), map, n, stream);
                }
            }
            case OFFSET_MAP -> Column.create(DType.INT32, n, WindowFunctions.offsetMap(device, groups,
                    call.parameter(), stream));
            case SUM, COUNT, MIN, MAX -> aggregate(device, call, columns, groups, peers, stream);
        };
    }

    private Column aggregate(Device device, WindowCall call, List<Column> columns, WindowSegments groups,
            WindowSegments peers, Stream stream) {
        WindowAggregates.Kind kind = WindowAggregates.Kind.valueOf(call.function().name());
        Column values = columns.get(call.input());
        Frame frame = call.frame();
        if (frame.isWholeGroup()) {
            return WindowAggregates.groupAggregate(device, kind, values, groups, stream);
        }
        if (frame.isRunning()) {
            Column running = WindowAggregates.runningAggregate(device, kind, values, groups, stream);
            if (frame.rows()) {
                return running;
            }
            // RANGE: every peer of a row gets the running value at the peer group's last row.
            try (running; DeviceBuffer map = lastRows(device, peers, stream)) {
                return Gather.rowsOrNull(device, running, map, values.rowCount(), stream);
            }
        }
        FrameBounds bounds;
        if (frame.rows()) {
            bounds = WindowFunctions.rowsFrame(device, groups, toLong(frame.lower()), toLong(frame.upper()), stream);
        } else {
            int order = plan.orderColumns()[0];
            bounds = WindowFunctions.rangeFrame(device, groups, peers, columns.get(order), plan.ascending()[0],
                    plan.nullsFirst()[0], frame.lower(), frame.upper(), stream);
        }
        try (bounds) {
            return WindowAggregates.frameAggregate(device, kind, values, bounds, stream);
        }
    }

    private static Long toLong(Number bound) {
        return bound == null ? null : bound.longValue();
    }

    /** Per row, the index of its segment's last row (int32). */
    private static DeviceBuffer lastRows(Device device, WindowSegments segments, Stream stream) {
        long n = segments.rowCount();
        DeviceBuffer map = device.allocate(Math.max(4, n * 4), stream);
        try {
            if (n > 0) {
                device.kernel(WindowKernels.LAST_MAP).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                        KernelArgs.create().ptr(map.address()).ptr(segments.endAddress()).i64(n), stream);
            }
            return map;
        } catch (RuntimeException | Error e) {
            map.close();
            throw e;
        }
    }
}
