package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A {@code ProjectExec} directly over a {@code FilterExec}, fused: the condition selects rows, only the
 * columns the projection reads are gathered, and the projection program runs over the selected rows
 * ({@link FilterProject} explains the order). One operator, one pass over each batch's selected rows.
 */
public final class GpuFilterProjectExec extends GpuUnaryExecBase implements GpuExec {
    private final Seq<NamedExpression> projectList;
    private final Expression condition;

    public GpuFilterProjectExec(Seq<NamedExpression> projectList, Expression condition, SparkPlan child) {
        super(child);
        this.projectList = requireNonNull(projectList, "projectList is null");
        this.condition = requireNonNull(condition, "condition is null");
    }

    @Override
    protected Object[] fields() {
        return new Object[] {projectList, condition, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Seq<Attribute> output() {
        return GpuProjectExec.outputOf(projectList);
    }

    /** A filter keeps its child's partitioning and order, so the projection's rule decides alone. */
    @Override
    public Partitioning outputPartitioning() {
        return new ProjectExec(projectList, child()).outputPartitioning();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return new ProjectExec(projectList, child()).outputOrdering();
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<Attribute> input = new ArrayList<>(CollectionConverters.asJava(child().output()));
        ExprPrograms.Projection projection = ExprPrograms.plan(CollectionConverters.asJava(projectList), input);
        Expression cond = condition;
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        return child().executeColumnar().toJavaRDD().mapPartitions(it -> {
            ExprPrograms.Compiled filter = ExprPrograms.compile(List.of(cond), input);
            ExprPrograms.Compiled program = projection.computed().isEmpty() ? null
                    : ExprPrograms.compile(projection.computed(), input);
            return FilterProject.each(it, b -> FilterProject.apply(b, filter, projection, program, schema), true,
                    metrics);
        }, true).rdd();
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuFilterProjectExec(projectList, condition, newChild);
    }
}
