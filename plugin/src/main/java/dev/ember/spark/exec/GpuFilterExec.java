package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code FilterExec} on device batches: the condition program gives BOOL8 flags with validity,
 * stream compaction turns them into the selected row indices (null counts as false), and each column
 * is gathered by them. Batches left without rows are dropped.
 */
public final class GpuFilterExec extends GpuUnaryExecBase implements GpuExec {
    private final Expression condition;
    private final Seq<Attribute> output;

    /**
     * @param output the filter's output: the child's columns, marked non-nullable where the condition
     *     rules nulls out (as Spark's {@code FilterExec.output})
     */
    public GpuFilterExec(Expression condition, Seq<Attribute> output, SparkPlan child) {
        super(child);
        this.condition = requireNonNull(condition, "condition is null");
        this.output = requireNonNull(output, "output is null");
    }

    public Expression condition() {
        return condition;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {condition, output, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Seq<Attribute> output() {
        return output;
    }

    @Override
    public Partitioning outputPartitioning() {
        return child().outputPartitioning();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return child().outputOrdering();
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<Attribute> input = new ArrayList<>(CollectionConverters.asJava(child().output()));
        Expression cond = condition;
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        return child().executeColumnar().toJavaRDD().mapPartitions(it -> {
            ExprPrograms.Compiled program = ExprPrograms.compile(List.of(cond), input);
            return FilterProject.each(it, b -> FilterProject.apply(b, program, null, null, schema), true, metrics);
        }, true).rdd();
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuFilterExec(condition, output, newChild);
    }
}
