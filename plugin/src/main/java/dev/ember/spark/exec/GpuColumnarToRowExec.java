package dev.ember.spark.exec;

import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.columnar.HostBatches;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;

/**
 * Device batches → Spark rows: each batch is copied to host columns, then read as unsafe rows. A host
 * batch lives until its last row was read (or the task ends).
 */
public final class GpuColumnarToRowExec extends GpuUnaryExecBase {
    public GpuColumnarToRowExec(SparkPlan child) {
        super(child);
    }

    @Override
    protected Object[] fields() {
        return new Object[] {child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES,
                OpMetrics.Kind.BYTES_TO_HOST);
    }

    @Override
    public Partitioning outputPartitioning() {
        return child().outputPartitioning();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return child().outputOrdering();
    }

    /** The one Ember operator that produces rows. */
    @Override
    public boolean supportsColumnar() {
        return false;
    }

    @Override
    public RDD<InternalRow> doExecute() {
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        return child().executeColumnar().toJavaRDD().mapPartitions(it -> toRows(it, schema, metrics), true).rdd();
    }

    private static Iterator<InternalRow> toRows(Iterator<ColumnarBatch> batches, StructType schema, OpMetrics metrics) {
        UnsafeProjection projection = UnsafeProjection.create(schema);
        final class Rows implements Iterator<InternalRow>, AutoCloseable {
            private ColumnarBatch host;
            private Iterator<InternalRow> rows = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!rows.hasNext()) {
                    close();
                    if (!batches.hasNext()) {
                        return false;
                    }
                    host = download(batches.next(), schema, metrics);
                    metrics.outputBatch(host.numRows());
                    rows = HostBatches.rows(host, projection);
                }
                return true;
            }

            @Override
            public InternalRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return rows.next();
            }

            @Override
            public void close() {
                if (host != null) {
                    host.close();
                    host = null;
                }
            }
        }
        Rows rows = new Rows();
        DeviceBatchIterators.closeAtTaskEnd(rows);
        return rows;
    }

    /** Copies a device batch (closed here) to a host batch the caller closes. */
    private static ColumnarBatch download(ColumnarBatch deviceBatch, StructType schema, OpMetrics metrics) {
        try (deviceBatch) {
            if (deviceBatch.numCols() == 0) {
                return new ColumnarBatch(new org.apache.spark.sql.vectorized.ColumnVector[0], deviceBatch.numRows());
            }
            EmberRuntime runtime = EmberRuntime.get();
            try (ColumnTransfer transfer = runtime.newTransfer(); Table table = GpuColumnVector.toTable(deviceBatch)) {
                HostTable host = metrics.timeGpu(() -> transfer.toHost(table, runtime.device().defaultStream()));
                metrics.add(OpMetrics.Kind.BYTES_TO_HOST, transfer.bytesCopiedToHost());
                return HostBatches.toSparkBatch(host, schema);
            }
        }
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuColumnarToRowExec(newChild);
    }
}
