package dev.ember.cuda.testing;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A fixed-width column on the host as little-endian bytes and an optional Arrow bitmap (null: no
 * nulls), with typed readers for test references and an upload to a device {@link Column}.
 */
public record HostValues(DType type, int rows, byte[] data, byte[] validity) {
    public HostValues {
        requireNonNull(type, "type is null");
        requireNonNull(data, "data is null");
        if (data.length != rows * type.sizeInBytes()) {
            throw new IllegalArgumentException(data.length + " bytes are not " + rows + " rows of " + type);
        }
    }

    public static HostValues of(DType type, byte[] data, byte[] validity) {
        return new HostValues(type, data.length / type.sizeInBytes(), data, validity);
    }

    public static HostValues ints(DType type, int[] values, byte[] validity) {
        ByteBuffer b = buffer(values.length * 4);
        b.asIntBuffer().put(values);
        return of(type, b.array(), validity);
    }

    public static HostValues longs(DType type, long[] values, byte[] validity) {
        ByteBuffer b = buffer(values.length * 8);
        b.asLongBuffer().put(values);
        return of(type, b.array(), validity);
    }

    public static HostValues shorts(short[] values, byte[] validity) {
        ByteBuffer b = buffer(values.length * 2);
        b.asShortBuffer().put(values);
        return of(DType.INT16, b.array(), validity);
    }

    public static HostValues floats(float[] values, byte[] validity) {
        ByteBuffer b = buffer(values.length * 4);
        b.asFloatBuffer().put(values);
        return of(DType.FLOAT32, b.array(), validity);
    }

    public static HostValues doubles(double[] values, byte[] validity) {
        ByteBuffer b = buffer(values.length * 8);
        b.asDoubleBuffer().put(values);
        return of(DType.FLOAT64, b.array(), validity);
    }

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    public boolean isValid(int i) {
        return RandomData.isValid(validity, i);
    }

    /** Row {@code i} as a boxed Java value: Boolean, Byte, Short, Integer, Long, Float or Double; null for nulls. */
    public Object get(int i) {
        if (!isValid(i)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int w = type.sizeInBytes();
        return switch (type.id()) {
            case BOOL8 -> data[i] != 0;
            case INT8 -> data[i];
            case INT16 -> b.getShort(i * w);
            case INT32, DATE32 -> b.getInt(i * w);
            case INT64, TIMESTAMP_US, DECIMAL64 -> b.getLong(i * w);
            case FLOAT32 -> b.getFloat(i * w);
            case FLOAT64 -> b.getDouble(i * w);
            default -> throw new IllegalArgumentException("no reader for " + type);
        };
    }

    public Column upload(Device device) {
        DeviceBuffer dataBuf = DeviceArrays.upload(device, data);
        DeviceBuffer validityBuf = null;
        try {
            validityBuf = validity == null ? null : DeviceArrays.upload(device, validity);
        } catch (RuntimeException | Error e) {
            dataBuf.close();
            throw e;
        }
        return Column.create(type, rows, dataBuf, validityBuf, validity == null ? 0 : Column.UNKNOWN_NULL_COUNT);
    }

    /** Downloads a fixed-width device column. */
    public static HostValues download(Column column) {
        int rows = Math.toIntExact(column.rowCount());
        byte[] data = DeviceArrays.downloadBytes(column.data(), 0, rows * column.type().sizeInBytes());
        byte[] validity = column.hasValidity()
                ? DeviceArrays.downloadBytes(column.validity(), 0, (int) ((rows + 63L) / 64 * 8)) : null;
        return new HostValues(column.type(), rows, data, validity);
    }
}
