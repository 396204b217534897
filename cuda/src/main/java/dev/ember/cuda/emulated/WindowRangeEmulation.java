package dev.ember.cuda.emulated;

import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.WindowKernels;
import java.math.BigInteger;

/**
 * Emulation of {@code ember_window_range_frame_<t>}: RANGE frame bounds by binary search over each
 * group's sorted non-null values. The bound value of a row follows Spark's RangeBoundOrdering: the
 * row's value plus the offset (negated for a descending order), wrapping in the type's width for the
 * integer types, exact for DECIMAL64, in float / double arithmetic for the floats.
 */
final class WindowRangeEmulation {
    private WindowRangeEmulation() {}

    static void rangeFrame(String t, KernelArgs a, EmulatedMemory m) {
        long fs = a.ptrAt(0), fe = a.ptrAt(1), gs = a.ptrAt(2), ge = a.ptrAt(3), ps = a.ptrAt(4), pe = a.ptrAt(5);
        long values = a.ptrAt(6), validity = a.ptrAt(7);
        long lower = a.i64At(8), upper = a.i64At(9);
        int kinds = a.i32At(10);
        long n = WindowEmulation.rows(a, 11);
        int lk = kinds & 3, uk = (kinds >> 2) & 3;
        boolean descending = (kinds & WindowKernels.RANGE_DESCENDING) != 0;
        boolean nullsFirst = (kinds & WindowKernels.RANGE_NULLS_FIRST) != 0;
        String vt = t.equals("dec64") ? "i64" : t;
        if (n > 0) {
            if (lk == 2 || uk == 2) {
                m.check(values, n * WindowEmulation.width(vt));
            }
            m.check(fs, n * 4);
            m.check(fe, n * 4);
        }
        for (long i = 0; i < n; i++) {
            int g0 = m.getInt(gs + 4 * i), g1 = m.getInt(ge + 4 * i);
            int s = lk == 1 ? m.getInt(ps + 4 * i) : g0;
            int e = uk == 1 ? m.getInt(pe + 4 * i) : g1;
            if (lk == 2 || uk == 2) {
                int v0 = g0, v1 = g1;
                if (validity != 0) {
                    if (nullsFirst) {
                        v0 = WindowEmulation.first(g0, g1, j -> m.isValid(validity, j));
                    } else {
                        v1 = WindowEmulation.first(g0, g1, j -> !m.isValid(validity, j));
                    }
                }
                if (!m.isValid(validity, i)) {
                    if (lk == 2) {
                        s = nullsFirst ? g0 : v1;
                    }
                    if (uk == 2) {
                        e = nullsFirst ? v0 : g1;
                    }
                } else {
                    int dir = descending ? -1 : 1;
                    if (lk == 2) {
                        Bound b = bound(m, vt, t, values, i, lower, descending);
                        s = WindowEmulation.first(v0, v1, j -> dir * b.compare(m, values, j) >= 0);
                    }
                    if (uk == 2) {
                        Bound b = bound(m, vt, t, values, i, upper, descending);
                        e = WindowEmulation.first(v0, v1, j -> dir * b.compare(m, values, j) > 0);
                    }
                }
            }
            m.putInt(fs + 4 * i, s);
            m.putInt(fe + 4 * i, Math.max(s, e));
        }
    }

    /** A row's bound value; {@code compare} orders value j against it. */
    private interface Bound {
        int compare(EmulatedMemory m, long values, long j);
    }

    private static Bound bound(EmulatedMemory m, String vt, String t, long values, long i, long offset,
            boolean negate) {
        switch (t) {
            case "f32" -> {
                float v = m.getFloat(values + 4 * i);
                float o = (float) Double.longBitsToDouble(offset);
                float b = negate ? v + (-o) : v + o;
                return (mm, base, j) -> WindowEmulation.compareDoubles(mm.getFloat(base + 4 * j), b);
            }
            case "f64" -> {
                double v = m.getDouble(values + 8 * i);
                double o = Double.longBitsToDouble(offset);
                double b = negate ? v + (-o) : v + o;
                return (mm, base, j) -> WindowEmulation.compareDoubles(mm.getDouble(base + 8 * j), b);
            }
            case "dec64" -> {
                BigInteger o = BigInteger.valueOf(offset);
                BigInteger b = BigInteger.valueOf(m.getLong(values + 8 * i)).add(negate ? o.negate() : o);
                return (mm, base, j) -> BigInteger.valueOf(mm.getLong(base + 8 * j)).compareTo(b);
            }
            default -> {
                long v = WindowEmulation.readLong(m, vt, values, i);
                long o = negate ? -offset : offset;
                long sum = v + o;
                long b = switch (vt) {
                    case "i8" -> (byte) sum;
                    case "i16" -> (short) sum;
                    case "i32" -> (int) sum;
                    default -> sum;
                };
                return (mm, base, j) -> Long.compare(WindowEmulation.readLong(mm, vt, base, j), b);
            }
        }
    }
}
