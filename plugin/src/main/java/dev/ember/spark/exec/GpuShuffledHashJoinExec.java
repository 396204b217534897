package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
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
public final class GpuShuffledHashJoinExec extends GpuBinaryExecBase implements GpuExec {
    private final Seq<Expression> leftKeys;
    private final Seq<Expression> rightKeys;
    private final JoinType joinType;
    private final BuildSide buildSide;
    private final Option<Expression> condition;
    private final boolean isSkewJoin;
    private final long targetBatchBytes;

    public GpuShuffledHashJoinExec(Seq<Expression> leftKeys, Seq<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, boolean isSkewJoin, long targetBatchBytes,
            SparkPlan left, SparkPlan right) {
        super(left, right);
        this.leftKeys = requireNonNull(leftKeys, "leftKeys is null");
        this.rightKeys = requireNonNull(rightKeys, "rightKeys is null");
        this.joinType = requireNonNull(joinType, "joinType is null");
        this.buildSide = requireNonNull(buildSide, "buildSide is null");
        this.condition = requireNonNull(condition, "condition is null");
        this.isSkewJoin = isSkewJoin;
        if (targetBatchBytes <= 0) {
            throw new IllegalArgumentException("targetBatchBytes must be positive, not " + targetBatchBytes);
        }
        this.targetBatchBytes = targetBatchBytes;
    }

    /** Spark's operator with these fields: the source of the output, distribution and partitioning. */
    private ShuffledHashJoinExec cpu() {
        return new ShuffledHashJoinExec(leftKeys, rightKeys, joinType, buildSide, condition, left(), right(),
                isSkewJoin);
    }

    public HashJoinSpec spec() {
        return HashJoinSpec.of(leftKeys, rightKeys, joinType, buildSide, condition, left().output(),
                right().output(), false);
    }

    @Override
    protected Object[] fields() {
        return new Object[] {leftKeys, rightKeys, joinType, buildSide, condition, isSkewJoin, targetBatchBytes,
            left(), right()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Seq<Attribute> output() {
        return cpu().output();
    }

    @Override
    public Seq<Distribution> requiredChildDistribution() {
        return cpu().requiredChildDistribution();
    }

    @Override
    public Partitioning outputPartitioning() {
        return cpu().outputPartitioning();
    }

    @Override
    public String nodeName() {
        return isSkewJoin ? super.nodeName() + "(skew=true)" : super.nodeName();
    }

    @Override
    public String simpleString(int maxFields) {
        return nodeName() + " " + joinType + ", " + buildSide + ", " + leftKeys.mkString("[", ", ", "]") + ", "
                + rightKeys.mkString("[", ", ", "]") + (condition.isDefined() ? ", " + condition.get() : "");
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
