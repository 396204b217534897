package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.HashJoin;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.columnar.GpuColumnVector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The build side of a hash join on the device: all its rows in one table and the hash table over its
 * keys. Reference-counted: a broadcast build is shared by every task of an executor that joins
 * against it (and the executor's cache), a shuffled build belongs to one task. The last {@link
 * #close} frees both.
 */
final class JoinBuild implements AutoCloseable {
    private final Table table;
    private final HashJoin.Build build;
    private final AtomicInteger refs = new AtomicInteger(1);

    private JoinBuild(Table table, HashJoin.Build build) {
        this.table = table;
        this.build = build;
    }

    /** Builds over {@code table}, which this takes over (also when it throws). */
    static JoinBuild of(Table table, HashJoinSpec spec) {
        requireNonNull(spec, "spec is null");
        try {
            Device device = EmberRuntime.get().device();
            Stream stream = device.defaultStream();
            ExprPrograms.Compiled keys = ExprPrograms.compile(spec.buildKeys(), spec.buildOutput());
            List<Column> keyColumns = keys.evaluate(device, table.columns(), table.rowCount(), stream);
            try {
                HashJoin.Build build = HashJoin.build(device, keyColumns,
                        Collections.nCopies(keyColumns.size(), false), stream);
                return new JoinBuild(table, build);
            } finally {
                keyColumns.forEach(Column::close);
            }
        } catch (RuntimeException | Error e) {
            table.close();
            throw e;
        }
    }

    /** Concatenates every batch of {@code batches} (each closed here) and builds over them. */
    static JoinBuild fromBatches(Iterator<ColumnarBatch> batches, HashJoinSpec spec) {
        Device device = EmberRuntime.get().device();
        Stream stream = device.defaultStream();
        List<Table> tables = new ArrayList<>();
        Table all;
        try {
            while (batches.hasNext()) {
                try (ColumnarBatch b = batches.next()) {
                    if (b.numRows() > 0) {
                        tables.add(GpuColumnVector.toTable(b));
                    }
                }
            }
            if (tables.isEmpty()) {
                all = JoinColumns.empty(device, spec.buildOutput(), stream);
            } else if (tables.size() == 1) {
                all = tables.remove(0);
            } else {
                all = DeviceTables.concat(device, tables, EmberRuntime.get().stringBatchMaxBytes(), stream);
            }
        } finally {
            tables.forEach(Table::close);
        }
        return of(all, spec);
    }

    Table table() {
        return table;
    }

    HashJoin.Build build() {
        return build;
    }

    /** Adds a reference, which the caller closes; fails when the build is already freed. */
    JoinBuild incRef() {
        if (refs.getAndUpdate(n -> n == 0 ? 0 : n + 1) == 0) {
            throw new IllegalStateException("the hash join build is already freed");
        }
        return this;
    }

    @Override
    public void close() {
        int after = refs.updateAndGet(n -> n == 0 ? -1 : n - 1);
        if (after < 0) {
            refs.set(0);
            throw new IllegalStateException("the hash join build was closed more often than referenced");
        }
        if (after == 0) {
            try (table) {
                build.close();
            }
        }
    }

    @Override
    public String toString() {
        return "JoinBuild[" + table.rowCount() + " rows, " + refs.get() + " references]";
    }
}
