package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.memory.Closeables;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ordered list of device columns with the same row count. Owns its columns: {@link #of} takes
 * them over (also when it throws, having closed them), and {@link #close()} closes each. A table
 * may have no columns but still rows (Spark's batches for {@code count(*)}).
 */
public final class Table implements AutoCloseable {
    private final long rowCount;
    private final List<Column> columns;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Table(long rowCount, List<Column> columns) {
        this.rowCount = rowCount;
        this.columns = columns;
    }

    /** A table of {@code columns}, which must all have {@code rowCount} rows; takes ownership of them. */
    public static Table of(long rowCount, List<Column> columns) {
        return new Table(rowCount, TableColumns.takeOwnership(columns, rowCount, Column::rowCount, Column::isClosed));
    }

    /** A table of one or more columns (the row count is theirs); takes ownership of them. */
    public static Table of(Column... columns) {
        requireNonNull(columns, "columns is null");
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table without columns needs its row count: use Table.of(rows, List.of())");
        }
        return of(columns[0] == null ? 0 : columns[0].rowCount(), java.util.Arrays.asList(columns));
    }

    public long rowCount() {
        return rowCount;
    }

    public int columnCount() {
        return columns.size();
    }

    /** Column {@code index}, owned by the table (do not close; {@code incRef()} it to keep it longer). */
    public Column column(int index) {
        checkOpen();
        return columns.get(index);
    }

    /** The columns in order (unmodifiable, owned by the table). */
    public List<Column> columns() {
        checkOpen();
        return columns;
    }

    /** Total bytes of values, string offsets and bitmaps on the device. */
    public long deviceBytes() {
        long bytes = 0;
        for (Column c : columns()) {
            bytes += c.data().size() + (c.hasValidity() ? c.validity().size() : 0)
                    + (c.offsets() == null ? 0 : c.offsets().size());
        }
        return bytes;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the table is closed");
        }
    }

    /** Closes every column (each one even if another fails). Closing twice is a bug and throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            throw new IllegalStateException("the table is already closed");
        }
        Closeables.closeAll(columns);
    }

    @Override
    public String toString() {
        return "Table[" + rowCount + " rows, " + columns.size() + " columns]";
    }
}
