package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * The fields and plan surface the GPU hash joins share: Spark's join fields, the target batch size,
 * the {@link HashJoinSpec} of them, and output and partitioning taken from Spark's own operator with
 * the same fields ({@link #cpu()}).
 */
abstract class GpuHashJoinExecBase extends GpuBinaryExecBase implements GpuExec {
    protected final Seq<Expression> leftKeys;
    protected final Seq<Expression> rightKeys;
    protected final JoinType joinType;
    protected final BuildSide buildSide;
    protected final Option<Expression> condition;
    protected final long targetBatchBytes;

    protected GpuHashJoinExecBase(Seq<Expression> leftKeys, Seq<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, long targetBatchBytes, SparkPlan left,
            SparkPlan right) {
        super(left, right);
        this.leftKeys = requireNonNull(leftKeys, "leftKeys is null");
        this.rightKeys = requireNonNull(rightKeys, "rightKeys is null");
        this.joinType = requireNonNull(joinType, "joinType is null");
        this.buildSide = requireNonNull(buildSide, "buildSide is null");
        this.condition = requireNonNull(condition, "condition is null");
        if (targetBatchBytes <= 0) {
            throw new IllegalArgumentException("targetBatchBytes must be positive, not " + targetBatchBytes);
        }
        this.targetBatchBytes = targetBatchBytes;
    }

    /** Spark's operator with these fields: the source of the output and the partitioning. */
    protected abstract SparkPlan cpu();

    /** Whether the join is Spark's null-aware anti join (NOT IN). */
    protected abstract boolean isNullAwareAntiJoin();

    public HashJoinSpec spec() {
        return HashJoinSpec.of(leftKeys, rightKeys, joinType, buildSide, condition, left().output(),
                right().output(), isNullAwareAntiJoin());
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
    public String simpleString(int maxFields) {
        return nodeName() + " " + joinType + ", " + buildSide + ", " + leftKeys.mkString("[", ", ", "]") + ", "
                + rightKeys.mkString("[", ", ", "]") + (condition.isDefined() ? ", " + condition.get() : "")
                + (isNullAwareAntiJoin() ? ", null-aware" : "");
    }
}
