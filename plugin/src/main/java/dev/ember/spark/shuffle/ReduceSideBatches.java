package dev.ember.spark.shuffle;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.HostTables;
import dev.ember.spark.exec.DeviceBatchIterators;
import dev.ember.spark.exec.HostUploads;
import dev.ember.spark.exec.OpMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The reduce side of a GPU shuffle: the host tables Spark's shuffle reader deserialized (one per map
 * output record, often small) are concatenated on the host up to the target batch size, and each
 * concatenation is copied to the device once. Tables waiting here, and batches not yet handed out,
 * are freed at the end of the task.
 */
final class ReduceSideBatches implements Iterator<ColumnarBatch>, AutoCloseable {
    private final Iterator<HostTable> tables;
    private final StructType schema;
    private final long targetBytes;
    private final ShuffleMetrics metrics;
    private final OpMetrics uploadMetrics;
    private final Deque<ColumnarBatch> ready = new ArrayDeque<>();
    private HostTable carried;

    ReduceSideBatches(Iterator<HostTable> tables, StructType schema, long targetBytes, ShuffleMetrics metrics) {
        this.tables = requireNonNull(tables, "tables is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.targetBytes = targetBytes;
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.uploadMetrics = OpMetrics.of(Map.of(OpMetrics.Kind.GPU_TIME, metrics.get(ShuffleMetrics.COPY_TO_DEVICE_TIME),
                OpMetrics.Kind.BYTES_TO_DEVICE, metrics.get(ShuffleMetrics.BYTES_TO_DEVICE)));
        DeviceBatchIterators.closeAtTaskEnd(this);
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty()) {
            List<HostTable> group = nextGroup();
            if (group.isEmpty()) {
                return false;
            }
            try (HostTable host = concat(group)) {
                ready.addAll(HostUploads.upload(host, schema, uploadMetrics));
            }
        }
        return true;
    }

    @Override
    public ColumnarBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ColumnarBatch batch = ready.poll();
        metrics.add(ShuffleMetrics.OUTPUT_ROWS, batch.numRows());
        metrics.add(ShuffleMetrics.OUTPUT_BATCHES, 1);
        return batch;
    }

    /** Tables in arrival order until the next one would pass the target size (at least one table). */
    private List<HostTable> nextGroup() {
        List<HostTable> group = new ArrayList<>();
        long bytes = 0;
        long rows = 0;
        try {
            while (true) {
                HostTable table = carried != null ? carried : tables.hasNext() ? tables.next() : null;
                carried = null;
                if (table == null) {
                    return group;
                }
                long size = bytes(table);
                if (!group.isEmpty() && (bytes + size > targetBytes || rows + table.rowCount() >= Integer.MAX_VALUE)) {
                    carried = table;
                    return group;
                }
                group.add(table);
                bytes += size;
                rows += table.rowCount();
                if (bytes >= targetBytes) {
                    return group;
                }
            }
        } catch (RuntimeException | Error e) {
            group.forEach(HostTable::close);
            throw e;
        }
    }

    private HostTable concat(List<HostTable> group) {
        try {
            return group.size() == 1 ? group.get(0) : metrics.time(ShuffleMetrics.COALESCE_TIME,
                    () -> HostTables.concat(group));
        } finally {
            if (group.size() > 1) {
                group.forEach(HostTable::close);
            }
        }
    }

    /** Host bytes of a table's buffers. */
    static long bytes(HostTable table) {
        long bytes = 0;
        for (HostColumn c : table.columns()) {
            bytes += c.dataBytes() + (c.hasValidity() ? (c.rowCount() + 7L) / 8 : 0)
                    + (c.offsetsBuffer() != null ? 4L * c.rowCount() + 4 : 0);
        }
        return bytes;
    }

    @Override
    public void close() {
        while (!ready.isEmpty()) {
            ready.poll().close();
        }
        if (carried != null) {
            carried.close();
            carried = null;
        }
    }
}
