package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.Fill;
import dev.ember.cuda.ops.HashAggregate;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.columnar.SparkTypes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * One partition of {@link GpuHashAggregateExec}: each input batch is projected to its key and value
 * columns and aggregated ({@link HashAggregate}) into a buffer table; the buffer tables are
 * concatenated and aggregated again with the merge kinds (every {@value #MERGE_EVERY} tables, so
 * memory stays bounded by the groups, not the input); the one buffer table left becomes the output
 * through the plan's output expressions, handed out in slices of about the target batch size. A
 * global aggregate (no keys) over no rows outputs one row made from Spark's initial buffer values, as
 * Spark does; a grouped one outputs nothing.
 *
 * <p>The hash table of a batch's first pass is sized for the groups the previous batch of the
 * partition had: batches of one partition tend to hold alike data, a wrong guess costs at most one
 * rebuild (more groups) or an oversized table (fewer; at most twice the previous groups' slots), and
 * the kernels never size it past twice the batch's rows. The first batch has no predecessor and
 * expects {@value #FIRST_BATCH_GROUPS} groups. Merges expect every concatenated row to be a group, so
 * they never rebuild.
 */
final class HashAggregation {
    /** How many buffer tables accumulate before they are merged into one. */
    static final int MERGE_EVERY = 8;
    /** The groups the first batch of a partition is expected to have. */
    static final long FIRST_BATCH_GROUPS = 1024;

    private final HashAggregatePlan plan;
    private final ExprPrograms.Projection inputProjection;
    private final ExprPrograms.Compiled inputProgram;
    private final StructType inputSchema;
    private final List<Stage> outputStages;
    private final ExprPrograms.Compiled initialProgram;
    private final Device device;
    private final Stream stream;
    private final long targetBatchBytes;
    private final StructType outputSchema;
    /** The groups of the previous batch's first pass (of this partition). */
    private long expectedGroups = FIRST_BATCH_GROUPS;

    /** One projection of the output path: expressions over a table's columns into a new table. */
    private record Stage(ExprPrograms.Projection projection, ExprPrograms.Compiled program, StructType schema) {}

    HashAggregation(HashAggregatePlan plan, List<Attribute> childOutput, StructType outputSchema,
            long targetBatchBytes) {
        this.plan = requireNonNull(plan, "plan is null");
        this.targetBatchBytes = targetBatchBytes;
        this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
        this.device = EmberRuntime.get().device();
        this.stream = device.defaultStream();
        this.inputProjection = HashAggregatePlan.split(plan.inputs(), childOutput);
        this.inputProgram = compile(inputProjection, childOutput);
        this.inputSchema = schema(plan.inputs());
        List<Stage> stages = new ArrayList<>();
        if (plan.mode() == HashAggregatePlan.Mode.PARTIAL) {
            stages.add(stage(plan.partialOutput(), plan.bufferAttributes(), outputSchema));
        } else {
            List<Expression> evaluated = new ArrayList<>(plan.bufferAttributes().subList(0, plan.keyCount()));
            evaluated.addAll(plan.evaluated());
            stages.add(stage(evaluated, plan.evaluationInput(), schema(evaluated)));
            stages.add(stage(plan.results(), plan.resultInput(), outputSchema));
        }
        this.outputStages = List.copyOf(stages);
        List<Expression> initialComputed = plan.initialValues().stream()
                .filter(e -> !HashAggregatePlan.isConstantColumn(e)).toList();
        this.initialProgram = plan.keyCount() == 0 && !initialComputed.isEmpty()
                ? ExprPrograms.compile(initialComputed, List.of()) : null;
    }

    private static Stage stage(List<Expression> expressions, List<Attribute> input, StructType schema) {
        ExprPrograms.Projection projection = HashAggregatePlan.split(expressions, input);
        return new Stage(projection, compile(projection, input), schema);
    }

    private static ExprPrograms.Compiled compile(ExprPrograms.Projection projection, List<Attribute> input) {
        return projection.computed().isEmpty() ? null : ExprPrograms.compile(projection.computed(), input);
    }

    private static StructType schema(List<Expression> expressions) {
        StructType schema = new StructType();
        for (int i = 0; i < expressions.size(); i++) {
            schema = schema.add("c" + i, expressions.get(i).dataType(), expressions.get(i).nullable());
        }
        return schema;
    }

    /** The partition's output: the aggregated rows in batches of about the target size. */
    Iterator<ColumnarBatch> run(Iterator<ColumnarBatch> input, OpMetrics metrics) {
        return new Iterator<>() {
            private boolean aggregated;
            /** The output not handed out yet, from row {@code offset}; closed here or at the task's end. */
            private Pending pending;

            @Override
            public boolean hasNext() {
                if (!aggregated) {
                    aggregated = true;
                    ColumnarBatch all = aggregateAll(input, metrics);
                    if (all != null) {
                        pending = new Pending(all);
                        DeviceBatchIterators.closeAtTaskEnd(pending);
                    }
                }
                return pending != null && !pending.isDone();
            }

            @Override
            public ColumnarBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ColumnarBatch out = metrics.timeGpu(() -> pending.next(targetBatchBytes));
                metrics.outputBatch(out.numRows());
                return out;
            }
        };
    }

    /**
     * The whole output of a partition, handed out in slices: the first call decides the rows per slice
     * from the batch's device bytes, so every slice is about {@code targetBatchBytes} (at least one
     * row). An output within the target is handed out as it is.
     */
    private final class Pending implements AutoCloseable {
        private ColumnarBatch batch;
        private long offset;
        private long rowsPerSlice;

        Pending(ColumnarBatch batch) {
            this.batch = batch;
        }

        boolean isDone() {
            return batch == null;
        }

        ColumnarBatch next(long targetBytes) {
            long rows = batch.numRows();
            if (offset == 0) {
                long bytes = Math.max(1, GpuColumnVector.deviceBytes(batch));
                rowsPerSlice = bytes <= targetBytes ? rows
                        : Math.max(1, (long) ((double) targetBytes / bytes * rows));
                if (rowsPerSlice >= rows) {
                    ColumnarBatch out = batch;
                    batch = null;
                    return out;
                }
            }
            long count = Math.min(rowsPerSlice, rows - offset);
            ColumnarBatch out;
            try (Table table = GpuColumnVector.toTable(batch)) {
                out = GpuColumnVector.toBatch(DeviceTables.slice(device, table, offset, count, stream),
                        outputSchema);
            }
            offset += count;
            if (offset == rows) {
                close();
            }
            return out;
        }

        @Override
        public void close() {
            if (batch != null) {
                batch.close();
                batch = null;
            }
        }
    }

    private ColumnarBatch aggregateAll(Iterator<ColumnarBatch> input, OpMetrics metrics) {
        List<Table> buffers = new ArrayList<>();
        try {
            while (input.hasNext()) {
                ColumnarBatch batch = input.next();
                if (batch.numRows() == 0) {
                    batch.close();
                    continue;
                }
                buffers.add(metrics.timeGpu(() -> firstPass(batch)));
                if (buffers.size() >= MERGE_EVERY) {
                    Table merged = metrics.timeGpu(() -> merge(buffers));
                    buffers.clear();
                    buffers.add(merged);
                }
            }
            if (buffers.isEmpty() && plan.keyCount() > 0) {
                return null;
            }
            return metrics.timeGpu(() -> {
                Table merged = buffers.isEmpty() ? initialRow() : buffers.size() == 1 ? buffers.remove(0)
                        : merge(buffers);
                buffers.clear();
                return output(merged);
            });
        } finally {
            buffers.forEach(Table::close);
        }
    }

    /** The buffer table of one input batch, which this closes. */
    private Table firstPass(ColumnarBatch batch) {
        ColumnarBatch projected = FilterProject.apply(batch, null, inputProjection, inputProgram, inputSchema);
        try (projected; Table in = GpuColumnVector.toTable(projected)) {
            List<HashAggregate.Aggregation> aggregations = new ArrayList<>();
            for (HashAggregatePlan.Buffer b : plan.buffers()) {
                aggregations.add(new HashAggregate.Aggregation(b.first(), b.value(), b.firstArgument()));
            }
            Table buffers = aggregate(in, aggregations, expectedGroups);
            expectedGroups = Math.max(1, buffers.rowCount());
            return buffers;
        }
    }

    /** The buffer tables (closed here) concatenated and merged into one. */
    private Table merge(List<Table> tables) {
        Table all;
        try {
            all = DeviceTables.concat(device, tables, stream);
        } finally {
            tables.forEach(Table::close);
            tables.clear();
        }
        try (all) {
            List<HashAggregate.Aggregation> aggregations = new ArrayList<>();
            for (int i = 0; i < plan.buffers().size(); i++) {
                HashAggregatePlan.Buffer b = plan.buffers().get(i);
                aggregations.add(new HashAggregate.Aggregation(b.merge(), i, b.mergeArgument()));
            }
            return aggregate(all, aggregations, all.rowCount());
        }
    }

    private Table aggregate(Table in, List<HashAggregate.Aggregation> aggregations, long expectedGroups) {
        List<Column> columns = in.columns();
        HashAggregate.Result result = HashAggregate.aggregate(device, columns.subList(0, plan.keyCount()),
                columns.subList(plan.keyCount(), columns.size()), aggregations, Math.max(1, expectedGroups), stream);
        return result.table();
    }

    /**
     * The one buffer row of a global aggregate without input: Spark's initial values. Null initial
     * values and decimal zeros become columns directly (so types the expression engine lacks, such as
     * timestamps, decimals and strings, need no program); the others (zero counts and sums, false)
     * come from a program.
     */
    private Table initialRow() {
        List<Column> computed = initialProgram == null ? List.of()
                : initialProgram.evaluate(device, List.of(), 1, stream);
        List<Column> out = new ArrayList<>();
        try {
            int next = 0;
            for (Expression e : plan.initialValues()) {
                out.add(HashAggregatePlan.isConstantColumn(e) ? constantColumn(e) : computed.get(next++).incRef());
            }
            return Table.of(1, out);
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        } finally {
            computed.forEach(Column::close);
        }
    }

    /**
     * One row of a null constant (zeroed data, deterministic bytes under the null, and a zero bitmap
     * word; a string has two zero offsets and no bytes) or of a decimal zero.
     */
    private Column constantColumn(Expression e) {
        DType type = SparkTypes.requireDType(e.dataType());
        boolean isNull = HashAggregatePlan.isNullLiteral(e);
        boolean string = type.id() == DType.TypeId.STRING;
        List<DeviceBuffer> owned = new ArrayList<>();
        try {
            zeros(string ? 8 : Math.max(8, type.sizeInBytes()), owned);
            zeros(string ? 8 : 0, owned);
            zeros(isNull ? 8 : 0, owned);
        } catch (RuntimeException | Error ex) {
            owned.stream().filter(b -> b != null).forEach(DeviceBuffer::close);
            throw ex;
        }
        // The column takes the buffers over (and closes them if it cannot be made).
        DeviceBuffer validity = owned.get(2);
        if (string) {
            return Column.createStrings(1, owned.get(0), owned.get(1), 0, validity, isNull ? 1 : 0);
        }
        return Column.create(type, 1, owned.get(0), validity, isNull ? 1 : 0);
    }

    /** Adds a zeroed buffer of {@code bytes} (a multiple of 8) to {@code owned}, or null for 0 bytes. */
    private void zeros(long bytes, List<DeviceBuffer> owned) {
        if (bytes == 0) {
            owned.add(null);
            return;
        }
        DeviceBuffer buffer = device.allocate(bytes, stream);
        owned.add(buffer);
        Fill.fill(device, buffer.address(), bytes / 8, 8, 0, stream);
    }

    /** The output batch of the final buffer table, which this takes over. */
    private ColumnarBatch output(Table buffers) {
        Table table = plan.derived().isEmpty() ? buffers : DerivedResults.append(device, plan, buffers, stream);
        ColumnarBatch batch = GpuColumnVector.toBatch(table, schema(new ArrayList<>(plan.evaluationInput())));
        for (Stage stage : outputStages) {
            batch = FilterProject.apply(batch, null, stage.projection(), stage.program(), stage.schema());
        }
        return batch;
    }
}
