package dev.ember.spark.exec;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The SQL metrics of one Ember operator, created on the driver from the {@code SparkContext} (so they
 * show in the Spark UI) and shipped to tasks, which add to them. Absent metrics are ignored.
 */
public final class OpMetrics implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The metrics an operator may declare. */
    public enum Kind {
        GPU_TIME("gpuTime", "GPU time"),
        OUTPUT_ROWS("numOutputRows", "number of output rows"),
        OUTPUT_BATCHES("numOutputBatches", "number of output batches"),
        BYTES_TO_DEVICE("bytesToDevice", "bytes copied host to device"),
        BYTES_TO_HOST("bytesToHost", "bytes copied device to host"),
        HOST_RUNS("numHostRuns", "sorted runs kept on the host");

        private final String key;
        private final String description;

        Kind(String key, String description) {
            this.key = key;
            this.description = description;
        }

        public String key() {
            return key;
        }
    }

    private final Map<Kind, SQLMetric> metrics;

    private OpMetrics(Map<Kind, SQLMetric> metrics) {
        this.metrics = metrics;
    }

    /** New metrics of {@code kinds}, registered with {@code sc}. */
    public static OpMetrics create(SparkContext sc, List<Kind> kinds) {
        Map<Kind, SQLMetric> m = new LinkedHashMap<>();
        for (Kind k : kinds) {
            m.put(k, switch (k) {
                case GPU_TIME -> SQLMetrics.createNanoTimingMetric(sc, k.description, -1L);
                case BYTES_TO_DEVICE, BYTES_TO_HOST -> SQLMetrics.createSizeMetric(sc, k.description, -1L);
                case OUTPUT_ROWS, OUTPUT_BATCHES, HOST_RUNS -> SQLMetrics.createMetric(sc, k.description);
            });
        }
        return new OpMetrics(m);
    }

    /** Metrics over existing ones (an operator with metrics of its own lends some to shared code). */
    public static OpMetrics of(Map<Kind, SQLMetric> metrics) {
        return new OpMetrics(new LinkedHashMap<>(metrics));
    }

    /** The metrics as Spark's plan expects them (key → metric). */
    public scala.collection.immutable.Map<String, SQLMetric> asScala() {
        Map<String, SQLMetric> byKey = new LinkedHashMap<>();
        metrics.forEach((k, v) -> byKey.put(k.key(), v));
        return scala.collection.immutable.Map.from(CollectionConverters.asScala(byKey));
    }

    public void add(Kind kind, long value) {
        SQLMetric m = metrics.get(kind);
        if (m != null) {
            m.add(value);
        }
    }

    /** Runs {@code work} and adds its wall time to the GPU time. */
    public <T> T timeGpu(Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(Kind.GPU_TIME, System.nanoTime() - start);
        }
    }

    /** Counts one output batch of {@code rows} rows. */
    public void outputBatch(long rows) {
        add(Kind.OUTPUT_BATCHES, 1);
        add(Kind.OUTPUT_ROWS, rows);
    }
}
