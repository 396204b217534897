package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code HashAggregateExec} on device batches, for the modes Partial, Final and Complete
 * ({@link HashAggregatePlan} says what runs): per partition every batch is aggregated on the GPU, the
 * partial results merged, and one batch comes out (none for a grouped aggregate without input). The
 * operator keeps Spark's constructor fields, so its distribution requirement, partitioning and
 * description are Spark's own.
 */
public final class GpuHashAggregateExec extends GpuUnaryExecBase implements GpuExec {
    private final Option<Seq<Expression>> requiredChildDistributionExpressions;
    private final boolean isStreaming;
    private final Option<Object> numShufflePartitions;
    private final Seq<NamedExpression> groupingExpressions;
    private final Seq<AggregateExpression> aggregateExpressions;
    private final Seq<Attribute> aggregateAttributes;
    private final int initialInputBufferOffset;
    private final Seq<NamedExpression> resultExpressions;

    public GpuHashAggregateExec(Option<Seq<Expression>> requiredChildDistributionExpressions, boolean isStreaming,
            Option<Object> numShufflePartitions, Seq<NamedExpression> groupingExpressions,
            Seq<AggregateExpression> aggregateExpressions, Seq<Attribute> aggregateAttributes,
            int initialInputBufferOffset, Seq<NamedExpression> resultExpressions, SparkPlan child) {
        super(child);
        this.requiredChildDistributionExpressions = requireNonNull(requiredChildDistributionExpressions,
                "requiredChildDistributionExpressions is null");
        this.isStreaming = isStreaming;
        this.numShufflePartitions = requireNonNull(numShufflePartitions, "numShufflePartitions is null");
        this.groupingExpressions = requireNonNull(groupingExpressions, "groupingExpressions is null");
        this.aggregateExpressions = requireNonNull(aggregateExpressions, "aggregateExpressions is null");
        this.aggregateAttributes = requireNonNull(aggregateAttributes, "aggregateAttributes is null");
        this.initialInputBufferOffset = initialInputBufferOffset;
        this.resultExpressions = requireNonNull(resultExpressions, "resultExpressions is null");
    }

    /** The GPU operator for {@code p} over {@code child}. */
    public static GpuHashAggregateExec of(HashAggregateExec p, SparkPlan child) {
        return new GpuHashAggregateExec(p.requiredChildDistributionExpressions(), p.isStreaming(),
                p.numShufflePartitions(), p.groupingExpressions(), p.aggregateExpressions(), p.aggregateAttributes(),
                p.initialInputBufferOffset(), p.resultExpressions(), child);
    }

    /** Spark's operator with these fields: the source of the distribution, partitioning and description. */
    private HashAggregateExec cpu() {
        return new HashAggregateExec(requiredChildDistributionExpressions, isStreaming, numShufflePartitions,
                groupingExpressions, aggregateExpressions, aggregateAttributes, initialInputBufferOffset,
                resultExpressions, child());
    }

    public HashAggregatePlan plan() {
        return HashAggregatePlan.of(groupingExpressions, aggregateExpressions, aggregateAttributes,
                resultExpressions);
    }

    @Override
    protected Object[] fields() {
        return new Object[] {requiredChildDistributionExpressions, isStreaming, numShufflePartitions,
            groupingExpressions, aggregateExpressions, aggregateAttributes, initialInputBufferOffset,
            resultExpressions, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Seq<Attribute> output() {
        List<Attribute> out = new ArrayList<>();
        for (NamedExpression e : CollectionConverters.asJava(resultExpressions)) {
            out.add(e.toAttribute());
        }
        return CollectionConverters.asScala(out).toSeq();
    }

    @Override
    public Seq<Distribution> requiredChildDistribution() {
        return cpu().requiredChildDistribution();
    }

    @Override
    public Partitioning outputPartitioning() {
        return cpu().outputPartitioning();
    }

    @Override
    public String simpleString(int maxFields) {
        return "Gpu" + cpu().simpleString(maxFields);
    }

    @Override
    public String verboseString(int maxFields) {
        return "Gpu" + cpu().verboseString(maxFields);
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        HashAggregatePlan plan = plan();
        List<Attribute> childOutput = new ArrayList<>(CollectionConverters.asJava(child().output()));
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        return child().executeColumnar().toJavaRDD()
                .mapPartitions(it -> new HashAggregation(plan, childOutput, schema).run(it, metrics), true).rdd();
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuHashAggregateExec(requiredChildDistributionExpressions, isStreaming, numShufflePartitions,
                groupingExpressions, aggregateExpressions, aggregateAttributes, initialInputBufferOffset,
                resultExpressions, newChild);
    }
}
