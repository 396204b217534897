package dev.ember.spark.expressions;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Column operations evaluated before an expression program, for the sub-expressions the program's
 * fixed-width, row-at-a-time interpreter cannot compute: string operations. Translation adds a
 * {@link Step} per such sub-expression and receives a {@link ColumnValue} for its result column;
 * a fixed-width result becomes an extra program input ({@link ColumnValue#asInput}), a STRING result
 * feeds further steps (or is an output column itself).
 *
 * <p>Columns are numbered as the evaluator sees them: the batch's {@code baseColumns} input columns
 * first, then one per step in the order added, so a step reads the batch and earlier steps, and the
 * program reads any of them by index. Steps run in order on the batch's rows, before the program.
 */
public final class PreStage {
    /** One column operation: reads columns of the list (by the indices it declared) and returns a new column. */
    @FunctionalInterface
    public interface Step {
        Column apply(Device device, List<Column> columns, long rows, Stream stream);
    }

    private record Entry(Step step, int[] reads, DType type) {}

    private final int baseColumns;
    private final List<Entry> steps = new ArrayList<>();
    private final Map<Object, ColumnValue> byKey = new HashMap<>();

    public PreStage(int baseColumns) {
        if (baseColumns < 0) {
            throw new IllegalArgumentException("base column count must be >= 0, not " + baseColumns);
        }
        this.baseColumns = baseColumns;
    }

    /** The batch's column count: step results are numbered from here. */
    public int baseColumns() {
        return baseColumns;
    }

    public int stepCount() {
        return steps.size();
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /**
     * Adds a step producing a column of {@code type} from the columns {@code reads} (each a batch
     * column or an earlier step's result) and returns the handle of its result.
     */
    public ColumnValue add(DType type, int[] reads, Step step) {
        requireNonNull(type, "type is null");
        requireNonNull(step, "step is null");
        int[] copy = reads.clone();
        int index = baseColumns + steps.size();
        for (int r : copy) {
            if (r < 0 || r >= index) {
                throw new IllegalArgumentException("a step can read the " + baseColumns + " batch columns and earlier "
                        + "steps' results (0.." + (index - 1) + "), not column " + r);
            }
        }
        steps.add(new Entry(step, copy, type));
        return new ColumnValue(index, type);
    }

    /**
     * {@link #add}, or the result of the step added earlier under an equal {@code key} (a value
     * describing the operation and its operands), so a sub-expression used twice is computed once.
     */
    public ColumnValue addOnce(Object key, DType type, int[] reads, Step step) {
        requireNonNull(key, "key is null");
        ColumnValue existing = byKey.get(key);
        if (existing != null) {
            return existing;
        }
        ColumnValue added = add(type, reads, step);
        byKey.put(key, added);
        return added;
    }

    /** Whether some step reads batch column {@code column} (which then must be present). */
    public boolean reads(int column) {
        for (Entry e : steps) {
            for (int r : e.reads()) {
                if (r == column) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Runs the steps over {@code batch} ({@code baseColumns} columns of {@code rows} rows; the ones no
     * step reads may be null) and returns the batch's columns followed by the step results. The
     * batch's columns stay the caller's; closing the result closes the step results.
     */
    public Evaluated evaluate(Device device, List<Column> batch, long rows, Stream stream) {
        requireNonNull(batch, "batch is null");
        if (batch.size() != baseColumns) {
            throw new IllegalArgumentException("the pre-stage was built for " + baseColumns + " batch columns, not "
                    + batch.size());
        }
        List<Column> all = new ArrayList<>(batch);
        Evaluated evaluated = new Evaluated(all, baseColumns);
        try {
            for (Entry e : steps) {
                Column result = requireNonNull(e.step().apply(device, Collections.unmodifiableList(all), rows, stream),
                        "a pre-stage step returned no column");
                all.add(result);
                if (!result.type().equals(e.type()) || result.rowCount() != rows) {
                    throw new IllegalStateException("a pre-stage step declared " + e.type() + " of " + rows
                            + " rows but returned " + result);
                }
            }
        } catch (RuntimeException | Error ex) {
            evaluated.close();
            throw ex;
        }
        return evaluated;
    }

    /** The batch's columns and the step results; closing it closes the step results only. */
    public static final class Evaluated implements AutoCloseable {
        private final List<Column> columns;
        private final int owned;

        private Evaluated(List<Column> columns, int ownedFrom) {
            this.columns = columns;
            this.owned = ownedFrom;
        }

        public List<Column> columns() {
            return Collections.unmodifiableList(columns);
        }

        @Override
        public void close() {
            for (int i = owned; i < columns.size(); i++) {
                columns.get(i).close();
            }
            columns.subList(owned, columns.size()).clear();
        }
    }
}
