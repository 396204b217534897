package dev.ember.spark.exec.sample;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.Compaction;
import dev.ember.cuda.ops.Gather;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.exec.FilterProject;
import dev.ember.spark.exec.GpuExec;
import dev.ember.spark.exec.GpuUnaryExecBase;
import dev.ember.spark.exec.OpMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.random.BernoulliCellSampler;
import scala.collection.immutable.Seq;

/**
 * Spark's {@code SampleExec} without replacement on device batches, with Spark's own row selection:
 * Spark keeps a row when its Bernoulli cell sampler ({@code XORShiftRandom} seeded with {@code seed +
 * partition index}, one draw per row in row order) says so. Each task draws the same sequence on the
 * host with Spark's sampler class, one flag per row of each batch in order, copies the flags to the
 * device, and compacts and gathers the batch by them. The rows equal Spark's when the input rows come
 * in Spark's partitions and order, which the planning rule ensures.
 */
public final class GpuSampleExec extends GpuUnaryExecBase implements GpuExec {
    private final double lowerBound;
    private final double upperBound;
    private final long seed;

    public GpuSampleExec(double lowerBound, double upperBound, long seed, SparkPlan child) {
        super(child);
        this.lowerBound = lowerBound;
        this.upperBound = upperBound;
        this.seed = seed;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {lowerBound, upperBound, seed, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Seq<Attribute> output() {
        return child().output();
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
    public String simpleString(int maxFields) {
        return nodeName() + " " + lowerBound + ", " + upperBound + ", false, " + seed;
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        double lb = lowerBound;
        double ub = upperBound;
        long s = seed;
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        return child().executeColumnar().toJavaRDD().mapPartitionsWithIndex((index, it) -> {
            BernoulliCellSampler<Object> sampler = new BernoulliCellSampler<>(lb, ub, false);
            sampler.setSeed(s + index);
            return FilterProject.each(it, in -> sample(in, sampler, schema), true, metrics);
        }, true).rdd();
    }

    /** The rows of {@code batch} (closed here) the sampler keeps, drawing one value per row in order. */
    static ColumnarBatch sample(ColumnarBatch batch, BernoulliCellSampler<Object> sampler, StructType schema) {
        try (batch; Table in = GpuColumnVector.toTable(batch)) {
            int rows = (int) in.rowCount();
            byte[] flags = new byte[rows];
            int kept = 0;
            for (int i = 0; i < rows; i++) {
                flags[i] = (byte) sampler.sample();
                kept += flags[i];
            }
            List<Column> out = new ArrayList<>();
            if (kept == rows) {
                in.columns().forEach(c -> out.add(c.incRef()));
                return GpuColumnVector.toBatch(Table.of(rows, out), schema);
            }
            Device device = EmberRuntime.get().device();
            Stream stream = device.defaultStream();
            try (Compaction.Selected selected = select(device, flags, stream)) {
                for (Column c : in.columns()) {
                    out.add(Gather.rows(device, c, selected.indices(), selected.count(), stream));
                }
                return GpuColumnVector.toBatch(Table.of(selected.count(), out), schema);
            } catch (RuntimeException | Error e) {
                out.forEach(Column::close);
                throw e;
            }
        }
    }

    /** The indices of the rows whose host flag is set. */
    private static Compaction.Selected select(Device device, byte[] flags, Stream stream) {
        try (DeviceBuffer onDevice = device.allocate(Math.max(1, flags.length), stream)) {
            if (flags.length > 0) {
                try (PinnedBuffer host = device.allocatePinned(flags.length)) {
                    host.asByteBuffer().put(flags);
                    device.copyHostToDevice(host.address(), onDevice.address(), flags.length, stream);
                    // The pinned buffer is freed when this returns: the copy must be done by then.
                    stream.synchronize();
                }
            }
            return Compaction.selectedRows(device, onDevice.address(), 0, flags.length, stream);
        }
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuSampleExec(lowerBound, upperBound, seed, newChild);
    }
}
