package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.columnar.HostBatches;
import java.util.ArrayList;
import java.util.List;
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
        long target = targetBatchBytes;
        OpMetrics metrics = opMetrics();
        return jsc.parallelize(copies, slices)
                .mapPartitions(it -> GpuRowToColumnarExec.toDevice(it, schema, rowsPerBatch, target, metrics), true)
                .rdd();
    }
}
