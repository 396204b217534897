package dev.ember.spark.exec.sort;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.FilterProject;
import dev.ember.spark.exec.GpuExec;
import dev.ember.spark.exec.GpuUnaryExecBase;
import dev.ember.spark.exec.OpMetrics;
import dev.ember.spark.shuffle.GpuShuffleSupport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.SinglePartition$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code TakeOrderedAndProjectExec} ({@code ORDER BY … LIMIT n [OFFSET m]}) on device batches:
 * each partition keeps its first {@code limit} rows in sort order on the GPU ({@link TopN}); with more
 * than one partition these go through the GPU shuffle to a single partition, which keeps the first
 * {@code limit} again, drops the first {@code offset} and projects. As in Spark, {@code limit} counts
 * the offset's rows too.
 */
public final class GpuTakeOrderedAndProjectExec extends GpuUnaryExecBase implements GpuExec {
    private final int limit;
    private final Seq<SortOrder> sortOrder;
    private final Seq<NamedExpression> projectList;
    private final int offset;
    private final long targetBatchBytes;
    private transient Map<String, SQLMetric> shuffleMetrics;

    public GpuTakeOrderedAndProjectExec(int limit, Seq<SortOrder> sortOrder, Seq<NamedExpression> projectList,
            int offset, long targetBatchBytes, SparkPlan child) {
        super(child);
        this.limit = limit;
        this.sortOrder = requireNonNull(sortOrder, "sortOrder is null");
        this.projectList = requireNonNull(projectList, "projectList is null");
        this.offset = offset;
        this.targetBatchBytes = targetBatchBytes;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {limit, sortOrder, projectList, offset, targetBatchBytes, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    private synchronized Map<String, SQLMetric> shuffleMetrics() {
        if (shuffleMetrics == null) {
            shuffleMetrics = new GpuShuffleSupport(targetBatchBytes).createMetrics(sparkContext());
        }
        return shuffleMetrics;
    }

    @Override
    public scala.collection.immutable.Map<String, SQLMetric> metrics() {
        // The shuffle's own names (numOutputRows among them) would hide the operator's: prefixed.
        Map<String, SQLMetric> all = new LinkedHashMap<>(CollectionConverters.asJava(super.metrics()));
        shuffleMetrics().forEach((key, metric) -> all.put("shuffle." + key, metric));
        return scala.collection.immutable.Map.from(CollectionConverters.asScala(all));
    }

    @Override
    public Seq<Attribute> output() {
        List<Attribute> out = new ArrayList<>();
        for (NamedExpression e : CollectionConverters.asJava(projectList)) {
            out.add(e.toAttribute());
        }
        return CollectionConverters.asScala(out).toSeq();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return sortOrder;
    }

    @Override
    public Partitioning outputPartitioning() {
        return SinglePartition$.MODULE$;
    }

    @Override
    public String simpleString(int maxFields) {
        var util = org.apache.spark.sql.catalyst.util.package$.MODULE$;
        return nodeName() + "(limit=" + limit + ", offset=" + offset + ", orderBy="
                + util.truncatedString(sortOrder, "[", ",", "]", maxFields) + ", output="
                + util.truncatedString(output(), "[", ",", "]", maxFields) + ")";
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<SortOrder> order = List.copyOf(CollectionConverters.asJava(sortOrder));
        List<Attribute> input = new ArrayList<>(CollectionConverters.asJava(child().output()));
        StructType inputSchema = child().schema();
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        int take = limit;
        int skip = offset;
        RDD<ColumnarBatch> batches = child().executeColumnar();
        if (batches.getNumPartitions() == 0) {
            return JavaSparkContext.fromSparkContext(sparkContext()).<ColumnarBatch>emptyRDD().rdd();
        }
        RDD<ColumnarBatch> single = batches;
        if (batches.getNumPartitions() > 1) {
            RDD<ColumnarBatch> local = batches.toJavaRDD().mapPartitions(it -> new TopN(TableSorter.of(order, input),
                    take, 0, inputSchema, metrics).run(it), true).rdd();
            GpuShuffleSupport support = new GpuShuffleSupport(targetBatchBytes);
            single = support.shuffleRdd(support.dependency(local, input, inputSchema, SinglePartition$.MODULE$,
                    shuffleMetrics()), null, shuffleMetrics());
        }
        ExprPrograms.Projection projection = ExprPrograms.plan(CollectionConverters.asJava(projectList), input);
        return single.toJavaRDD().mapPartitions(it -> {
            Iterator<ColumnarBatch> top = new TopN(TableSorter.of(order, input), take, skip, inputSchema, metrics)
                    .run(it);
            ExprPrograms.Compiled program = projection.computed().isEmpty() ? null
                    : ExprPrograms.compile(projection.computed(), input);
            List<ColumnarBatch> out = new ArrayList<>();
            while (top.hasNext()) {
                ColumnarBatch projected = FilterProject.apply(top.next(), null, projection, program, schema);
                metrics.outputBatch(projected.numRows());
                out.add(projected);
            }
            return out.iterator();
        }, true).rdd();
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuTakeOrderedAndProjectExec(limit, sortOrder, projectList, offset, targetBatchBytes, newChild);
    }
}
