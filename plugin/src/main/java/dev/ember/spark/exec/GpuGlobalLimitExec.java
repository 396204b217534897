package dev.ember.spark.exec;

import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.AllTuples$;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code GlobalLimitExec} on device batches, over a single partition: rows {@code [offset,
 * limit)} ({@code limit < 0}: every row after {@code offset}), as Spark 3.5's {@code take(limit).drop(offset)}.
 */
public final class GpuGlobalLimitExec extends GpuUnaryExecBase implements GpuExec {
    private final int limit;
    private final int offset;

    public GpuGlobalLimitExec(int limit, SparkPlan child, int offset) {
        super(child);
        this.limit = limit;
        this.offset = offset;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {limit, child(), offset};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Seq<Distribution> requiredChildDistribution() {
        return CollectionConverters.asScala(List.<Distribution>of(AllTuples$.MODULE$)).toList();
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
        long take = limit < 0 ? -1 : Math.max(0, limit - offset);
        return GpuLocalLimitExec.limitRdd(child().executeColumnar(), offset, take, schema(), opMetrics());
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuGlobalLimitExec(limit, newChild, offset);
    }
}
