package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.SortKernels.COMPOSE;
import static dev.ember.cuda.kernel.SortKernels.DIGIT;
import static dev.ember.cuda.kernel.SortKernels.NULL_DIGIT;
import static dev.ember.cuda.kernel.SortKernels.RANK_MARKS;
import static dev.ember.cuda.kernel.SortKernels.STRING_WORD;
import static dev.ember.cuda.kernel.SortKernels.TIE_BITS;

import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.SortKernels;
import java.util.HashMap;
import java.util.Map;

/**
 * Emulations of {@code sort.cu}, row by row: each key value's order-preserving words from Java's own
 * view of the value (a signed integer offset into the unsigned range, a float's total order with NaN
 * and -0.0 canonicalized first), the OR accumulators, the digits at the permutation, the composition;
 * a string's round word from its bytes as a Java array, the bits that differ within groups of equal rank
 * and the rank marks from pairs of neighbouring rows.
 */
final class SortEmulation {
    private SortEmulation() {}

    /** How one key type reads a row and turns it into words. */
    private interface Reader {
        void words(EmulatedMemory m, long data, long i, long[] out);
    }

    static Map<String, KernelEmulation> emulations() {
        Map<String, KernelEmulation> map = new HashMap<>();
        map.put(SortKernels.NORMALIZE_BOOL8, normalize(SortKernels.NORMALIZE_BOOL8, 1, 1, 1,
                (m, d, i, out) -> out[0] = m.getByte(d + i) != 0 ? 1 : 0));
        map.put(SortKernels.NORMALIZE_I8, normalize(SortKernels.NORMALIZE_I8, 1, 1, 8,
                (m, d, i, out) -> out[0] = m.getByte(d + i) + 128L));
        map.put(SortKernels.NORMALIZE_I16, normalize(SortKernels.NORMALIZE_I16, 2, 1, 16,
                (m, d, i, out) -> out[0] = m.getShort(d + i * 2) + 32768L));
        map.put(SortKernels.NORMALIZE_I32, normalize(SortKernels.NORMALIZE_I32, 4, 1, 32,
                (m, d, i, out) -> out[0] = m.getInt(d + i * 4) + 2147483648L));
        map.put(SortKernels.NORMALIZE_I64, normalize(SortKernels.NORMALIZE_I64, 8, 1, 64,
                (m, d, i, out) -> out[0] = m.getLong(d + i * 8) + Long.MIN_VALUE));
        map.put(SortKernels.NORMALIZE_F32, normalize(SortKernels.NORMALIZE_F32, 4, 1, 32,
                (m, d, i, out) -> out[0] = floatWord(m.getFloat(d + i * 4))));
        map.put(SortKernels.NORMALIZE_F64, normalize(SortKernels.NORMALIZE_F64, 8, 1, 64,
                (m, d, i, out) -> out[0] = doubleWord(m.getDouble(d + i * 8))));
        map.put(SortKernels.NORMALIZE_DEC128, normalize(SortKernels.NORMALIZE_DEC128, 16, 2, 64, (m, d, i, out) -> {
            out[0] = m.getLong(d + i * 16 + 8) + Long.MIN_VALUE;
            out[1] = m.getLong(d + i * 16);
        }));
        map.put(DIGIT, SortEmulation::digit);
        map.put(NULL_DIGIT, SortEmulation::nullDigit);
        map.put(COMPOSE, SortEmulation::compose);
        map.put(STRING_WORD, SortEmulation::stringWord);
        map.put(TIE_BITS, SortEmulation::tieBits);
        map.put(RANK_MARKS, SortEmulation::rankMarks);
        return map;
    }

    /**
     * A float's rank as an unsigned 32-bit word: NaN (any) above +Infinity, -0.0 as 0.0; negative values
     * below 0x80000000 in reverse order of their magnitude, the others from 0x80000000 up.
     */
    static long floatWord(float v) {
        if (Float.isNaN(v)) {
            return 0xffc00000L;
        }
        int bits = Float.floatToIntBits(v == 0.0f ? 0.0f : v);
        return bits < 0 ? (~bits) & 0xffffffffL : bits + 2147483648L;
    }

    /** As {@link #floatWord}, 64 bits: the NaN word is 0xfff8000000000000. */
    static long doubleWord(double v) {
        if (Double.isNaN(v)) {
            return 0xfff8000000000000L;
        }
        long bits = Double.doubleToLongBits(v == 0.0 ? 0.0 : v);
        return bits < 0 ? ~bits : bits + Long.MIN_VALUE;
    }

    private static KernelEmulation normalize(String kernel, int width, int words, int bits, Reader reader) {
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        return (cfg, a, m) -> {
            long keys = a.ptrAt(0), acc = a.ptrAt(1), data = a.ptrAt(2), validity = a.ptrAt(3);
            boolean descending = a.i32At(4) != 0;
            long n = a.i64At(5);
            if (n < 0) {
                throw new IllegalArgumentException(kernel + ": " + n + " rows");
            }
            if (cfg.blockX() % 32 != 0 || cfg.blockY() != 1 || cfg.blockZ() != 1) {
                throw new IllegalArgumentException(kernel + " needs blocks of whole warps, not " + cfg);
            }
            m.check(acc, (2L * words + 1) * 8);
            if (n == 0) {
                return;
            }
            m.check(keys, n * words * 8);
            m.check(data, n * width);
            if (validity != 0) {
                m.check(validity, (n + 7) / 8);
            }
            long[] any = new long[words];
            long[] anyNot = new long[words];
            long seen = 0;
            long[] w = new long[words];
            for (long i = 0; i < n; i++) {
                if (m.isValid(validity, i)) {
                    reader.words(m, data, i, w);
                    for (int k = 0; k < words; k++) {
                        w[k] = descending ? w[k] ^ mask : w[k];
                        any[k] |= w[k];
                        anyNot[k] |= ~w[k];
                    }
                    seen |= 2;
                } else {
                    java.util.Arrays.fill(w, 0L);
                    seen |= 1;
                }
                for (int k = 0; k < words; k++) {
                    m.putLong(keys + (k * n + i) * 8, w[k]);
                }
            }
            for (int k = 0; k < words; k++) {
                m.putLong(acc + 16L * k, m.getLong(acc + 16L * k) | any[k]);
                m.putLong(acc + 16L * k + 8, m.getLong(acc + 16L * k + 8) | anyNot[k]);
            }
            m.putLong(acc + 16L * words, m.getLong(acc + 16L * words) | seen);
        };
    }

    /** Checks the permutation step's buffers; returns nothing. */
    private static void checkStep(String kernel, EmulatedMemory m, long out, long permOut, long permIn, long order,
            long n) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kernel + ": " + n + " rows");
        }
        m.check(out, n * 4);
        m.check(permOut, n * 4);
        if (permIn != 0) {
            m.check(permIn, n * 4);
        }
        if (order != 0) {
            m.check(order, n * 4);
        }
    }

    /** Row {@code p} of the step: {@code permIn[order[i]]}, either map absent meaning the identity. */
    private static int source(String kernel, EmulatedMemory m, long permIn, long order, long i, long n) {
        long o = order != 0 ? m.getInt(order + i * 4) : i;
        if (o < 0 || o >= n) {
            throw new IllegalStateException(kernel + ": order[" + i + "] = " + o + " is outside [0, " + n + ")");
        }
        long p = permIn != 0 ? m.getInt(permIn + o * 4) : o;
        if (p < 0 || p >= n) {
            throw new IllegalStateException(kernel + ": perm[" + o + "] = " + p + " is outside [0, " + n + ")");
        }
        return (int) p;
    }

    private static void digit(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long digits = a.ptrAt(0), permOut = a.ptrAt(1), permIn = a.ptrAt(2), order = a.ptrAt(3), keys = a.ptrAt(4);
        int shift = a.i32At(5);
        long n = a.i64At(6);
        if (shift < 0 || shift > 56) {
            throw new IllegalArgumentException(DIGIT + ": shift " + shift + " is outside [0, 56]");
        }
        checkStep(DIGIT, m, digits, permOut, permIn, order, n);
        if (n > 0) {
            m.check(keys, n * 8);
        }
        for (long i = 0; i < n; i++) {
            int p = source(DIGIT, m, permIn, order, i, n);
            m.putInt(permOut + i * 4, p);
            m.putInt(digits + i * 4, (int) ((m.getLong(keys + p * 8L) >>> shift) & 0xff));
        }
    }

    private static void nullDigit(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long digits = a.ptrAt(0), permOut = a.ptrAt(1), permIn = a.ptrAt(2), order = a.ptrAt(3);
        long validity = a.ptrAt(4);
        boolean nullsFirst = a.i32At(5) != 0;
        long n = a.i64At(6);
        checkStep(NULL_DIGIT, m, digits, permOut, permIn, order, n);
        if (n == 0) {
            return;
        }
        if (validity == 0) {
            throw new IllegalArgumentException(NULL_DIGIT + " needs a validity bitmap");
        }
        m.check(validity, (n + 7) / 8);
        for (long i = 0; i < n; i++) {
            int p = source(NULL_DIGIT, m, permIn, order, i, n);
            m.putInt(permOut + i * 4, p);
            boolean first = m.isValid(validity, p) != nullsFirst;
            m.putInt(digits + i * 4, first ? 0 : 1);
        }
    }

    private static void compose(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long out = a.ptrAt(0), perm = a.ptrAt(1), order = a.ptrAt(2);
        long n = a.i64At(3);
        if (n > 0 && (perm == 0 || order == 0)) {
            throw new IllegalArgumentException(COMPOSE + " needs both maps");
        }
        checkStep(COMPOSE, m, out, out, perm, order, n);
        for (long i = 0; i < n; i++) {
            m.putInt(out + i * 4, source(COMPOSE, m, perm, order, i, n));
        }
    }

    /**
     * The word of a string's bytes from {@code start}: up to 7 of them, the first in the top byte, then
     * how many bytes are left, at most 8. An empty tail (or a null row) gives 0.
     */
    static long stringWord(byte[] value, long start) {
        long left = Math.max(0, value.length - start);
        long word = 0;
        for (int j = 0; j < 7; j++) {
            long at = start + j;
            int b = at < value.length ? value[(int) at] & 0xff : 0;
            word = (word << 8) | b;
        }
        return (word << 8) | Math.min(left, 8);
    }

    private static void stringWord(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long keys = a.ptrAt(0), acc = a.ptrAt(1), offsets = a.ptrAt(2), chars = a.ptrAt(3), validity = a.ptrAt(4);
        long start = a.i64At(5);
        long n = a.i64At(6);
        if (n < 0 || start < 0) {
            throw new IllegalArgumentException(STRING_WORD + ": " + n + " rows from byte " + start);
        }
        if (cfg.blockX() % 32 != 0 || cfg.blockY() != 1 || cfg.blockZ() != 1) {
            throw new IllegalArgumentException(STRING_WORD + " needs blocks of whole warps, not " + cfg);
        }
        m.check(acc, 16);
        if (n == 0) {
            return;
        }
        m.check(keys, n * 8);
        m.check(offsets, (n + 1) * 4);
        if (validity != 0) {
            m.check(validity, (n + 7) / 8);
        }
        long any = 0;
        long anyNot = 0;
        for (long i = 0; i < n; i++) {
            long word = 0;
            if (m.isValid(validity, i)) {
                int from = m.getInt(offsets + i * 4);
                int to = m.getInt(offsets + (i + 1) * 4);
                if (from < 0 || to < from) {
                    throw new IllegalStateException(STRING_WORD + ": row " + i + " has offsets " + from + ", " + to);
                }
                byte[] value = new byte[to - from];
                if (value.length > 0) {
                    m.check(chars + from, value.length);
                }
                for (int j = 0; j < value.length; j++) {
                    value[j] = m.getByte(chars + from + j);
                }
                word = stringWord(value, start);
            }
            m.putLong(keys + i * 8, word);
            any |= word;
            anyNot |= ~word;
        }
        m.putLong(acc, m.getLong(acc) | any);
        m.putLong(acc + 8, m.getLong(acc + 8) | anyNot);
    }

    private static void tieBits(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long bits = a.ptrAt(0), order = a.ptrAt(1), rank = a.ptrAt(2), keys = a.ptrAt(3);
        long n = a.i64At(4);
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(TIE_BITS + ": " + n + " rows");
        }
        if (cfg.blockX() % 32 != 0 || cfg.blockY() != 1 || cfg.blockZ() != 1) {
            throw new IllegalArgumentException(TIE_BITS + " needs blocks of whole warps, not " + cfg);
        }
        m.check(bits, 8);
        if (n < 2) {
            return;
        }
        m.check(order, n * 4);
        m.check(rank, n * 4);
        m.check(keys, n * 8);
        // Group the rows by rank in the order given, then OR each member's difference from its group's first.
        long differ = 0;
        int first = -1;
        for (long p = 0; p < n; p++) {
            int row = m.getInt(order + p * 4);
            if (row < 0 || row >= n) {
                throw new IllegalStateException(TIE_BITS + ": order[" + p + "] = " + row + " is outside [0, " + n + ")");
            }
            if (first < 0 || m.getInt(rank + first * 4L) != m.getInt(rank + row * 4L)) {
                first = row;
            } else {
                differ |= m.getLong(keys + first * 8L) ^ m.getLong(keys + row * 8L);
            }
        }
        m.putLong(bits, m.getLong(bits) | differ);
    }

    private static void rankMarks(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long marks = a.ptrAt(0), more = a.ptrAt(1), order = a.ptrAt(2), rank = a.ptrAt(3), keys = a.ptrAt(4);
        long n = a.i64At(5);
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(RANK_MARKS + ": " + n + " rows");
        }
        if (cfg.blockX() % 32 != 0 || cfg.blockY() != 1 || cfg.blockZ() != 1) {
            throw new IllegalArgumentException(RANK_MARKS + " needs blocks of whole warps, not " + cfg);
        }
        m.check(more, 16);
        if (n == 0) {
            return;
        }
        m.check(marks, n * 4);
        m.check(order, n * 4);
        m.check(keys, n * 8);
        if (rank != 0) {
            m.check(rank, n * 4);
        }
        long continuing = 0;
        long groups = 1;
        int previous = -1;
        for (long p = 0; p < n; p++) {
            int row = m.getInt(order + p * 4);
            if (row < 0 || row >= n) {
                throw new IllegalStateException(RANK_MARKS + ": order[" + p + "] = " + row + " is outside [0, " + n + ")");
            }
            if (p > 0) {
                long word = m.getLong(keys + row * 8L);
                boolean sameWord = m.getLong(keys + previous * 8L) == word;
                boolean sameRank = rank == 0 || m.getInt(rank + previous * 4L) == m.getInt(rank + row * 4L);
                boolean tie = sameWord && sameRank;
                // The mark belongs to the earlier position: a new group starts after it.
                m.putInt(marks + (p - 1) * 4, tie ? 0 : 1);
                if (tie && (word & 0xff) == 8) {
                    continuing++;
                }
                groups += tie ? 0 : 1;
            }
            previous = row;
        }
        m.putInt(marks + (n - 1) * 4, 0);
        m.putLong(more, m.getLong(more) + continuing);
        m.putLong(more + 8, m.getLong(more + 8) + groups - 1);
    }
}
