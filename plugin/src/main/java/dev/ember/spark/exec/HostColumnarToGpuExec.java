package dev.ember.spark.exec;

import dev.ember.cuda.column.HostTable;
import dev.ember.spark.columnar.HostBatches;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;

/**
 * Spark's host column batches (e.g. the Parquet vectorized reader's on- or off-heap vectors) → device
 * batches. The host batches stay their producer's (readers reuse them); each is copied before the
 * next is requested.
 */
public final class HostColumnarToGpuExec extends GpuUnaryExecBase implements GpuExec {
    public HostColumnarToGpuExec(SparkPlan child) {
        super(child);
    }

    @Override
    protected Object[] fields() {
        return new Object[] {child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES,
                OpMetrics.Kind.BYTES_TO_DEVICE);
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
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        return child().executeColumnar().toJavaRDD().mapPartitions(it -> toDevice(it, schema, metrics), true).rdd();
    }

    private static Iterator<ColumnarBatch> toDevice(Iterator<ColumnarBatch> hostBatches, StructType schema,
            OpMetrics metrics) {
        Iterator<HostTable> hostTables = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return hostBatches.hasNext();
            }

            @Override
            public HostTable next() {
                return HostBatches.fromSparkBatch(hostBatches.next(), schema);
            }
        };
        return HostUploads.toDevice(hostTables, schema, metrics);
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new HostColumnarToGpuExec(newChild);
    }
}
