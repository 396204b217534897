package dev.ember.spark.exec;

import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
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
 * and copied to the device through the pinned staging buffers.
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
    public boolean supportsColumnar() {
        return true;
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
        OpMetrics metrics = opMetrics();
        return child().execute().toJavaRDD()
                .mapPartitions(rows -> toDevice(rows, schema, rowsPerBatch, metrics), true).rdd();
    }

    static Iterator<ColumnarBatch> toDevice(Iterator<InternalRow> rows, StructType schema, int rowsPerBatch,
            OpMetrics metrics) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public ColumnarBatch next() {
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                try (HostTable host = HostBatches.fromRows(rows, schema, rowsPerBatch)) {
                    ColumnarBatch batch = upload(host, schema, metrics);
                    metrics.outputBatch(batch.numRows());
                    return batch;
                }
            }
        };
    }

    /** Copies {@code host} (which stays the caller's) to a new device batch, counting the bytes. */
    static ColumnarBatch upload(HostTable host, StructType schema, OpMetrics metrics) {
        EmberRuntime runtime = EmberRuntime.get();
        try (ColumnTransfer transfer = runtime.newTransfer()) {
            Table table = metrics.timeGpu(() -> transfer.toDevice(host, runtime.device().defaultStream()));
            metrics.add(OpMetrics.Kind.BYTES_TO_DEVICE, transfer.bytesCopiedToDevice());
            return GpuColumnVector.toBatch(table, schema);
        }
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuRowToColumnarExec(newChild, targetBatchBytes);
    }
}
