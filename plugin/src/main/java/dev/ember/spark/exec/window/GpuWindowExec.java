package dev.ember.spark.exec.window;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.exec.GpuExec;
import dev.ember.spark.exec.GpuUnaryExecBase;
import dev.ember.spark.exec.OpMetrics;
import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.exec.ExprPrograms;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.window.WindowExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;

/**
 * Spark's {@code WindowExec} on device batches: per task the sorted input is cut between partition
 * groups ({@link WindowBatches}: the last group of each batch is carried over to the next) and the
 * window functions of each run of complete groups are computed by the window kernels ({@link
 * WindowEvaluator}). The operator keeps Spark's fields, so its required distribution and ordering
 * (the sort and exchange below become GPU operators by their own rules), output partitioning and
 * output ordering are Spark's own. Output: the child's columns, then one column per window expression.
 */
public final class GpuWindowExec extends GpuUnaryExecBase implements GpuExec {
    private final Seq<NamedExpression> windowExpression;
    private final Seq<Expression> partitionSpec;
    private final Seq<SortOrder> orderSpec;
    private final long targetBatchBytes;

    public GpuWindowExec(Seq<NamedExpression> windowExpression, Seq<Expression> partitionSpec,
            Seq<SortOrder> orderSpec, long targetBatchBytes, SparkPlan child) {
        super(child);
        this.windowExpression = requireNonNull(windowExpression, "windowExpression is null");
        this.partitionSpec = requireNonNull(partitionSpec, "partitionSpec is null");
        this.orderSpec = requireNonNull(orderSpec, "orderSpec is null");
        if (targetBatchBytes <= 0) {
            throw new IllegalArgumentException("targetBatchBytes must be positive, not " + targetBatchBytes);
        }
        this.targetBatchBytes = targetBatchBytes;
    }

    /** The GPU operator for Spark's {@code p} over {@code child}. */
    public static GpuWindowExec of(WindowExec p, SparkPlan child, long targetBatchBytes) {
        return new GpuWindowExec(p.windowExpression(), p.partitionSpec(), p.orderSpec(), targetBatchBytes, child);
    }

    /** Why Spark's window operator {@code p} cannot run on the GPU (a function, frame or type), or empty. */
    public static Optional<String> whyNot(WindowExec p) {
        return WindowPlan.whyNot(p.windowExpression(), p.partitionSpec(), p.orderSpec(), p.child().output());
    }

    /** The expressions the GPU operator of {@code p} evaluates (inputs, keys, final combinations). */
    public static List<Expression> evaluated(WindowExec p) {
        if (whyNot(p).isPresent()) {
            return List.of();
        }
        return WindowPlan.of(p.windowExpression(), p.partitionSpec(), p.orderSpec(), p.child().output())
                .engineExpressions();
    }

    /**
     * Why the expressions the GPU operator of {@code p} evaluates do not compile (an engine limit or an
     * expression with no GPU translation in that position), or empty; {@code p} itself is supported.
     */
    public static Optional<String> compileProblem(WindowExec p, EmberConf conf) {
        WindowPlan plan = WindowPlan.of(p.windowExpression(), p.partitionSpec(), p.orderSpec(), p.child().output());
        List<Expression> computedFinals = new ArrayList<>();
        for (Expression e : plan.finals()) {
            if (!(e instanceof AttributeReference)) {
                computedFinals.add(e);
            }
        }
        return ExprPrograms.compileProblem(plan.inputs(), plan.childOutput(), conf)
                .or(() -> ExprPrograms.compileProblem(computedFinals, plan.finalInput(), conf));
    }

    /** Spark's operator with these fields: the source of the distribution, ordering and output. */
    private WindowExec cpu() {
        return new WindowExec(windowExpression, partitionSpec, orderSpec, child());
    }

    public Seq<NamedExpression> windowExpression() {
        return windowExpression;
    }

    public Seq<Expression> partitionSpec() {
        return partitionSpec;
    }

    public Seq<SortOrder> orderSpec() {
        return orderSpec;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {windowExpression, partitionSpec, orderSpec, targetBatchBytes, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Seq<Attribute> output() {
        return cpu().output();
    }

    @Override
    public Seq<Distribution> requiredChildDistribution() {
        return cpu().requiredChildDistribution();
    }

    @Override
    public Seq<Seq<SortOrder>> requiredChildOrdering() {
        return cpu().requiredChildOrdering();
    }

    @Override
    public Partitioning outputPartitioning() {
        return cpu().outputPartitioning();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return cpu().outputOrdering();
    }

    @Override
    public String simpleString(int maxFields) {
        return nodeName() + " " + truncated(windowExpression, maxFields) + ", " + truncated(partitionSpec, maxFields)
                + ", " + truncated(orderSpec, maxFields);
    }

    private static String truncated(Seq<?> items, int maxFields) {
        return org.apache.spark.sql.catalyst.util.package$.MODULE$.truncatedString(items, "[", ", ", "]", maxFields);
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        WindowPlan plan = WindowPlan.of(windowExpression, partitionSpec, orderSpec, child().output());
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        return child().executeColumnar().toJavaRDD()
                .mapPartitions(it -> (java.util.Iterator<ColumnarBatch>) new WindowBatches(it, plan, schema, metrics),
                        true)
                .rdd();
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuWindowExec(windowExpression, partitionSpec, orderSpec, targetBatchBytes, newChild);
    }
}
