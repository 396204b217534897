package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/** The column checks shared by {@link Table} and {@link HostTable}. */
final class TableColumns {
    private TableColumns() {}

    /**
     * Checks that every column is open and has {@code rowCount} rows and returns them as an immutable
     * list. The caller hands over ownership either way: when a check fails, every column still open is
     * closed (failures to close are added to the thrown exception) before it is thrown.
     */
    static <C extends AutoCloseable> List<C> takeOwnership(List<C> columns, long rowCount, ToLongFunction<C> rows,
            Predicate<C> isClosed) {
        requireNonNull(columns, "columns is null");
        List<C> copy = new ArrayList<>(columns);
        try {
            if (rowCount < 0) {
                throw new IllegalArgumentException("negative row count " + rowCount);
            }
            for (int i = 0; i < copy.size(); i++) {
                C c = requireNonNull(copy.get(i), "column " + i + " is null");
                if (rows.applyAsLong(c) != rowCount) {
                    throw new IllegalArgumentException("column " + i + " has " + rows.applyAsLong(c)
                            + " rows, but the table has " + rowCount + ": all columns need the same row count");
                }
                if (isClosed.test(c)) {
                    throw new IllegalStateException("column " + i + " is closed");
                }
            }
        } catch (RuntimeException | Error e) {
            for (C c : copy) {
                if (c != null && !isClosed.test(c)) {
                    try {
                        c.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
            }
            throw e;
        }
        return List.copyOf(copy);
    }
}
