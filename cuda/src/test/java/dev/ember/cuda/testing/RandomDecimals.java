package dev.ember.cuda.testing;

import java.math.BigInteger;
import java.util.Random;

/**
 * Random unscaled values of 128-bit decimals (precision up to 38) that reach every length of
 * {@code BigInteger.toByteArray()} from 1 to 16 bytes, plus the edges: 0, ±1, ±(10^38 - 1), the
 * 64-bit boundaries and the two's-complement extremes of each byte length.
 */
public final class RandomDecimals {
    /** The largest unscaled value of decimal(38, s). */
    public static final BigInteger MAX_38 = BigInteger.TEN.pow(38).subtract(BigInteger.ONE);

    private static final BigInteger[] SPECIALS = {
        BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE.negate(), MAX_38, MAX_38.negate(),
        BigInteger.valueOf(Long.MAX_VALUE), BigInteger.valueOf(Long.MIN_VALUE),
        BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE), BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE),
        BigInteger.valueOf(127), BigInteger.valueOf(128), BigInteger.valueOf(-128), BigInteger.valueOf(-129),
        BigInteger.ONE.shiftLeft(31), BigInteger.ONE.shiftLeft(31).negate(), BigInteger.ONE.shiftLeft(95).negate(),
        BigInteger.ONE.shiftLeft(119).subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(120)};

    /** 10^0 .. 10^38. */
    private static final BigInteger[] POW10 = new BigInteger[39];

    static {
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = BigInteger.TEN.pow(i);
        }
    }

    private RandomDecimals() {}

    /** A random value with |v| <= 10^38 - 1. */
    public static BigInteger next(Random r) {
        if (r.nextDouble() < 0.2) {
            return SPECIALS[r.nextInt(SPECIALS.length)];
        }
        BigInteger v = new BigInteger(1 + r.nextInt(126), r);
        if (v.compareTo(MAX_38) > 0) {
            v = v.mod(MAX_38);
        }
        return r.nextBoolean() ? v.negate() : v;
    }

    /**
     * A random unscaled value of a decimal of {@code precision} digits (1..38): ±(10^p - 1), 0, ±1, and
     * values of every digit count (uniform below 10^d for a random d in 1..p), either sign.
     */
    public static BigInteger next(Random r, int precision) {
        BigInteger v = switch (r.nextInt(8)) {
            case 0 -> POW10[precision].subtract(BigInteger.ONE);
            case 1 -> BigInteger.valueOf(r.nextInt(2));
            default -> {
                BigInteger bound = POW10[1 + r.nextInt(precision)];
                yield new BigInteger(bound.bitLength() + 16, r).mod(bound);
            }
        };
        return r.nextBoolean() ? v.negate() : v;
    }

    /** {@code n} random values as 16-byte little-endian two's complement: low word then high word. */
    public static long[] words(Random r, int n) {
        long[] out = new long[2 * n];
        for (int i = 0; i < n; i++) {
            BigInteger v = next(r);
            out[2 * i] = v.longValue();
            out[2 * i + 1] = v.shiftRight(64).longValue();
        }
        return out;
    }

    /** The value of element {@code i} of {@link #words}. */
    public static BigInteger valueAt(long[] words, int i) {
        return BigInteger.valueOf(words[2 * i + 1]).shiftLeft(64)
                .add(new BigInteger(Long.toUnsignedString(words[2 * i])));
    }
}
