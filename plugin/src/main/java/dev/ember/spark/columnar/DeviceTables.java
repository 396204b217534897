package dev.ember.spark.columnar;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.Bitmaps;
import dev.ember.cuda.ops.CopyWithOffset;
import dev.ember.cuda.ops.Gather;
import dev.ember.cuda.ops.Strings;
import java.util.ArrayList;
import java.util.List;

/**
 * Row operations on device tables built from the offset-copy, gather and string kernels: slice,
 * concatenate, gather.
 */
public final class DeviceTables {
    private DeviceTables() {}

    /**
     * A new table of rows {@code [offset, offset + count)} of {@code table}; {@code table} stays the
     * caller's. String columns are sliced with their bytes ({@link Strings#slice}).
     */
    public static Table slice(Device device, Table table, long offset, long count, Stream stream) {
        requireNonNull(table, "table is null");
        if (offset < 0 || count < 0 || offset + count > table.rowCount()) {
            throw new IllegalArgumentException("rows [" + offset + ", " + (offset + count) + ") are outside "
                    + table);
        }
        List<Column> out = new ArrayList<>();
        try {
            for (Column c : table.columns()) {
                if (offset == 0 && count == table.rowCount()) {
                    out.add(c.incRef());
                    continue;
                }
                if (c.type().id() == DType.TypeId.STRING) {
                    out.add(Strings.slice(device, c, offset, offset + count, stream));
                    continue;
                }
                int width = c.type().sizeInBytes();
                DeviceBuffer data = device.allocate(Math.max(1, count * width), stream);
                DeviceBuffer validity = null;
                try {
                    copyValues(device, c, offset, data, 0, count, stream);
                    if (c.hasValidity()) {
                        validity = CopyWithOffset.sliceBits(device, c.validityAddress(), offset, count, stream);
                    }
                } catch (RuntimeException | Error e) {
                    data.close();
                    throw e;
                }
                out.add(Column.create(c.type(), count, data, validity, Column.UNKNOWN_NULL_COUNT));
            }
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        }
        return Table.of(count, out);
    }

    /**
     * A new table of rows {@code map[0..n)} of {@code table} ({@code map}: {@code n} int32 row indices on
     * the device, each a row of the table); {@code table} and {@code map} stay the caller's.
     */
    public static Table gather(Device device, Table table, DeviceBuffer map, long n, Stream stream) {
        requireNonNull(table, "table is null");
        requireNonNull(map, "map is null");
        List<Column> out = new ArrayList<>();
        try {
            for (Column c : table.columns()) {
                out.add(Gather.rows(device, c, map, n, stream));
            }
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        }
        return Table.of(n, out);
    }


    /**
     * The most UTF-8 bytes any string column of {@code table} holds (0 without string columns): what
     * a concatenation adds up against its limit.
     */
    public static long maxStringBytes(Table table) {
        long most = 0;
        for (Column c : table.columns()) {
            if (c.type().id() == DType.TypeId.STRING) {
                most = Math.max(most, c.dataBytes());
            }
        }
        return most;
    }

    /** {@link #concat(Device, List, long, Stream)} with the limit int32 offsets set. */
    public static Table concat(Device device, List<Table> tables, Stream stream) {
        return concat(device, tables, Strings.MAX_BYTES, stream);
    }

    /**
     * A new table holding the rows of {@code tables} one after the other (all of the same column types);
     * the inputs stay the caller's.
     *
     * @throws dev.ember.cuda.ops.StringSizeLimitException when a string column would hold more than
     *     {@code maxStringBytes} bytes (callers check {@link #maxStringBytes} first)
     */
    public static Table concat(Device device, List<Table> tables, long maxStringBytes, Stream stream) {
        requireNonNull(tables, "tables is null");
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        if (tables.size() == 1) {
            Table only = tables.get(0);
            return slice(device, only, 0, only.rowCount(), stream);
        }
        int columns = tables.get(0).columnCount();
        long rows = 0;
        for (Table t : tables) {
            if (t.columnCount() != columns) {
                throw new IllegalArgumentException("tables of " + columns + " and " + t.columnCount()
                        + " columns cannot be concatenated");
            }
            rows += t.rowCount();
        }
        List<Column> out = new ArrayList<>();
        try {
            for (int c = 0; c < columns; c++) {
                out.add(concatColumn(device, tables, c, rows, maxStringBytes, stream));
            }
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        }
        return Table.of(rows, out);
    }

    private static Column concatColumn(Device device, List<Table> tables, int c, long rows, long maxStringBytes,
            Stream stream) {
        DType type = tables.get(0).column(c).type();
        if (type.id() == DType.TypeId.STRING) {
            List<Column> parts = new ArrayList<>();
            for (Table t : tables) {
                parts.add(t.column(c));
            }
            return Strings.concat(device, parts, maxStringBytes, stream);
        }
        boolean anyValidity = false;
        for (Table t : tables) {
            Column col = t.column(c);
            if (!col.type().equals(type)) {
                throw new IllegalArgumentException("column " + c + " is " + type + " in one table and " + col.type()
                        + " in another");
            }
            anyValidity |= col.hasValidity();
        }
        DeviceBuffer data = device.allocate(Math.max(1, rows * type.sizeInBytes()), stream);
        DeviceBuffer validity = null;
        try {
            if (anyValidity) {
                validity = device.allocate(Bitmaps.bitmapBytes(rows), stream);
                device.memset(validity.address(), (byte) 0, validity.size(), stream);
            }
            long at = 0;
            for (Table t : tables) {
                Column col = t.column(c);
                copyValues(device, col, 0, data, at, col.rowCount(), stream);
                if (validity != null) {
                    // A source without a bitmap (address 0) sets its rows valid.
                    CopyWithOffset.copyBits(device, col.validityAddress(), 0, validity.address(), at, col.rowCount(),
                            stream);
                }
                at += col.rowCount();
            }
        } catch (RuntimeException | Error e) {
            data.close();
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        return Column.create(type, rows, data, validity, Column.UNKNOWN_NULL_COUNT);
    }

    /** Copies {@code n} values; 16-byte decimals move as pairs of 8-byte words. */
    private static void copyValues(Device device, Column src, long srcRow, DeviceBuffer dst, long dstRow, long n,
            Stream stream) {
        int width = src.type().sizeInBytes();
        if (width == 16) {
            CopyWithOffset.copy(device, src.dataAddress(), srcRow * 2, dst.address(), dstRow * 2, n * 2, 8, stream);
        } else {
            CopyWithOffset.copy(device, src.dataAddress(), srcRow, dst.address(), dstRow, n, width, stream);
        }
    }
}
