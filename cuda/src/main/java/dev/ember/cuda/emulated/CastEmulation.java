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
        switch (to) {
            case "bool8" -> m.putByte(dst, (byte) (v != 0 ? 1 : 0));
            case "i8" -> m.putByte(dst, (byte) v);
            case "i16" -> m.putShort(dst, (short) v);
            case "i32" -> m.putInt(dst, (int) v);
            case "i64" -> m.putLong(dst, v);
            case "f32" -> m.putFloat(dst, (float) v);
            case "f64" -> m.putDouble(dst, (double) v);
            default -> throw new IllegalArgumentException("unknown cast target " + to);
        }
    }

    private static void fromDouble(EmulatedMemory m, String to, long dst, double x) {
        switch (to) {
            case "bool8" -> m.putByte(dst, (byte) (x != 0 ? 1 : 0));
            case "i8" -> m.putByte(dst, (byte) (int) x);
            case "i16" -> m.putShort(dst, (short) (int) x);
            case "i32" -> m.putInt(dst, (int) x);
            case "i64" -> m.putLong(dst, (long) x);
            case "f32" -> m.putFloat(dst, Float.isNaN((float) x) ? Float.NaN : (float) x);
            case "f64" -> m.putDouble(dst, Double.isNaN(x) ? Double.NaN : x);
            default -> throw new IllegalArgumentException("unknown cast target " + to);
        }
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
