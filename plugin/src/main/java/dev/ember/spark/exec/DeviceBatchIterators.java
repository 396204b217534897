package dev.ember.spark.exec;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.columnar.GpuColumnVector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.TaskCompletionListener;

/** Iterators over device batches shared by the operators: each batch handed out belongs to the caller. */
public final class DeviceBatchIterators {
    private DeviceBatchIterators() {}

    /** Closes {@code resource} when the current task ends (early termination by a limit, failures). */
    public static void closeAtTaskEnd(AutoCloseable resource) {
        TaskContext tc = TaskContext.get();
        if (tc != null) {
            tc.addTaskCompletionListener((TaskCompletionListener) ctx -> {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + resource + " at the end of the task failed", e);
                }
            });
        }
    }

    /**
     * Rows {@code [skip, skip + take)} of the concatenated input ({@code take < 0}: all after {@code
     * skip}); stops pulling input once enough rows were produced.
     */
    static Iterator<ColumnarBatch> limit(Iterator<ColumnarBatch> input, long skip, long take, StructType schema,
            OpMetrics metrics) {
        return new Iterator<>() {
            private long toSkip = skip;
            private long remaining = take < 0 ? Long.MAX_VALUE : take;
            private ColumnarBatch next;

            @Override
            public boolean hasNext() {
                while (next == null && remaining > 0 && input.hasNext()) {
                    ColumnarBatch batch = input.next();
                    try (batch) {
                        int rows = batch.numRows();
                        if (toSkip >= rows) {
                            toSkip -= rows;
                            continue;
                        }
                        long from = toSkip;
                        long count = Math.min(rows - from, remaining);
                        toSkip = 0;
                        remaining -= count;
                        next = metrics.timeGpu(() -> {
                            try (Table table = GpuColumnVector.toTable(batch)) {
                                Device device = deviceOf(table);
                                Table sliced = DeviceTables.slice(device, table, from, count,
                                        device == null ? null : device.defaultStream());
                                return GpuColumnVector.toBatch(sliced, schema);
                            }
                        });
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
        };
    }

    private static Device deviceOf(Table table) {
        return table.columnCount() == 0 ? null : table.column(0).device();
    }

    /**
     * Concatenates consecutive input batches up to about {@code targetBytes} each, and never past
     * the string byte limit of a column ({@code spark.ember.sql.stringBatchMaxBytes}): the sizes of
     * string columns are known on the host, so the limit is checked before concatenating.
     */
    static Iterator<ColumnarBatch> coalesce(Iterator<ColumnarBatch> input, long targetBytes, StructType schema,
            OpMetrics metrics) {
        long stringLimit = EmberRuntime.get().stringBatchMaxBytes();
        return new Iterator<>() {
            private ColumnarBatch carried;

            @Override
            public boolean hasNext() {
                return carried != null || input.hasNext();
            }

            @Override
            public ColumnarBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<ColumnarBatch> pending = new ArrayList<>();
                long bytes = 0;
                long[] stringBytes = new long[schema.size()];
                try {
                    if (carried != null) {
                        pending.add(carried);
                        bytes += GpuColumnVector.deviceBytes(carried);
                        addStringBytes(carried, stringBytes);
                        carried = null;
                    }
                    while (input.hasNext()) {
                        ColumnarBatch b = input.next();
                        long size = GpuColumnVector.deviceBytes(b);
                        if (!pending.isEmpty() && (bytes + size > targetBytes
                                || passesStringLimit(b, stringBytes, stringLimit))) {
                            carried = b;
                            break;
                        }
                        pending.add(b);
                        bytes += size;
                        addStringBytes(b, stringBytes);
                    }
                    ColumnarBatch out = pending.size() == 1 ? pending.remove(0)
                            : metrics.timeGpu(() -> concat(pending, schema, stringLimit));
                    metrics.outputBatch(out.numRows());
                    return out;
                } finally {
                    pending.forEach(ColumnarBatch::close);
                }
            }
        };
    }

    private static void addStringBytes(ColumnarBatch batch, long[] sums) {
        for (int c = 0; c < batch.numCols(); c++) {
            Column column = GpuColumnVector.of(batch.column(c)).column();
            if (column.type().id() == DType.TypeId.STRING) {
                sums[c] += column.dataBytes();
            }
        }
    }

    private static boolean passesStringLimit(ColumnarBatch batch, long[] sums, long limit) {
        for (int c = 0; c < batch.numCols(); c++) {
            Column column = GpuColumnVector.of(batch.column(c)).column();
            if (column.type().id() == DType.TypeId.STRING && sums[c] + column.dataBytes() > limit) {
                return true;
            }
        }
        return false;
    }

    private static ColumnarBatch concat(List<ColumnarBatch> batches, StructType schema, long stringLimit) {
        long rows = 0;
        List<Table> tables = new ArrayList<>();
        try {
            for (ColumnarBatch b : batches) {
                tables.add(GpuColumnVector.toTable(b));
                rows += b.numRows();
            }
            Device device = deviceOf(tables.get(0));
            if (device == null) {
                return new ColumnarBatch(new org.apache.spark.sql.vectorized.ColumnVector[0], (int) rows);
            }
            return GpuColumnVector.toBatch(DeviceTables.concat(device, tables, stringLimit, device.defaultStream()),
                    schema);
        } finally {
            tables.forEach(Table::close);
        }
    }
}
