package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
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
 * Spark's {@code ProjectExec} on device batches: columns that are plain references pass through
 * (a new reference, no copy); all computed columns come from one expression program, one kernel
 * launch per batch.
 */
public final class GpuProjectExec extends GpuUnaryExecBase implements GpuExec {
    private final Seq<NamedExpression> projectList;

    public GpuProjectExec(Seq<NamedExpression> projectList, SparkPlan child) {
        super(child);
        this.projectList = requireNonNull(projectList, "projectList is null");
    }

    public Seq<NamedExpression> projectList() {
        return projectList;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {projectList, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Seq<Attribute> output() {
        return outputOf(projectList);
    }

    static Seq<Attribute> outputOf(Seq<NamedExpression> projectList) {
        List<Attribute> out = new ArrayList<>();
        for (NamedExpression e : CollectionConverters.asJava(projectList)) {
            out.add(e.toAttribute());
        }
        return CollectionConverters.asScala(out).toSeq();
    }

    /** As Spark's projection: the child's partitioning, through aliases, where the output still expresses it. */
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
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        return child().executeColumnar().toJavaRDD().mapPartitions(it -> {
            ExprPrograms.Compiled program = projection.computed().isEmpty() ? null
                    : ExprPrograms.compile(projection.computed(), input);
            return FilterProject.each(it, b -> FilterProject.apply(b, null, projection, program, schema), false,
                    metrics);
        }, true).rdd();
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuProjectExec(projectList, newChild);
    }
}
