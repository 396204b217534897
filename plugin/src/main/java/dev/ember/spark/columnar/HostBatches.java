package dev.ember.spark.columnar;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/** Conversions on the host side: Spark rows and Spark host column vectors → {@link HostTable}, and back to rows. */
public final class HostBatches {
    private HostBatches() {}

    /**
     * Bytes one row takes in device columns (values plus a validity bit per column), for batch sizing.
     * A string counts its offset only: its bytes vary, so the builders count them as they come.
     */
    public static long rowBytes(StructType schema) {
        long bytes = 0;
        for (StructField f : schema.fields()) {
            DType type = SparkTypes.requireDType(f.dataType());
            bytes += type.isFixedWidth() ? type.sizeInBytes() : Integer.BYTES;
        }
        return bytes + (schema.size() + 7) / 8;
    }

    /** Rows per batch for {@code targetBytes} (at least 1). */
    public static int rowsPerBatch(StructType schema, long targetBytes) {
        long rows = targetBytes / Math.max(1, rowBytes(schema));
        return (int) Math.max(1, Math.min(rows, Integer.MAX_VALUE - 64));
    }

    /**
     * Reads up to {@code maxRows} rows from {@code rows} into a new host table of {@code schema}'s
     * types; the caller closes it. Returns an empty table at the end of the rows. Without a byte
     * target: for string columns use a {@link RowReader}, which also stops at a byte target.
     */
    public static HostTable fromRows(Iterator<InternalRow> rows, StructType schema, int maxRows) {
        return new RowReader(rows, schema).next(maxRows, Long.MAX_VALUE);
    }

    /**
     * Rows → host tables, each stopping at a row count or a byte target. A row whose strings would
     * push a column past what int32 offsets address is kept (copied, as Spark reuses row objects)
     * for the next table, so no table overflows; every table takes at least one row.
     */
    public static final class RowReader {
        private final Iterator<InternalRow> rows;
        private final StructType schema;
        private final StructField[] fields;
        private InternalRow pending;

        public RowReader(Iterator<InternalRow> rows, StructType schema) {
            this.rows = requireNonNull(rows, "rows is null");
            this.schema = requireNonNull(schema, "schema is null");
            this.fields = schema.fields();
        }

        public boolean hasNext() {
            return pending != null || rows.hasNext();
        }

        /** The next rows, at most {@code maxRows}, stopping once they hold {@code targetBytes}; the caller closes it. */
        public HostTable next(int maxRows, long targetBytes) {
            HostColumnBuilder[] builders = new HostColumnBuilder[fields.length];
            int expected = Math.min(maxRows, 1 << 16);
            for (int i = 0; i < fields.length; i++) {
                builders[i] = new HostColumnBuilder(SparkTypes.requireDType(fields[i].dataType()), expected);
            }
            int count = 0;
            long bytes = 0;
            while (count < maxRows && bytes < targetBytes && hasNext()) {
                InternalRow row = pending != null ? pending : rows.next();
                pending = null;
                if (count > 0 && !fits(builders, row)) {
                    pending = row.copy();
                    break;
                }
                bytes = 0;
                for (int i = 0; i < fields.length; i++) {
                    appendFromRow(builders[i], row, i);
                    bytes += builders[i].bytes();
                }
                count++;
            }
            return build(builders, count);
        }

        /** Whether the row's strings fit the int32 offsets of the columns built so far. */
        private boolean fits(HostColumnBuilder[] builders, InternalRow row) {
            for (int i = 0; i < fields.length; i++) {
                if (builders[i].type().id() == DType.TypeId.STRING && !row.isNullAt(i)
                        && builders[i].stringBytes() + row.getUTF8String(i).numBytes() > Integer.MAX_VALUE) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return "RowReader[" + schema.simpleString() + "]";
        }
    }

    private static void appendFromRow(HostColumnBuilder b, InternalRow row, int i) {
        if (row.isNullAt(i)) {
            b.appendNull();
            return;
        }
        DType type = b.type();
        switch (type.id()) {
            case BOOL8 -> b.appendBoolean(row.getBoolean(i));
            case INT8 -> b.appendByte(row.getByte(i));
            case INT16 -> b.appendShort(row.getShort(i));
            case INT32, DATE32 -> b.appendInt(row.getInt(i));
            case INT64, TIMESTAMP_US -> b.appendLong(row.getLong(i));
            case FLOAT32 -> b.appendFloat(row.getFloat(i));
            case FLOAT64 -> b.appendDouble(row.getDouble(i));
            case DECIMAL64, DECIMAL128 -> b.appendDecimal(row.getDecimal(i, type.precision(), type.scale()));
            case STRING -> b.appendUtf8(row.getUTF8String(i));
        }
    }

    /**
     * A host table holding the rows of a Spark host batch (e.g. from the Parquet vectorized reader),
     * copied in bulk where the vectors allow ({@link HostBatchBuilder}).
     */
    public static HostTable fromSparkBatch(ColumnarBatch batch, StructType schema) {
        try (HostBatchBuilder builder = new HostBatchBuilder(schema, batch.numRows())) {
            builder.append(batch);
            return builder.build();
        }
    }

    private static HostTable build(HostColumnBuilder[] builders, int rows) {
        List<HostColumn> columns = new ArrayList<>();
        try {
            for (HostColumnBuilder b : builders) {
                columns.add(b.build());
            }
        } catch (RuntimeException | Error e) {
            columns.forEach(HostColumn::close);
            throw e;
        }
        return HostTable.of(rows, columns);
    }

    /**
     * A Spark batch reading {@code table}'s columns, taking over the table (it is closed; the batch
     * owns the columns and closing it releases them).
     */
    public static ColumnarBatch toSparkBatch(HostTable table, StructType schema) {
        try (table) {
            ColumnVector[] vectors = new ColumnVector[table.columnCount()];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = new HostColumnVector(schema.fields()[i].dataType(), table.column(i).incRef());
            }
            return new ColumnarBatch(vectors, table.rowCount());
        }
    }

    /** Unsafe rows of {@code batch}, projected with {@code projection} (each row is reused: copy to keep it). */
    public static Iterator<InternalRow> rows(ColumnarBatch batch, UnsafeProjection projection) {
        Iterator<InternalRow> it = batch.rowIterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public InternalRow next() {
                return projection.apply(it.next());
            }
        };
    }
}
