package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.WindowKernels.SCAN_CHUNK;

import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.WindowKernels;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Emulations of {@code window.cu}, row by row from the contracts: values are read as Java longs
 * (integers, sign-extended) or doubles (floats), compared in Spark's order (NaN greatest and equal to
 * NaN, -0.0 equal to 0.0), and written back in the type's width.
 */
final class WindowEmulation {
    private WindowEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        Map<String, KernelEmulation> map = new HashMap<>();
        map.put(WindowKernels.BOUNDARIES, (cfg, a, m) -> boundaries(a, m));
        map.put(WindowKernels.SEGMENT_STARTS, (cfg, a, m) -> {
            long segStart = a.ptrAt(0), flags = a.ptrAt(1), excl = a.ptrAt(2), n = rows(a, 3);
            for (long i = 0; i < n; i++) {
                int f = m.getInt(flags + 4 * i), e = m.getInt(excl + 4 * i);
                if (f != 0) {
                    m.putInt(segStart + 4L * e, (int) i);
                }
                if (i == n - 1) {
                    m.putInt(segStart + 4L * (e + f), (int) n);
                }
            }
        });
        map.put(WindowKernels.SEGMENT_BOUNDS, (cfg, a, m) -> {
            long start = a.ptrAt(0), end = a.ptrAt(1), flags = a.ptrAt(2), excl = a.ptrAt(3), seg = a.ptrAt(4);
            long n = rows(a, 5);
            for (long i = 0; i < n; i++) {
                long s = m.getInt(excl + 4 * i) + m.getInt(flags + 4 * i) - 1;
                m.putInt(start + 4 * i, m.getInt(seg + 4 * s));
                m.putInt(end + 4 * i, m.getInt(seg + 4 * (s + 1)));
            }
        });
        map.put(WindowKernels.HEAD_FLAGS, (cfg, a, m) -> forRows(a, 2, i ->
                m.putInt(a.ptrAt(0) + 4 * i, m.getInt(a.ptrAt(1) + 4 * i) == i ? 1 : 0)));
        map.put(WindowKernels.ROW_NUMBER, (cfg, a, m) -> forRows(a, 2, i ->
                m.putInt(a.ptrAt(0) + 4 * i, (int) (i - m.getInt(a.ptrAt(1) + 4 * i) + 1))));
        map.put(WindowKernels.RANK, (cfg, a, m) -> forRows(a, 3, i ->
                m.putInt(a.ptrAt(0) + 4 * i, m.getInt(a.ptrAt(2) + 4 * i) - m.getInt(a.ptrAt(1) + 4 * i) + 1)));
        map.put(WindowKernels.DENSE_RANK, (cfg, a, m) -> forRows(a, 4, i -> {
            long excl = a.ptrAt(3);
            int gs = m.getInt(a.ptrAt(1) + 4 * i);
            m.putInt(a.ptrAt(0) + 4 * i, m.getInt(excl + 4 * i) + m.getInt(a.ptrAt(2) + 4 * i) - m.getInt(excl + 4L * gs));
        }));
        map.put(WindowKernels.PERCENT_RANK, (cfg, a, m) -> forRows(a, 4, i -> {
            int gs = m.getInt(a.ptrAt(1) + 4 * i), ge = m.getInt(a.ptrAt(2) + 4 * i), ps = m.getInt(a.ptrAt(3) + 4 * i);
            int size = ge - gs;
            m.putDouble(a.ptrAt(0) + 8 * i, size > 1 ? (double) (ps - gs) / (double) (size - 1) : 0.0);
        }));
        map.put(WindowKernels.CUME_DIST, (cfg, a, m) -> forRows(a, 4, i -> {
            int gs = m.getInt(a.ptrAt(1) + 4 * i), ge = m.getInt(a.ptrAt(2) + 4 * i), pe = m.getInt(a.ptrAt(3) + 4 * i);
            m.putDouble(a.ptrAt(0) + 8 * i, (double) (pe - gs) / (double) (ge - gs));
        }));
        map.put(WindowKernels.NTILE, (cfg, a, m) -> {
            int k = a.i32At(3);
            if (k <= 0) {
                throw new IllegalArgumentException(WindowKernels.NTILE + ": k = " + k);
            }
            forRows(a, 4, i -> m.putInt(a.ptrAt(0) + 4 * i, ntile(m.getInt(a.ptrAt(1) + 4 * i),
                    m.getInt(a.ptrAt(2) + 4 * i), k, (int) i)));
        });
        map.put(WindowKernels.OFFSET_MAP, (cfg, a, m) -> {
            long offset = a.i64At(3);
            forRows(a, 4, i -> {
                int gs = m.getInt(a.ptrAt(1) + 4 * i), ge = m.getInt(a.ptrAt(2) + 4 * i);
                // Compared without overflow: j = i + offset lies in [gs, ge) iff offset lies in [gs - i, ge - i).
                boolean inside = offset >= gs - i && offset < ge - i;
                m.putInt(a.ptrAt(0) + 4 * i, inside ? (int) (i + offset) : -1);
            });
        });
        map.put(WindowKernels.LAST_MAP, (cfg, a, m) -> forRows(a, 2, i ->
                m.putInt(a.ptrAt(0) + 4 * i, m.getInt(a.ptrAt(1) + 4 * i) - 1)));
        map.put(WindowKernels.ROWS_FRAME, (cfg, a, m) -> rowsFrame(a, m));
        for (String t : WindowKernels.RANGE_TYPES) {
            map.put(WindowKernels.rangeFrame(t), (cfg, a, m) -> WindowRangeEmulation.rangeFrame(t, a, m));
        }
        for (String t : WindowKernels.INT_TYPES) {
            map.put(WindowKernels.prefixSums(t), (cfg, a, m) -> {
                long sums = a.ptrAt(0), values = a.ptrAt(1), validity = a.ptrAt(2), n = rows(a, 3);
                m.check(sums, (n + 1) * 8);
                for (long i = 0; i <= n; i++) {
                    m.putLong(sums + 8 * i, i < n && m.isValid(validity, i) ? readLong(m, t, values, i) : 0);
                }
            });
        }
        map.put(WindowKernels.PREFIX_COUNTS, (cfg, a, m) -> {
            long counts = a.ptrAt(0), validity = a.ptrAt(1), n = rows(a, 2);
            m.check(counts, (n + 1) * 4);
            for (long i = 0; i <= n; i++) {
                m.putInt(counts + 4 * i, i < n && m.isValid(validity, i) ? 1 : 0);
            }
        });
        map.put(WindowKernels.FRAME_SUM_I64, (cfg, a, m) -> {
            long out = a.ptrAt(0), outValidity = a.ptrAt(1), sums = a.ptrAt(2), counts = a.ptrAt(3);
            long n = rows(a, 6);
            boolean[] valid = new boolean[(int) n];
            for (long i = 0; i < n; i++) {
                int[] f = frame(m, a.ptrAt(4), a.ptrAt(5), i);
                valid[(int) i] = m.getInt(counts + 4L * f[1]) - m.getInt(counts + 4L * f[0]) > 0;
                m.putLong(out + 8 * i, valid[(int) i] ? m.getLong(sums + 8L * f[1]) - m.getLong(sums + 8L * f[0]) : 0);
            }
            writeValidity(m, outValidity, valid);
        });
        map.put(WindowKernels.FRAME_COUNT, (cfg, a, m) -> forRows(a, 4, i -> {
            int[] f = frame(m, a.ptrAt(2), a.ptrAt(3), i);
            long counts = a.ptrAt(1);
            m.putLong(a.ptrAt(0) + 8 * i, m.getInt(counts + 4L * f[1]) - m.getInt(counts + 4L * f[0]));
        }));
        for (String t : WindowKernels.FLOAT_TYPES) {
            map.put(WindowKernels.frameSum(t), (cfg, a, m) -> frameSum(t, a, m));
        }
        for (String t : WindowKernels.MINMAX_TYPES) {
            map.put(WindowKernels.frameMinMax(t), (cfg, a, m) -> frameMinMax(t, a, m));
            map.put(WindowKernels.scanPrep(t), (cfg, a, m) -> scanPrep(t, t, false, a, m));
            map.put(WindowKernels.scanChunksMinMax(t), (cfg, a, m) ->
                    scanChunks(t, a.i32At(6) != 0 ? MAX : MIN, a, m, 7));
            map.put(WindowKernels.scanFixupMinMax(t), (cfg, a, m) ->
                    scanFixup(t, a.i32At(4) != 0 ? MAX : MIN, a, m, 5));
        }
        map.put(WindowKernels.SCAN_PREP_SUM_F32, (cfg, a, m) -> scanPrep("f32", "f64", true, a, m));
        map.put(WindowKernels.SCAN_PREP_SUM_F64, (cfg, a, m) -> scanPrep("f64", "f64", true, a, m));
        map.put(WindowKernels.SCAN_CHUNKS_SUM_F64, (cfg, a, m) -> scanChunks("f64", SUM, a, m, 6));
        map.put(WindowKernels.SCAN_FIXUP_SUM_F64, (cfg, a, m) -> scanFixup("f64", SUM, a, m, 4));
        map.put(WindowKernels.STATE_VALIDITY, (cfg, a, m) -> {
            long out = a.ptrAt(0), state = a.ptrAt(1), n = rows(a, 2);
            boolean[] valid = new boolean[(int) n];
            for (int i = 0; i < n; i++) {
                valid[i] = (m.getByte(state + i) & 1) != 0;
            }
            writeValidity(m, out, valid);
        });
        return map;
    }

    // ---- helpers ----

    interface RowAction {
        void run(long i);
    }

    static long rows(KernelArgs a, int index) {
        long n = a.i64At(index);
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("window kernel over " + n + " rows");
        }
        return n;
    }

    private static void forRows(KernelArgs a, int nIndex, RowAction action) {
        long n = rows(a, nIndex);
        for (long i = 0; i < n; i++) {
            action.run(i);
        }
    }

    static int width(String t) {
        return switch (t) {
            case "i8" -> 1;
            case "i16" -> 2;
            case "i32", "f32" -> 4;
            default -> 8;
        };
    }

    static boolean floating(String t) {
        return t.startsWith("f");
    }

    static long readLong(EmulatedMemory m, String t, long base, long i) {
        return switch (t) {
            case "i8" -> m.getByte(base + i);
            case "i16" -> m.getShort(base + 2 * i);
            case "i32" -> m.getInt(base + 4 * i);
            default -> m.getLong(base + 8 * i);
        };
    }

    static double readDouble(EmulatedMemory m, String t, long base, long i) {
        return t.equals("f32") ? m.getFloat(base + 4 * i) : m.getDouble(base + 8 * i);
    }

    /** A NaN as the canonical NaN (addition leaves processor-dependent NaN payloads). */
    static double canonical(double v) {
        return Double.isNaN(v) ? Double.NaN : v;
    }

    /** Spark's order of doubles: NaN greatest and equal to NaN, -0.0 equal to 0.0. */
    static int compareDoubles(double x, double y) {
        return x == y ? 0 : Double.compare(x, y);
    }

    /** The least index in [lo, hi) where {@code p} holds ({@code p} false then true), else hi. */
    static int first(int lo, int hi, IntPredicate p) {
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (p.test(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Frame [s, e) of row i with e >= s. */
    private static int[] frame(EmulatedMemory m, long fs, long fe, long i) {
        int s = m.getInt(fs + 4 * i);
        return new int[] {s, Math.max(s, m.getInt(fe + 4 * i))};
    }

    static void writeValidity(EmulatedMemory m, long bitmap, boolean[] valid) {
        long bytes = (valid.length + 63L) / 64 * 8;
        m.check(bitmap, bytes);
        m.set(bitmap, (byte) 0, bytes);
        for (int i = 0; i < valid.length; i++) {
            if (valid[i]) {
                m.putByte(bitmap + (i >>> 3), (byte) (m.getByte(bitmap + (i >>> 3)) | (1 << (i & 7))));
            }
        }
    }

    private static int ntile(int gs, int ge, int k, int i) {
        int size = ge - gs;
        // Spark's NTile, row by row: bucket grows when the row number reaches the threshold.
        int q = size / k, r = size % k;
        int row = 0, bucket = 0, threshold = 0;
        int target = i - gs;
        for (int j = 0; j <= target; j++) {
            if (row >= threshold) {
                threshold += q + (bucket < r ? 1 : 0);
                bucket++;
            }
            row++;
        }
        return bucket;
    }

    private static void boundaries(KernelArgs a, EmulatedMemory m) {
        long flags = a.ptrAt(0), keys = a.ptrAt(1), parent = a.ptrAt(3);
        int numKeys = a.i32At(2);
        long n = rows(a, 4);
        m.check(flags, n * 4);
        EmulatedKeys k = EmulatedKeys.read(m, keys, numKeys, n);
        for (long i = 0; i < n; i++) {
            boolean head = i == 0 || (parent != 0 && m.getInt(parent + 4 * i) == i)
                    || !EmulatedKeys.equal(m, k, i - 1, k, i);
            m.putInt(flags + 4 * i, head ? 1 : 0);
        }
    }

    private static void rowsFrame(KernelArgs a, EmulatedMemory m) {
        long fs = a.ptrAt(0), fe = a.ptrAt(1), gs = a.ptrAt(2), ge = a.ptrAt(3);
        long lower = a.i64At(4), upper = a.i64At(5);
        int kinds = a.i32At(6);
        long n = rows(a, 7);
        int lk = kinds & 3, uk = (kinds >> 2) & 3;
        for (long i = 0; i < n; i++) {
            int g0 = m.getInt(gs + 4 * i), g1 = m.getInt(ge + 4 * i);
            BigInteger row = BigInteger.valueOf(i);
            int s = lk == 0 ? g0 : clamp(row.add(BigInteger.valueOf(lk == 1 ? 0 : lower)), g0, g1);
            int e = uk == 0 ? g1 : clamp(row.add(BigInteger.valueOf(uk == 1 ? 0 : upper)).add(BigInteger.ONE), g0, g1);
            m.putInt(fs + 4 * i, s);
            m.putInt(fe + 4 * i, Math.max(s, e));
        }
    }

    private static int clamp(BigInteger v, int lo, int hi) {
        if (v.compareTo(BigInteger.valueOf(lo)) < 0) {
            return lo;
        }
        return v.compareTo(BigInteger.valueOf(hi)) > 0 ? hi : v.intValueExact();
    }

    private static void frameSum(String t, KernelArgs a, EmulatedMemory m) {
        long out = a.ptrAt(0), outValidity = a.ptrAt(1), values = a.ptrAt(2), validity = a.ptrAt(3);
        long n = rows(a, 6);
        boolean[] valid = new boolean[(int) n];
        for (long i = 0; i < n; i++) {
            int[] f = frame(m, a.ptrAt(4), a.ptrAt(5), i);
            double acc = 0.0;
            for (int j = f[0]; j < f[1]; j++) {
                if (m.isValid(validity, j)) {
                    acc += readDouble(m, t, values, j);
                    valid[(int) i] = true;
                }
            }
            m.putDouble(out + 8 * i, valid[(int) i] ? canonical(acc) : 0.0);
        }
        writeValidity(m, outValidity, valid);
    }

    private static void frameMinMax(String t, KernelArgs a, EmulatedMemory m) {
        long out = a.ptrAt(0), outValidity = a.ptrAt(1), values = a.ptrAt(2), validity = a.ptrAt(3);
        boolean max = a.i32At(6) != 0;
        long n = rows(a, 7);
        boolean[] valid = new boolean[(int) n];
        for (long i = 0; i < n; i++) {
            int[] f = frame(m, a.ptrAt(4), a.ptrAt(5), i);
            int best = -1;
            for (int j = f[0]; j < f[1]; j++) {
                if (m.isValid(validity, j)) {
                    if (best < 0 || better(m, t, values, j, best, max ? MAX : MIN)) {
                        best = j;
                    }
                }
            }
            valid[(int) i] = best >= 0;
            copyValue(m, t, values, best, out, i);
        }
        writeValidity(m, outValidity, valid);
    }

    private static final int SUM = 0;
    private static final int MIN = 1;
    private static final int MAX = 2;

    /** Whether value j strictly beats value k for MIN / MAX. */
    private static boolean better(EmulatedMemory m, String t, long values, long j, long k, int op) {
        int c = floating(t) ? compareDoubles(readDouble(m, t, values, j), readDouble(m, t, values, k))
                : Long.compare(readLong(m, t, values, j), readLong(m, t, values, k));
        return op == MAX ? c > 0 : c < 0;
    }

    /** out[i] = values[j] (a NaN as the canonical NaN), or 0 when j < 0. */
    private static void copyValue(EmulatedMemory m, String t, long values, long j, long out, long i) {
        switch (t) {
            case "i8" -> m.putByte(out + i, j < 0 ? 0 : m.getByte(values + j));
            case "i16" -> m.putShort(out + 2 * i, j < 0 ? 0 : m.getShort(values + 2 * j));
            case "i32" -> m.putInt(out + 4 * i, j < 0 ? 0 : m.getInt(values + 4 * j));
            case "i64" -> m.putLong(out + 8 * i, j < 0 ? 0 : m.getLong(values + 8 * j));
            case "f32" -> m.putInt(out + 4 * i, j < 0 ? 0 : Float.floatToIntBits(m.getFloat(values + 4 * j)));
            default -> m.putLong(out + 8 * i, j < 0 ? 0 : Double.doubleToLongBits(m.getDouble(values + 8 * j)));
        }
    }

    private static void scanPrep(String t, String acc, boolean sum, KernelArgs a, EmulatedMemory m) {
        long out = a.ptrAt(0), state = a.ptrAt(1), values = a.ptrAt(2), validity = a.ptrAt(3), gs = a.ptrAt(4);
        long n = rows(a, 5);
        m.check(out, n * width(acc));
        m.check(state, n);
        for (long i = 0; i < n; i++) {
            boolean valid = m.isValid(validity, i);
            if (sum) {
                m.putDouble(out + 8 * i, valid ? canonical(0.0 + readDouble(m, t, values, i)) : 0.0);
            } else {
                copyValue(m, t, values, valid ? i : -1, out, i);
            }
            m.putByte(state + i, (byte) ((valid ? 1 : 0) | (m.getInt(gs + 4 * i) != i ? 2 : 0)));
        }
    }

    /** A scan element: the accumulator's value (long bits or double) and whether it is valid. */
    private static final class Acc {
        long bits;
        double value;
        boolean valid;
    }

    private static void load(EmulatedMemory m, String t, long base, long i, boolean valid, Acc x) {
        x.valid = valid;
        if (floating(t)) {
            x.value = readDouble(m, t, base, i);
        } else {
            x.bits = readLong(m, t, base, i);
        }
    }

    private static void combine(String t, int op, Acc x, Acc y) {
        if (!y.valid) {
            return;
        }
        if (!x.valid) {
            x.value = y.value;
            x.bits = y.bits;
            x.valid = true;
            return;
        }
        if (op == SUM) {
            x.value = canonical(x.value + y.value);
            return;
        }
        int c = floating(t) ? compareDoubles(y.value, x.value) : Long.compare(y.bits, x.bits);
        if (op == MAX ? c > 0 : c < 0) {
            x.value = y.value;
            x.bits = y.bits;
        }
    }

    private static void store(EmulatedMemory m, String t, long base, long i, Acc x) {
        switch (t) {
            case "i8" -> m.putByte(base + i, x.valid ? (byte) x.bits : 0);
            case "i16" -> m.putShort(base + 2 * i, x.valid ? (short) x.bits : 0);
            case "i32" -> m.putInt(base + 4 * i, x.valid ? (int) x.bits : 0);
            case "i64" -> m.putLong(base + 8 * i, x.valid ? x.bits : 0);
            case "f32" -> m.putFloat(base + 4 * i, x.valid ? (float) x.value : 0.0f);
            default -> m.putDouble(base + 8 * i, x.valid ? x.value : 0.0);
        }
    }

    private static void scanChunks(String t, int op, KernelArgs a, EmulatedMemory m, int nIndex) {
        long accOut = a.ptrAt(0), stateOut = a.ptrAt(1), chunkAcc = a.ptrAt(2), chunkState = a.ptrAt(3);
        long accIn = a.ptrAt(4), stateIn = a.ptrAt(5);
        long n = rows(a, nIndex);
        long chunks = (n + SCAN_CHUNK - 1) / SCAN_CHUNK;
        int w = width(t);
        m.check(accOut, n * w);
        m.check(stateOut, n);
        m.check(chunkAcc, chunks * w);
        m.check(chunkState, chunks);
        Acc x = new Acc();
        Acc y = new Acc();
        for (long c = 0; c < chunks; c++) {
            long begin = c * SCAN_CHUNK, end = Math.min(n, begin + SCAN_CHUNK);
            boolean open = true;
            for (long i = begin; i < end; i++) {
                int st = m.getByte(stateIn + i);
                boolean starts = (st & 2) == 0;
                if (starts || i == begin) {
                    load(m, t, accIn, i, (st & 1) != 0, x);
                } else {
                    load(m, t, accIn, i, (st & 1) != 0, y);
                    combine(t, op, x, y);
                }
                open &= !starts;
                store(m, t, accOut, i, x);
                m.putByte(stateOut + i, (byte) ((x.valid ? 1 : 0) | (open ? 2 : 0)));
            }
            store(m, t, chunkAcc, c, x);
            m.putByte(chunkState + c, (byte) ((x.valid ? 1 : 0) | (open ? 2 : 0)));
        }
    }

    private static void scanFixup(String t, int op, KernelArgs a, EmulatedMemory m, int nIndex) {
        long acc = a.ptrAt(0), state = a.ptrAt(1), carryAcc = a.ptrAt(2), carryState = a.ptrAt(3);
        long n = rows(a, nIndex);
        Acc x = new Acc();
        Acc y = new Acc();
        for (long i = SCAN_CHUNK; i < n; i++) {
            int st = m.getByte(state + i);
            if ((st & 2) == 0) {
                continue;
            }
            long c = i / SCAN_CHUNK;
            load(m, t, carryAcc, c - 1, (m.getByte(carryState + c - 1) & 1) != 0, x);
            load(m, t, acc, i, (st & 1) != 0, y);
            combine(t, op, x, y);
            store(m, t, acc, i, x);
            m.putByte(state + i, (byte) ((x.valid ? 1 : 0) | 2));
        }
    }
}
