package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnaryExecNode;
import scala.Function1;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A one-child Ember operator: children and copies through {@link UnaryExecNode}, the rest of what a
 * case class would generate from {@link GpuPlanBase}.
 */
public abstract class GpuUnaryExecBase extends GpuPlanBase implements UnaryExecNode {
    private final SparkPlan child;

    protected GpuUnaryExecBase(SparkPlan child) {
        this.child = requireNonNull(child, "child is null");
    }

    @Override
    public SparkPlan child() {
        return child;
    }

    @Override
    public Seq<SparkPlan> children() {
        return UnaryExecNode.super.children();
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return UnaryExecNode.super.withNewChildrenInternal(newChildren);
    }

    @Override
    public SparkPlan mapChildren(Function1<SparkPlan, SparkPlan> f) {
        return UnaryExecNode.super.mapChildren(f);
    }

    @Override
    public String verboseStringWithOperatorId() {
        return UnaryExecNode.super.verboseStringWithOperatorId();
    }

    @Override
    public Seq<Attribute> output() {
        return child.output();
    }
}
