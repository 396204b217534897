package dev.ember.shims;

import java.io.Serializable;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.plans.physical.BroadcastMode;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * What a columnar broadcast exchange does, written in Java by the plugin; each Spark line's shim has
 * the thin Scala node ({@link SparkShims#columnarBroadcastExchange}) that runs it on Spark's broadcast
 * machinery (the asynchronous job, its cancellation, the broadcast itself). Implementations are
 * immutable values.
 */
public interface ColumnarBroadcastSupport extends Serializable {
    /** The node's metrics, by key, made on the driver when the node first needs them. */
    Map<String, SQLMetric> createMetrics(SparkContext context);

    /**
     * Runs on the driver: collects {@code child}'s columnar output and returns the value to broadcast
     * for {@code mode} (what the consumers of a broadcast of that mode read).
     */
    Object relation(SparkPlan child, BroadcastMode mode, Map<String, SQLMetric> metrics);

    /** The statistics adaptive execution reads once the broadcast is done: bytes and rows. */
    Statistics runtimeStatistics(Map<String, SQLMetric> metrics);
}
