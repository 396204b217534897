package dev.ember.cuda.testing;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Random texts for Cast(string AS DOUBLE / FLOAT): decimals of every shape, literals, junk, nulls. */
public final class FloatTexts {
    private static final String[] SPECIALS = {"0", "-0", "+0", "0.0", "-0.0", ".5", "5.", ".", "-.", "+", "-", "",
        "   ", "e5", "1e", "1e+", "1e-", "1.5d", "1.5F", "-2D", "0x1p3", "0X1.8P-2", "-0x.8p1", "0x10", "NaN", "-NaN",
        "+NaN", "nan", "-nan", "NAN", "Infinity", "-Infinity", "+Infinity", "infinity", "INF", "-inf", "+Inf",
        "-INFINITY", "infinit", "Infinityd", "NaNd", " \t1.25\n", "\u0001-3.5\u001f", "1 2", "1..2", "1.2.3", "--1",
        "+-1", "1e1e1", "1_000", "１", "٣", "1\u00a0", "\u00a01", "1\u007f", "4.9e-324", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623159e308", "1e309", "-1e309",
        "3.4028235e38", "3.4028236e38", "1.4e-45", "7.0e-46", "1e-50", "9007199254740993", "0.1", "0.3",
        "123456789012345", "1234567890123456", "1e22", "1e23", "1e-22", "1e-23", "1234567e10", "1234567e-10",
        "12345678", "16777217", "0e999999999", "-0e-999999999", "00000000000000000000001.5", "1.50000000000000000000",
        "0.000000000000000000000000000001", "1e2147483648", "1e-2147483649", "abc", "1.5x", "x1", "0x", "0xg"};

    private FloatTexts() {}

    /** n texts (about 1 in 16 null) from {@code r}. */
    public static byte[][] texts(Random r, int n) {
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(16);
            if (kind == 0) {
                out[i] = null;
            } else if (kind == 1) {
                out[i] = SPECIALS[r.nextInt(SPECIALS.length)].getBytes(StandardCharsets.UTF_8);
            } else if (kind == 2) {
                byte[] b = decimal(r).getBytes(StandardCharsets.UTF_8);
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                out[i] = b;
            } else {
                out[i] = decimal(r).getBytes(StandardCharsets.UTF_8);
            }
        }
        return out;
    }

    /** A decimal: spaces, a sign, 1..25 digits (leading zeros sometimes), a '.', an exponent up to ±350. */
    public static String decimal(Random r) {
        StringBuilder s = new StringBuilder();
        if (r.nextInt(8) == 0) {
            s.append(r.nextBoolean() ? " " : "\t ");
        }
        int sign = r.nextInt(4);
        if (sign == 1) {
            s.append('-');
        } else if (sign == 2) {
            s.append('+');
        }
        int digits = r.nextInt(4) == 0 ? 1 + r.nextInt(25) : 1 + r.nextInt(r.nextBoolean() ? 7 : 15);
        int dot = r.nextInt(3) == 0 ? -1 : r.nextInt(digits + 1);
        boolean leadingZeros = r.nextInt(6) == 0;
        for (int k = 0; k < digits; k++) {
            if (k == dot) {
                s.append('.');
            }
            s.append((char) ('0' + (leadingZeros && k < digits / 2 ? 0 : r.nextInt(10))));
        }
        if (dot == digits) {
            s.append('.');
        }
        int e = r.nextInt(4);
        if (e > 0) {
            s.append(r.nextBoolean() ? 'e' : 'E');
            int magnitude = e == 1 ? r.nextInt(351) : r.nextInt(e == 2 ? 23 : 11);
            if (r.nextBoolean()) {
                s.append('-');
            } else if (r.nextInt(4) == 0) {
                s.append('+');
            }
            s.append(magnitude);
        }
        if (r.nextInt(10) == 0) {
            s.append(r.nextBoolean() ? " " : "\n");
        }
        return s.toString();
    }
}
