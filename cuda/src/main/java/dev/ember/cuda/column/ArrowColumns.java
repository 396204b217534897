package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.memory.HostMemory;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * {@link HostColumn} ↔ Arrow {@link FieldVector}. Where Arrow stores a type exactly as Ember does
 * (ints, floats, dates, micro timestamps, 128-bit decimals) the buffers are shared, not copied: the
 * two sides hold their own references, and writes through one are visible through the other.
 * BOOL8 (Arrow packs booleans into bits) and DECIMAL64 (Arrow decimals are 128-bit) are converted
 * row by row. STRING ↔ {@link VarCharVector} shares all three buffers when the vector already meets
 * Ember's invariants (offsets from 0, empty null rows), which vectors written through Arrow's setters
 * do; other vectors are copied once into that form.
 */
final class ArrowColumns {
    private ArrowColumns() {}

    private static final String SUPPORTED = "BitVector, TinyIntVector, SmallIntVector, IntVector, BigIntVector, "
            + "Float4Vector, Float8Vector, DateDayVector, TimeStampMicroVector, TimeStampMicroTZVector, DecimalVector, "
            + "VarCharVector";

    static HostColumn fromArrow(FieldVector vector) {
        requireNonNull(vector, "vector is null");
        if (vector instanceof BitVector bits) {
            return fromBits(bits);
        }
        if (vector instanceof VarCharVector strings) {
            return fromVarChar(strings);
        }
        if (vector instanceof DecimalVector decimals && decimals.getPrecision() <= DType.MAX_DECIMAL64_PRECISION) {
            return fromNarrowDecimals(decimals);
        }
        DType type = sharedLayoutType(vector);
        BaseFixedWidthVector fixed = (BaseFixedWidthVector) vector;
        int rows = fixed.getValueCount();
        ArrowBuf data = fixed.getDataBuffer();
        data.getReferenceManager().retain();
        ArrowBuf validity = null;
        if (fixed.getNullCount() > 0) {
            validity = fixed.getValidityBuffer();
            validity.getReferenceManager().retain();
        }
        return HostColumn.wrap(type, rows, data, validity);
    }

    private static DType sharedLayoutType(FieldVector vector) {
        if (vector instanceof TinyIntVector) {
            return DType.INT8;
        } else if (vector instanceof SmallIntVector) {
            return DType.INT16;
        } else if (vector instanceof IntVector) {
            return DType.INT32;
        } else if (vector instanceof BigIntVector) {
            return DType.INT64;
        } else if (vector instanceof Float4Vector) {
            return DType.FLOAT32;
        } else if (vector instanceof Float8Vector) {
            return DType.FLOAT64;
        } else if (vector instanceof DateDayVector) {
            return DType.DATE32;
        } else if (vector instanceof TimeStampMicroVector || vector instanceof TimeStampMicroTZVector) {
            // Both hold UTC micros; the zone of a TZ vector only affects how values are displayed.
            return DType.TIMESTAMP_US;
        } else if (vector instanceof DecimalVector d) {
            return DType.decimal128(d.getPrecision(), d.getScale());
        }
        throw new UnsupportedOperationException("cannot convert an Arrow " + vector.getClass().getSimpleName()
                + " (" + vector.getField() + ") to a host column; supported: " + SUPPORTED);
    }

    /** A fresh copy of the first {@code rows} bits of {@code vector}'s bitmap, or null without nulls. */
    private static ArrowBuf copyValidity(BaseFixedWidthVector vector, int rows) {
        if (vector.getNullCount() == 0) {
            return null;
        }
        ArrowBuf copy = HostMemory.allocator().buffer(dev.ember.cuda.ops.Bitmaps.bitmapBytes(rows));
        copy.setZero(0, copy.capacity());
        copy.setBytes(0, vector.getValidityBuffer(), 0, HostBitmaps.minimumBytes(rows));
        return copy;
    }

    private static HostColumn fromBits(BitVector vector) {
        int rows = vector.getValueCount();
        ArrowBuf data = HostMemory.allocator().buffer(rows);
        ArrowBuf validity = null;
        try {
            ArrowBuf bits = vector.getDataBuffer();
            for (int i = 0; i < rows; i++) {
                data.setByte(i, BitVectorHelper.get(bits, i));
            }
            validity = copyValidity(vector, rows);
        } catch (RuntimeException | Error e) {
            data.close();
            throw e;
        }
        return HostColumn.wrap(DType.BOOL8, rows, data, validity);
    }

    private static HostColumn fromNarrowDecimals(DecimalVector vector) {
        int rows = vector.getValueCount();
        ArrowBuf data = HostMemory.allocator().buffer(8L * rows);
        ArrowBuf validity = null;
        try {
            ArrowBuf wide = vector.getDataBuffer();
            for (int i = 0; i < rows; i++) {
                // Values of precision <= 18 fit in the low word (the high word is its sign extension).
                data.setLong(8L * i, wide.getLong(16L * i));
            }
            validity = copyValidity(vector, rows);
        } catch (RuntimeException | Error e) {
            data.close();
            throw e;
        }
        return HostColumn.wrap(DType.decimal64(vector.getPrecision(), vector.getScale()), rows, data, validity);
    }

    static FieldVector toArrow(HostColumn column, String name, BufferAllocator allocator) {
        requireNonNull(column, "column is null");
        requireNonNull(name, "name is null");
        requireNonNull(allocator, "allocator is null");
        DType type = column.type();
        int rows = column.rowCount();
        return switch (type.id()) {
            case BOOL8 -> toBits(column, name, allocator);
            case DECIMAL64 -> toWideDecimals(column, name, allocator);
            case INT8 -> load(column, new TinyIntVector(name, allocator), allocator);
            case INT16 -> load(column, new SmallIntVector(name, allocator), allocator);
            case INT32 -> load(column, new IntVector(name, allocator), allocator);
            case INT64 -> load(column, new BigIntVector(name, allocator), allocator);
            case FLOAT32 -> load(column, new Float4Vector(name, allocator), allocator);
            case FLOAT64 -> load(column, new Float8Vector(name, allocator), allocator);
            case DATE32 -> load(column, new DateDayVector(name, allocator), allocator);
            case TIMESTAMP_US -> load(column, new TimeStampMicroVector(name, allocator), allocator);
            case DECIMAL128 -> load(column, new DecimalVector(name, allocator, type.precision(), type.scale()), allocator);
            case STRING -> toVarChar(column, new VarCharVector(name, allocator), allocator);
        };
    }

    /**
     * Shares the vector's buffers when its offsets start at 0 and its null rows are empty, else copies
     * the valid rows' bytes into fresh buffers of that form. A vector of 0 rows may have no offsets
     * buffer at all; it gets a fresh one-entry buffer.
     */
    private static HostColumn fromVarChar(VarCharVector vector) {
        int rows = vector.getValueCount();
        ArrowBuf offsets = vector.getOffsetBuffer();
        boolean nulls = vector.getNullCount() > 0;
        if (rows > 0 && offsets.capacity() >= 4L * rows + 4 && sharable(vector, rows)) {
            ArrowBuf data = vector.getDataBuffer();
            ArrowBuf validity = nulls ? vector.getValidityBuffer() : null;
            offsets.getReferenceManager().retain();
            data.getReferenceManager().retain();
            if (validity != null) {
                validity.getReferenceManager().retain();
            }
            return HostColumn.wrapStrings(rows, offsets, data, validity);
        }
        byte[][] values = new byte[rows][];
        for (int i = 0; i < rows; i++) {
            values[i] = vector.isNull(i) ? null : vector.get(i);
        }
        return HostColumn.fromUtf8(values);
    }

    private static boolean sharable(VarCharVector vector, int rows) {
        ArrowBuf offsets = vector.getOffsetBuffer();
        if (offsets.getInt(0) != 0) {
            return false;
        }
        if (vector.getNullCount() == 0) {
            return true;
        }
        for (int i = 0; i < rows; i++) {
            if (vector.isNull(i) && offsets.getInt(4L * i) != offsets.getInt(4L * i + 4)) {
                return false;
            }
        }
        return true;
    }

    private static FieldVector toVarChar(HostColumn column, VarCharVector vector, BufferAllocator allocator) {
        ArrowBuf offsets = null;
        ArrowBuf data = null;
        ArrowBuf validity = null;
        try {
            int rows = column.rowCount();
            offsets = shareOrCopy(column.offsetsBuffer(), 4L * rows + 4, allocator);
            data = shareOrCopy(column.dataBuffer(), column.dataBytes(), allocator);
            validity = column.nullCount() == 0
                    ? allocator.getEmpty()
                    : shareOrCopy(column.validityBuffer(), HostBitmaps.minimumBytes(rows), allocator);
            vector.loadFieldBuffers(new ArrowFieldNode(rows, column.nullCount()), List.of(validity, offsets, data));
            return vector;
        } catch (RuntimeException | Error e) {
            vector.close();
            throw e;
        } finally {
            for (ArrowBuf b : new ArrowBuf[] {offsets, data, validity}) {
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    /** Hands the column's buffers to {@code vector} (shared when both use the same root allocator). */
    private static FieldVector load(HostColumn column, BaseFixedWidthVector vector, BufferAllocator allocator) {
        ArrowBuf data = null;
        ArrowBuf validity = null;
        try {
            data = shareOrCopy(column.dataBuffer(), column.dataBytes(), allocator);
            validity = column.nullCount() == 0
                    ? allocator.getEmpty()
                    : shareOrCopy(column.validityBuffer(), HostBitmaps.minimumBytes(column.rowCount()), allocator);
            // The vector takes its own references; ours are dropped below.
            vector.loadFieldBuffers(new ArrowFieldNode(column.rowCount(), column.nullCount()), List.of(validity, data));
            return vector;
        } catch (RuntimeException | Error e) {
            vector.close();
            throw e;
        } finally {
            if (data != null) {
                data.close();
            }
            if (validity != null) {
                validity.close();
            }
        }
    }

    /** One new reference to {@code buffer} if it can move to {@code allocator}, else a copy of its first bytes. */
    private static ArrowBuf shareOrCopy(ArrowBuf buffer, long bytes, BufferAllocator allocator) {
        if (buffer.getReferenceManager().getAllocator().getRoot() == allocator.getRoot()) {
            buffer.getReferenceManager().retain();
            return buffer;
        }
        ArrowBuf copy = allocator.buffer(Math.max(bytes, 1));
        copy.setBytes(0, buffer, 0, bytes);
        return copy;
    }

    private static FieldVector toBits(HostColumn column, String name, BufferAllocator allocator) {
        BitVector vector = new BitVector(name, allocator);
        try {
            int rows = column.rowCount();
            vector.allocateNew(rows);
            for (int i = 0; i < rows; i++) {
                if (column.isNull(i)) {
                    vector.setNull(i);
                } else {
                    vector.set(i, column.getBoolean(i) ? 1 : 0);
                }
            }
            vector.setValueCount(rows);
            return vector;
        } catch (RuntimeException | Error e) {
            vector.close();
            throw e;
        }
    }

    private static FieldVector toWideDecimals(HostColumn column, String name, BufferAllocator allocator) {
        DType type = column.type();
        DecimalVector vector = new DecimalVector(name, allocator, type.precision(), type.scale());
        try {
            int rows = column.rowCount();
            vector.allocateNew(rows);
            for (int i = 0; i < rows; i++) {
                if (column.isNull(i)) {
                    vector.setNull(i);
                } else {
                    vector.set(i, column.getLong(i));
                }
            }
            vector.setValueCount(rows);
            return vector;
        } catch (RuntimeException | Error e) {
            vector.close();
            throw e;
        }
    }
}
