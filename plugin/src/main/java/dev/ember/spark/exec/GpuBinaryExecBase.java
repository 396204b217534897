package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import org.apache.spark.sql.execution.BinaryExecNode;
import org.apache.spark.sql.execution.SparkPlan;
import scala.Function1;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A two-child Ember operator: children and copies through {@link BinaryExecNode}, the rest of what a
 * case class would generate from {@link GpuPlanBase}.
 */
public abstract class GpuBinaryExecBase extends GpuPlanBase implements BinaryExecNode {
    private final SparkPlan left;
    private final SparkPlan right;

    protected GpuBinaryExecBase(SparkPlan left, SparkPlan right) {
        this.left = requireNonNull(left, "left is null");
        this.right = requireNonNull(right, "right is null");
    }

    @Override
    public SparkPlan left() {
        return left;
    }

    @Override
    public SparkPlan right() {
        return right;
    }

    @Override
    public Seq<SparkPlan> children() {
        return BinaryExecNode.super.children();
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return BinaryExecNode.super.withNewChildrenInternal(newChildren);
    }

    @Override
    public SparkPlan mapChildren(Function1<SparkPlan, SparkPlan> f) {
        return BinaryExecNode.super.mapChildren(f);
    }

    @Override
    public String verboseStringWithOperatorId() {
        return BinaryExecNode.super.verboseStringWithOperatorId();
    }
}
