package dev.ember.spark.exec;

import dev.ember.cuda.column.HostTable;
import dev.ember.spark.columnar.HostBatches;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;

/**
 * Spark rows → device batches: rows are gathered into host columns of about {@code targetBatchBytes}
 * (string bytes counted as they come) and copied to the device through the pinned staging buffers
 * ({@link HostUploads}, which keeps string columns within their byte limit).
 */
public final class GpuRowToColumnarExec extends GpuUnaryExecBase implements GpuExec {
    private final long targetBatchBytes;

    public GpuRowToColumnarExec(SparkPlan child, long targetBatchBytes) {
        super(child);
        this.targetBatchBytes = targetBatchBytes;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {child(), targetBatchBytes};
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
        int rowsPerBatch = HostBatches.rowsPerBatch(schema, targetBatchBytes);
        long target = targetBatchBytes;
        OpMetrics metrics = opMetrics();
        return child().execute().toJavaRDD()
                .mapPartitions(rows -> toDevice(rows, schema, rowsPerBatch, target, metrics), true).rdd();
    }

    /** Rows → host tables of at most {@code rowsPerBatch} rows and about {@code targetBytes} → device batches. */
    static Iterator<ColumnarBatch> toDevice(Iterator<InternalRow> rows, StructType schema, int rowsPerBatch,
            long targetBytes, OpMetrics metrics) {
        HostBatches.RowReader reader = new HostBatches.RowReader(rows, schema);
        Iterator<HostTable> hostTables = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return reader.hasNext();
            }

            @Override
            public HostTable next() {
                if (!reader.hasNext()) {
                    throw new NoSuchElementException();
                }
                return reader.next(rowsPerBatch, targetBytes);
            }
        };
        return HostUploads.toDevice(hostTables, schema, metrics);
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuRowToColumnarExec(newChild, targetBatchBytes);
    }
}
