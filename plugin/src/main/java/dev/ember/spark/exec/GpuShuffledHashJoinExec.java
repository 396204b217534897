package dev.ember.spark.exec;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.ShuffledHashJoinExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * Spark's {@code ShuffledHashJoinExec} on device batches, also replacing {@code SortMergeJoinExec}
 * (without the sorts Spark put under it). Per partition the build side's batches are concatenated
 * into one device table and hashed, and the stream side's batches probe it ({@link HashJoinRun}).
 * Spark's fields are kept, so the distribution requirement (both sides clustered by their keys, none
 * for a skew join), the output and its partitioning are Spark's own; there is no output ordering.
 */
public final class GpuShuffledHashJoinExec extends GpuHashJoinExecBase {
    private final boolean isSkewJoin;

    public GpuShuffledHashJoinExec(Seq<Expression> leftKeys, Seq<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, boolean isSkewJoin, long targetBatchBytes,
            SparkPlan left, SparkPlan right) {
        super(leftKeys, rightKeys, joinType, buildSide, condition, targetBatchBytes, left, right);
        this.isSkewJoin = isSkewJoin;
    }

    /** Spark's operator with these fields: the source of the output, distribution and partitioning. */
    @Override
    protected ShuffledHashJoinExec cpu() {
        return new ShuffledHashJoinExec(leftKeys, rightKeys, joinType, buildSide, condition, left(), right(),
                isSkewJoin);
    }

    @Override
    protected boolean isNullAwareAntiJoin() {
        return false;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {leftKeys, rightKeys, joinType, buildSide, condition, isSkewJoin, targetBatchBytes,
            left(), right()};
    }

    @Override
    public Seq<Distribution> requiredChildDistribution() {
        return cpu().requiredChildDistribution();
    }

    @Override
    public String nodeName() {
        return isSkewJoin ? super.nodeName() + "(skew=true)" : super.nodeName();
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        HashJoinSpec spec = spec();
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        long batchBytes = targetBatchBytes;
        JavaRDD<ColumnarBatch> buildRdd = (spec.buildLeft() ? left() : right()).executeColumnar().toJavaRDD();
        JavaRDD<ColumnarBatch> streamRdd = (spec.buildLeft() ? right() : left()).executeColumnar().toJavaRDD();
        return streamRdd.zipPartitions(buildRdd, (stream, build) -> {
            JoinBuild joinBuild = metrics.timeGpu(() -> JoinBuild.fromBatches(build, spec));
            return new HashJoinRun(spec, joinBuild, stream, schema, batchBytes, metrics);
        }).rdd();
    }

    @Override
    public SparkPlan withNewChildrenInternal(SparkPlan newLeft, SparkPlan newRight) {
        return new GpuShuffledHashJoinExec(leftKeys, rightKeys, joinType, buildSide, condition, isSkewJoin,
                targetBatchBytes, newLeft, newRight);
    }
}
