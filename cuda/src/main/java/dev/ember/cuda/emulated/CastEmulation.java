package dev.ember.cuda.emulated;

import dev.ember.cuda.kernel.CastKernels;
import java.util.HashMap;
import java.util.Map;

/**
 * Emulations of {@code cast.cu}. Java's own primitive conversions are the contract (Spark's non-ANSI
 * casts are the JVM's), except that NaN results are made canonical as the kernels make them.
 */
final class CastEmulation {
    private CastEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        Map<String, KernelEmulation> map = new HashMap<>();
        for (String from : CastKernels.TYPES) {
            for (String to : CastKernels.TYPES) {
                if (!from.equals(to)) {
                    map.put(CastKernels.name(from, to), emulation(from, to));
                }
            }
        }
        return Map.copyOf(map);
    }

    private static KernelEmulation emulation(String from, String to) {
        int inWidth = width(from);
        int outWidth = width(to);
        boolean floating = from.startsWith("f");
        return (cfg, a, m) -> {
            long in = a.ptrAt(0), out = a.ptrAt(1), n = a.i64At(2);
            m.check(in, n * inWidth);
            m.check(out, n * outWidth);
            for (long i = 0; i < n; i++) {
                long dst = out + i * outWidth;
                if (floating) {
                    double x = from.equals("f32") ? m.getFloat(in + i * 4) : m.getDouble(in + i * 8);
                    fromDouble(m, to, dst, x);
                } else {
                    fromLong(m, to, dst, readIntegral(m, from, in + i * inWidth));
                }
            }
        };
    }

    private static long readIntegral(EmulatedMemory m, String type, long address) {
        return switch (type) {
            case "bool8" -> m.getByte(address) != 0 ? 1 : 0;
            case "i8" -> m.getByte(address);
            case "i16" -> m.getShort(address);
            case "i32" -> m.getInt(address);
            case "i64" -> m.getLong(address);
            default -> throw new IllegalArgumentException("not an integral type: " + type);
        };
    }

    private static void fromLong(EmulatedMemory m, String to, long dst, long v) {
        put(m, to, dst, castIntegral(to, v));
    }

    private static void fromDouble(EmulatedMemory m, String to, long dst, double x) {
        put(m, to, dst, castFloating(to, x));
    }

    private static void put(EmulatedMemory m, String to, long dst, long word) {
        switch (width(to)) {
            case 1 -> m.putByte(dst, (byte) word);
            case 2 -> m.putShort(dst, (short) word);
            case 4 -> m.putInt(dst, (int) word);
            default -> m.putLong(dst, word);
        }
    }

    /**
     * The cast of the integral value {@code v} (a boolean as 0 / 1) to type suffix {@code to}, as a
     * 64-bit word: bool8 0 / 1, integers sign-extended, f32 its bits zero-extended, f64 its bits. Shared
     * with the expression interpreter's CAST.
     */
    static long castIntegral(String to, long v) {
        return switch (to) {
            case "bool8" -> v != 0 ? 1 : 0;
            case "i8" -> (byte) v;
            case "i16" -> (short) v;
            case "i32" -> (int) v;
            case "i64" -> v;
            case "f32" -> Float.floatToRawIntBits((float) v) & 0xffffffffL;
            case "f64" -> Double.doubleToRawLongBits((double) v);
            default -> throw new IllegalArgumentException("unknown cast target " + to);
        };
    }

    /**
     * The cast of the floating-point value {@code x} (a float widened exactly) to type suffix {@code
     * to}, as a 64-bit word like {@link #castIntegral}; NaN results are canonical.
     */
    static long castFloating(String to, double x) {
        return switch (to) {
            case "bool8" -> x != 0 ? 1 : 0;
            case "i8" -> (byte) (int) x;
            case "i16" -> (short) (int) x;
            case "i32" -> (int) x;
            case "i64" -> (long) x;
            case "f32" -> Float.floatToRawIntBits(Float.isNaN((float) x) ? Float.NaN : (float) x) & 0xffffffffL;
            case "f64" -> Double.doubleToRawLongBits(Double.isNaN(x) ? Double.NaN : x);
            default -> throw new IllegalArgumentException("unknown cast target " + to);
        };
    }

    private static int width(String type) {
        return switch (type) {
            case "bool8", "i8" -> 1;
            case "i16" -> 2;
            case "i32", "f32" -> 4;
            case "i64", "f64" -> 8;
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }
}
