package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.ExpandExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code ExpandExec} on device batches (grouping sets, rollups, cubes and several groups of
 * distinct aggregates): each input batch yields one output batch per projection, in the projections'
 * order. Columns that are plain references pass through (a new reference, no copy); each projection's
 * other columns (the grouping id, the nulls of rolled-up keys, computed columns) come from one
 * expression program, compiled once per task.
 */
public final class GpuExpandExec extends GpuUnaryExecBase implements GpuExec {
    private final Seq<Seq<Expression>> projections;
    private final Seq<Attribute> output;

    public GpuExpandExec(Seq<Seq<Expression>> projections, Seq<Attribute> output, SparkPlan child) {
        super(child);
        this.projections = requireNonNull(projections, "projections is null");
        this.output = requireNonNull(output, "output is null");
    }

    public Seq<Seq<Expression>> projections() {
        return projections;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {projections, output, child()};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_ROWS, OpMetrics.Kind.OUTPUT_BATCHES);
    }

    @Override
    public Seq<Attribute> output() {
        return output;
    }

    /** As Spark's operator (which reports an unknown partitioning: the projections rewrite the columns). */
    @Override
    public Partitioning outputPartitioning() {
        return new ExpandExec(projections, output, child()).outputPartitioning();
    }

    /** How one projection makes its columns: {@code passThrough[k] >= 0} is an input column, else {@code computed}. */
    public record Split(int[] passThrough, int[] computedIndex, List<Expression> computed) implements Serializable {}

    /** The projections over {@code input}, each split into pass-through and computed columns. */
    public static List<Split> split(Seq<Seq<Expression>> projections, List<Attribute> input) {
        List<Split> out = new ArrayList<>();
        for (Seq<Expression> projection : CollectionConverters.asJava(projections)) {
            List<Expression> exprs = CollectionConverters.asJava(projection);
            int[] passThrough = new int[exprs.size()];
            int[] computedIndex = new int[exprs.size()];
            List<Expression> computed = new ArrayList<>();
            for (int k = 0; k < exprs.size(); k++) {
                Expression e = exprs.get(k);
                int index = e instanceof AttributeReference ref ? ExprPrograms.indexOf(input, ref) : -1;
                passThrough[k] = index;
                computedIndex[k] = -1;
                if (index < 0) {
                    computedIndex[k] = computed.size();
                    computed.add(e);
                }
            }
            out.add(new Split(passThrough, computedIndex, List.copyOf(computed)));
        }
        return out;
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<Attribute> input = new ArrayList<>(CollectionConverters.asJava(child().output()));
        List<Split> splits = split(projections, input);
        StructType schema = schema();
        OpMetrics metrics = opMetrics();
        return child().executeColumnar().toJavaRDD().mapPartitions(it -> {
            List<ExprPrograms.Compiled> programs = new ArrayList<>();
            for (Split s : splits) {
                programs.add(s.computed().isEmpty() ? null : ExprPrograms.compile(s.computed(), input));
            }
            return expand(it, splits, programs, schema, metrics);
        }, true).rdd();
    }

    /** One batch per input batch with rows and projection, lazily; each input batch is closed after its last projection. */
    private static Iterator<ColumnarBatch> expand(Iterator<ColumnarBatch> input, List<Split> splits,
            List<ExprPrograms.Compiled> programs, StructType schema, OpMetrics metrics) {
        return new Iterator<>() {
            private Table current;
            private int next;

            @Override
            public boolean hasNext() {
                while (current == null && input.hasNext()) {
                    try (ColumnarBatch batch = input.next()) {
                        if (batch.numRows() > 0) {
                            current = GpuColumnVector.toTable(batch);
                            next = 0;
                        }
                    }
                }
                return current != null;
            }

            @Override
            public ColumnarBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int k = next++;
                ColumnarBatch out;
                try {
                    out = metrics.timeGpu(() -> project(current, splits.get(k), programs.get(k), schema));
                } finally {
                    if (next == splits.size()) {
                        current.close();
                        current = null;
                    }
                }
                metrics.outputBatch(out.numRows());
                return out;
            }
        };
    }

    private static ColumnarBatch project(Table in, Split split, ExprPrograms.Compiled program, StructType schema) {
        Device device = EmberRuntime.get().device();
        Stream stream = device.defaultStream();
        List<Column> computed = program == null ? List.of()
                : program.evaluate(device, in.columns(), in.rowCount(), stream);
        List<Column> out = new ArrayList<>();
        try {
            int[] passThrough = split.passThrough();
            for (int k = 0; k < passThrough.length; k++) {
                out.add(passThrough[k] >= 0 ? in.column(passThrough[k]).incRef()
                        : computed.get(split.computedIndex()[k]).incRef());
            }
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        } finally {
            computed.forEach(Column::close);
        }
        return GpuColumnVector.toBatch(Table.of(in.rowCount(), out), schema);
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new GpuExpandExec(projections, output, newChild);
    }
}
