package dev.ember.spark.shuffle;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.PartitionSplit;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Product2;
import scala.Tuple2;

/**
 * The map side of a GPU shuffle: each device batch's partition ids are computed on the GPU, its rows
 * reordered partition by partition there, the reordered batch copied to the host once, and each
 * non-empty partition's rows handed to Spark's shuffle writer as one record (partition id, {@link
 * ShuffleSlice}). The device batches are closed as they are split.
 */
final class MapSideSlices implements Iterator<Product2<Object, Object>>, AutoCloseable {
    private final Iterator<ColumnarBatch> batches;
    private final DevicePartitioning.PartitionIds ids;
    private final int numPartitions;
    private final ShuffleMetrics metrics;
    private ShuffleSlice.Shared current;
    private int[] offsets;
    private int partition;

    MapSideSlices(Iterator<ColumnarBatch> batches, DevicePartitioning partitioning, int mapPartition,
            ShuffleMetrics metrics) {
        this.batches = requireNonNull(batches, "batches is null");
        this.ids = partitioning.start(mapPartition);
        this.numPartitions = partitioning.numPartitions();
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    @Override
    public boolean hasNext() {
        while (true) {
            if (current != null) {
                while (partition < numPartitions && offsets[partition + 1] == offsets[partition]) {
                    partition++;
                }
                if (partition < numPartitions) {
                    return true;
                }
                release();
            }
            if (!batches.hasNext()) {
                return false;
            }
            split(batches.next());
        }
    }

    @Override
    public Product2<Object, Object> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int p = partition++;
        return new Tuple2<>(p, current.slice(offsets[p], offsets[p + 1] - offsets[p]));
    }

    private void split(ColumnarBatch batch) {
        try (batch) {
            int rows = batch.numRows();
            if (rows == 0) {
                return;
            }
            metrics.add(ShuffleMetrics.ROWS_WRITTEN, rows);
            Device device = EmberRuntime.get().device();
            Stream stream = device.defaultStream();
            try (Table table = GpuColumnVector.toTable(batch)) {
                DeviceBuffer pids = metrics.time(ShuffleMetrics.PARTITION_TIME, () -> ids.of(device, table, stream));
                if (pids == null) {
                    install(toHost(table, stream), single(rows));
                    return;
                }
                try (pids; PartitionSplit.SplitTable split = metrics.time(ShuffleMetrics.PARTITION_TIME,
                        () -> PartitionSplit.splitTable(device, table, pids.address(), numPartitions, stream))) {
                    install(toHost(split.table(), stream), split.offsets());
                }
            }
        }
    }

    /** One copy of the whole (reordered) batch; a batch without columns has only its row count. */
    private HostTable toHost(Table table, Stream stream) {
        if (table.columnCount() == 0) {
            return HostTable.of((int) table.rowCount(), List.of());
        }
        try (ColumnTransfer transfer = EmberRuntime.get().newTransfer()) {
            HostTable host = metrics.time(ShuffleMetrics.COPY_TO_HOST_TIME, () -> transfer.toHost(table, stream));
            metrics.add(ShuffleMetrics.BYTES_TO_HOST, transfer.bytesCopiedToHost());
            return host;
        }
    }

    private int[] single(int rows) {
        int[] out = new int[numPartitions + 1];
        java.util.Arrays.fill(out, 1, out.length, rows);
        return out;
    }

    private void install(HostTable host, int[] bounds) {
        current = new ShuffleSlice.Shared(host);
        offsets = bounds;
        partition = 0;
    }

    private void release() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void close() {
        release();
    }
}
