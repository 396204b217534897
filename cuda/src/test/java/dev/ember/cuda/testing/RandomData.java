package dev.ember.cuda.testing;

import java.util.Random;

/**
 * Random test inputs that mix in the values kernels get wrong: nulls, NaN (several payloads),
 * -0.0, infinities, each type's minimum and maximum, 0 and ±1. Deterministic for a given seed, so
 * the CUDA device and the emulation see the same inputs.
 */
public final class RandomData {
    /** Probability that an element is replaced by a special value. */
    private static final double SPECIAL = 0.2;

    private RandomData() {}

    public static byte[] bytes(Random r, int n) {
        byte[] out = new byte[n];
        byte[] specials = {Byte.MIN_VALUE, Byte.MAX_VALUE, 0, 1, -1};
        for (int i = 0; i < n; i++) {
            out[i] = r.nextDouble() < SPECIAL ? specials[r.nextInt(specials.length)] : (byte) r.nextInt();
        }
        return out;
    }

    public static short[] shorts(Random r, int n) {
        short[] out = new short[n];
        short[] specials = {Short.MIN_VALUE, Short.MAX_VALUE, 0, 1, -1};
        for (int i = 0; i < n; i++) {
            out[i] = r.nextDouble() < SPECIAL ? specials[r.nextInt(specials.length)] : (short) r.nextInt();
        }
        return out;
    }

    public static int[] ints(Random r, int n) {
        int[] out = new int[n];
        int[] specials = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, 1, -1, Short.MAX_VALUE + 1, Byte.MIN_VALUE - 1};
        for (int i = 0; i < n; i++) {
            out[i] = r.nextDouble() < SPECIAL ? specials[r.nextInt(specials.length)] : r.nextInt();
        }
        return out;
    }

    public static long[] longs(Random r, int n) {
        long[] out = new long[n];
        long[] specials = {Long.MIN_VALUE, Long.MAX_VALUE, 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE + 1L};
        for (int i = 0; i < n; i++) {
            out[i] = r.nextDouble() < SPECIAL ? specials[r.nextInt(specials.length)] : r.nextLong();
        }
        return out;
    }

    /** Ints uniformly in {@code [0, bound)}. */
    public static int[] intsBelow(Random r, int n, int bound) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(bound);
        }
        return out;
    }

    public static float[] floats(Random r, int n) {
        float[] out = new float[n];
        float[] specials = {Float.NaN, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000), -0.0f, 0.0f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE,
            2.14748365E9f, -2.14748365E9f, 9.223372E18f, 1.5f, -2.5f};
        for (int i = 0; i < n; i++) {
            out[i] = r.nextDouble() < SPECIAL ? specials[r.nextInt(specials.length)]
                    : (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(24) - 4));
        }
        return out;
    }

    public static double[] doubles(Random r, int n) {
        double[] out = new double[n];
        double[] specials = {Double.NaN, Double.longBitsToDouble(0x7ff8000000000001L),
            Double.longBitsToDouble(0xfff8000000000000L), -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 2147483647.5, -2147483648.5, 9.223372036854776E18,
            -9.223372036854776E18, 32767.9, -129.0, 0.5, -0.5};
        for (int i = 0; i < n; i++) {
            out[i] = r.nextDouble() < SPECIAL ? specials[r.nextInt(specials.length)]
                    : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 10);
        }
        return out;
    }

    /**
     * An Arrow-layout validity bitmap for {@code n} rows, {@code nullFraction} of them null, sized to
     * whole 64-bit words; bits past {@code n} are set randomly, which kernels must ignore.
     */
    public static byte[] validity(Random r, int n, double nullFraction) {
        byte[] out = new byte[(int) (((n + 63L) / 64) * 8)];
        r.nextBytes(out);
        for (int i = 0; i < n; i++) {
            boolean valid = r.nextDouble() >= nullFraction;
            if (valid) {
                out[i >>> 3] |= (byte) (1 << (i & 7));
            } else {
                out[i >>> 3] &= (byte) ~(1 << (i & 7));
            }
        }
        return out;
    }

    public static boolean isValid(byte[] validity, int i) {
        return validity == null || ((validity[i >>> 3] >>> (i & 7)) & 1) != 0;
    }
}
