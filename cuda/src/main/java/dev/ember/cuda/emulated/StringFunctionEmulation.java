package dev.ember.cuda.emulated;

import static dev.ember.cuda.emulated.EmulatedStrings.nextUnit;
import static dev.ember.cuda.emulated.EmulatedStrings.unitBytes;
import static dev.ember.cuda.kernel.StringFunctionKernels.CASE_ASCII;
import static dev.ember.cuda.kernel.StringFunctionKernels.CONCAT_CHARS;
import static dev.ember.cuda.kernel.StringFunctionKernels.CONCAT_SIZES;
import static dev.ember.cuda.kernel.StringFunctionKernels.COPY_RANGES;
import static dev.ember.cuda.kernel.StringFunctionKernels.IN_LIST;
import static dev.ember.cuda.kernel.StringFunctionKernels.LENGTH;
import static dev.ember.cuda.kernel.StringFunctionKernels.LIKE;
import static dev.ember.cuda.kernel.StringFunctionKernels.MATCH;
import static dev.ember.cuda.kernel.StringFunctionKernels.SUBSTRING_RANGES;
import static dev.ember.cuda.kernel.StringFunctionKernels.TRIM_RANGES;

import dev.ember.cuda.emulated.EmulatedStrings.Rows;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import java.util.Arrays;
import java.util.Map;

/** Emulations of {@code strfuncs.cu}, sequentially. */
final class StringFunctionEmulation {
    private StringFunctionEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                LENGTH, (cfg, a, m) -> booleanLike(a, m, 4, (s, p, len) -> {
                    int count = 0;
                    for (int q = p; q < p + len; q += unitBytes(s[q])) {
                        count++;
                    }
                    return count;
                }, 5),
                SUBSTRING_RANGES, (cfg, a, m) -> ranges(a, m, (s, base, len) -> substring(s, base, len,
                        a.i32At(7), a.i32At(8)), 9),
                TRIM_RANGES, (cfg, a, m) -> {
                    byte[] trim = EmulatedStrings.readBytes(m, a.ptrAt(7), a.i32At(8));
                    int mode = a.i32At(9);
                    ranges(a, m, (s, base, len) -> trim(s, base, len, trim, mode), 10);
                },
                COPY_RANGES, StringFunctionEmulation::copyRanges,
                CASE_ASCII, StringFunctionEmulation::caseAscii,
                MATCH, (cfg, a, m) -> {
                    byte[] pat = EmulatedStrings.readBytes(m, a.ptrAt(5), a.i32At(6));
                    int mode = a.i32At(7);
                    booleanLike(a, m, 1, (s, p, len) -> match(s, p, len, pat, mode) ? 1 : 0, 8);
                },
                LIKE, (cfg, a, m) -> {
                    int tokens = a.i32At(6);
                    m.check(a.ptrAt(5), tokens * 8L);
                    int[] prog = new int[tokens * 2];
                    for (int k = 0; k < prog.length; k++) {
                        prog[k] = m.getInt(a.ptrAt(5) + k * 4L);
                    }
                    booleanLike(a, m, 1, (s, p, len) -> like(prog, tokens, s, p, len) ? 1 : 0, 7);
                },
                IN_LIST, StringFunctionEmulation::inList,
                CONCAT_SIZES, StringFunctionEmulation::concatSizes,
                CONCAT_CHARS, StringFunctionEmulation::concatChars);
    }

    private interface RowFunction {
        /** The value of the row at {@code s[p, p + len)}. */
        int apply(byte[] s, int p, int len);
    }

    /**
     * Kernels with args (out, out validity, offsets, chars, validity, ..., n at {@code nArg}) writing one
     * value of {@code width} bytes per row, null where the row is null.
     */
    private static void booleanLike(KernelArgs a, EmulatedMemory m, int width, RowFunction f, int nArg) {
        long out = a.ptrAt(0), outValidity = a.ptrAt(1);
        long n = a.i64At(nArg);
        if (n == 0) {
            return;
        }
        Rows rows = EmulatedStrings.read(m, a.ptrAt(2), a.ptrAt(3), a.ptrAt(4), n);
        m.check(out, n * width);
        for (int i = 0; i < n; i++) {
            int v = rows.valid()[i] ? f.apply(rows.chars(), rows.start(i), rows.length(i)) : 0;
            if (width == 4) {
                m.putInt(out + i * 4L, v);
            } else {
                m.putByte(out + i, (byte) v);
            }
        }
        EmulatedStrings.writeValidity(m, outValidity, rows.valid());
    }

    private interface RangeFunction {
        /** The result's {start, end} byte positions (absolute) of the row at {@code s[base, base + len)}. */
        int[] apply(byte[] s, int base, int len);
    }

    /** Ranges kernels: (starts, sizes, out validity, total, offsets, chars, validity, ..., n at nArg). */
    private static void ranges(KernelArgs a, EmulatedMemory m, RangeFunction f, int nArg) {
        long starts = a.ptrAt(0), sizes = a.ptrAt(1), outValidity = a.ptrAt(2), total = a.ptrAt(3);
        long n = a.i64At(nArg);
        m.check(sizes, (n + 1) * 4);
        m.putInt(sizes + n * 4, 0);
        if (n == 0) {
            return;
        }
        Rows rows = EmulatedStrings.read(m, a.ptrAt(4), a.ptrAt(5), a.ptrAt(6), n);
        int[] from = new int[(int) n];
        int[] size = new int[(int) n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            if (rows.valid()[i]) {
                int[] r = f.apply(rows.chars(), rows.start(i), rows.length(i));
                from[i] = r[0];
                size[i] = r[1] - r[0];
                sum += size[i];
            }
        }
        EmulatedStrings.writeInts(m, starts, from);
        EmulatedStrings.writeInts(m, sizes, size);
        EmulatedStrings.writeValidity(m, outValidity, rows.valid());
        EmulatedStrings.addLong(m, total, sum);
    }

    /** UTF8String.substringSQL(pos, len) as byte positions, units cut at the row's end. */
    private static int[] substring(byte[] s, int base, int bytes, int pos, int len) {
        int end = base + bytes;
        long start = 0;
        if (pos > 0) {
            start = pos - 1L;
        } else if (pos < 0) {
            int c = 0;
            for (int p = base; p < end; p += unitBytes(s[p])) {
                c++;
            }
            start = (long) c + pos;
        }
        long until = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, start + len));
        int p = base;
        int q = base;
        if (until > start && start < bytes) {
            long c = 0;
            while (p < end && c < start) {
                p = nextUnit(s, p, end);
                c++;
            }
            q = p;
            while (q < end && c < until) {
                q = nextUnit(s, q, end);
                c++;
            }
        }
        return new int[] {p, q};
    }

    private static int[] trim(byte[] s, int base, int bytes, byte[] set, int mode) {
        int end = base + bytes;
        int p = base;
        if ((mode & 1) != 0) {
            while (p < end) {
                int q = nextUnit(s, p, end);
                if (!occurs(s, p, q - p, set)) {
                    break;
                }
                p = q;
            }
        }
        int last = end;
        if ((mode & 2) != 0) {
            last = p;
            for (int u = p; u < end;) {
                int q = nextUnit(s, u, end);
                if (!occurs(s, u, q - u, set)) {
                    last = q;
                }
                u = q;
            }
        }
        return new int[] {p, last};
    }

    private static boolean occurs(byte[] s, int p, int k, byte[] set) {
        for (int at = 0; at + k <= set.length; at++) {
            if (Arrays.equals(s, p, p + k, set, at, at + k)) {
                return true;
            }
        }
        return false;
    }

    private static void copyRanges(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long outChars = a.ptrAt(0), outOffsets = a.ptrAt(1), chars = a.ptrAt(2), starts = a.ptrAt(3);
        long n = a.i64At(4);
        if (n == 0) {
            return;
        }
        m.check(outOffsets, (n + 1) * 4);
        m.check(starts, n * 4);
        for (long i = 0; i < n; i++) {
            int at = m.getInt(outOffsets + i * 4);
            int len = m.getInt(outOffsets + i * 4 + 4) - at;
            if (len > 0) {
                long from = chars + m.getInt(starts + i * 4);
                m.check(from, len);
                m.check(outChars + at, len);
                m.copy(from, outChars + at, len);
            }
        }
    }

    private static void caseAscii(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long outChars = a.ptrAt(0), flags = a.ptrAt(1), count = a.ptrAt(2);
        boolean upper = a.i32At(6) != 0;
        long n = a.i64At(7);
        if (n == 0) {
            return;
        }
        Rows rows = EmulatedStrings.read(m, a.ptrAt(3), a.ptrAt(4), a.ptrAt(5), n);
        m.check(flags, n);
        byte[] s = rows.chars();
        long flagged = 0;
        char lo = upper ? 'a' : 'A';
        for (int i = 0; i < n; i++) {
            byte flag = 0;
            if (rows.valid()[i]) {
                int start = rows.start(i);
                int len = rows.length(i);
                m.check(outChars + start, len);
                for (int k = start; k < start + len; k++) {
                    int b = s[k] & 0xff;
                    if (b >= 0xC2 && b <= 0xF4) {
                        flag = 1;
                    }
                    m.putByte(outChars + k, (byte) (b >= lo && b <= lo + 25 ? b ^ 0x20 : b));
                }
            }
            m.putByte(flags + i, flag);
            flagged += flag;
        }
        EmulatedStrings.addLong(m, count, flagged);
    }

    private static boolean match(byte[] s, int p, int len, byte[] pat, int mode) {
        if (pat.length > len) {
            return false;
        }
        return switch (mode) {
            case 0 -> Arrays.equals(s, p, p + pat.length, pat, 0, pat.length);
            case 1 -> Arrays.equals(s, p + len - pat.length, p + len, pat, 0, pat.length);
            default -> {
                for (int at = p; at + pat.length <= p + len; at++) {
                    if (Arrays.equals(s, at, at + pat.length, pat, 0, pat.length)) {
                        yield true;
                    }
                }
                yield false;
            }
        };
    }

    /** Tokens [a, b) (no '%') at p within [p, end): the position after the match, or -1. */
    private static int segment(int[] prog, int a, int b, byte[] s, int p, int end) {
        for (int t = a; t < b; t++) {
            if (p >= end) {
                return -1;
            }
            int kind = prog[2 * t];
            if (kind == 0) {
                p = nextUnit(s, p, end);
            } else {
                if (p + kind > end) {
                    return -1;
                }
                int bytes = prog[2 * t + 1];
                for (int k = 0; k < kind; k++) {
                    if ((s[p + k] & 0xff) != ((bytes >>> (8 * k)) & 0xff)) {
                        return -1;
                    }
                }
                p += kind;
            }
        }
        return p;
    }

    private static boolean like(int[] prog, int tokens, byte[] s, int start, int len) {
        int end = start + len;
        int first = 0;
        while (first < tokens && prog[2 * first] != -1) {
            first++;
        }
        int p = segment(prog, 0, first, s, start, end);
        if (p < 0) {
            return false;
        }
        if (first == tokens) {
            return p == end;
        }
        int last = tokens - 1;
        while (prog[2 * last] != -1) {
            last--;
        }
        int tail = tokens - 1 - last;
        int units = 0;
        for (int u = p; u < end; u = nextUnit(s, u, end)) {
            units++;
        }
        if (units < tail) {
            return false;
        }
        int q = p;
        for (int k = 0; k < units - tail; k++) {
            q = nextUnit(s, q, end);
        }
        if (segment(prog, last + 1, tokens, s, q, end) != end) {
            return false;
        }
        for (int t = first; t < last;) {
            int b = t + 1;
            while (prog[2 * b] != -1) {
                b++;
            }
            if (b > t + 1) {
                int found = -1;
                for (int at = p; at < q && found < 0; at = nextUnit(s, at, q)) {
                    found = segment(prog, t + 1, b, s, at, q);
                }
                if (found < 0) {
                    return false;
                }
                p = found;
            }
            t = b;
        }
        return true;
    }

    private static void inList(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long out = a.ptrAt(0), outValidity = a.ptrAt(1);
        int listCount = a.i32At(7);
        boolean listHasNull = a.i32At(8) != 0;
        long n = a.i64At(9);
        if (n == 0) {
            return;
        }
        Rows list = EmulatedStrings.read(m, a.ptrAt(5), a.ptrAt(6), 0, listCount);
        Rows rows = EmulatedStrings.read(m, a.ptrAt(2), a.ptrAt(3), a.ptrAt(4), n);
        m.check(out, n);
        boolean[] valid = new boolean[(int) n];
        for (int i = 0; i < n; i++) {
            boolean hit = false;
            if (rows.valid()[i]) {
                for (int k = 0; k < listCount && !hit; k++) {
                    hit = Arrays.equals(rows.chars(), rows.start(i), rows.start(i) + rows.length(i), list.chars(),
                            list.start(k), list.start(k) + list.length(k));
                }
                valid[i] = hit || !listHasNull;
            }
            m.putByte(out + i, (byte) (hit ? 1 : 0));
        }
        EmulatedStrings.writeValidity(m, outValidity, valid);
    }

    /** The concatenation descriptors: per input {offsets, chars, validity, scalar length}. */
    private static long[] descriptors(EmulatedMemory m, long inputs, int count) {
        m.check(inputs, count * 32L);
        long[] d = new long[count * 4];
        for (int k = 0; k < d.length; k++) {
            d[k] = m.getLong(inputs + k * 8L);
        }
        return d;
    }

    private static int partLength(EmulatedMemory m, long[] d, int k, long i) {
        if (d[4 * k] == 0) {
            return (int) d[4 * k + 3];
        }
        m.check(d[4 * k] + i * 4, 8);
        return m.getInt(d[4 * k] + i * 4 + 4) - m.getInt(d[4 * k] + i * 4);
    }

    private static void concatSizes(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long sizes = a.ptrAt(0), outValidity = a.ptrAt(1), total = a.ptrAt(2);
        int count = a.i32At(4);
        long n = a.i64At(5);
        m.check(sizes, (n + 1) * 4);
        m.putInt(sizes + n * 4, 0);
        if (n == 0) {
            return;
        }
        long[] d = descriptors(m, a.ptrAt(3), count);
        boolean[] valid = new boolean[(int) n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            boolean v = true;
            for (int k = 0; k < count && v; k++) {
                if (d[4 * k] != 0 && d[4 * k + 2] != 0) {
                    m.check(d[4 * k + 2] + (i >>> 3), 1);
                    v = m.isValid(d[4 * k + 2], i);
                }
            }
            long size = 0;
            if (v) {
                for (int k = 0; k < count; k++) {
                    size += Integer.toUnsignedLong(partLength(m, d, k, i));
                }
            }
            valid[i] = v;
            m.putInt(sizes + i * 4L, (int) size);
            sum += size;
        }
        EmulatedStrings.writeValidity(m, outValidity, valid);
        EmulatedStrings.addLong(m, total, sum);
    }

    private static void concatChars(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long outChars = a.ptrAt(0), outOffsets = a.ptrAt(1);
        int count = a.i32At(3);
        long n = a.i64At(4);
        if (n == 0) {
            return;
        }
        long[] d = descriptors(m, a.ptrAt(2), count);
        m.check(outOffsets, (n + 1) * 4);
        for (long i = 0; i < n; i++) {
            int at = m.getInt(outOffsets + i * 4);
            if (m.getInt(outOffsets + i * 4 + 4) > at) {
                for (int k = 0; k < count; k++) {
                    int len = partLength(m, d, k, i);
                    long src = d[4 * k + 1] + (d[4 * k] == 0 ? 0 : m.getInt(d[4 * k] + i * 4));
                    m.check(src, len);
                    m.check(outChars + at, len);
                    m.copy(src, outChars + at, len);
                    at += len;
                }
            }
        }
    }
}
