package dev.ember.spark.columnar;

import dev.ember.cuda.column.DType;
import java.math.BigInteger;
import java.nio.ByteOrder;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.unsafe.Platform;

/**
 * Copies the first rows of a Spark {@link ColumnVector} into a {@link HostColumnAccumulator}, in bulk
 * where the vector's storage allows it:
 *
 * <ul>
 *   <li>{@link OffHeapColumnVector}: one memcpy of the values from {@code valuesNativeAddress()};
 *   <li>{@link OnHeapColumnVector}: its bulk getters ({@code getInts(0, n)}, ... one array copy) and
 *       one memcpy (its arrays are private, and the bulk getters are public API);
 *   <li>{@link ArrowColumnVector}: memcpy of the Arrow values and bitmap, whose layout is Ember's;
 *   <li>{@link ConstantColumnVector} (Parquet's partition columns): the value read once, then filled;
 * </ul>
 *
 * and value by value otherwise (dictionary-encoded vectors, narrow decimals stored as ints, other
 * vector classes). Strings go through {@link StringVectorCopy}. Null flags of Spark's writable vectors are one byte per row behind private fields
 * (Spark 3.5 has no public address for them), so they are read with {@code isNullAt} on the concrete
 * final class, which the JIT inlines into a byte load; columns without nulls skip that loop. Values
 * under null rows are zeroed (Spark's vectors leave them undefined), so every path copies the same bytes.
 */
final class VectorCopy {
    static {
        // The memcpy paths move native-order values into Ember's little-endian layout.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("Ember's host columns need a little-endian CPU, this one is "
                    + ByteOrder.nativeOrder());
        }
    }

    private VectorCopy() {}

    /** How a column was copied, for tests and timings. */
    enum Path {
        OFF_HEAP_BULK, ON_HEAP_BULK, ARROW_BULK, CONSTANT, PER_VALUE
    }

    /** Copies rows {@code [0, n)} of {@code v} into rows {@code [at, at + n)} of {@code dst} (room reserved). */
    static Path copy(ColumnVector v, int n, HostColumnAccumulator dst, int at) {
        if (n == 0) {
            return Path.PER_VALUE;
        }
        if (dst.isString()) {
            return StringVectorCopy.copy(v, n, dst, at);
        }
        if (v instanceof ConstantColumnVector c) {
            copyConstant(c, n, dst, at);
            return Path.CONSTANT;
        }
        if (v instanceof OffHeapColumnVector off && !off.hasDictionary()) {
            if (allNull(v, n)) {
                dst.setNulls(at, n);
                return Path.OFF_HEAP_BULK;
            }
            if (copyOffHeapValues(off, n, dst, at)) {
                if (off.hasNull()) {
                    for (int r = 0; r < n; r++) {
                        if (off.isNullAt(r)) {
                            dst.setNullZeroed(at + r);
                        }
                    }
                }
                return Path.OFF_HEAP_BULK;
            }
        } else if (v instanceof OnHeapColumnVector on && !on.hasDictionary()) {
            if (allNull(v, n)) {
                dst.setNulls(at, n);
                return Path.ON_HEAP_BULK;
            }
            if (copyOnHeapValues(on, n, dst, at)) {
                if (on.hasNull()) {
                    for (int r = 0; r < n; r++) {
                        if (on.isNullAt(r)) {
                            dst.setNullZeroed(at + r);
                        }
                    }
                }
                return Path.ON_HEAP_BULK;
            }
        } else if (v instanceof ArrowColumnVector arrow && copyArrow(arrow.getValueVector(), n, dst, at)) {
            return Path.ARROW_BULK;
        }
        copyPerValue(v, n, dst, at);
        return Path.PER_VALUE;
    }

    /** Writable vectors of missing columns are all null and may hold no values at all. */
    private static boolean allNull(ColumnVector v, int n) {
        return v.hasNull() && v.numNulls() >= n;
    }

    /** Whether Spark's vector stores {@code type} with Ember's width (narrow decimals are ints there). */
    private static boolean sameStorage(DType type) {
        return switch (type.id()) {
            case DECIMAL64 -> type.precision() > Decimal.MAX_INT_DIGITS();
            case DECIMAL128, STRING -> false;
            default -> true;
        };
    }

    private static boolean copyOffHeapValues(OffHeapColumnVector v, int n, HostColumnAccumulator dst, int at) {
        DType type = dst.type();
        long from = v.valuesNativeAddress();
        long to = dst.valueAddress(at);
        if (isIntDecimal(type)) {
            for (int r = 0; r < n; r++) {
                Platform.putLong(null, to + 8L * r, Platform.getInt(null, from + 4L * r));
            }
            return true;
        }
        if (!sameStorage(type)) {
            return false;
        }
        Platform.copyMemory(null, from, null, to, (long) n * dst.width());
        return true;
    }

    /** Decimals of at most 9 digits, which Spark's writable vectors store as ints. */
    private static boolean isIntDecimal(DType type) {
        return type.id() == DType.TypeId.DECIMAL64 && type.precision() <= Decimal.MAX_INT_DIGITS();
    }

    private static boolean copyOnHeapValues(OnHeapColumnVector v, int n, HostColumnAccumulator dst, int at) {
        DType type = dst.type();
        long to = dst.valueAddress(at);
        if (isIntDecimal(type)) {
            int[] unscaled = v.getInts(0, n);
            for (int r = 0; r < n; r++) {
                Platform.putLong(null, to + 8L * r, unscaled[r]);
            }
            return true;
        }
        if (!sameStorage(type)) {
            return false;
        }
        switch (type.id()) {
            case BOOL8 -> Platform.copyMemory(v.getBooleans(0, n), Platform.BOOLEAN_ARRAY_OFFSET, null, to, n);
            case INT8 -> Platform.copyMemory(v.getBytes(0, n), Platform.BYTE_ARRAY_OFFSET, null, to, n);
            case INT16 -> Platform.copyMemory(v.getShorts(0, n), Platform.SHORT_ARRAY_OFFSET, null, to, 2L * n);
            case INT32, DATE32 -> Platform.copyMemory(v.getInts(0, n), Platform.INT_ARRAY_OFFSET, null, to, 4L * n);
            case INT64, TIMESTAMP_US, DECIMAL64 ->
                    Platform.copyMemory(v.getLongs(0, n), Platform.LONG_ARRAY_OFFSET, null, to, 8L * n);
            case FLOAT32 -> Platform.copyMemory(v.getFloats(0, n), Platform.FLOAT_ARRAY_OFFSET, null, to, 4L * n);
            case FLOAT64 -> Platform.copyMemory(v.getDoubles(0, n), Platform.DOUBLE_ARRAY_OFFSET, null, to, 8L * n);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Arrow vectors Spark builds (Python UDF results, Arrow-based sources) share Ember's layout. */
    private static boolean copyArrow(ValueVector vector, int n, HostColumnAccumulator dst, int at) {
        if (!(vector instanceof BaseFixedWidthVector fixed) || vector.getValueCount() < n) {
            return false;
        }
        DType type = dst.type();
        long from = fixed.getDataBuffer().memoryAddress();
        long to = dst.valueAddress(at);
        if (vector instanceof BitVector) {
            if (type.id() != DType.TypeId.BOOL8) {
                return false;
            }
            for (int r = 0; r < n; r++) {
                Platform.putByte(null, to + r, (byte) ((Platform.getByte(null, from + (r >>> 3)) >>> (r & 7)) & 1));
            }
        } else if (vector instanceof DecimalVector dec) {
            if (!type.isDecimal() || dec.getScale() != type.scale()) {
                return false;
            }
            if (type.id() == DType.TypeId.DECIMAL128) {
                Platform.copyMemory(null, from, null, to, 16L * n);
            } else {
                // Arrow holds 16-byte values; a DECIMAL64's fits its low half.
                for (int r = 0; r < n; r++) {
                    Platform.putLong(null, to + 8L * r, Platform.getLong(null, from + 16L * r));
                }
            }
        } else if (fixed.getTypeWidth() == dst.width() && !type.isDecimal() && type.id() != DType.TypeId.BOOL8) {
            Platform.copyMemory(null, from, null, to, (long) n * dst.width());
        } else {
            return false;
        }
        if (vector.getNullCount() > 0) {
            dst.andBits(fixed.getValidityBuffer().memoryAddress(), at, n);
        }
        return true;
    }

    private static void copyConstant(ConstantColumnVector c, int n, HostColumnAccumulator dst, int at) {
        if (c.isNullAt(0)) {
            dst.setNulls(at, n);
            return;
        }
        DType type = dst.type();
        long to = dst.valueAddress(at);
        switch (type.id()) {
            case BOOL8 -> Platform.setMemory(to, (byte) (c.getBoolean(0) ? 1 : 0), n);
            case INT8 -> Platform.setMemory(to, c.getByte(0), n);
            case INT16 -> {
                short value = c.getShort(0);
                for (int r = 0; r < n; r++) {
                    Platform.putShort(null, to + 2L * r, value);
                }
            }
            case INT32, DATE32, FLOAT32 -> {
                int bits = type.id() == DType.TypeId.FLOAT32 ? Float.floatToRawIntBits(c.getFloat(0)) : c.getInt(0);
                for (int r = 0; r < n; r++) {
                    Platform.putInt(null, to + 4L * r, bits);
                }
            }
            case INT64, TIMESTAMP_US, FLOAT64, DECIMAL64, DECIMAL128 -> {
                long[] words = constantWords(c, type);
                int step = words.length;
                for (int r = 0; r < n; r++) {
                    for (int w = 0; w < step; w++) {
                        Platform.putLong(null, to + 8L * (r * (long) step + w), words[w]);
                    }
                }
            }
            case STRING -> throw new IllegalStateException("string columns are copied by StringVectorCopy");
        }
    }

    private static long[] constantWords(ColumnVector c, DType type) {
        return switch (type.id()) {
            case FLOAT64 -> new long[] {Double.doubleToRawLongBits(c.getDouble(0))};
            case DECIMAL64 -> new long[] {c.getDecimal(0, type.precision(), type.scale()).toUnscaledLong()};
            case DECIMAL128 -> {
                BigInteger u = c.getDecimal(0, type.precision(), type.scale()).toJavaBigDecimal()
                        .setScale(type.scale()).unscaledValue();
                yield new long[] {u.longValue(), u.shiftRight(64).longValue()};
            }
            default -> new long[] {c.getLong(0)};
        };
    }

    /** Value by value through the vector's accessors (which decode dictionaries and widen narrow decimals). */
    static void copyPerValue(ColumnVector v, int n, HostColumnAccumulator dst, int at) {
        DType type = dst.type();
        long to = dst.valueAddress(at);
        boolean mayHaveNulls = v.hasNull();
        for (int r = 0; r < n; r++) {
            if (mayHaveNulls && v.isNullAt(r)) {
                dst.setNullZeroed(at + r);
                continue;
            }
            switch (type.id()) {
                case BOOL8 -> Platform.putByte(null, to + r, (byte) (v.getBoolean(r) ? 1 : 0));
                case INT8 -> Platform.putByte(null, to + r, v.getByte(r));
                case INT16 -> Platform.putShort(null, to + 2L * r, v.getShort(r));
                case INT32, DATE32 -> Platform.putInt(null, to + 4L * r, v.getInt(r));
                case INT64, TIMESTAMP_US -> Platform.putLong(null, to + 8L * r, v.getLong(r));
                case FLOAT32 -> Platform.putInt(null, to + 4L * r, Float.floatToRawIntBits(v.getFloat(r)));
                case FLOAT64 -> Platform.putLong(null, to + 8L * r, Double.doubleToRawLongBits(v.getDouble(r)));
                case DECIMAL64 -> Platform.putLong(null, to + 8L * r,
                        v.getDecimal(r, type.precision(), type.scale()).toUnscaledLong());
                case DECIMAL128 -> putDecimal128(v, r, type, to + 16L * r);
                case STRING -> throw new IllegalStateException("string columns are copied by StringVectorCopy");
            }
        }
    }

    /**
     * Writable vectors keep wide decimals as the unscaled value's big-endian two's-complement bytes:
     * sign-extend those into the 128-bit value without building a BigDecimal. Other vectors go
     * through {@code getDecimal}.
     */
    private static void putDecimal128(ColumnVector v, int r, DType type, long to) {
        long low;
        long high;
        if (v instanceof OnHeapColumnVector || v instanceof OffHeapColumnVector) {
            byte[] bytes = v.getBinary(r);
            low = bytes.length > 0 && bytes[0] < 0 ? -1L : 0L;
            high = low;
            for (byte b : bytes) {
                high = (high << 8) | (low >>> 56);
                low = (low << 8) | (b & 0xFF);
            }
        } else {
            BigInteger u = v.getDecimal(r, type.precision(), type.scale()).toJavaBigDecimal().setScale(type.scale())
                    .unscaledValue();
            low = u.longValue();
            high = u.shiftRight(64).longValue();
        }
        Platform.putLong(null, to, low);
        Platform.putLong(null, to + 8, high);
    }
}
