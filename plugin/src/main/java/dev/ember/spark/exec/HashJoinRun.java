package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.HashJoin;
import dev.ember.cuda.ops.HashJoinProbe;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.columnar.HostBatches;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * One partition of a GPU hash join: every stream batch probes the build ({@link HashJoin}), and each
 * result chunk of at most about {@code targetBatchBytes} becomes one output batch of gathered columns
 * (Spark's left columns, then the right ones; a semi or anti join only the stream side's). With a
 * condition, each candidate chunk is gathered, the condition evaluated over it, and the op keeps the
 * pairs where it is true. After the last stream batch, joins that keep unmatched build rows output
 * them with nulls on the stream side. The run holds one reference to the build and closes it at the
 * end (or at the task's end when the consumer stops early).
 */
final class HashJoinRun implements Iterator<ColumnarBatch>, AutoCloseable {
    private final HashJoinSpec spec;
    private final JoinBuild build;
    private final Iterator<ColumnarBatch> input;
    private final StructType schema;
    private final long targetBatchBytes;
    private final OpMetrics metrics;
    private final Device device;
    private final Stream stream;
    private final ExprPrograms.Compiled streamKeys;
    private final ExprPrograms.Compiled condition;
    private final long fixedRowBytes;
    private Table streamTable;
    private HashJoin.Chunks chunks;
    private HashJoinProbe probe;
    private boolean streamDone;
    private boolean unmatchedDone;
    private boolean closed;
    private ColumnarBatch next;

    /** Joins {@code input} against {@code build}, taking over the caller's reference to it. */
    HashJoinRun(HashJoinSpec spec, JoinBuild build, Iterator<ColumnarBatch> input, StructType schema,
            long targetBatchBytes, OpMetrics metrics) {
        this.spec = requireNonNull(spec, "spec is null");
        this.build = requireNonNull(build, "build is null");
        this.input = requireNonNull(input, "input is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.targetBatchBytes = targetBatchBytes;
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.device = EmberRuntime.get().device();
        this.stream = device.defaultStream();
        try {
            this.streamKeys = ExprPrograms.compile(spec.streamKeys(), spec.streamOutput());
            this.condition = spec.condition() == null ? null
                    : ExprPrograms.compile(List.of(spec.condition()), spec.leftThenRight());
            this.fixedRowBytes = HostBatches.rowBytes(schema);
        } catch (RuntimeException | Error e) {
            build.close();
            throw e;
        }
        DeviceBatchIterators.closeAtTaskEnd(this);
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

    /** One step: an output batch into {@link #next}, or the next source of chunks; false at the end. */
    private boolean advance() {
        if (chunks != null && chunks.hasNext()) {
            HashJoin.Chunk chunk = metrics.timeGpu(chunks::next);
            next = metrics.timeGpu(() -> output(chunk));
            return true;
        }
        closeCurrent();
        if (!streamDone) {
            if (input.hasNext()) {
                try (ColumnarBatch batch = input.next()) {
                    if (batch.numRows() > 0) {
                        streamTable = GpuColumnVector.toTable(batch);
                        metrics.timeGpu(() -> {
                            startProbe();
                            return null;
                        });
                    }
                }
                return true;
            }
            streamDone = true;
        }
        if (!unmatchedDone) {
            unmatchedDone = true;
            if (spec.opType().keepsUnmatchedBuildRows()) {
                streamTable = JoinColumns.empty(device, spec.streamOutput(), stream);
                chunks = build.build().unmatchedBuildRows(maxRows(), stream);
            }
            return true;
        }
        return false;
    }

    private void startProbe() {
        List<Column> keys = streamKeys.evaluate(device, streamTable.columns(), streamTable.rowCount(), stream);
        try {
            probe = condition == null ? build.build().probe(keys, spec.opType(), maxRows(), stream)
                    : build.build().probeWithCondition(keys, spec.opType(), maxRows(), stream);
            chunks = probe;
        } finally {
            keys.forEach(Column::close);
        }
    }

    /** Rows per chunk: the target batch size over the output's row width (strings at their average size). */
    private long maxRows() {
        long rowBytes = fixedRowBytes;
        for (Column c : streamTable.columns()) {
            rowBytes += JoinColumns.averageStringBytes(c);
        }
        if (spec.opType().pairs()) {
            for (Column c : build.table().columns()) {
                rowBytes += JoinColumns.averageStringBytes(c);
            }
        }
        return Math.max(1, Math.min(Integer.MAX_VALUE, targetBatchBytes / Math.max(1, rowBytes)));
    }

    /** The output batch of {@code chunk} (closed here), or null when a condition kept none of its pairs. */
    private ColumnarBatch output(HashJoin.Chunk chunk) {
        try (chunk) {
            if (!chunk.candidates()) {
                return batch(chunk);
            }
            List<Column> pairs = pairColumns(chunk);
            HashJoin.Chunk survivors;
            try {
                List<Column> mask = condition.evaluate(device, pairs, chunk.rows(), stream);
                try (Column m = mask.get(0)) {
                    survivors = probe.filter(chunk, m.dataAddress(), m.validityAddress());
                }
            } finally {
                pairs.forEach(Column::close);
            }
            try (survivors) {
                return survivors.rows() == 0 ? null : batch(survivors);
            }
        }
    }

    /** Spark's left then right columns of a chunk's pairs (also for semi and anti candidates). */
    private List<Column> pairColumns(HashJoin.Chunk chunk) {
        List<Column> streamSide = JoinColumns.gather(device, streamTable.columns(), chunk.probeRows(), chunk.rows(),
                stream);
        List<Column> buildSide;
        try {
            buildSide = JoinColumns.gather(device, build.table().columns(), chunk.buildRows(), chunk.rows(), stream);
        } catch (RuntimeException | Error e) {
            streamSide.forEach(Column::close);
            throw e;
        }
        List<Column> out = new ArrayList<>(spec.buildLeft() ? buildSide : streamSide);
        out.addAll(spec.buildLeft() ? streamSide : buildSide);
        return out;
    }

    private ColumnarBatch batch(HashJoin.Chunk chunk) {
        List<Column> columns = chunk.buildRows() == null
                ? JoinColumns.gather(device, streamTable.columns(), chunk.probeRows(), chunk.rows(), stream)
                : pairColumns(chunk);
        return GpuColumnVector.toBatch(Table.of(chunk.rows(), columns), schema);
    }

    private void closeCurrent() {
        List<AutoCloseable> open = new ArrayList<>();
        if (chunks != null) {
            open.add(chunks);
        }
        if (streamTable != null) {
            open.add(streamTable);
        }
        chunks = null;
        probe = null;
        streamTable = null;
        dev.ember.cuda.memory.Closeables.closeAll(open);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> open = new ArrayList<>(Collections.singletonList(build));
        if (next != null) {
            open.add(next);
            next = null;
        }
        try {
            closeCurrent();
        } finally {
            dev.ember.cuda.memory.Closeables.closeAll(open);
        }
    }
}
