package dev.ember.spark.exec.sort;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.RadixSort;
import dev.ember.cuda.ops.SortKey;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.exec.ExprPrograms;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NullsFirst$;
import org.apache.spark.sql.catalyst.expressions.SortOrder;

/**
 * Spark's {@code SortOrder}s over one input layout, compiled once per task: the key columns of a device
 * table (plain column references are read in place, other key expressions are computed by one
 * expression program) and the order of its rows by them ({@link RadixSort}), or the table itself in that
 * order.
 */
final class TableSorter {
    private final int[] keyColumns;
    private final ExprPrograms.Compiled computed;
    private final List<SortKey> sortKeys;

    private TableSorter(int[] keyColumns, ExprPrograms.Compiled computed, List<SortKey> sortKeys) {
        this.keyColumns = keyColumns;
        this.computed = computed;
        this.sortKeys = sortKeys;
    }

    /** The sorter of rows of {@code input} by {@code order}. */
    static TableSorter of(List<SortOrder> order, List<Attribute> input) {
        requireNonNull(order, "order is null");
        requireNonNull(input, "input is null");
        if (order.isEmpty()) {
            throw new IllegalArgumentException("a sort needs at least one sort order");
        }
        int[] keyColumns = new int[order.size()];
        List<Expression> toCompute = new ArrayList<>();
        List<SortKey> sortKeys = new ArrayList<>();
        for (int k = 0; k < order.size(); k++) {
            SortOrder o = order.get(k);
            Expression key = ExprPrograms.withoutFloatNormalization(o.child());
            int column = key instanceof AttributeReference ref ? ExprPrograms.indexOf(input, ref) : -1;
            keyColumns[k] = column;
            if (column < 0) {
                keyColumns[k] = -1 - toCompute.size();
                toCompute.add(key);
            }
            sortKeys.add(sortKey(o));
        }
        ExprPrograms.Compiled computed = toCompute.isEmpty() ? null : ExprPrograms.compile(toCompute, input);
        return new TableSorter(keyColumns, computed, List.copyOf(sortKeys));
    }

    /** Spark's direction and null placement of {@code order}. */
    static SortKey sortKey(SortOrder order) {
        return new SortKey(order.isAscending(), order.nullOrdering() == NullsFirst$.MODULE$);
    }

    /** A new device buffer of the int32 row indices of {@code table} in sorted order. */
    DeviceBuffer order(Device device, Table table, Stream stream) {
        List<Column> computedKeys = computed == null ? List.of()
                : computed.evaluate(device, table.columns(), table.rowCount(), stream);
        try {
            List<Column> keys = new ArrayList<>();
            for (int column : keyColumns) {
                keys.add(column >= 0 ? table.column(column) : computedKeys.get(-1 - column));
            }
            return RadixSort.sortOrder(device, keys, sortKeys, stream);
        } finally {
            computedKeys.forEach(Column::close);
        }
    }

    /** A new table: the first {@code limit} rows of {@code table} in sorted order (all with a negative limit). */
    Table sorted(Device device, Table table, long limit, Stream stream) {
        long n = limit < 0 ? table.rowCount() : Math.min(limit, table.rowCount());
        try (DeviceBuffer order = order(device, table, stream)) {
            return DeviceTables.gather(device, table, order, n, stream);
        }
    }
}
