package dev.ember.spark.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.exec.DeviceBuildTables;
import dev.ember.spark.exec.GpuBinaryExecBase;
import dev.ember.spark.exec.GpuExec;
import dev.ember.spark.exec.OpMetrics;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildRight$;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.CartesianProductExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * Spark's {@code CartesianProductExec} (an inner join without keys whose sides are too large to
 * broadcast) on device batches: one task per pair of a left and a right partition, as Spark's
 * cartesian RDD. The task concatenates its right partition into one device table and runs the left
 * partition's batches against it ({@link NestedLoopJoinRun}), with the optional condition.
 */
public final class GpuCartesianProductExec extends GpuBinaryExecBase implements GpuExec {
    private final Option<Expression> condition;
    private final long targetBatchBytes;

    public GpuCartesianProductExec(SparkPlan left, SparkPlan right, Option<Expression> condition,
            long targetBatchBytes) {
        super(left, right);
        this.condition = requireNonNull(condition, "condition is null");
        if (targetBatchBytes <= 0) {
            throw new IllegalArgumentException("targetBatchBytes must be positive, not " + targetBatchBytes);
        }
        this.targetBatchBytes = targetBatchBytes;
    }

    private CartesianProductExec cpu() {
        return new CartesianProductExec(left(), right(), condition);
    }

    public NestedLoopJoinSpec spec() {
        return NestedLoopJoinSpec.of(Inner$.MODULE$, BuildRight$.MODULE$, condition, left().output(),
                right().output());
    }

    @Override
    protected Object[] fields() {
        return new Object[] {left(), right(), condition, targetBatchBytes};
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
    public RDD<ColumnarBatch> doExecuteColumnar() {
        NestedLoopJoinSpec spec = spec();
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        long batchBytes = targetBatchBytes;
        return new PartitionPairsRDD(left().executeColumnar(), right().executeColumnar(), (stream, build) -> {
            var table = metrics.timeGpu(() -> DeviceBuildTables.concat(build, spec.buildOutput()));
            return new NestedLoopJoinRun(spec, table, stream, schema, batchBytes, metrics);
        });
    }

    @Override
    public String simpleString(int maxFields) {
        return nodeName() + (condition.isDefined() ? " " + condition.get() : "");
    }

    @Override
    public SparkPlan withNewChildrenInternal(SparkPlan newLeft, SparkPlan newRight) {
        return new GpuCartesianProductExec(newLeft, newRight, condition, targetBatchBytes);
    }
}
