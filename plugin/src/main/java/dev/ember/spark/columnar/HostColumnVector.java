package dev.ember.spark.columnar;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType.TypeId;
import dev.ember.cuda.column.HostColumn;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A Spark {@link ColumnVector} reading an Ember {@link HostColumn} (a device column copied back), so
 * Spark's own row iterator and projections turn it into rows. Owns one reference to the column.
 *
 * <p>Strings are returned as {@link UTF8String}s pointing into the column's host buffer ({@code
 * UTF8String.fromAddress}: no decoding, no copy). They are valid only while the column is open: the
 * readers of this vector ({@code HostBatches.rows}) copy each row into an unsafe row before the batch
 * is closed, so no row Spark keeps points into the buffer.
 */
final class HostColumnVector extends ColumnVector {
    private final HostColumn column;
    /** STRING columns: the host addresses of the offsets and the bytes (0 otherwise). */
    private final long offsetsAddress;
    private final long charsAddress;
    private boolean closed;

    HostColumnVector(DataType type, HostColumn column) {
        super(requireNonNull(type, "type is null"));
        this.column = requireNonNull(column, "column is null");
        boolean strings = column.type().id() == TypeId.STRING;
        this.offsetsAddress = strings ? column.offsetsBuffer().memoryAddress() : 0;
        this.charsAddress = strings ? column.dataBuffer().memoryAddress() : 0;
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
        return column.nullCount();
    }

    @Override
    public boolean isNullAt(int rowId) {
        return column.isNull(rowId);
    }

    @Override
    public boolean getBoolean(int rowId) {
        return column.getBoolean(rowId);
    }

    @Override
    public byte getByte(int rowId) {
        return column.getByte(rowId);
    }

    @Override
    public short getShort(int rowId) {
        return column.getShort(rowId);
    }

    @Override
    public int getInt(int rowId) {
        return column.getInt(rowId);
    }

    @Override
    public long getLong(int rowId) {
        return column.getLong(rowId);
    }

    @Override
    public float getFloat(int rowId) {
        return column.getFloat(rowId);
    }

    @Override
    public double getDouble(int rowId) {
        return column.getDouble(rowId);
    }

    @Override
    public Decimal getDecimal(int rowId, int precision, int scale) {
        if (column.isNull(rowId)) {
            return null;
        }
        if (column.type().id() == TypeId.DECIMAL64) {
            return Decimal.createUnsafe(column.getLong(rowId), precision, scale);
        }
        return Decimal.apply(column.getBigDecimal(rowId), precision, scale);
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(what + " is not supported for a " + column.type() + " column");
    }

    @Override
    public ColumnarArray getArray(int rowId) {
        throw unsupported("getArray");
    }

    @Override
    public ColumnarMap getMap(int ordinal) {
        throw unsupported("getMap");
    }

    @Override
    public UTF8String getUTF8String(int rowId) {
        if (offsetsAddress == 0) {
            throw unsupported("getUTF8String");
        }
        if (column.isNull(rowId)) {
            return null;
        }
        long at = offsetsAddress + 4L * rowId;
        int start = Platform.getInt(null, at);
        return UTF8String.fromAddress(null, charsAddress + start, Platform.getInt(null, at + 4) - start);
    }

    @Override
    public byte[] getBinary(int rowId) {
        throw unsupported("getBinary");
    }

    @Override
    public ColumnVector getChild(int ordinal) {
        throw unsupported("getChild");
    }
}
