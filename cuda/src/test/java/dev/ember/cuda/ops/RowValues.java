package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.HostValues;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A column of any type as one byte string per row (null: a null row): fixed-width rows as their
 * little-endian bytes, STRING rows as their UTF-8 bytes. Row selections are checked on these bytes,
 * so a gathered value must be bit-identical to its source row (-0.0, NaN payloads, BOOL8 bytes).
 */
record RowValues(DType type, byte[][] rows) {
    RowValues {
        requireNonNull(type, "type is null");
        requireNonNull(rows, "rows is null");
    }

    /** The rows of a host column. */
    static RowValues of(HostValues values) {
        int w = values.type().sizeInBytes();
        byte[][] rows = new byte[values.rows()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = values.isValid(i) ? Arrays.copyOfRange(values.data(), i * w, (i + 1) * w) : null;
        }
        return new RowValues(values.type(), rows);
    }

    static RowValues strings(byte[][] rows) {
        return new RowValues(DType.STRING, rows);
    }

    /** DECIMAL128 rows from values (null: a null row). */
    static RowValues decimals(DType type, BigInteger[] values) {
        byte[][] rows = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                byte[] be = values[i].toByteArray();
                byte[] le = new byte[16];
                for (int k = 0; k < 16; k++) {
                    // Sign-extend past the big-endian bytes BigInteger gives.
                    le[k] = k < be.length ? be[be.length - 1 - k] : (byte) (values[i].signum() < 0 ? -1 : 0);
                }
                rows[i] = le;
            }
        }
        return new RowValues(type, rows);
    }

    int size() {
        return rows.length;
    }

    /** Row {@code i} as hex (null for a null row), a value that compares and prints well. */
    String hex(int i) {
        return rows[i] == null ? null : HexFormat.of().formatHex(rows[i]);
    }

    Column upload(Device device) {
        if (type.id() == DType.TypeId.STRING) {
            return DeviceStrings.column(device, rows);
        }
        int w = type.sizeInBytes();
        byte[] data = new byte[rows.length * w];
        byte[] validity = new byte[(int) Bitmaps.bitmapBytes(rows.length)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] != null) {
                System.arraycopy(rows[i], 0, data, i * w, w);
                validity[i >> 3] |= (byte) (1 << (i & 7));
            } else {
                // Garbage under a null: a selection must not read it as a value.
                Arrays.fill(data, i * w, (i + 1) * w, (byte) 0x5a);
            }
        }
        return HostValues.of(type, data, validity).upload(device);
    }

    static RowValues download(Column column) {
        if (column.type().id() == DType.TypeId.STRING) {
            return strings(DeviceStrings.values(column));
        }
        return of(HostValues.download(column));
    }

    /**
     * Spark's order of two non-null values: STRING by unsigned bytes, a proper prefix first
     * (UTF8String.compareTo); DECIMAL128 as signed 128-bit integers.
     */
    int compare(int i, int j) {
        byte[] a = rows[i];
        byte[] b = rows[j];
        if (type.id() == DType.TypeId.STRING) {
            for (int k = 0; k < Math.min(a.length, b.length); k++) {
                int x = a[k] & 0xff;
                int y = b[k] & 0xff;
                if (x != y) {
                    return x < y ? -1 : 1;
                }
            }
            return Integer.compare(a.length, b.length);
        }
        if (type.id() == DType.TypeId.DECIMAL128) {
            return signedLittleEndian(a).compareTo(signedLittleEndian(b));
        }
        throw new IllegalArgumentException("row selection compares STRING or DECIMAL128, not " + type);
    }

    private static BigInteger signedLittleEndian(byte[] le) {
        byte[] be = new byte[le.length];
        for (int k = 0; k < le.length; k++) {
            be[k] = le[le.length - 1 - k];
        }
        return new BigInteger(be);
    }
}
