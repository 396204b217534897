package dev.ember.spark.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.expr.Program;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.ProgramEvaluator;
import dev.ember.cuda.expr.Reg;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.Compaction;
import dev.ember.cuda.ops.Fill;
import dev.ember.cuda.ops.Gather;
import dev.ember.cuda.ops.Scatter;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.columnar.HostBatches;
import dev.ember.spark.exec.DeviceBatchIterators;
import dev.ember.spark.exec.DeviceBuildTables;
import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.OpMetrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * One partition of a GPU nested loop join: for each stream batch of {@code s} rows and the build
 * table of {@code b} rows, the {@code s * b} candidate pairs are numbered {@code p = stream * b +
 * build} and taken in chunks of about {@code targetBatchBytes} of pair columns. A chunk's row maps
 * come from a sequence of pair numbers and a two-output expression program ({@code p / b}, {@code p %
 * b}); the pair columns are gathered by them, the condition evaluated over them and stream compaction
 * keeps the pairs where it is true (null is false). Pair joins output those pairs (a chunk without
 * one outputs nothing); the others scatter a flag per matched stream row, and after the stream
 * batch's last chunk output its matched (semi) or unmatched (anti, and outer with nulls on the build
 * side) rows, or all rows with the flags as the existence column. Without a condition every pair
 * matches and no pairs are made where only the stream rows are output. The run owns the build table.
 */
final class NestedLoopJoinRun implements Iterator<ColumnarBatch>, AutoCloseable {
    private final NestedLoopJoinSpec spec;
    private final Table build;
    private final Iterator<ColumnarBatch> input;
    private final StructType schema;
    private final long targetBatchBytes;
    private final OpMetrics metrics;
    private final Device device;
    private final Stream stream;
    private final ExprPrograms.Compiled condition;
    private final Program pairMaps;
    private final long fixedPairBytes;
    /** The flag value a match writes: 1 where matched rows are output, 0 where unmatched ones are. */
    private final byte matchFlag;
    private Table streamTable;
    private DeviceBuffer flags;
    private long pairCursor;
    private long pairTotal;
    private boolean tailDone;
    private boolean closed;
    private ColumnarBatch next;

    /** Joins {@code input} against {@code build}, which this run takes over. */
    NestedLoopJoinRun(NestedLoopJoinSpec spec, Table build, Iterator<ColumnarBatch> input, StructType schema,
            long targetBatchBytes, OpMetrics metrics) {
        this.build = requireNonNull(build, "build is null");
        try {
            this.spec = requireNonNull(spec, "spec is null");
            this.input = requireNonNull(input, "input is null");
            this.schema = requireNonNull(schema, "schema is null");
            this.targetBatchBytes = targetBatchBytes;
            this.metrics = requireNonNull(metrics, "metrics is null");
            this.device = EmberRuntime.get().device();
            this.stream = device.defaultStream();
            this.condition = spec.condition() == null ? null
                    : ExprPrograms.compile(List.of(spec.condition()), spec.leftThenRight());
            this.pairMaps = build.rowCount() == 0 ? null : pairMapProgram(build.rowCount());
            StructType pairSchema = new StructType();
            for (var a : spec.leftThenRight()) {
                pairSchema = pairSchema.add(a.name(), a.dataType(), a.nullable());
            }
            this.fixedPairBytes = HostBatches.rowBytes(pairSchema);
            this.matchFlag = (byte) (spec.kind() == NestedLoopJoinSpec.Kind.SEMI
                    || spec.kind() == NestedLoopJoinSpec.Kind.EXISTENCE ? 1 : 0);
        } catch (RuntimeException | Error e) {
            build.close();
            throw e;
        }
        DeviceBatchIterators.closeAtTaskEnd(this);
    }

    /** Pair number (int64) → its stream row and its build row (int32 each), for {@code buildRows} build rows. */
    private static Program pairMapProgram(long buildRows) {
        ProgramBuilder b = new ProgramBuilder();
        Reg pair = b.input(0, DType.INT64);
        Reg rows = b.literal(buildRows);
        b.output(b.cast(b.integralDivide(pair, rows), DType.INT32));
        b.output(b.cast(b.remainder(pair, rows), DType.INT32));
        return b.build();
    }

    @Override
    public boolean hasNext() {
        while (next == null && !closed) {
            if (!advance()) {
                close();
            }
        }
        return next != null;
    }

    @Override
    public ColumnarBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ColumnarBatch out = next;
        next = null;
        metrics.outputBatch(out.numRows());
        return out;
    }

    /** One step: maybe an output batch into {@link #next}; false at the end of the input. */
    private boolean advance() {
        if (streamTable != null) {
            if (pairCursor < pairTotal) {
                next = metrics.timeGpu(this::chunk);
            } else if (!tailDone) {
                tailDone = true;
                next = metrics.timeGpu(this::tail);
            } else {
                closeCurrent();
            }
            return true;
        }
        if (!input.hasNext()) {
            return false;
        }
        try (ColumnarBatch batch = input.next()) {
            if (batch.numRows() > 0) {
                streamTable = GpuColumnVector.toTable(batch);
                metrics.timeGpu(() -> {
                    startBatch();
                    return null;
                });
            }
        }
        return true;
    }

    private void startBatch() {
        long rows = streamTable.rowCount();
        long buildRows = build.rowCount();
        NestedLoopJoinSpec.Kind kind = spec.kind();
        boolean makePairs = buildRows > 0 && (kind.pairs() || condition != null);
        pairTotal = makePairs ? Math.multiplyExact(rows, buildRows) : 0;
        pairCursor = 0;
        tailDone = kind == NestedLoopJoinSpec.Kind.INNER;
        if (!tailDone) {
            // Every row matches without a condition (when there are build rows); none matches without build rows.
            boolean allMatch = buildRows > 0 && condition == null;
            flags = device.allocate(Math.max(1, rows), stream);
            device.memset(flags.address(), allMatch ? matchFlag : (byte) (1 - matchFlag), rows, stream);
        }
    }

    /** Pairs per chunk: the target batch size over a pair's width (strings at their average size). */
    private long maxPairs() {
        long rowBytes = fixedPairBytes;
        for (Column c : streamTable.columns()) {
            rowBytes += DeviceBuildTables.averageStringBytes(c);
        }
        for (Column c : build.columns()) {
            rowBytes += DeviceBuildTables.averageStringBytes(c);
        }
        return Math.max(1, Math.min(Integer.MAX_VALUE, targetBatchBytes / Math.max(1, rowBytes)));
    }

    /** The next chunk of pairs: the matching ones as a batch (pair joins), or null. */
    private ColumnarBatch chunk() {
        int n = (int) Math.min(maxPairs(), pairTotal - pairCursor);
        long first = pairCursor;
        pairCursor += n;
        List<Column> maps;
        try (Column pairs = Column.create(DType.INT64, n, Fill.sequenceLong(device, n, first, 1, stream), null, 0)) {
            maps = ProgramEvaluator.evaluate(device, pairMaps, List.of(pairs), n, stream);
        }
        List<AutoCloseable> open = new ArrayList<>(maps);
        try {
            Column streamMap = maps.get(0);
            Column buildMap = maps.get(1);
            if (condition == null) {
                return batch(pairColumns(streamMap, buildMap, n, true), n);
            }
            List<Column> pairColumns = pairColumns(streamMap, buildMap, n, spec.kind().pairs());
            pairColumns.stream().filter(c -> c != null).forEach(open::add);
            Compaction.Selected selected;
            try (Column mask = condition.evaluate(device, pairColumns, n, stream).get(0)) {
                selected = Compaction.selectedRows(device, mask.dataAddress(), mask.validityAddress(), n, stream);
            }
            open.add(selected);
            if (flags != null) {
                markMatched(streamMap, selected);
            }
            if (!spec.kind().pairs() || selected.count() == 0) {
                return null;
            }
            List<Column> out = new ArrayList<>();
            try {
                for (Column c : pairColumns) {
                    out.add(Gather.rows(device, c, selected.indices(), selected.count(), stream));
                }
            } catch (RuntimeException | Error e) {
                out.forEach(Column::close);
                throw e;
            }
            return batch(out, selected.count());
        } finally {
            Closeables.closeAll(open);
        }
    }

    /**
     * Spark's left then right columns of {@code n} pairs; with {@code all} false only those the
     * condition reads (the others null).
     */
    private List<Column> pairColumns(Column streamMap, Column buildMap, int n, boolean all) {
        List<Column> leftThenRight = new ArrayList<>(spec.buildLeft() ? build.columns() : streamTable.columns());
        leftThenRight.addAll(spec.buildLeft() ? streamTable.columns() : build.columns());
        int leftCount = spec.buildLeft() ? build.columnCount() : streamTable.columnCount();
        List<Column> out = new ArrayList<>();
        try {
            for (int i = 0; i < leftThenRight.size(); i++) {
                if (!all && !condition.reads(i)) {
                    out.add(null);
                    continue;
                }
                boolean fromBuild = (i < leftCount) == spec.buildLeft();
                out.add(Gather.rows(device, leftThenRight.get(i), (fromBuild ? buildMap : streamMap).data(), n,
                        stream));
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.stream().filter(c -> c != null).forEach(Column::close);
            throw e;
        }
    }

    /** Writes {@link #matchFlag} for the stream rows of the selected pairs (the same value: duplicates are fine). */
    private void markMatched(Column streamMap, Compaction.Selected selected) {
        int count = selected.count();
        if (count == 0) {
            return;
        }
        try (Column rows = Gather.rows(device, streamMap, selected.indices(), count, stream);
                DeviceBuffer values = device.allocate(count, stream)) {
            Fill.fill(device, values.address(), count, 1, matchFlag, stream);
            Scatter.scatter(device, values.address(), 0, count, 1, rows.dataAddress(), flags.address(), 0,
                    streamTable.rowCount(), stream);
        }
    }

    /** After a stream batch's pairs: its matched, unmatched or flagged rows, or null. */
    private ColumnarBatch tail() {
        long rows = streamTable.rowCount();
        if (spec.kind() == NestedLoopJoinSpec.Kind.EXISTENCE) {
            List<Column> out = new ArrayList<>();
            streamTable.columns().forEach(c -> out.add(c.incRef()));
            out.add(Column.create(DType.BOOL8, rows, flags, null, 0));
            flags = null;
            return GpuColumnVector.toBatch(Table.of(rows, out), schema);
        }
        try (Compaction.Selected selected = Compaction.selectedRows(device, flags.address(), 0, rows, stream)) {
            int count = selected.count();
            if (count == 0) {
                return null;
            }
            List<Column> streamSide = DeviceBuildTables.gatherOrNull(device, streamTable.columns(),
                    selected.indices(), count, stream);
            if (spec.kind() != NestedLoopJoinSpec.Kind.STREAM_OUTER) {
                return batch(streamSide, count);
            }
            List<Column> buildSide;
            try (DeviceBuffer none = device.allocate(count * 4L, stream)) {
                Fill.fill(device, none.address(), count, 4, -1, stream);
                buildSide = DeviceBuildTables.gatherOrNull(device, build.columns(), none, count, stream);
            } catch (RuntimeException | Error e) {
                streamSide.forEach(Column::close);
                throw e;
            }
            List<Column> out = new ArrayList<>(spec.buildLeft() ? buildSide : streamSide);
            out.addAll(spec.buildLeft() ? streamSide : buildSide);
            return batch(out, count);
        }
    }

    private ColumnarBatch batch(List<Column> columns, long rows) {
        return GpuColumnVector.toBatch(Table.of(rows, columns), schema);
    }

    private void closeCurrent() {
        List<AutoCloseable> open = new ArrayList<>();
        if (streamTable != null) {
            open.add(streamTable);
        }
        if (flags != null) {
            open.add(flags);
        }
        streamTable = null;
        flags = null;
        pairTotal = 0;
        pairCursor = 0;
        Closeables.closeAll(open);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> open = new ArrayList<>(List.of(build));
        if (next != null) {
            open.add(next);
            next = null;
        }
        try {
            closeCurrent();
        } finally {
            Closeables.closeAll(open);
        }
    }
}
