package dev.ember.spark.columnar;

import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.types.UTF8String;

/** A vector class Ember does not know, forwarding to another: it takes the value-by-value path. */
final class ForwardingVector extends ColumnVector {
    private final ColumnVector v;

    ForwardingVector(ColumnVector v) {
        super(v.dataType());
        this.v = v;
    }

    @Override
    public void close() {
        v.close();
    }

    @Override
    public boolean hasNull() {
        return v.hasNull();
    }

    @Override
    public int numNulls() {
        return v.numNulls();
    }

    @Override
    public boolean isNullAt(int rowId) {
        return v.isNullAt(rowId);
    }

    @Override
    public boolean getBoolean(int rowId) {
        return v.getBoolean(rowId);
    }

    @Override
    public byte getByte(int rowId) {
        return v.getByte(rowId);
    }

    @Override
    public short getShort(int rowId) {
        return v.getShort(rowId);
    }

    @Override
    public int getInt(int rowId) {
        return v.getInt(rowId);
    }

    @Override
    public long getLong(int rowId) {
        return v.getLong(rowId);
    }

    @Override
    public float getFloat(int rowId) {
        return v.getFloat(rowId);
    }

    @Override
    public double getDouble(int rowId) {
        return v.getDouble(rowId);
    }

    @Override
    public ColumnarArray getArray(int rowId) {
        return v.getArray(rowId);
    }

    @Override
    public ColumnarMap getMap(int ordinal) {
        return v.getMap(ordinal);
    }

    @Override
    public Decimal getDecimal(int rowId, int precision, int scale) {
        return v.getDecimal(rowId, precision, scale);
    }

    @Override
    public UTF8String getUTF8String(int rowId) {
        return v.getUTF8String(rowId);
    }

    @Override
    public byte[] getBinary(int rowId) {
        return v.getBinary(rowId);
    }

    @Override
    public ColumnVector getChild(int ordinal) {
        return v.getChild(ordinal);
    }
}
