package dev.ember.spark.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.exec.DeviceBuildTables;
import dev.ember.spark.exec.GpuBinaryExecBase;
import dev.ember.spark.exec.GpuExec;
import dev.ember.spark.exec.OpMetrics;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.physical.BroadcastDistribution;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.IdentityBroadcastMode$;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnspecifiedDistribution$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.BroadcastNestedLoopJoinExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code BroadcastNestedLoopJoinExec} (joins without equi-keys, and joins without any keys
 * that are not cartesian products) on device batches. The build side is Spark's broadcast of plain
 * rows (or a GPU broadcast's batches), which each task uploads into one device table; the stream
 * side's batches run against it ({@link NestedLoopJoinRun}). Output and partitioning are Spark's.
 */
public final class GpuBroadcastNestedLoopJoinExec extends GpuBinaryExecBase implements GpuExec {
    private final BuildSide buildSide;
    private final JoinType joinType;
    private final Option<Expression> condition;
    private final long targetBatchBytes;

    public GpuBroadcastNestedLoopJoinExec(SparkPlan left, SparkPlan right, BuildSide buildSide, JoinType joinType,
            Option<Expression> condition, long targetBatchBytes) {
        super(left, right);
        this.buildSide = requireNonNull(buildSide, "buildSide is null");
        this.joinType = requireNonNull(joinType, "joinType is null");
        this.condition = requireNonNull(condition, "condition is null");
        if (targetBatchBytes <= 0) {
            throw new IllegalArgumentException("targetBatchBytes must be positive, not " + targetBatchBytes);
        }
        this.targetBatchBytes = targetBatchBytes;
    }

    /** Spark's operator with these fields: the source of the output and the partitioning. */
    private BroadcastNestedLoopJoinExec cpu() {
        return new BroadcastNestedLoopJoinExec(left(), right(), buildSide, joinType, condition);
    }

    private boolean buildLeft() {
        return NestedLoopJoinSpec.isBuildLeft(buildSide);
    }

    /** The index of the child that broadcasts the build rows. */
    public int buildChildIndex() {
        return buildLeft() ? 0 : 1;
    }

    public NestedLoopJoinSpec spec() {
        return NestedLoopJoinSpec.of(joinType, buildSide, condition, left().output(), right().output());
    }

    @Override
    protected Object[] fields() {
        return new Object[] {left(), right(), buildSide, joinType, condition, targetBatchBytes};
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
    public Partitioning outputPartitioning() {
        return cpu().outputPartitioning();
    }

    @Override
    public Seq<Distribution> requiredChildDistribution() {
        Distribution build = new BroadcastDistribution(IdentityBroadcastMode$.MODULE$);
        Distribution stream = UnspecifiedDistribution$.MODULE$;
        return CollectionConverters.asScala(buildLeft() ? List.of(build, stream) : List.of(stream, build)).toList();
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        NestedLoopJoinSpec spec = spec();
        StructType schema = schema();
        SparkPlan buildPlan = buildLeft() ? left() : right();
        StructType buildSchema = buildPlan.schema();
        OpMetrics metrics = opMetrics();
        long batchBytes = targetBatchBytes;
        Broadcast<Object> broadcast = buildPlan.executeBroadcast();
        SparkPlan stream = buildLeft() ? right() : left();
        return stream.executeColumnar().toJavaRDD().mapPartitions(it -> {
            var build = metrics.timeGpu(() -> DeviceBuildTables.fromBroadcast(broadcast.value(), buildSchema,
                    spec.buildOutput(), batchBytes));
            return new NestedLoopJoinRun(spec, build, it, schema, batchBytes, metrics);
        }).rdd();
    }

    @Override
    public String simpleString(int maxFields) {
        return nodeName() + " " + buildSide + ", " + joinType + (condition.isDefined() ? ", " + condition.get() : "");
    }

    @Override
    public SparkPlan withNewChildrenInternal(SparkPlan newLeft, SparkPlan newRight) {
        return new GpuBroadcastNestedLoopJoinExec(newLeft, newRight, buildSide, joinType, condition, targetBatchBytes);
    }
}
