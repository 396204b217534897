package dev.ember.cuda.emulated;

/**
 * Reads and writes of STRING columns and bitmaps for the string emulations: a column's offsets,
 * bytes and validity copied into Java arrays once (each extent checked), results written back.
 */
final class EmulatedStrings {
    private EmulatedStrings() {}

    /** A STRING column's rows as arrays: {@code offsets} (n + 1), {@code chars}, {@code valid}. */
    record Rows(int[] offsets, byte[] chars, boolean[] valid) {
        int start(int i) {
            return offsets[i];
        }

        int length(int i) {
            return offsets[i + 1] - offsets[i];
        }
    }

    /** Reads n rows; chars are read up to the last offset, validity only when the pointer is not 0. */
    static Rows read(EmulatedMemory m, long offsets, long chars, long validity, long n) {
        int rows = Math.toIntExact(n);
        m.check(offsets, (n + 1) * 4);
        int[] o = new int[rows + 1];
        for (int i = 0; i <= rows; i++) {
            o[i] = m.getInt(offsets + i * 4L);
        }
        boolean[] valid = readValidity(m, validity, rows);
        int bytes = 0;
        for (int i = 0; i < rows; i++) {
            if (valid[i]) {
                bytes = Math.max(bytes, o[i + 1]);
            }
        }
        return new Rows(o, readBytes(m, chars, bytes), valid);
    }

    static boolean[] readValidity(EmulatedMemory m, long validity, int rows) {
        boolean[] valid = new boolean[rows];
        if (validity != 0) {
            m.check(validity, (rows + 7) / 8);
        }
        for (int i = 0; i < rows; i++) {
            valid[i] = m.isValid(validity, i);
        }
        return valid;
    }

    static byte[] readBytes(EmulatedMemory m, long address, int bytes) {
        m.check(address, bytes);
        byte[] out = new byte[bytes];
        for (int k = 0; k < bytes; k++) {
            out[k] = m.getByte(address + k);
        }
        return out;
    }

    /** Writes a whole bitmap: bit i = valid[i], bits past n 0, up to the 64-bit-word size. */
    static void writeValidity(EmulatedMemory m, long bitmap, boolean[] valid) {
        long bytes = (valid.length + 63L) / 64 * 8;
        m.check(bitmap, bytes);
        m.set(bitmap, (byte) 0, bytes);
        for (int i = 0; i < valid.length; i++) {
            if (valid[i]) {
                long at = bitmap + (i >>> 3);
                m.putByte(at, (byte) (m.getByte(at) | (1 << (i & 7))));
            }
        }
    }

    static void writeBytes(EmulatedMemory m, long address, byte[] values) {
        m.check(address, values.length);
        for (int i = 0; i < values.length; i++) {
            m.putByte(address + i, values[i]);
        }
    }

    static void writeInts(EmulatedMemory m, long address, int[] values) {
        m.check(address, values.length * 4L);
        for (int i = 0; i < values.length; i++) {
            m.putInt(address + i * 4L, values[i]);
        }
    }

    /** Adds to the int64 at {@code address} (a kernel's total or count). */
    static void addLong(EmulatedMemory m, long address, long value) {
        m.check(address, 8);
        m.putLong(address, m.getLong(address) + value);
    }

    /** UTF8String.numBytesForFirstByte. */
    static int unitBytes(byte b) {
        int v = b & 0xff;
        if (v >= 0xC2 && v <= 0xDF) {
            return 2;
        }
        if (v >= 0xE0 && v <= 0xEF) {
            return 3;
        }
        if (v >= 0xF0 && v <= 0xF4) {
            return 4;
        }
        return 1;
    }

    /** The position after the unit at p (p < end), never past end. */
    static int nextUnit(byte[] s, int p, int end) {
        return Math.min(end, p + unitBytes(s[p]));
    }
}
