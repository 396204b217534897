package dev.ember.spark.exec.sort;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.exec.DeviceBatchIterators;
import dev.ember.spark.exec.OpMetrics;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The first {@code limit} rows of a partition in sort order, kept on the device while the batches
 * stream by: each batch is concatenated with the rows kept so far, sorted, and cut to {@code limit}
 * rows, so the device holds one batch plus {@code limit} rows. The result is one batch (none for an
 * empty partition), rows {@code [offset, limit)} of the sorted partition.
 */
final class TopN implements AutoCloseable {
    private final TableSorter sorter;
    private final int limit;
    private final int offset;
    private final StructType schema;
    private final OpMetrics metrics;
    private final Device device;
    private final Stream stream;
    private final long stringLimit;
    private Table kept;

    TopN(TableSorter sorter, int limit, int offset, StructType schema, OpMetrics metrics) {
        this.sorter = requireNonNull(sorter, "sorter is null");
        if (limit < 0 || offset < 0) {
            throw new IllegalArgumentException("limit and offset must not be negative: " + limit + ", " + offset);
        }
        this.limit = limit;
        this.offset = offset;
        this.schema = requireNonNull(schema, "schema is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        EmberRuntime runtime = EmberRuntime.get();
        this.device = runtime.device();
        this.stream = device.defaultStream();
        this.stringLimit = runtime.stringBatchMaxBytes();
    }

    /** Consumes {@code input} and returns its top rows as at most one batch. */
    Iterator<ColumnarBatch> run(Iterator<ColumnarBatch> input) {
        DeviceBatchIterators.closeAtTaskEnd(this);
        while (input.hasNext()) {
            Table table;
            try (ColumnarBatch batch = input.next()) {
                if (batch.numRows() == 0 || limit == 0) {
                    continue;
                }
                table = GpuColumnVector.toTable(batch);
            }
            metrics.timeGpu(() -> {
                add(table);
                return null;
            });
        }
        if (kept == null || kept.rowCount() <= offset) {
            close();
            return Collections.emptyIterator();
        }
        Table out = metrics.timeGpu(() -> DeviceTables.slice(device, kept, offset, kept.rowCount() - offset,
                stream));
        close();
        return List.of(GpuColumnVector.toBatch(out, schema)).iterator();
    }

    private void add(Table table) {
        try (table) {
            if (kept == null) {
                kept = sorter.sorted(device, table, limit, stream);
                return;
            }
            boolean tooManyBytes = DeviceTables.maxStringBytes(kept) + DeviceTables.maxStringBytes(table)
                    > stringLimit;
            if (tooManyBytes) {
                // Cut the batch first: its own top rows are all that can join the kept ones.
                try (Table top = sorter.sorted(device, table, limit, stream)) {
                    merge(top);
                }
                return;
            }
            merge(table);
        }
    }

    private void merge(Table table) {
        try (Table both = DeviceTables.concat(device, List.of(kept, table), stringLimit, stream)) {
            Table next = sorter.sorted(device, both, limit, stream);
            kept.close();
            kept = next;
        }
    }

    @Override
    public void close() {
        if (kept != null) {
            kept.close();
            kept = null;
        }
    }
}
