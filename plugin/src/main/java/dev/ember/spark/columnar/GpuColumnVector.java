package dev.ember.spark.columnar;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.Table;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A Spark {@link ColumnVector} over an Ember device {@link Column}. Its values live in device memory,
 * so the row accessors throw: a Spark operator that reads rows must get them through {@code
 * GpuColumnarToRowExec}. Ownership: the vector owns one reference to its column and closing the
 * vector drops it; a {@link ColumnarBatch} of these vectors owns them, so closing the batch frees
 * the device memory. Whoever receives a batch closes it (or hands it on).
 */
public final class GpuColumnVector extends ColumnVector {
    private final Column column;
    private boolean closed;

    /** A vector of {@code type} over {@code column}, taking over the caller's reference to it. */
    public GpuColumnVector(DataType type, Column column) {
        super(requireNonNull(type, "type is null"));
        this.column = requireNonNull(column, "column is null");
    }

    /** A batch over {@code table}'s columns, taking over the table (it is closed; the batch owns the columns). */
    public static ColumnarBatch toBatch(Table table, StructType schema) {
        try (table) {
            if (table.columnCount() != schema.size()) {
                throw new IllegalArgumentException(table + " does not match the schema " + schema.simpleString());
            }
            if (table.rowCount() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(table + " has more rows than a Spark batch holds");
            }
            ColumnVector[] vectors = new ColumnVector[table.columnCount()];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = new GpuColumnVector(schema.fields()[i].dataType(), table.column(i).incRef());
            }
            return new ColumnarBatch(vectors, (int) table.rowCount());
        }
    }

    /** A table holding new references to {@code batch}'s device columns; the batch stays the caller's. */
    public static Table toTable(ColumnarBatch batch) {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < batch.numCols(); i++) {
            columns.add(of(batch.column(i)).column().incRef());
        }
        return Table.of(batch.numRows(), columns);
    }

    /** {@code vector} as a GPU vector; throws when a host vector reached a GPU operator. */
    public static GpuColumnVector of(ColumnVector vector) {
        if (vector instanceof GpuColumnVector gpu) {
            return gpu;
        }
        throw new IllegalStateException("a GPU operator received a host column (" + vector.getClass().getName()
                + "): a host-to-GPU transition is missing from the plan");
    }

    /** Bytes of device memory held by {@code batch}'s columns. */
    public static long deviceBytes(ColumnarBatch batch) {
        long bytes = 0;
        for (int i = 0; i < batch.numCols(); i++) {
            Column c = of(batch.column(i)).column();
            bytes += c.data().size() + (c.hasValidity() ? c.validity().size() : 0)
                    + (c.type().id() == dev.ember.cuda.column.DType.TypeId.STRING ? c.offsets().size() : 0);
        }
        return bytes;
    }

    /** The device column (owned by this vector). */
    public Column column() {
        return column;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            column.close();
        }
    }

    @Override
    public boolean hasNull() {
        return column.nullCount() > 0;
    }

    @Override
    public int numNulls() {
        return (int) column.nullCount();
    }

    private UnsupportedOperationException onDevice(String what) {
        return new UnsupportedOperationException(what + " needs host data, but this " + dataType().simpleString()
                + " column is in GPU memory: copy the batch to the host first (GpuColumnarToRowExec)");
    }

    @Override
    public boolean isNullAt(int rowId) {
        throw onDevice("isNullAt");
    }

    @Override
    public boolean getBoolean(int rowId) {
        throw onDevice("getBoolean");
    }

    @Override
    public byte getByte(int rowId) {
        throw onDevice("getByte");
    }

    @Override
    public short getShort(int rowId) {
        throw onDevice("getShort");
    }

    @Override
    public int getInt(int rowId) {
        throw onDevice("getInt");
    }

    @Override
    public long getLong(int rowId) {
        throw onDevice("getLong");
    }

    @Override
    public float getFloat(int rowId) {
        throw onDevice("getFloat");
    }

    @Override
    public double getDouble(int rowId) {
        throw onDevice("getDouble");
    }

    @Override
    public ColumnarArray getArray(int rowId) {
        throw onDevice("getArray");
    }

    @Override
    public ColumnarMap getMap(int ordinal) {
        throw onDevice("getMap");
    }

    @Override
    public Decimal getDecimal(int rowId, int precision, int scale) {
        throw onDevice("getDecimal");
    }

    @Override
    public UTF8String getUTF8String(int rowId) {
        throw onDevice("getUTF8String");
    }

    @Override
    public byte[] getBinary(int rowId) {
        throw onDevice("getBinary");
    }

    @Override
    public ColumnVector getChild(int ordinal) {
        throw onDevice("getChild");
    }
}
