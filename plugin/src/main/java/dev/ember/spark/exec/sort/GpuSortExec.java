package dev.ember.spark.exec.sort;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.exec.GpuExec;
import dev.ember.spark.exec.GpuUnaryExecBase;
import dev.ember.spark.exec.OpMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code SortExec} on device batches: each partition sorted on the GPU by the radix sort of
 * row indices ({@link PartitionSorter}); a global sort gets its range-partitioned input from Spark's
 * distribution requirement, as Spark's sort does (the GPU shuffle partitions by range). A partition
 * of more than {@code runBytes} is sorted in runs kept on the host and merged, never failed.
 */
public final class GpuSortExec extends GpuUnaryExecBase implements GpuExec {
    private final Seq<SortOrder> sortOrder;
    private final boolean global;
    private final long runBytes;
    private final long targetBatchBytes;

    public GpuSortExec(Seq<SortOrder> sortOrder, boolean global, long runBytes, long targetBatchBytes,
            SparkPlan child) {
        super(child);
        this.sortOrder = requireNonNull(sortOrder, "sortOrder is null");
        this.global = global;
        if (runBytes <= 0 || targetBatchBytes <= 0) {
            throw new IllegalArgumentException("run and batch sizes must be positive, not " + runBytes + " and "
                    + targetBatchBytes);
        }
        this.runBytes = runBytes;
        this.targetBatchBytes = targetBatchBytes;
    }

    public Seq<SortOrder> sortOrder() {
        return sortOrder;
    }

    public boolean global() {
        return global;
    }

    /** Spark's sort with these fields: the source of the distribution requirement. */
    private SortExec cpu() {
        return new SortExec(sortOrder, global, child(), 0);
    }

    @Override
    protected Object[] fields() {
        return new Object[] {sortOrder, global, runBytes, targetBatchBytes, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES,
                OpMetrics.Kind.HOST_RUNS, OpMetrics.Kind.BYTES_TO_HOST, OpMetrics.Kind.BYTES_TO_DEVICE);
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return sortOrder;
    }

    @Override
    public Partitioning outputPartitioning() {
        return child().outputPartitioning();
    }

    @Override
    public Seq<Distribution> requiredChildDistribution() {
        return cpu().requiredChildDistribution();
    }

    @Override
    public String simpleString(int maxFields) {
        return nodeName() + org.apache.spark.sql.catalyst.util.package$.MODULE$.truncatedString(sortOrder, "[", ",",
                "]", maxFields) + ", " + global;
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<SortOrder> order = List.copyOf(CollectionConverters.asJava(sortOrder));
        List<Attribute> input = new ArrayList<>(CollectionConverters.asJava(child().output()));
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        long run = runBytes;
        long batch = targetBatchBytes;
        return child().executeColumnar().toJavaRDD().mapPartitions(it -> {
            PartitionSorter sorter = new PartitionSorter(TableSorter.of(order, input), schema, run, batch, metrics);
            return sorter.sort(it);
        }, true).rdd();
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuSortExec(sortOrder, global, runBytes, targetBatchBytes, newChild);
    }
}
