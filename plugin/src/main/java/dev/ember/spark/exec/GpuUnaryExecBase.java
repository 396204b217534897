package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnaryExecNode;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.Function1;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * What a Scala case class would generate for a one-child Ember operator, written out for javac:
 * children and copies through {@link UnaryExecNode}, product fields for equality and Spark's
 * reflective {@code makeCopy} (the public constructor takes the fields in {@link #fields()} order),
 * and the SQL metrics.
 */
public abstract class GpuUnaryExecBase extends SparkPlan implements UnaryExecNode {
    private final SparkPlan child;
    private transient OpMetrics opMetrics;

    protected GpuUnaryExecBase(SparkPlan child) {
        this.child = requireNonNull(child, "child is null");
    }

    /** The constructor's arguments, in order. */
    protected abstract Object[] fields();

    /** The metrics this operator reports. */
    protected abstract List<OpMetrics.Kind> metricKinds();

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

    /** The operator's metrics (created on the driver on first use). */
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

    /** Columnar operators produce no rows. */
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
        return o instanceof GpuUnaryExecBase other && canEqual(other) && Arrays.equals(fields(), other.fields());
    }

    @Override
    public int hashCode() {
        return getClass().hashCode() * 31 + Arrays.hashCode(fields());
    }
}
