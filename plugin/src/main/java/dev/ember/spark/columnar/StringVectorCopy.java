package dev.ember.spark.columnar;

import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The STRING half of {@link VectorCopy}: Spark string vectors → the offsets and UTF-8 bytes of a
 * {@link HostColumnAccumulator}, without decoding a single string.
 *
 * <ul>
 *   <li>{@link OnHeapColumnVector} / {@link OffHeapColumnVector}: the row offsets and lengths come
 *       from the public {@code getArrayOffset}/{@code getArrayLength}, the bytes from the child
 *       {@code arrayData()} (its native address off-heap; on-heap, the byte array that {@code
 *       getUTF8String} exposes as its base object). The Parquet reader appends the rows' bytes in
 *       order, so the usual case is one memcpy of the whole range; rows out of order are copied one
 *       by one;
 *   <li>{@link ArrowColumnVector} over a {@code VarCharVector}: the offsets rebased and the bytes
 *       copied in one memcpy (per value when a null row owns bytes, which Ember's layout forbids);
 *   <li>{@link ConstantColumnVector} (partition columns): the value read once, copied {@code n} times;
 *   <li>dictionary-encoded and other vectors: {@code getUTF8String} per row, whose bytes are copied
 *       from its storage ({@code writeToMemory}).
 * </ul>
 */
final class StringVectorCopy {
    private StringVectorCopy() {}

    /** Copies rows {@code [0, n)} of {@code v} into rows {@code [at, at + n)} of {@code dst} (rows reserved, in order). */
    static VectorCopy.Path copy(ColumnVector v, int n, HostColumnAccumulator dst, int at) {
        if (v instanceof ConstantColumnVector c) {
            copyConstant(c, n, dst, at);
            return VectorCopy.Path.CONSTANT;
        }
        boolean onHeap = v instanceof OnHeapColumnVector;
        if ((onHeap || v instanceof OffHeapColumnVector) && !((WritableColumnVector) v).hasDictionary()) {
            VectorCopy.Path path = onHeap ? VectorCopy.Path.ON_HEAP_BULK : VectorCopy.Path.OFF_HEAP_BULK;
            if (v.hasNull() && v.numNulls() >= n) {
                dst.setNulls(at, n);
            } else {
                copyWritable((WritableColumnVector) v, n, dst, at);
            }
            return path;
        }
        if (v instanceof ArrowColumnVector arrow && copyArrow(arrow.getValueVector(), n, dst, at)) {
            return VectorCopy.Path.ARROW_BULK;
        }
        copyPerValue(v, n, dst, at);
        return VectorCopy.Path.PER_VALUE;
    }

    /**
     * An upper bound of the UTF-8 bytes rows {@code [0, n)} of {@code v} hold, cheap for the bulk
     * vector classes (for sizing before a copy).
     */
    static long bytesUpperBound(ColumnVector v, int n) {
        if (n == 0) {
            return 0;
        }
        if (v instanceof ConstantColumnVector c) {
            return c.isNullAt(0) ? 0 : (long) n * c.getUTF8String(0).numBytes();
        }
        if ((v instanceof OnHeapColumnVector || v instanceof OffHeapColumnVector)
                && !((WritableColumnVector) v).hasDictionary()) {
            return ((WritableColumnVector) v).arrayData().getElementsAppended();
        }
        if (v instanceof ArrowColumnVector arrow && arrow.getValueVector() instanceof BaseVariableWidthVector var
                && var.getValueCount() >= n) {
            long offsets = var.getOffsetBuffer().memoryAddress();
            return Platform.getInt(null, offsets + 4L * n) - Platform.getInt(null, offsets);
        }
        long bytes = 0;
        for (int r = 0; r < n; r++) {
            if (!v.isNullAt(r)) {
                bytes += v.getUTF8String(r).numBytes();
            }
        }
        return bytes;
    }

    private static void copyWritable(WritableColumnVector v, int n, HostColumnAccumulator dst, int at) {
        boolean mayHaveNulls = v.hasNull();
        long outOffsets = dst.offsetsAddress() + 4L * at;
        long end = dst.charsUsed();
        int first = -1;
        int expected = 0;
        boolean contiguous = true;
        // Pass 1: the offsets (null rows empty) and whether the rows' bytes lie back to back.
        for (int r = 0; r < n; r++) {
            if (mayHaveNulls && v.isNullAt(r)) {
                dst.setNull(at + r);
            } else {
                int offset = v.getArrayOffset(r);
                int length = v.getArrayLength(r);
                if (first < 0) {
                    first = offset;
                } else if (offset != expected) {
                    contiguous = false;
                }
                expected = offset + length;
                end += length;
            }
            Platform.putInt(null, outOffsets + 4L * r + 4, (int) Math.min(end, Integer.MAX_VALUE));
        }
        long total = end - dst.charsUsed();
        long to = dst.reserveChars(total);
        if (total == 0) {
            return;
        }
        Object base;
        long baseOffset;
        if (v instanceof OffHeapColumnVector) {
            base = null;
            baseOffset = ((OffHeapColumnVector) v.arrayData()).valuesNativeAddress();
        } else {
            // On-heap rows are UTF8Strings over the child's byte array at the row's offset.
            UTF8String firstValue = v.getUTF8String(firstValidRow(v, n));
            base = firstValue.getBaseObject();
            baseOffset = firstValue.getBaseOffset() - first;
        }
        if (contiguous) {
            Platform.copyMemory(base, baseOffset + first, null, to, total);
        } else {
            long written = 0;
            for (int r = 0; r < n; r++) {
                if (!(mayHaveNulls && v.isNullAt(r))) {
                    int length = v.getArrayLength(r);
                    Platform.copyMemory(base, baseOffset + v.getArrayOffset(r), null, to + written, length);
                    written += length;
                }
            }
        }
        dst.commitChars(total);
    }

    private static int firstValidRow(ColumnVector v, int n) {
        for (int r = 0; r < n; r++) {
            if (!v.isNullAt(r)) {
                return r;
            }
        }
        throw new IllegalStateException("a string vector with bytes has no valid row");
    }

    /** Arrow's VarChar layout is Ember's up to the first offset (rebased) and the bytes of null rows (forbidden). */
    private static boolean copyArrow(ValueVector vector, int n, HostColumnAccumulator dst, int at) {
        if (!(vector instanceof BaseVariableWidthVector var) || var.getValueCount() < n) {
            return false;
        }
        long srcOffsets = var.getOffsetBuffer().memoryAddress();
        boolean hasNulls = var.getNullCount() > 0;
        if (hasNulls) {
            for (int r = 0; r < n; r++) {
                if (var.isNull(r) && Platform.getInt(null, srcOffsets + 4L * r + 4)
                        != Platform.getInt(null, srcOffsets + 4L * r)) {
                    return false;
                }
            }
        }
        int first = Platform.getInt(null, srcOffsets);
        long total = Platform.getInt(null, srcOffsets + 4L * n) - (long) first;
        long to = dst.reserveChars(total);
        Platform.copyMemory(null, var.getDataBuffer().memoryAddress() + first, null, to, total);
        long delta = dst.charsUsed() - first;
        long outOffsets = dst.offsetsAddress() + 4L * at;
        for (int r = 1; r <= n; r++) {
            Platform.putInt(null, outOffsets + 4L * r, (int) (Platform.getInt(null, srcOffsets + 4L * r) + delta));
        }
        dst.commitChars(total);
        if (hasNulls) {
            dst.andBits(var.getValidityBuffer().memoryAddress(), at, n);
        }
        return true;
    }

    private static void copyConstant(ConstantColumnVector c, int n, HostColumnAccumulator dst, int at) {
        if (c.isNullAt(0)) {
            dst.setNulls(at, n);
            return;
        }
        UTF8String value = c.getUTF8String(0);
        int length = value.numBytes();
        long to = dst.reserveChars((long) n * length);
        long outOffsets = dst.offsetsAddress() + 4L * at;
        long end = dst.charsUsed();
        for (int r = 0; r < n; r++) {
            value.writeToMemory(null, to + (long) r * length);
            end += length;
            Platform.putInt(null, outOffsets + 4L * r + 4, (int) end);
        }
        dst.commitChars((long) n * length);
    }

    private static void copyPerValue(ColumnVector v, int n, HostColumnAccumulator dst, int at) {
        boolean mayHaveNulls = v.hasNull();
        for (int r = 0; r < n; r++) {
            long end = dst.charsUsed();
            if (!(mayHaveNulls && v.isNullAt(r))) {
                UTF8String value = v.getUTF8String(r);
                int length = value.numBytes();
                value.writeToMemory(null, dst.reserveChars(length));
                dst.commitChars(length);
                end += length;
            } else {
                dst.setNull(at + r);
            }
            Platform.putInt(null, dst.offsetsAddress() + 4L * (at + r) + 4, (int) end);
        }
    }
}
