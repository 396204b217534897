package dev.ember.cuda.emulated;

import dev.ember.cuda.emulated.EmulatedStrings.Rows;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.StringFloatKernels;
import java.util.Map;

/** Emulations of {@code strfloat.cu}, sequentially. */
final class StringFloatEmulation {
    private static final double[] POW10_F64 = new double[23];
    private static final float[] POW10_F32 = new float[11];

    static {
        double d = 1;
        for (int k = 0; k < POW10_F64.length; k++) {
            POW10_F64[k] = d;
            d *= 10;
        }
        float f = 1;
        for (int k = 0; k < POW10_F32.length; k++) {
            POW10_F32[k] = f;
            f *= 10;
        }
    }

    private StringFloatEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                StringFloatKernels.TO_F64, (cfg, a, m) -> toFloating(a, m, true),
                StringFloatKernels.TO_F32, (cfg, a, m) -> toFloating(a, m, false));
    }

    /** The kinds of a row's text (the kernel's EMBER_FP_*). */
    private enum Kind { NULL, FINITE, INF, NAN, HOST }

    /** A classified row: for FINITE the significant digits {@code w} and the exponent {@code e10}. */
    private record Parsed(Kind kind, boolean negative, long w, int e10) {
        static Parsed of(Kind kind) {
            return new Parsed(kind, false, 0, 0);
        }
    }

    private static boolean equalsIgnoreCase(byte[] s, int p, int len, String word) {
        if (len != word.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            int b = s[p + k] & 0xff;
            if (Character.toLowerCase((char) b) != word.charAt(k) || b >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean javaSyntaxByte(int b) {
        int l = b >= 'A' && b <= 'Z' ? b | 0x20 : b;
        return (b >= '0' && b <= '9') || b == '.' || b == '+' || b == '-' || (l >= 'a' && l <= 'f') || l == 'x'
                || l == 'p';
    }

    private static Parsed classify(byte[] s, int from, int len, int maxDigits, int maxExp) {
        int p = from;
        int end = from + len;
        while (p < end && (s[p] & 0xff) <= 0x20) {
            p++;
        }
        while (end > p && (s[end - 1] & 0xff) <= 0x20) {
            end--;
        }
        if (p == end) {
            return Parsed.of(Kind.NULL);
        }
        for (int k = p; k < end; k++) {
            if ((s[k] & 0xff) >= 0x80) {
                return Parsed.of(Kind.HOST);
            }
        }
        boolean signed = s[p] == '+' || s[p] == '-';
        boolean negative = s[p] == '-';
        if (signed) {
            p++;
        }
        int rest = end - p;
        if (equalsIgnoreCase(s, p, rest, "inf") || equalsIgnoreCase(s, p, rest, "infinity")) {
            return new Parsed(Kind.INF, negative, 0, 0);
        }
        if (equalsIgnoreCase(s, p, rest, "nan")) {
            boolean exact = s[p] == 'N' && s[p + 1] == 'a' && s[p + 2] == 'N';
            return Parsed.of(!signed || exact ? Kind.NAN : Kind.NULL);
        }
        long w = 0;
        int significant = 0;
        long fraction = 0;
        boolean anyDigit = false;
        boolean dot = false;
        int q = p;
        for (; q < end; q++) {
            int b = s[q];
            if (b >= '0' && b <= '9') {
                anyDigit = true;
                if (dot) {
                    fraction++;
                }
                if (w != 0 || b != '0') {
                    if (significant < 18) {
                        w = w * 10 + (b - '0');
                    }
                    significant++;
                }
            } else if (b == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        boolean ok = anyDigit;
        long exponent = 0;
        if (ok && q < end && (s[q] == 'e' || s[q] == 'E')) {
            q++;
            boolean exponentNegative = false;
            if (q < end && (s[q] == '+' || s[q] == '-')) {
                exponentNegative = s[q] == '-';
                q++;
            }
            int digits = 0;
            while (q < end && s[q] >= '0' && s[q] <= '9') {
                if (exponent < 100000) {
                    exponent = exponent * 10 + (s[q] - '0');
                }
                digits++;
                q++;
            }
            ok = digits > 0;
            exponent = exponentNegative ? -exponent : exponent;
        }
        if (ok && q == end) {
            if (w == 0) {
                return new Parsed(Kind.FINITE, negative, 0, 0);
            }
            long scale = exponent - fraction;
            if (significant <= maxDigits && scale >= -maxExp && scale <= maxExp) {
                return new Parsed(Kind.FINITE, negative, w, (int) scale);
            }
            return Parsed.of(Kind.HOST);
        }
        for (int k = p; k < end; k++) {
            if (!javaSyntaxByte(s[k] & 0xff)) {
                return Parsed.of(Kind.NULL);
            }
        }
        return Parsed.of(Kind.HOST);
    }

    private static void toFloating(KernelArgs a, EmulatedMemory m, boolean f64) {
        long out = a.ptrAt(0), outValidity = a.ptrAt(1), flags = a.ptrAt(2), count = a.ptrAt(3);
        long n = a.i64At(7);
        if (n == 0) {
            return;
        }
        Rows rows = EmulatedStrings.read(m, a.ptrAt(4), a.ptrAt(5), a.ptrAt(6), n);
        int width = f64 ? 8 : 4;
        m.check(out, n * width);
        m.check(flags, n);
        boolean[] valid = new boolean[(int) n];
        long flagged = 0;
        for (int i = 0; i < n; i++) {
            Parsed r = rows.valid()[i]
                    ? classify(rows.chars(), rows.start(i), rows.length(i), f64 ? 15 : 7, f64 ? 22 : 10)
                    : Parsed.of(Kind.NULL);
            valid[i] = r.kind() == Kind.FINITE || r.kind() == Kind.INF || r.kind() == Kind.NAN;
            m.putByte(flags + i, (byte) (r.kind() == Kind.HOST ? 1 : 0));
            flagged += r.kind() == Kind.HOST ? 1 : 0;
            if (f64) {
                double v = switch (r.kind()) {
                    case FINITE -> r.e10() >= 0 ? r.w() * POW10_F64[r.e10()] : r.w() / POW10_F64[-r.e10()];
                    case INF -> Double.POSITIVE_INFINITY;
                    case NAN -> Double.NaN;
                    default -> 0.0;
                };
                m.putLong(out + i * 8L, Double.doubleToRawLongBits(r.negative() && r.kind() != Kind.NAN ? -v : v));
            } else {
                float v = switch (r.kind()) {
                    case FINITE -> r.e10() >= 0 ? (float) r.w() * POW10_F32[r.e10()] : (float) r.w() / POW10_F32[-r.e10()];
                    case INF -> Float.POSITIVE_INFINITY;
                    case NAN -> Float.NaN;
                    default -> 0.0f;
                };
                m.putInt(out + i * 4L, Float.floatToRawIntBits(r.negative() && r.kind() != Kind.NAN ? -v : v));
            }
        }
        EmulatedStrings.writeValidity(m, outValidity, valid);
        EmulatedStrings.addLong(m, count, flagged);
    }
}
