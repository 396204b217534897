package dev.ember.spark.exec;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.Compaction;
import dev.ember.cuda.ops.Gather;
import dev.ember.cuda.ops.Strings;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The per-batch work of the filter and projection operators: an optional condition selects rows (a
 * null condition drops the row, as SQL does), then an optional projection passes columns through or
 * computes them; each is compiled into a pre-stage of column operations and one program
 * ({@link ExprPrograms.Compiled}). STRING columns are gathered with {@link Strings#gather}.
 *
 * <p>With both, the selected rows of the columns the projection reads are gathered first and the
 * projection program then runs over the selected rows only. The other order (compute every output for
 * every row, then gather the outputs) writes full-length output columns that are mostly dropped when
 * the filter is selective; gathering first moves only selected rows, and pass-through columns need
 * that gather anyway. When every row is selected nothing is gathered.
 */
public final class FilterProject {
    private FilterProject() {}

    /**
     * Runs the work on {@code batch}, which this closes.
     *
     * @param condition the condition compiled (one BOOL8 result), or null for no filter
     * @param projection the projection's split, or null to pass every column on
     * @param program {@code projection.computed()} compiled, or null when nothing is computed
     */
    public static ColumnarBatch apply(ColumnarBatch batch, ExprPrograms.Compiled condition, ExprPrograms.Projection projection,
            ExprPrograms.Compiled program, StructType schema) {
        try (batch; Table in = GpuColumnVector.toTable(batch)) {
            Device device = EmberRuntime.get().device();
            Stream stream = device.defaultStream();
            long rows = in.rowCount();
            List<Column> working = new ArrayList<>(in.columns());
            List<Column> owned = new ArrayList<>();
            try {
                if (condition != null) {
                    try (Compaction.Selected selected = select(device, condition, in, stream)) {
                        if (selected.count() < rows) {
                            boolean[] needed = needed(in.columnCount(), projection, program);
                            for (int i = 0; i < working.size(); i++) {
                                Column gathered = needed[i] ? gather(device, working.get(i), selected, stream) : null;
                                working.set(i, gathered);
                                if (gathered != null) {
                                    owned.add(gathered);
                                }
                            }
                            rows = selected.count();
                        }
                    }
                }
                List<Column> out = projection == null ? passAll(working) : project(device, working, rows, projection,
                        program, stream);
                return GpuColumnVector.toBatch(Table.of(rows, out), schema);
            } finally {
                owned.forEach(Column::close);
            }
        }
    }

    /** The rows whose condition is true. */
    private static Compaction.Selected select(Device device, ExprPrograms.Compiled condition, Table in,
            Stream stream) {
        List<Column> flags = condition.evaluate(device, in.columns(), in.rowCount(), stream);
        try (Column f = flags.get(0)) {
            return Compaction.selectedRows(device, f.dataAddress(), f.validityAddress(), in.rowCount(), stream);
        }
    }

    /** The input columns the output needs: all without a projection, else those passed through or read. */
    private static boolean[] needed(int columns, ExprPrograms.Projection projection, ExprPrograms.Compiled program) {
        boolean[] needed = new boolean[columns];
        if (projection == null) {
            Arrays.fill(needed, true);
            return needed;
        }
        for (int index : projection.passThrough()) {
            if (index >= 0) {
                needed[index] = true;
            }
        }
        if (program != null) {
            for (int i = 0; i < columns; i++) {
                needed[i] |= program.reads(i);
            }
        }
        return needed;
    }

    /** The selected rows of {@code c}; a string column's bytes can only shrink, so its gather stays within its limit. */
    private static Column gather(Device device, Column c, Compaction.Selected selected, Stream stream) {
        if (c.type().id() == DType.TypeId.STRING) {
            return Strings.gather(device, c, selected.indices(), selected.count(), stream);
        }
        Gather.Gathered g = Gather.gather(device, c.data(), c.hasValidity() ? c.validity() : null, c.rowCount(),
                c.type().sizeInBytes(), selected.indices(), Gather.MapType.INT32, selected.count(), stream);
        return Column.create(c.type(), selected.count(), g.data(), g.validity(), Column.UNKNOWN_NULL_COUNT);
    }

    private static List<Column> passAll(List<Column> working) {
        List<Column> out = new ArrayList<>();
        for (Column c : working) {
            out.add(c.incRef());
        }
        return out;
    }

    private static List<Column> project(Device device, List<Column> working, long rows,
            ExprPrograms.Projection projection, ExprPrograms.Compiled program, Stream stream) {
        List<Column> computed = program == null ? List.of() : program.evaluate(device, working, rows, stream);
        List<Column> out = new ArrayList<>();
        try {
            int[] passThrough = projection.passThrough();
            for (int k = 0; k < passThrough.length; k++) {
                out.add(passThrough[k] >= 0 ? working.get(passThrough[k]).incRef()
                        : computed.get(projection.computedIndex()[k]).incRef());
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        } finally {
            computed.forEach(Column::close);
        }
    }

    /**
     * Applies {@code work} to each batch of {@code input}, timing it as GPU time; results without rows
     * are closed and skipped when {@code dropEmpty} (a filter that removed every row of a batch).
     */
    public static Iterator<ColumnarBatch> each(Iterator<ColumnarBatch> input, UnaryOperator<ColumnarBatch> work,
            boolean dropEmpty, OpMetrics metrics) {
        return new Iterator<>() {
            private ColumnarBatch next;

            @Override
            public boolean hasNext() {
                while (next == null && input.hasNext()) {
                    ColumnarBatch in = input.next();
                    boolean hadRows = in.numRows() > 0;
                    ColumnarBatch out = metrics.timeGpu(() -> work.apply(in));
                    if (dropEmpty && hadRows && out.numRows() == 0) {
                        out.close();
                    } else {
                        next = out;
                    }
                }
                return next != null;
            }

            @Override
            public ColumnarBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ColumnarBatch out = next;
                next = null;
                metrics.outputBatch(out.numRows());
                return out;
            }
        };
    }
}
