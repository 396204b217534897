package dev.ember.spark.exec;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.execution.LeafExecNode;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.Function1;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/** {@link GpuUnaryExecBase}'s counterpart for operators without children, through {@link LeafExecNode}. */
public abstract class GpuLeafExecBase extends SparkPlan implements LeafExecNode, GpuExec {
    private transient OpMetrics opMetrics;

    /** The constructor's arguments, in order. */
    protected abstract Object[] fields();

    protected abstract List<OpMetrics.Kind> metricKinds();

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

    protected synchronized OpMetrics opMetrics() {
        if (opMetrics == null) {
            opMetrics = OpMetrics.create(sparkContext(), metricKinds());
        }
        return opMetrics;
    }

    @Override
    public scala.collection.immutable.Map<String, SQLMetric> metrics() {
        return opMetrics().asScala();
    }

    @Override
    public boolean supportsColumnar() {
        return true;
    }

    @Override
    public RDD<InternalRow> doExecute() {
        throw new IllegalStateException(nodeName() + " produces columnar device batches only; "
                + "Ember's transitions put GpuColumnarToRow above it");
    }

    @Override
    public int productArity() {
        return fields().length;
    }

    @Override
    public Object productElement(int n) {
        return fields()[n];
    }

    @Override
    public boolean canEqual(Object that) {
        return that != null && that.getClass() == getClass();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GpuLeafExecBase other && canEqual(other) && Arrays.equals(fields(), other.fields());
    }

    @Override
    public int hashCode() {
        return getClass().hashCode() * 31 + Arrays.hashCode(fields());
    }
}
