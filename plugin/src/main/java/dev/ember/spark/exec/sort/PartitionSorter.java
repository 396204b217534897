package dev.ember.spark.exec.sort;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.exec.DeviceBatchIterators;
import dev.ember.spark.exec.OpMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * One partition of {@link GpuSortExec}. The input batches are held on the device until they pass
 * {@code runBytes}; a partition that fits is concatenated, sorted once and handed out in slices of
 * about the target batch size. A larger partition is sorted in runs of about {@code runBytes} each,
 * every run copied to the host in chunks as soon as it is sorted, and the runs are then merged on the
 * GPU ({@link SortedRunMerge}), so the device holds about one run's worth of rows whatever the
 * partition's size.
 */
final class PartitionSorter implements AutoCloseable {
    /** Chunks per run: a run is copied to the host, and merged back, in this many pieces or more. */
    static final int CHUNKS_PER_RUN = 16;

    private final TableSorter sorter;
    private final StructType schema;
    private final long runBytes;
    private final long targetBatchBytes;
    private final long stringLimit;
    private final OpMetrics metrics;
    private final Device device;
    private final Stream stream;
    private final List<Table> pending = new ArrayList<>();
    private final List<ArrayDeque<HostTable>> runs = new ArrayList<>();
    private ColumnTransfer transfer;
    private Iterator<ColumnarBatch> output;

    PartitionSorter(TableSorter sorter, StructType schema, long runBytes, long targetBatchBytes, OpMetrics metrics) {
        this.sorter = requireNonNull(sorter, "sorter is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.runBytes = runBytes;
        this.targetBatchBytes = targetBatchBytes;
        EmberRuntime runtime = EmberRuntime.get();
        this.stringLimit = runtime.stringBatchMaxBytes();
        this.device = runtime.device();
        this.stream = device.defaultStream();
    }

    /** The sorted rows of {@code input}; this sorter is closed at the end of the task (or by the caller). */
    Iterator<ColumnarBatch> sort(Iterator<ColumnarBatch> input) {
        DeviceBatchIterators.closeAtTaskEnd(this);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (output == null) {
                    output = consume(input);
                }
                return output.hasNext();
            }

            @Override
            public ColumnarBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ColumnarBatch out = output.next();
                metrics.outputBatch(out.numRows());
                return out;
            }
        };
    }

    /** Reads the whole input, then returns the iterator of sorted batches. */
    private Iterator<ColumnarBatch> consume(Iterator<ColumnarBatch> input) {
        long bytes = 0;
        long stringBytes = 0;
        while (input.hasNext()) {
            Table table;
            try (ColumnarBatch batch = input.next()) {
                if (batch.numRows() == 0) {
                    continue;
                }
                table = GpuColumnVector.toTable(batch);
            }
            long size = table.deviceBytes();
            long strings = DeviceTables.maxStringBytes(table);
            if (!pending.isEmpty() && (bytes + size > runBytes || stringBytes + strings > stringLimit)) {
                metrics.timeGpu(() -> {
                    keepRunOnHost();
                    return null;
                });
                bytes = 0;
                stringBytes = 0;
            }
            pending.add(table);
            bytes += size;
            stringBytes += strings;
        }
        if (pending.isEmpty() && runs.isEmpty()) {
            return Collections.emptyIterator();
        }
        if (runs.isEmpty()) {
            Table sorted = metrics.timeGpu(this::sortPending);
            return new Slices(sorted, targetBatchBytes, schema, device, stream);
        }
        if (!pending.isEmpty()) {
            metrics.timeGpu(() -> {
                keepRunOnHost();
                return null;
            });
        }
        List<ArrayDeque<HostTable>> merged = new ArrayList<>(runs);
        runs.clear();
        // Half the run budget for the loads of all runs together (at least a chunk each), half for the carry.
        long loadBytes = Math.max(1, runBytes / (2L * merged.size()));
        return new SortedRunMerge(sorter, merged, transfer, loadBytes, targetBatchBytes, schema, metrics);
    }

    /** The pending tables concatenated and sorted; they are closed. */
    private Table sortPending() {
        try {
            if (pending.size() == 1) {
                return sorter.sorted(device, pending.get(0), -1, stream);
            }
            try (Table all = DeviceTables.concat(device, pending, stringLimit, stream)) {
                closePending();
                return sorter.sorted(device, all, -1, stream);
            }
        } finally {
            closePending();
        }
    }

    /** Sorts the pending tables and copies the result to the host in chunks: one more run. */
    private void keepRunOnHost() {
        if (transfer == null) {
            transfer = EmberRuntime.get().newTransfer();
        }
        ArrayDeque<HostTable> chunks = new ArrayDeque<>();
        runs.add(chunks);
        try (Table sorted = sortPending()) {
            long rows = sorted.rowCount();
            long chunkRows = Math.max(1, (rows + CHUNKS_PER_RUN - 1) / CHUNKS_PER_RUN);
            long before = transfer.bytesCopiedToHost();
            for (long from = 0; from < rows; from += chunkRows) {
                long count = Math.min(chunkRows, rows - from);
                try (Table chunk = DeviceTables.slice(device, sorted, from, count, stream)) {
                    chunks.add(transfer.toHost(chunk, stream));
                }
            }
            metrics.add(OpMetrics.Kind.BYTES_TO_HOST, transfer.bytesCopiedToHost() - before);
            metrics.add(OpMetrics.Kind.HOST_RUNS, 1);
        }
    }

    private void closePending() {
        pending.forEach(Table::close);
        pending.clear();
    }

    @Override
    public void close() {
        closePending();
        for (ArrayDeque<HostTable> run : runs) {
            run.forEach(HostTable::close);
        }
        runs.clear();
        if (output instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the sorted output failed", e);
            }
        }
        if (transfer != null) {
            transfer.close();
            transfer = null;
        }
    }

    /** A sorted table handed out in slices of about the target batch size; closes it when done. */
    static final class Slices implements Iterator<ColumnarBatch>, AutoCloseable {
        private final StructType schema;
        private final Device device;
        private final Stream stream;
        private final long rowsPerSlice;
        private Table table;
        private long next;

        Slices(Table table, long targetBatchBytes, StructType schema, Device device, Stream stream) {
            this.table = table;
            this.schema = schema;
            this.device = device;
            this.stream = stream;
            long rows = table.rowCount();
            long bytes = Math.max(1, table.deviceBytes());
            this.rowsPerSlice = Math.max(1, Math.min(Integer.MAX_VALUE, rows * Math.max(1, targetBatchBytes) / bytes
                    + (rows * Math.max(1, targetBatchBytes) % bytes == 0 ? 0 : 1)));
        }

        @Override
        public boolean hasNext() {
            if (table != null && next >= table.rowCount()) {
                close();
            }
            return table != null;
        }

        @Override
        public ColumnarBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            long count = Math.min(rowsPerSlice, table.rowCount() - next);
            Table slice = DeviceTables.slice(device, table, next, count, stream);
            next += count;
            return GpuColumnVector.toBatch(slice, schema);
        }

        @Override
        public void close() {
            if (table != null) {
                table.close();
                table = null;
            }
        }
    }
}
