package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.memory.Closeables;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ordered list of host columns with the same row count; the host side of a {@link Table}. Owns
 * its columns: {@link #of} takes them over (also when it throws, having closed them), and {@link
 * #close()} closes each.
 */
public final class HostTable implements AutoCloseable {
    private final int rowCount;
    private final List<HostColumn> columns;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HostTable(int rowCount, List<HostColumn> columns) {
        this.rowCount = rowCount;
        this.columns = columns;
    }

    /** A table of {@code columns}, which must all have {@code rowCount} rows; takes ownership of them. */
    public static HostTable of(int rowCount, List<HostColumn> columns) {
        return new HostTable(rowCount, TableColumns.takeOwnership(columns, rowCount, HostColumn::rowCount, HostColumn::isClosed));
    }

    /** A table of one or more columns (the row count is theirs); takes ownership of them. */
    public static HostTable of(HostColumn... columns) {
        requireNonNull(columns, "columns is null");
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table without columns needs its row count: use HostTable.of(rows, List.of())");
        }
        return of(columns[0] == null ? 0 : columns[0].rowCount(), Arrays.asList(columns));
    }

    public int rowCount() {
        return rowCount;
    }

    public int columnCount() {
        return columns.size();
    }

    /** Column {@code index}, owned by the table (do not close; {@code incRef()} it to keep it longer). */
    public HostColumn column(int index) {
        checkOpen();
        return columns.get(index);
    }

    /** The columns in order (unmodifiable, owned by the table). */
    public List<HostColumn> columns() {
        checkOpen();
        return columns;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the host table is closed");
        }
    }

    /** Closes every column (each one even if another fails). Closing twice is a bug and throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            throw new IllegalStateException("the host table is already closed");
        }
        Closeables.closeAll(columns);
    }

    @Override
    public String toString() {
        return "HostTable[" + rowCount + " rows, " + columns.size() + " columns]";
    }
}
