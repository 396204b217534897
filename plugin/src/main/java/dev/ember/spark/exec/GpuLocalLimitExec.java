package dev.ember.spark.exec;

import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;

/** Spark's {@code LocalLimitExec} on device batches: the first {@code limit} rows of each partition. */
public final class GpuLocalLimitExec extends GpuUnaryExecBase implements GpuExec {
    private final int limit;

    public GpuLocalLimitExec(int limit, SparkPlan child) {
        super(child);
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {limit, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Partitioning outputPartitioning() {
        return child().outputPartitioning();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return child().outputOrdering();
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        return limitRdd(child().executeColumnar(), 0, limit, schema(), opMetrics());
    }

    /** Rows [skip, skip + take) of every partition of {@code input}. */
    static RDD<ColumnarBatch> limitRdd(RDD<ColumnarBatch> input, long skip, long take, StructType schema,
            OpMetrics metrics) {
        return input.toJavaRDD()
                .mapPartitions(it -> DeviceBatchIterators.limit(it, skip, take, schema, metrics), true).rdd();
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuLocalLimitExec(limit, newChild);
    }
}
