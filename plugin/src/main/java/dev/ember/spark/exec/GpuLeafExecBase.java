package dev.ember.spark.exec;

import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.execution.LeafExecNode;
import org.apache.spark.sql.execution.SparkPlan;
import scala.Function1;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/** {@link GpuUnaryExecBase}'s counterpart for operators without children, through {@link LeafExecNode}. */
public abstract class GpuLeafExecBase extends GpuPlanBase implements LeafExecNode, GpuExec {
    @Override
    public Seq<SparkPlan> children() {
        return LeafExecNode.super.children();
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return LeafExecNode.super.withNewChildrenInternal(newChildren);
    }

    @Override
    public SparkPlan mapChildren(Function1<SparkPlan, SparkPlan> f) {
        return LeafExecNode.super.mapChildren(f);
    }

    @Override
    public String verboseStringWithOperatorId() {
        return LeafExecNode.super.verboseStringWithOperatorId();
    }

    @Override
    public AttributeSet producedAttributes() {
        return LeafExecNode.super.producedAttributes();
    }
}
