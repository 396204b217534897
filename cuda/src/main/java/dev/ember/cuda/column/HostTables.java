package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType.TypeId;
import dev.ember.cuda.memory.HostMemory;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;

/** Host table operations: row slices and concatenation, in Ember's host layout. */
public final class HostTables {
    private HostTables() {}

    /**
     * One table holding the rows of {@code tables} in order (each stays the caller's); their column
     * types must match. A single table is returned as a new reference to its columns, not copied.
     */
    public static HostTable concat(List<HostTable> tables) {
        requireNonNull(tables, "tables is null");
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        HostTable first = tables.get(0);
        long rows = 0;
        for (HostTable t : tables) {
            if (t.columnCount() != first.columnCount()) {
                throw new IllegalArgumentException("tables of " + first.columnCount() + " and " + t.columnCount()
                        + " columns cannot be concatenated");
            }
            rows += t.rowCount();
        }
        if (rows > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(rows + " rows do not fit in one host table");
        }
        List<HostColumn> out = new ArrayList<>();
        try {
            for (int c = 0; c < first.columnCount(); c++) {
                List<HostColumn> parts = new ArrayList<>();
                for (HostTable t : tables) {
                    HostColumn part = t.column(c);
                    if (!part.type().equals(first.column(c).type())) {
                        throw new IllegalArgumentException("column " + c + " is " + first.column(c).type() + " in one "
                                + "table and " + part.type() + " in another");
                    }
                    parts.add(part);
                }
                out.add(parts.size() == 1 ? parts.get(0).incRef() : concatColumn(parts, (int) rows));
            }
        } catch (RuntimeException | Error e) {
            out.forEach(HostColumn::close);
            throw e;
        }
        return HostTable.of((int) rows, out);
    }

    private static HostColumn concatColumn(List<HostColumn> parts, int rows) {
        DType type = parts.get(0).type();
        boolean nulls = parts.stream().anyMatch(p -> p.nullCount() > 0);
        ArrowBuf validity = null;
        ArrowBuf data = null;
        ArrowBuf offsets = null;
        try {
            if (nulls) {
                validity = HostMemory.allocator().buffer(Math.max(8, (HostBitmaps.minimumBytes(rows) + 7) & ~7L));
                validity.setZero(0, validity.capacity());
                long at = 0;
                for (HostColumn p : parts) {
                    if (p.nullCount() > 0) {
                        HostBitmaps.copyBits(p.validityBuffer().memoryAddress(), 0, validity.memoryAddress(), at,
                                p.rowCount());
                    } else {
                        setValid(validity.memoryAddress(), at, p.rowCount());
                    }
                    at += p.rowCount();
                }
            }
            if (type.id() == TypeId.STRING) {
                long bytes = 0;
                for (HostColumn p : parts) {
                    bytes += p.dataBytes();
                }
                if (bytes > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(bytes + " string bytes exceed what int32 offsets address");
                }
                offsets = HostMemory.allocator().buffer(4L * rows + 4);
                data = HostMemory.allocator().buffer(Math.max(8, bytes));
                long rowAt = 0;
                long charAt = 0;
                for (HostColumn p : parts) {
                    long src = p.offsetsBuffer().memoryAddress();
                    long dst = offsets.memoryAddress() + 4 * rowAt;
                    for (int i = 0; i < p.rowCount(); i++) {
                        MemoryUtil.UNSAFE.putInt(dst + 4L * i, (int) (MemoryUtil.UNSAFE.getInt(src + 4L * i) + charAt));
                    }
                    MemoryUtil.UNSAFE.copyMemory(p.dataBuffer().memoryAddress(), data.memoryAddress() + charAt,
                            p.dataBytes());
                    rowAt += p.rowCount();
                    charAt += p.dataBytes();
                }
                offsets.setInt(4L * rows, (int) charAt);
                return HostColumn.wrapStrings(rows, offsets, data, validity);
            }
            int width = type.sizeInBytes();
            data = HostMemory.allocator().buffer(Math.max(8, (long) rows * width));
            long at = 0;
            for (HostColumn p : parts) {
                long bytes = (long) p.rowCount() * width;
                MemoryUtil.UNSAFE.copyMemory(p.dataBuffer().memoryAddress(), data.memoryAddress() + at, bytes);
                at += bytes;
            }
            return HostColumn.wrap(type, rows, data, validity);
        } catch (RuntimeException | Error e) {
            // wrap and wrapStrings close what they were given when they throw; before that, close here.
            if (offsets != null && offsets.refCnt() > 0) {
                offsets.close();
            }
            if (data != null && data.refCnt() > 0) {
                data.close();
            }
            if (validity != null && validity.refCnt() > 0) {
                validity.close();
            }
            throw e;
        }
    }

    private static void setValid(long bitmap, long from, long count) {
        for (long bit = from; bit < from + count; bit++) {
            if ((bit & 7) == 0 && from + count - bit >= 8) {
                long bytes = (from + count - bit) >>> 3;
                MemoryUtil.UNSAFE.setMemory(bitmap + (bit >>> 3), bytes, (byte) 0xff);
                bit += (bytes << 3) - 1;
                continue;
            }
            long at = bitmap + (bit >>> 3);
            MemoryUtil.UNSAFE.putByte(at, (byte) (MemoryUtil.UNSAFE.getByte(at) | (1 << (bit & 7))));
        }
    }
}
