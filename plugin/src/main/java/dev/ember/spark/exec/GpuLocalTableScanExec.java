package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.HostTable;
import dev.ember.spark.columnar.HostBatches;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code LocalTableScanExec} on the device: the driver's rows, split into partitions as Spark
 * splits them, are converted to host columns and copied to the device in each task.
 */
public final class GpuLocalTableScanExec extends GpuLeafExecBase {
    private final Seq<Attribute> output;
    private final Seq<InternalRow> rows;
    private final long targetBatchBytes;

    public GpuLocalTableScanExec(Seq<Attribute> output, Seq<InternalRow> rows, long targetBatchBytes) {
        this.output = requireNonNull(output, "output is null");
        this.rows = requireNonNull(rows, "rows is null");
        this.targetBatchBytes = targetBatchBytes;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {output, rows, targetBatchBytes};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES,
                OpMetrics.Kind.BYTES_TO_DEVICE);
    }

    @Override
    public Seq<Attribute> output() {
        return output;
    }

    @Override
    public String simpleString(int maxFields) {
        return nodeName() + " " + output.mkString("[", ", ", "]") + " (" + rows.size() + " rows)";
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sparkContext());
        if (rows.isEmpty()) {
            return jsc.<ColumnarBatch>emptyRDD().rdd();
        }
        List<InternalRow> copies = new ArrayList<>();
        for (InternalRow r : CollectionConverters.asJava(rows)) {
            copies.add(r.copy());
        }
        // Spark's LocalTableScanExec splits the rows the same way.
        int slices = Math.min(copies.size(), session().leafNodeDefaultParallelism());
        StructType schema = schema();
        int rowsPerBatch = HostBatches.rowsPerBatch(schema, targetBatchBytes);
        OpMetrics metrics = opMetrics();
        return jsc.parallelize(copies, slices).mapPartitions(it -> toDevice(it, schema, rowsPerBatch, metrics), true)
                .rdd();
    }

    private static Iterator<ColumnarBatch> toDevice(Iterator<InternalRow> rows, StructType schema, int rowsPerBatch,
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
                    ColumnarBatch batch = GpuRowToColumnarExec.upload(host, schema, metrics);
                    metrics.outputBatch(batch.numRows());
                    return batch;
                }
            }
        };
    }
}
