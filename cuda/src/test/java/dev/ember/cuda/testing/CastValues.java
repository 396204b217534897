package dev.ember.cuda.testing;

import java.util.Random;

/**
 * Values where numeric casts round, saturate or wrap, mixed into {@link RandomData}'s columns: rounding
 * ties of long/int to float and double, float overflow and subnormals of double to float, and the
 * saturation edges of float/double to int and long.
 */
public final class CastValues {
    public static final long[] LONGS = {(1L << 53) + 1, (1L << 53) + 3, -(1L << 53) - 1, (1L << 24) + 1, (1L << 25) + 6,
        -(1L << 24) - 1, (1L << 62) + (1L << 38), Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 4294967295L, 4294967296L,
        65535, 65536, 255, 256, -32769, 0x7fff_ffff_8000_0000L};

    public static final int[] INTS = {(1 << 24) + 1, (1 << 24) + 3, -(1 << 24) - 1, (1 << 25) + 2, (1 << 30) + 64 + 1,
        Integer.MAX_VALUE - 64, 65535, 32768, -32769, 255, 128, -129};

    public static final double[] DOUBLES = {3.4028235677973366E38, 3.4028235677973362E38, 3.5E38, -3.5E38, 1.0E-40,
        -1.0E-45, 7.0E-46, 1.4E-45, 1.0E-300, 1.0000000596046448, 1.0000000894069672, 16777217.0, 2147483647.0,
        2147483648.0, -2147483649.0, -2147483648.0, 9.223372036854775807E18, -9.223372036854775808E18, 1.0E19,
        -1.0E19, 300.7, -300.7, 65535.9, 32768.0, -32769.0, 255.5, 128.0, -128.9, -129.0, 0.99, -0.99, 1.0E10,
        Double.MIN_NORMAL, Double.longBitsToDouble(0x7ff0000000000001L), Double.longBitsToDouble(0xfff4000000000000L)};

    public static final float[] FLOATS = {2.14748365E9f, -2.14748365E9f, 2.1474835E9f, 9.223372E18f, -9.223372E18f,
        9.2233715E18f, 1.0E19f, 300.7f, -300.7f, 65535.9f, 32768.0f, -32769.0f, 255.5f, -129.0f, 0.99f, -0.99f, 1.0E10f,
        1.0E-40f, Float.MIN_NORMAL, 16777217.0f, Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffa00000)};

    private CastValues() {}

    /** Replaces about a tenth of {@code values} by entries of {@link #LONGS}. */
    public static long[] mixIn(Random r, long[] values) {
        for (int i = 0; i < values.length; i++) {
            if (r.nextDouble() < 0.1) {
                values[i] = LONGS[r.nextInt(LONGS.length)];
            }
        }
        return values;
    }

    public static int[] mixIn(Random r, int[] values) {
        for (int i = 0; i < values.length; i++) {
            if (r.nextDouble() < 0.1) {
                values[i] = INTS[r.nextInt(INTS.length)];
            }
        }
        return values;
    }

    public static double[] mixIn(Random r, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (r.nextDouble() < 0.1) {
                values[i] = DOUBLES[r.nextInt(DOUBLES.length)];
            }
        }
        return values;
    }

    public static float[] mixIn(Random r, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (r.nextDouble() < 0.1) {
                values[i] = FLOATS[r.nextInt(FLOATS.length)];
            }
        }
        return values;
    }
}
