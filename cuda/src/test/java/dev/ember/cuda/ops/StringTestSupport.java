package dev.ember.cuda.ops;

import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.column.Column;
import java.nio.charset.StandardCharsets;

/** Reading results in the string function tests. */
final class StringTestSupport {
    private StringTestSupport() {}

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static boolean[] validity(Column out) {
        int n = Math.toIntExact(out.rowCount());
        boolean[] valid = new boolean[n];
        byte[] bits = out.hasValidity() && n > 0 ? DeviceArrays.downloadBytes(out.validity(), 0, (n + 7) / 8) : null;
        for (int i = 0; i < n; i++) {
            valid[i] = bits == null || (bits[i >> 3] >> (i & 7) & 1) != 0;
        }
        return valid;
    }

    /** BOOL8 results as Boolean (null for null rows). */
    static Boolean[] booleans(Column out) {
        int n = Math.toIntExact(out.rowCount());
        byte[] data = DeviceArrays.downloadBytes(out.data(), 0, n);
        boolean[] valid = validity(out);
        Boolean[] values = new Boolean[n];
        for (int i = 0; i < n; i++) {
            values[i] = valid[i] ? data[i] != 0 : null;
        }
        return values;
    }

    /** Fixed-width integral results widened to Long (null for null rows). */
    static Long[] longs(Column out) {
        int n = Math.toIntExact(out.rowCount());
        int width = out.type().sizeInBytes();
        byte[] data = DeviceArrays.downloadBytes(out.data(), 0, n * width);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        boolean[] valid = validity(out);
        Long[] values = new Long[n];
        for (int i = 0; i < n; i++) {
            long v = switch (width) {
                case 1 -> buf.get(i);
                case 2 -> buf.getShort(i * 2);
                case 4 -> buf.getInt(i * 4);
                default -> buf.getLong(i * 8);
            };
            values[i] = valid[i] ? v : null;
        }
        return values;
    }
}
