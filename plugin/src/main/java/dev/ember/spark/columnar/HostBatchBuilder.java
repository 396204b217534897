package dev.ember.spark.columnar;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Concatenates Spark host batches (e.g. the Parquet reader's, which reuses its vectors for the next
 * batch) into one {@link HostTable} on Arrow host buffers, so that many small reader batches become
 * one copy to the device. Each {@link #append} copies the batch at once ({@link VectorCopy}: bulk
 * where the vectors allow). Single use: {@link #build} hands the columns over; {@link #close} frees
 * whatever was not handed over.
 */
public final class HostBatchBuilder implements AutoCloseable {
    private final StructType schema;
    private final long rowBytes;
    private final List<HostColumnAccumulator> columns = new ArrayList<>();
    private final Set<VectorCopy.Path> paths = EnumSet.noneOf(VectorCopy.Path.class);
    private int rows;
    private boolean built;

    /** A builder for {@code schema}'s columns with room for {@code expectedRows} rows before it grows. */
    public HostBatchBuilder(StructType schema, int expectedRows) {
        this.schema = requireNonNull(schema, "schema is null");
        this.rowBytes = HostBatches.rowBytes(schema);
        try {
            for (StructField f : schema.fields()) {
                columns.add(new HostColumnAccumulator(SparkTypes.requireDType(f.dataType()), expectedRows));
            }
        } catch (RuntimeException | Error e) {
            columns.forEach(HostColumnAccumulator::close);
            throw e;
        }
    }

    /** Rows appended so far. */
    public int rows() {
        return rows;
    }

    /** About the bytes the appended rows take on the device (for batch sizing), string bytes included. */
    public long bytes() {
        long bytes = rows * rowBytes;
        for (HostColumnAccumulator c : columns) {
            bytes += c.isString() ? c.charsUsed() : 0;
        }
        return bytes;
    }

    /**
     * Whether appending {@code batch} surely keeps every string column within what int32 offsets
     * address (an upper bound of the batch's bytes is checked; a builder without rows takes any batch).
     */
    public boolean fits(ColumnarBatch batch) {
        if (rows == 0) {
            return true;
        }
        for (int c = 0; c < columns.size(); c++) {
            HostColumnAccumulator column = columns.get(c);
            if (column.isString() && column.charsUsed()
                    + StringVectorCopy.bytesUpperBound(batch.column(c), batch.numRows()) > Integer.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    /** Copies every row of {@code batch}, whose columns follow the schema; the batch stays the caller's. */
    public void append(ColumnarBatch batch) {
        requireNonNull(batch, "batch is null");
        if (built) {
            throw new IllegalStateException("the builder was already built");
        }
        if (batch.numCols() != columns.size()) {
            throw new IllegalArgumentException("a batch of " + batch.numCols() + " columns does not match the schema "
                    + schema.simpleString());
        }
        int n = batch.numRows();
        if ((long) rows + n > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(rows + " + " + n + " rows do not fit one host batch");
        }
        for (int c = 0; c < columns.size(); c++) {
            HostColumnAccumulator column = columns.get(c);
            column.reserve(rows, rows + n);
            if (n > 0) {
                paths.add(VectorCopy.copy(batch.column(c), n, column, rows));
            }
        }
        rows += n;
    }

    /** How the appended columns were copied (for tests). */
    Set<VectorCopy.Path> paths() {
        Set<VectorCopy.Path> copy = EnumSet.noneOf(VectorCopy.Path.class);
        copy.addAll(paths);
        return copy;
    }

    /** The appended rows as a host table, which the caller closes; the builder is spent. */
    public HostTable build() {
        if (built) {
            throw new IllegalStateException("the builder was already built");
        }
        built = true;
        List<HostColumn> out = new ArrayList<>();
        try {
            for (HostColumnAccumulator c : columns) {
                out.add(c.build(rows));
            }
        } catch (RuntimeException | Error e) {
            out.forEach(HostColumn::close);
            throw e;
        }
        return HostTable.of(rows, out);
    }

    @Override
    public void close() {
        columns.forEach(HostColumnAccumulator::close);
    }
}
