package dev.ember.cuda.testing;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.ops.Bitmaps;
import java.util.Arrays;

/**
 * STRING device columns from and to Java byte strings (null = null row) through small array copies,
 * independent of the host column and transfer code, so tests of those can use it as a reference.
 */
public final class DeviceStrings {
    private DeviceStrings() {}

    /** A new device column of {@code values}; a bitmap only when some value is null. */
    public static Column column(Device device, byte[][] values) {
        int n = values.length;
        int[] offsets = new int[n + 1];
        boolean anyNull = false;
        for (int i = 0; i < n; i++) {
            offsets[i + 1] = offsets[i] + (values[i] == null ? 0 : values[i].length);
            anyNull |= values[i] == null;
        }
        byte[] chars = new byte[offsets[n]];
        byte[] validity = new byte[(int) Bitmaps.bitmapBytes(n)];
        for (int i = 0; i < n; i++) {
            if (values[i] != null) {
                System.arraycopy(values[i], 0, chars, offsets[i], values[i].length);
                validity[i >> 3] |= (byte) (1 << (i & 7));
            }
        }
        DeviceBuffer o = DeviceArrays.upload(device, offsets);
        DeviceBuffer c = null;
        DeviceBuffer v = null;
        try {
            c = DeviceArrays.upload(device, chars);
            v = anyNull ? DeviceArrays.upload(device, validity) : null;
        } catch (RuntimeException | Error e) {
            o.close();
            if (c != null) {
                c.close();
            }
            throw e;
        }
        return Column.createStrings(n, o, c, chars.length, v, Column.UNKNOWN_NULL_COUNT);
    }

    /** The rows of a device STRING column; null rows are null. */
    public static byte[][] values(Column column) {
        int n = Math.toIntExact(column.rowCount());
        int[] offsets = DeviceArrays.downloadInts(column.offsets(), 0, n + 1);
        byte[] chars = DeviceArrays.downloadBytes(column.data(), 0, Math.toIntExact(column.dataBytes()));
        byte[] validity = column.hasValidity()
                ? DeviceArrays.downloadBytes(column.validity(), 0, (int) Bitmaps.bitmapBytes(n)) : null;
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            boolean valid = validity == null || (validity[i >> 3] >> (i & 7) & 1) != 0;
            out[i] = valid ? Arrays.copyOfRange(chars, offsets[i], offsets[i + 1]) : null;
        }
        return out;
    }

    /** The raw offsets of a device STRING column. */
    public static int[] offsets(Column column) {
        return DeviceArrays.downloadInts(column.offsets(), 0, Math.toIntExact(column.rowCount() + 1));
    }
}
