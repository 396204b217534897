package dev.ember.spark.exec;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * What a Scala case class would generate for an Ember operator, written out once for javac: product
 * fields for equality and Spark's reflective {@code makeCopy} (the public constructor takes the
 * fields in {@link #fields()} order) and the SQL metrics. Operators are columnar and refuse the row
 * path, except {@code GpuColumnarToRowExec}, which overrides both. {@link GpuLeafExecBase} and
 * {@link GpuUnaryExecBase} add the children through Spark's node traits.
 */
public abstract class GpuPlanBase extends SparkPlan {
    private transient OpMetrics opMetrics;

    /** The constructor's arguments, in order. */
    protected abstract Object[] fields();

    /** The metrics this operator reports. */
    protected abstract List<OpMetrics.Kind> metricKinds();

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
        return o instanceof GpuPlanBase other && canEqual(other) && Arrays.equals(fields(), other.fields());
    }

    @Override
    public int hashCode() {
        return getClass().hashCode() * 31 + Arrays.hashCode(fields());
    }
}
