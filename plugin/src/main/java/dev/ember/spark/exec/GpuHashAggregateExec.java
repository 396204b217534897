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
import org.apache.spark.sql.execution.aggregate.BaseAggregateExec;
import org.apache.spark.sql.execution.aggregate.SortAggregateExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code HashAggregateExec} on device batches, also replacing {@code SortAggregateExec} and
 * {@code ObjectHashAggregateExec} (same fields) whose functions it runs ({@link HashAggregatePlan}
 * says what runs, per aggregate expression's mode): per partition every batch is aggregated on the
 * GPU, the partial results merged, and the result comes out in batches of about {@code
 * targetBatchBytes} (none for a grouped aggregate without input). The operator keeps Spark's
 * constructor fields, so its distribution requirement, partitioning and input binding are Spark's own;
 * it has no output ordering (a replaced sort aggregate's ordering is not kept).
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
    private final long targetBatchBytes;

    public GpuHashAggregateExec(Option<Seq<Expression>> requiredChildDistributionExpressions, boolean isStreaming,
            Option<Object> numShufflePartitions, Seq<NamedExpression> groupingExpressions,
            Seq<AggregateExpression> aggregateExpressions, Seq<Attribute> aggregateAttributes,
            int initialInputBufferOffset, Seq<NamedExpression> resultExpressions, long targetBatchBytes,
            SparkPlan child) {
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
        if (targetBatchBytes <= 0) {
            throw new IllegalArgumentException("targetBatchBytes must be positive, not " + targetBatchBytes);
        }
        this.targetBatchBytes = targetBatchBytes;
    }

    /** The GPU operator for Spark's aggregate {@code p} (hash, sort or object hash) over {@code child}. */
    public static GpuHashAggregateExec of(BaseAggregateExec p, SparkPlan child, long targetBatchBytes) {
        return new GpuHashAggregateExec(p.requiredChildDistributionExpressions(), p.isStreaming(),
                p.numShufflePartitions(), p.groupingExpressions(), p.aggregateExpressions(), p.aggregateAttributes(),
                p.initialInputBufferOffset(), p.resultExpressions(), targetBatchBytes, child);
    }

    /**
     * Spark's operator with these fields: the source of the distribution, partitioning and input
     * binding, which all of Spark's aggregates share ({@code BaseAggregateExec}). A sort aggregate,
     * because Spark's hash aggregate accepts only mutable fixed-width buffers in its constructor.
     */
    private SortAggregateExec cpu() {
        return new SortAggregateExec(requiredChildDistributionExpressions, isStreaming, numShufflePartitions,
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
            resultExpressions, targetBatchBytes, child()};
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
        return describe(false, maxFields);
    }

    @Override
    public String verboseString(int maxFields) {
        return describe(true, maxFields);
    }

    private String describe(boolean verbose, int maxFields) {
        String text = nodeName() + "(keys=" + truncated(groupingExpressions, maxFields) + ", functions="
                + truncated(aggregateExpressions, maxFields);
        return text + (verbose ? ", output=" + truncated(output(), maxFields) + ")" : ")");
    }

    private static String truncated(Seq<?> items, int maxFields) {
        return org.apache.spark.sql.catalyst.util.package$.MODULE$.truncatedString(items, "[", ", ", "]", maxFields);
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        HashAggregatePlan plan = plan();
        List<Attribute> input = new ArrayList<>(CollectionConverters.asJava(cpu().inputAttributes()));
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        long batchBytes = targetBatchBytes;
        return child().executeColumnar().toJavaRDD()
                .mapPartitions(it -> new HashAggregation(plan, input, schema, batchBytes).run(it, metrics), true)
                .rdd();
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuHashAggregateExec(requiredChildDistributionExpressions, isStreaming, numShufflePartitions,
                groupingExpressions, aggregateExpressions, aggregateAttributes, initialInputBufferOffset,
                resultExpressions, targetBatchBytes, newChild);
    }
}
