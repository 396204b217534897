package dev.ember.spark.exec.window;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.exec.DeviceBatchIterators;
import dev.ember.spark.exec.OpMetrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The window operator's work on one task's batches, which arrive sorted by partition and order keys:
 * each batch is appended to the rows carried over from the batches before, the rows of the last
 * partition group (which may go on in the next batch) are carried over again, and the complete groups
 * before them are computed ({@link WindowEvaluator}) and handed out as one batch; at the end of the
 * input the carried rows are complete. Exact for every frame, as frames never cross partition groups.
 * The device holds one partition group plus one batch: a single group larger than device memory fails
 * (without a partition spec the whole task's input is one group).
 */
final class WindowBatches implements Iterator<ColumnarBatch>, AutoCloseable {
    private final Iterator<ColumnarBatch> input;
    private final WindowEvaluator evaluator;
    private final StructType schema;
    private final OpMetrics metrics;
    private final Device device;
    private final Stream stream;
    private final long stringLimit;
    private final List<Table> carried = new ArrayList<>();
    private ColumnarBatch next;
    private boolean done;

    WindowBatches(Iterator<ColumnarBatch> input, WindowPlan plan, StructType schema, OpMetrics metrics) {
        this.input = requireNonNull(input, "input is null");
        this.evaluator = new WindowEvaluator(plan);
        this.schema = requireNonNull(schema, "schema is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        EmberRuntime runtime = EmberRuntime.get();
        this.device = runtime.device();
        this.stream = device.defaultStream();
        this.stringLimit = runtime.stringBatchMaxBytes();
        DeviceBatchIterators.closeAtTaskEnd(this);
    }

    @Override
    public boolean hasNext() {
        while (next == null && !done) {
            Table complete = nextComplete();
            if (complete == null) {
                done = true;
                close();
                break;
            }
            Table out;
            try (complete) {
                out = metrics.timeGpu(() -> evaluator.evaluate(device, complete, stream));
            }
            next = GpuColumnVector.toBatch(out, schema);
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
        metrics.add(OpMetrics.Kind.OUTPUT_ROWS, out.numRows());
        metrics.add(OpMetrics.Kind.OUTPUT_BATCHES, 1);
        return out;
    }

    /** The next rows of complete partition groups, or null at the end of the input. */
    private Table nextComplete() {
        while (input.hasNext()) {
            Table table;
            try (ColumnarBatch batch = input.next()) {
                if (batch.numRows() == 0) {
                    continue;
                }
                table = GpuColumnVector.toTable(batch);
            }
            Table complete = metrics.timeGpu(() -> append(table));
            if (complete != null) {
                return complete;
            }
        }
        return carried.isEmpty() ? null : metrics.timeGpu(this::takeCarried);
    }

    /**
     * Adds {@code table} (closed here) after the carried rows; returns the rows of complete groups, or
     * null. The carried rows are kept as a list of tables, concatenated only when complete, so a group
     * spanning many batches is copied once.
     */
    private Table append(Table table) {
        try (table) {
            int start = evaluator.lastGroupStart(device, table, stream);
            if (start == 0) {
                if (carried.isEmpty() || continuesCarried(table)) {
                    carried.add(DeviceTables.slice(device, table, 0, table.rowCount(), stream));
                    return null;
                }
                Table complete = takeCarried();
                carried.add(DeviceTables.slice(device, table, 0, table.rowCount(), stream));
                return complete;
            }
            carried.add(DeviceTables.slice(device, table, 0, start, stream));
            Table complete = takeCarried();
            carried.add(DeviceTables.slice(device, table, start, table.rowCount() - start, stream));
            return complete;
        }
    }

    /** Whether the first row of {@code table} is in the same partition group as the last carried row. */
    private boolean continuesCarried(Table table) {
        Table last = carried.get(carried.size() - 1);
        try (Table a = DeviceTables.slice(device, last, last.rowCount() - 1, 1, stream);
                Table b = DeviceTables.slice(device, table, 0, 1, stream);
                Table both = DeviceTables.concat(device, List.of(a, b), stream)) {
            return evaluator.lastGroupStart(device, both, stream) == 0;
        }
    }

    /** The carried rows as one table; nothing is carried afterwards. */
    private Table takeCarried() {
        try {
            return carried.size() == 1 ? carried.remove(0)
                    : DeviceTables.concat(device, carried, stringLimit, stream);
        } finally {
            carried.forEach(Table::close);
            carried.clear();
        }
    }

    @Override
    public void close() {
        carried.forEach(Table::close);
        carried.clear();
        if (next != null) {
            next.close();
            next = null;
        }
    }
}
