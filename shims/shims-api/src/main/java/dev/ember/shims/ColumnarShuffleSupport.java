package dev.ember.shims;

import java.io.Serializable;
import java.util.Map;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.ShufflePartitionSpec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * What a columnar shuffle exchange does, written in Java by the plugin. The exchange node itself must
 * subclass Spark's {@code Exchange}, which only Scala can do, so each Spark line's shim has a thin Scala
 * node ({@link SparkShims#columnarShuffleExchange}) that keeps the per-node state (the dependency, the
 * cached RDD, the metrics) and calls these stateless methods for everything else. Implementations are
 * immutable values: nodes compare and copy them as part of their arguments.
 */
public interface ColumnarShuffleSupport extends Serializable {
    /** The node's metrics, by key, made on the driver when the node first needs them. */
    Map<String, SQLMetric> createMetrics(SparkContext context);

    /**
     * The shuffle of {@code child}'s columnar output by {@code partitioning}: the map side's records and
     * the partitioner. Called once per node, on the driver (range partitioning samples its bounds here).
     */
    ShuffleDependency<Object, Object, Object> dependency(SparkPlan child, Partitioning partitioning,
            Map<String, SQLMetric> metrics);

    /** The shuffle's output as batches, for all partitions ({@code specs} null) or adaptive execution's specs. */
    RDD<ColumnarBatch> shuffleRdd(ShuffleDependency<Object, Object, Object> dependency, ShufflePartitionSpec[] specs,
            Map<String, SQLMetric> metrics);

    /** {@code batches} as rows, for a parent that reads rows without a transition of its own. */
    RDD<InternalRow> rows(RDD<ColumnarBatch> batches, SparkPlan exchange);

    /** The statistics adaptive execution reads once the map stage is done: bytes and rows written. */
    Statistics runtimeStatistics(Map<String, SQLMetric> metrics);
}
