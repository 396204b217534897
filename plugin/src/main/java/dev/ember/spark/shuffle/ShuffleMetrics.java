package dev.ember.spark.shuffle;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.execution.metric.SQLShuffleReadMetricsReporter;
import org.apache.spark.sql.execution.metric.SQLShuffleWriteMetricsReporter;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The metrics of a GPU shuffle exchange: Spark's own shuffle read and write metrics (bytes, records,
 * fetch wait, write time), the exchange's data size and partition count, and Ember's rows and times
 * of each step (partitioning on the GPU, copies, serialization, deserialization).
 */
final class ShuffleMetrics implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String DATA_SIZE = "dataSize";
    static final String NUM_PARTITIONS = "numPartitions";
    static final String ROWS_WRITTEN = "rowsWritten";
    static final String PARTITION_TIME = "partitionTime";
    static final String COPY_TO_HOST_TIME = "copyToHostTime";
    static final String BYTES_TO_HOST = "bytesToHost";
    static final String SERIALIZE_TIME = "serializeTime";
    static final String DESERIALIZE_TIME = "deserializeTime";
    static final String COALESCE_TIME = "coalesceTime";
    static final String COPY_TO_DEVICE_TIME = "copyToDeviceTime";
    static final String BYTES_TO_DEVICE = "bytesToDevice";
    static final String OUTPUT_ROWS = "numOutputRows";
    static final String OUTPUT_BATCHES = "numOutputBatches";

    private final Map<String, SQLMetric> metrics;

    ShuffleMetrics(Map<String, SQLMetric> metrics) {
        this.metrics = Map.copyOf(requireNonNull(metrics, "metrics is null"));
    }

    /** New metrics, registered with {@code sc}, in the order the UI lists them. */
    static Map<String, SQLMetric> create(SparkContext sc) {
        Map<String, SQLMetric> m = new LinkedHashMap<>();
        m.put(DATA_SIZE, SQLMetrics.createSizeMetric(sc, "data size", -1L));
        m.put(NUM_PARTITIONS, SQLMetrics.createMetric(sc, "number of partitions"));
        m.put(ROWS_WRITTEN, SQLMetrics.createMetric(sc, "rows written"));
        m.put(PARTITION_TIME, SQLMetrics.createNanoTimingMetric(sc, "GPU partition time", -1L));
        m.put(COPY_TO_HOST_TIME, SQLMetrics.createNanoTimingMetric(sc, "copy to host time", -1L));
        m.put(BYTES_TO_HOST, SQLMetrics.createSizeMetric(sc, "bytes copied device to host", -1L));
        m.put(SERIALIZE_TIME, SQLMetrics.createNanoTimingMetric(sc, "serialize time", -1L));
        m.put(DESERIALIZE_TIME, SQLMetrics.createNanoTimingMetric(sc, "deserialize time", -1L));
        m.put(COALESCE_TIME, SQLMetrics.createNanoTimingMetric(sc, "host coalesce time", -1L));
        m.put(COPY_TO_DEVICE_TIME, SQLMetrics.createNanoTimingMetric(sc, "copy to device time", -1L));
        m.put(BYTES_TO_DEVICE, SQLMetrics.createSizeMetric(sc, "bytes copied host to device", -1L));
        m.put(OUTPUT_ROWS, SQLMetrics.createMetric(sc, "number of output rows"));
        m.put(OUTPUT_BATCHES, SQLMetrics.createMetric(sc, "number of output batches"));
        m.putAll(CollectionConverters.asJava(SQLShuffleReadMetricsReporter.createShuffleReadMetrics(sc)));
        m.putAll(CollectionConverters.asJava(SQLShuffleWriteMetricsReporter.createShuffleWriteMetrics(sc)));
        return m;
    }

    SQLMetric get(String key) {
        SQLMetric metric = metrics.get(key);
        if (metric == null) {
            throw new IllegalArgumentException("no shuffle metric " + key);
        }
        return metric;
    }

    void add(String key, long value) {
        get(key).add(value);
    }

    /** Runs {@code work}, adding its wall time to the timing metric {@code key}. */
    <T> T time(String key, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(key, System.nanoTime() - start);
        }
    }

    /** The metrics as Spark's shuffle reporters take them. */
    scala.collection.immutable.Map<String, SQLMetric> asScala() {
        return scala.collection.immutable.Map.from(CollectionConverters.asScala(metrics));
    }

    Map<String, SQLMetric> asJava() {
        return metrics;
    }
}
