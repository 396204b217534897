package dev.ember.spark.broadcast;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.HostTableIpc;
import dev.ember.cuda.column.Table;
import dev.ember.shims.ColumnarBroadcastSupport;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.plans.physical.BroadcastMode;
import org.apache.spark.sql.errors.QueryExecutionErrors;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.HashedRelationBroadcastMode;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.types.LongType$;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.map.BytesToBytesMap;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.math.BigInt;

/**
 * The plugin's side of the GPU broadcast exchange: each task copies its device batches to the host
 * and serializes them as Arrow IPC record batch messages; the driver collects them, checks Spark's
 * limits (rows, and 8 GiB of data), and makes the value: for a hash join's broadcast mode {@link
 * BroadcastBatches} (the batches, readable as Spark's {@code HashedRelation} too), for the identity
 * mode Spark's array of rows.
 */
public final class GpuBroadcastSupport implements ColumnarBroadcastSupport, Serializable {
    private static final long serialVersionUID = 1L;

    /** Spark's limit on the bytes of a broadcast table. */
    static final long MAX_BROADCAST_TABLE_BYTES = 8L << 30;

    static final String DATA_SIZE = "dataSize";
    static final String OUTPUT_ROWS = "numOutputRows";
    static final String COLLECT_TIME = "collectTime";
    static final String BUILD_TIME = "buildTime";
    static final String BROADCAST_TIME = "broadcastTime";
    static final String COPY_TO_HOST_TIME = "copyToHostTime";
    static final String SERIALIZE_TIME = "serializeTime";
    static final String BYTES_TO_HOST = "bytesToHost";

    /** One task's serialized batches. */
    private record Collected(long rows, List<byte[]> messages) implements Serializable {}

    @Override
    public Map<String, SQLMetric> createMetrics(SparkContext sc) {
        Map<String, SQLMetric> m = new LinkedHashMap<>();
        m.put(DATA_SIZE, SQLMetrics.createSizeMetric(sc, "data size", -1L));
        m.put(OUTPUT_ROWS, SQLMetrics.createMetric(sc, "number of output rows"));
        m.put(COLLECT_TIME, SQLMetrics.createTimingMetric(sc, "time to collect", -1L));
        m.put(BUILD_TIME, SQLMetrics.createTimingMetric(sc, "time to build", -1L));
        m.put(BROADCAST_TIME, SQLMetrics.createTimingMetric(sc, "time to broadcast", -1L));
        m.put(COPY_TO_HOST_TIME, SQLMetrics.createNanoTimingMetric(sc, "copy to host time", -1L));
        m.put(SERIALIZE_TIME, SQLMetrics.createNanoTimingMetric(sc, "serialize time", -1L));
        m.put(BYTES_TO_HOST, SQLMetrics.createSizeMetric(sc, "bytes copied device to host", -1L));
        return m;
    }

    @Override
    public Object relation(SparkPlan child, BroadcastMode mode, Map<String, SQLMetric> metrics) {
        long start = System.nanoTime();
        SQLMetric copyTime = metrics.get(COPY_TO_HOST_TIME);
        SQLMetric serializeTime = metrics.get(SERIALIZE_TIME);
        SQLMetric bytesToHost = metrics.get(BYTES_TO_HOST);
        List<Collected> parts = child.executeColumnar().toJavaRDD()
                .mapPartitions(it -> List.of(serialize(it, copyTime, serializeTime, bytesToHost)).iterator())
                .collect();
        long rows = 0;
        long bytes = 0;
        List<byte[]> messages = new ArrayList<>();
        for (Collected part : parts) {
            rows += part.rows();
            for (byte[] m : part.messages()) {
                bytes += m.length;
                messages.add(m);
            }
        }
        metrics.get(OUTPUT_ROWS).add(rows);
        if (rows >= maxRows(mode)) {
            throw rethrow(QueryExecutionErrors.cannotBroadcastTableOverMaxTableRowsError(maxRows(mode), rows));
        }
        long built = System.nanoTime();
        metrics.get(COLLECT_TIME).add(TimeUnit.NANOSECONDS.toMillis(built - start));
        metrics.get(DATA_SIZE).add(bytes);
        if (bytes >= MAX_BROADCAST_TABLE_BYTES) {
            throw rethrow(QueryExecutionErrors.cannotBroadcastTableOverMaxTableBytesError(MAX_BROADCAST_TABLE_BYTES,
                    bytes));
        }
        BroadcastBatches batches = new BroadcastBatches(child.schema(), messages, rows, mode);
        Object value = mode instanceof HashedRelationBroadcastMode ? batches
                : mode.transform(CollectionConverters.asScala(batches.rowIterator()), Option.apply(rows));
        metrics.get(BUILD_TIME).add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - built));
        return value;
    }

    /** Throws Spark's own error (a checked {@code SparkException}) as it is, as Spark's exchange does. */
    private static RuntimeException rethrow(Throwable error) {
        GpuBroadcastSupport.<RuntimeException>throwUnchecked(error);
        return new IllegalStateException(error);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable error) throws T {
        throw (T) error;
    }

    /** Spark's row limit of a broadcast of {@code mode} (what its hash map can hold). */
    static long maxRows(BroadcastMode mode) {
        if (mode instanceof HashedRelationBroadcastMode h && !(h.key().size() == 1
                && h.key().head().dataType() == LongType$.MODULE$)) {
            return (long) (BytesToBytesMap.MAX_CAPACITY / 1.5);
        }
        return 512_000_000L;
    }

    /** A task's device batches (closed here) as Arrow IPC messages, one per non-empty batch. */
    private static Collected serialize(Iterator<ColumnarBatch> batches, SQLMetric copyTime, SQLMetric serializeTime,
            SQLMetric bytesToHost) throws IOException {
        long rows = 0;
        List<byte[]> messages = new ArrayList<>();
        while (batches.hasNext()) {
            try (ColumnarBatch batch = batches.next()) {
                int n = batch.numRows();
                if (n == 0) {
                    continue;
                }
                rows += n;
                HostTable host = toHost(batch, copyTime, bytesToHost);
                long start = System.nanoTime();
                try (host) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    HostTableIpc.write(host, 0, n, Channels.newChannel(out));
                    messages.add(out.toByteArray());
                } finally {
                    serializeTime.add(System.nanoTime() - start);
                }
            }
        }
        return new Collected(rows, messages);
    }

    private static HostTable toHost(ColumnarBatch batch, SQLMetric copyTime, SQLMetric bytesToHost) {
        if (batch.numCols() == 0) {
            return HostTable.of(batch.numRows(), List.of());
        }
        EmberRuntime runtime = EmberRuntime.get();
        Device device = runtime.device();
        long start = System.nanoTime();
        try (Table table = GpuColumnVector.toTable(batch); ColumnTransfer transfer = runtime.newTransfer()) {
            HostTable host = transfer.toHost(table, device.defaultStream());
            bytesToHost.add(transfer.bytesCopiedToHost());
            return host;
        } finally {
            copyTime.add(System.nanoTime() - start);
        }
    }

    @Override
    public Statistics runtimeStatistics(Map<String, SQLMetric> metrics) {
        return new Statistics(BigInt.apply(metrics.get(DATA_SIZE).value()),
                Option.apply(BigInt.apply(metrics.get(OUTPUT_ROWS).value())), Statistics.apply$default$3(),
                Statistics.apply$default$4());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GpuBroadcastSupport;
    }

    @Override
    public int hashCode() {
        return GpuBroadcastSupport.class.hashCode();
    }

    @Override
    public String toString() {
        return "GpuBroadcastSupport";
    }
}
