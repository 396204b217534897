package dev.ember.cuda.emulated;

import static dev.ember.cuda.emulated.EmulatedStrings.nextUnit;
import static dev.ember.cuda.kernel.StringEditKernels.CONCAT_WS_CHARS;
import static dev.ember.cuda.kernel.StringEditKernels.CONCAT_WS_SIZES;
import static dev.ember.cuda.kernel.StringEditKernels.EDIT_CHARS;
import static dev.ember.cuda.kernel.StringEditKernels.EDIT_SIZES;
import static dev.ember.cuda.kernel.StringEditKernels.INITCAP_ASCII;
import static dev.ember.cuda.kernel.StringEditKernels.LOCATE;

import dev.ember.cuda.emulated.EmulatedStrings.Rows;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * Emulations of {@code stredit.cu}, sequentially, written after {@code UTF8String}'s methods (indexOf,
 * lpad, rpad, replace, reverse, repeat, subStringIndex) over a row's bytes, with units cut at the
 * row's end as the kernels do.
 */
final class StringEditEmulation {
    // The operation codes of ember_str_edit_* (StringEdits.Op).
    private static final int LPAD = 0;
    private static final int RPAD = 1;
    private static final int REPLACE = 2;
    private static final int REVERSE = 3;
    private static final int REPEAT = 4;
    private static final int SUBSTRING_INDEX = 5;
    private static final int SPLIT_PART = 6;

    private StringEditEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                LOCATE, StringEditEmulation::locate,
                EDIT_SIZES, StringEditEmulation::editSizes,
                EDIT_CHARS, StringEditEmulation::editChars,
                INITCAP_ASCII, StringEditEmulation::initcapAscii,
                CONCAT_WS_SIZES, StringEditEmulation::concatWsSizes,
                CONCAT_WS_CHARS, StringEditEmulation::concatWsChars);
    }

    private static void locate(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long out = a.ptrAt(0), outValidity = a.ptrAt(1);
        byte[] pat = EmulatedStrings.readBytes(m, a.ptrAt(5), a.i32At(6));
        int start = a.i32At(7);
        long n = a.i64At(8);
        if (n == 0) {
            return;
        }
        Rows rows = EmulatedStrings.read(m, a.ptrAt(2), a.ptrAt(3), a.ptrAt(4), n);
        m.check(out, n * 4);
        for (int i = 0; i < n; i++) {
            int v = 0;
            if (rows.valid()[i]) {
                byte[] s = Arrays.copyOfRange(rows.chars(), rows.start(i), rows.start(i) + rows.length(i));
                v = start < 0 ? 0 : indexOf(s, pat, start) + 1;
            }
            m.putInt(out + i * 4L, v);
        }
        EmulatedStrings.writeValidity(m, outValidity, rows.valid());
    }

    /**
     * UTF8String.toLowerCase().toTitleCase() where both take their byte-wise fast path (no byte of the row
     * has numBytesForFirstByte > 1); other rows flagged and copied.
     */
    private static void initcapAscii(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long outChars = a.ptrAt(0), flags = a.ptrAt(1), count = a.ptrAt(2);
        long n = a.i64At(6);
        if (n == 0) {
            return;
        }
        Rows rows = EmulatedStrings.read(m, a.ptrAt(3), a.ptrAt(4), a.ptrAt(5), n);
        m.check(flags, n);
        long flagged = 0;
        for (int i = 0; i < n; i++) {
            byte flag = 0;
            if (rows.valid()[i]) {
                byte[] s = Arrays.copyOfRange(rows.chars(), rows.start(i), rows.start(i) + rows.length(i));
                byte[] out = s.clone();
                for (byte b : s) {
                    if (EmulatedStrings.unitBytes(b) > 1) {
                        flag = 1;
                    }
                }
                if (flag == 0) {
                    for (int k = 0; k < s.length; k++) {
                        out[k] = (byte) Character.toLowerCase((int) s[k]);
                    }
                    for (int k = 0; k < s.length; k++) {
                        if (k == 0 || out[k - 1] == ' ') {
                            out[k] = (byte) Character.toTitleCase((int) out[k]);
                        }
                    }
                }
                EmulatedStrings.writeBytes(m, outChars + rows.start(i), out);
            }
            m.putByte(flags + i, flag);
            flagged += flag;
        }
        EmulatedStrings.addLong(m, count, flagged);
    }

    /** Row i of ConcatWs input k (descriptor words as the kernels take them), or null where it is null. */
    private static byte[] wsPart(EmulatedMemory m, long[] d, int k, long i) {
        long offsets = d[4 * k], bytes = d[4 * k + 1], validity = d[4 * k + 2];
        if (offsets == 0) {
            return EmulatedStrings.readBytes(m, bytes, (int) d[4 * k + 3]);
        }
        if (validity != 0) {
            m.check(validity + (i >>> 3), 1);
            if (!m.isValid(validity, i)) {
                return null;
            }
        }
        m.check(offsets + i * 4, 8);
        int from = m.getInt(offsets + i * 4);
        return EmulatedStrings.readBytes(m, bytes + from, m.getInt(offsets + i * 4 + 4) - from);
    }

    /** UTF8String.concatWs(separator, inputs...): the non-null inputs joined by the separator. */
    private static byte[] concatWs(EmulatedMemory m, long[] d, int count, byte[] sep, long i) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean first = true;
        for (int k = 0; k < count; k++) {
            byte[] part = wsPart(m, d, k, i);
            if (part != null) {
                if (!first) {
                    out.writeBytes(sep);
                }
                out.writeBytes(part);
                first = false;
            }
        }
        return out.toByteArray();
    }

    private static long[] descriptors(EmulatedMemory m, long inputs, int count) {
        m.check(inputs, count * 32L);
        long[] d = new long[count * 4];
        for (int k = 0; k < d.length; k++) {
            d[k] = m.getLong(inputs + k * 8L);
        }
        return d;
    }

    private static void concatWsSizes(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long sizes = a.ptrAt(0), outValidity = a.ptrAt(1), total = a.ptrAt(2);
        int count = a.i32At(4);
        byte[] sep = new byte[a.i32At(5)];
        long n = a.i64At(6);
        m.check(sizes, (n + 1) * 4);
        m.putInt(sizes + n * 4, 0);
        if (n == 0) {
            return;
        }
        long[] d = descriptors(m, a.ptrAt(3), count);
        boolean[] valid = new boolean[(int) n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            int size = concatWs(m, d, count, sep, i).length;
            valid[i] = true;
            m.putInt(sizes + i * 4L, size);
            sum += size;
        }
        EmulatedStrings.writeValidity(m, outValidity, valid);
        EmulatedStrings.addLong(m, total, sum);
    }

    private static void concatWsChars(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long outChars = a.ptrAt(0), outOffsets = a.ptrAt(1);
        int count = a.i32At(3);
        byte[] sep = EmulatedStrings.readBytes(m, a.ptrAt(4), a.i32At(5));
        long n = a.i64At(6);
        if (n == 0) {
            return;
        }
        long[] d = descriptors(m, a.ptrAt(2), count);
        m.check(outOffsets, (n + 1) * 4);
        for (long i = 0; i < n; i++) {
            int at = m.getInt(outOffsets + i * 4);
            int len = m.getInt(outOffsets + i * 4 + 4) - at;
            if (len > 0) {
                byte[] r = concatWs(m, d, count, sep, i);
                if (r.length != len) {
                    throw new IllegalStateException("row " + i + ": the sizes say " + len + " bytes, concat_ws gives "
                            + r.length);
                }
                EmulatedStrings.writeBytes(m, outChars + at, r);
            }
        }
    }

    /** UTF8String.indexOf(v, start): the character index of v at or after character start, or -1. */
    static int indexOf(byte[] s, byte[] v, int start) {
        if (v.length == 0) {
            return 0;
        }
        int i = 0;
        int c = 0;
        while (i < s.length && c < start) {
            i = nextUnit(s, i, s.length);
            c++;
        }
        do {
            if (i + v.length > s.length) {
                return -1;
            }
            if (Arrays.equals(s, i, i + v.length, v, 0, v.length)) {
                return c;
            }
            i = nextUnit(s, i, s.length);
            c++;
        } while (i < s.length);
        return -1;
    }

    private static void editSizes(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long sizes = a.ptrAt(0), outValidity = a.ptrAt(1), total = a.ptrAt(2);
        byte[] x = EmulatedStrings.readBytes(m, a.ptrAt(6), a.i32At(7));
        int k = a.i32At(10);
        int op = a.i32At(11);
        long n = a.i64At(12);
        // SPLIT_PART passes its limit as b's length.
        int limit = a.i32At(9);
        byte[] y = op == SPLIT_PART ? new byte[0] : EmulatedStrings.readBytes(m, a.ptrAt(8), limit);
        m.check(sizes, (n + 1) * 4);
        m.putInt(sizes + n * 4, 0);
        if (n == 0) {
            return;
        }
        Rows rows = EmulatedStrings.read(m, a.ptrAt(3), a.ptrAt(4), a.ptrAt(5), n);
        boolean[] valid = rows.valid().clone();
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long size = 0;
            if (valid[i]) {
                byte[] s = Arrays.copyOfRange(rows.chars(), rows.start(i), rows.start(i) + rows.length(i));
                if (op == SPLIT_PART) {
                    byte[] part = splitPart(s, x, limit, k);
                    valid[i] = part != null;
                    size = part == null ? 0 : part.length;
                } else {
                    size = size(op, s, x, y, k);
                }
            }
            m.putInt(sizes + i * 4L, (int) size);
            sum += size;
        }
        EmulatedStrings.writeValidity(m, outValidity, valid);
        EmulatedStrings.addLong(m, total, sum);
    }

    private static void editChars(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long outChars = a.ptrAt(0), outOffsets = a.ptrAt(1);
        byte[] x = EmulatedStrings.readBytes(m, a.ptrAt(4), a.i32At(5));
        int k = a.i32At(8);
        int op = a.i32At(9);
        long n = a.i64At(10);
        int limit = a.i32At(7);
        byte[] y = op == SPLIT_PART ? new byte[0] : EmulatedStrings.readBytes(m, a.ptrAt(6), limit);
        if (n == 0) {
            return;
        }
        m.check(outOffsets, (n + 1) * 4);
        m.check(a.ptrAt(2), (n + 1) * 4);
        for (long i = 0; i < n; i++) {
            int at = m.getInt(outOffsets + i * 4);
            int len = m.getInt(outOffsets + i * 4 + 4) - at;
            if (len > 0) {
                int from = m.getInt(a.ptrAt(2) + i * 4);
                int bytes = m.getInt(a.ptrAt(2) + i * 4 + 4) - from;
                byte[] s = EmulatedStrings.readBytes(m, a.ptrAt(3) + from, bytes);
                byte[] r = op == SPLIT_PART ? splitPart(s, x, limit, k) : edit(op, s, x, y, k);
                if (r == null || r.length != len) {
                    throw new IllegalStateException("row " + i + ": the sizes say " + len + " bytes, the operation gives "
                            + r.length);
                }
                EmulatedStrings.writeBytes(m, outChars + at, r);
            }
        }
    }

    /** The result's size; pad and repeat computed without building results past the host's limits. */
    private static long size(int op, byte[] s, byte[] x, byte[] y, int k) {
        if (op == REPEAT) {
            return k <= 0 ? 0 : (long) s.length * k;
        }
        if ((op == LPAD || op == RPAD) && x.length > 0 && k - (long) numChars(s) > 0) {
            long spaces = k - (long) numChars(s);
            int padChars = numChars(x);
            long count = spaces / padChars;
            return s.length + count * x.length + prefix(x, (int) (spaces - count * padChars));
        }
        return edit(op, s, x, y, k).length;
    }

    static byte[] edit(int op, byte[] s, byte[] x, byte[] y, int k) {
        return switch (op) {
            case LPAD -> pad(s, k, x, true);
            case RPAD -> pad(s, k, x, false);
            case REPLACE -> replace(s, x, y);
            case REVERSE -> reverse(s);
            case REPEAT -> repeat(s, k);
            case SUBSTRING_INDEX -> subStringIndex(s, x, k);
            default -> throw new IllegalArgumentException("no string edit " + op);
        };
    }

    private static int numChars(byte[] s) {
        int c = 0;
        for (int i = 0; i < s.length; i = nextUnit(s, i, s.length)) {
            c++;
        }
        return c;
    }

    /** The byte length of the first {@code chars} characters (UTF8String.substring(0, chars)). */
    private static int prefix(byte[] s, long chars) {
        int i = 0;
        for (long c = 0; i < s.length && c < chars; c++) {
            i = nextUnit(s, i, s.length);
        }
        return i;
    }

    /** UTF8String.lpad / rpad. */
    private static byte[] pad(byte[] s, int len, byte[] pad, boolean left) {
        int spaces = len - numChars(s);
        if (spaces <= 0 || pad.length == 0) {
            return len <= 0 ? new byte[0] : Arrays.copyOf(s, prefix(s, len));
        }
        int padChars = numChars(pad);
        int count = spaces / padChars;
        byte[] remain = Arrays.copyOf(pad, prefix(pad, spaces - padChars * count));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!left) {
            out.writeBytes(s);
        }
        for (int r = 0; r < count; r++) {
            out.writeBytes(pad);
        }
        out.writeBytes(remain);
        if (left) {
            out.writeBytes(s);
        }
        return out.toByteArray();
    }

    /** The first byte position at or after start where v occurs (UTF8String.find), or -1. */
    private static int find(byte[] s, byte[] v, int start) {
        for (int i = start; i <= s.length - v.length; i++) {
            if (Arrays.equals(s, i, i + v.length, v, 0, v.length)) {
                return i;
            }
        }
        return -1;
    }

    /** The last byte position at or before start where v occurs (UTF8String.rfind), or -1. */
    private static int rfind(byte[] s, byte[] v, int start) {
        for (int i = start; i >= 0; i--) {
            if (i + v.length <= s.length && Arrays.equals(s, i, i + v.length, v, 0, v.length)) {
                return i;
            }
        }
        return -1;
    }

    /** UTF8String.replace. */
    private static byte[] replace(byte[] s, byte[] search, byte[] replace) {
        if (s.length == 0 || search.length == 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int start = 0;
        int end = find(s, search, start);
        while (end != -1) {
            out.write(s, start, end - start);
            out.writeBytes(replace);
            start = end + search.length;
            end = find(s, search, start);
        }
        out.write(s, start, s.length - start);
        return out.toByteArray();
    }

    /** UTF8String.reverse, units cut at the end. */
    private static byte[] reverse(byte[] s) {
        byte[] out = new byte[s.length];
        int i = 0;
        while (i < s.length) {
            int next = nextUnit(s, i, s.length);
            System.arraycopy(s, i, out, s.length - next, next - i);
            i = next;
        }
        return out;
    }

    /** UTF8String.repeat. */
    private static byte[] repeat(byte[] s, int times) {
        if (times <= 0) {
            return new byte[0];
        }
        byte[] out = new byte[Math.multiplyExact(s.length, times)];
        for (int r = 0; r < times; r++) {
            System.arraycopy(s, 0, out, r * s.length, s.length);
        }
        return out;
    }

    /**
     * Element {@code element} (>= 0 from the start, < 0 from the end) of String.split(delimiter, limit)
     * for a literal delimiter, limit 0 as -1 (Spark), over bytes; null when there is no such element.
     */
    private static byte[] splitPart(byte[] s, byte[] delimiter, int limit, int element) {
        java.util.List<byte[]> pieces = new java.util.ArrayList<>();
        int index = 0;
        int next;
        while ((limit <= 0 || pieces.size() < limit - 1) && (next = find(s, delimiter, index)) >= 0) {
            pieces.add(Arrays.copyOfRange(s, index, next));
            index = next + delimiter.length;
        }
        pieces.add(Arrays.copyOfRange(s, index, s.length));
        int at = element >= 0 ? element : pieces.size() + element;
        return at >= 0 && at < pieces.size() ? pieces.get(at) : null;
    }

    /** UTF8String.subStringIndex (count != Integer.MIN_VALUE). */
    private static byte[] subStringIndex(byte[] s, byte[] delim, int count) {
        if (delim.length == 0 || count == 0) {
            return new byte[0];
        }
        if (count > 0) {
            int idx = -1;
            while (count > 0) {
                idx = find(s, delim, idx + 1);
                if (idx >= 0) {
                    count--;
                } else {
                    return s;
                }
            }
            return Arrays.copyOf(s, idx);
        }
        int idx = s.length - delim.length + 1;
        count = -count;
        while (count > 0) {
            idx = rfind(s, delim, idx - 1);
            if (idx >= 0) {
                count--;
            } else {
                return s;
            }
        }
        return Arrays.copyOfRange(s, idx + delim.length, s.length);
    }
}
