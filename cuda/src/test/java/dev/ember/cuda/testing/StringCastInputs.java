package dev.ember.cuda.testing;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Inputs for the string cast tests: texts that parse, almost parse and do not, with nulls. */
public final class StringCastInputs {
    /** Integral texts at and around the limits of every width, and the shapes Spark accepts or rejects. */
    private static final String[] INTEGRAL_SPECIALS = {"0", "-0", "+0", "127", "128", "-128", "-129", "32767", "32768",
        "-32768", "-32769", "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "99999999999999999999", "", " ", "+",
        "-", ".", "1.", ".5", "-.5", "1.9", "-1.9", "1.x", "1..2", "1e3", "0x10", " 12 ", "\t-7\n", "\u000012\u007f",
        "\u00a012", "1 2", "- 1", "+-1", "１２", "00000000000000000000042", "12.000000000000000000000000000", "abc"};
    private static final String[] DATE_SPECIALS = {"2020", "2020-1", "2020-01-02", "2020-1-2T", "2020-01-02Tfoo",
        "2020-01-02 xx", " 2020-01-02 ", "20201-01-01", "+2020-01-01", "-2020-01-01", "2020-13-01", "2020-02-30",
        "2020-02-29", "2019-02-29", "1900-02-29", "2000-02-29", "2020-01-02x", "2020-01-", "2020-", "202", "12345678-01-01",
        "1234567-01-01", "-1234567-12-31", "\t2020-01-02\u0000", "0000-01-01", "2020 ", "2020-1 3", "2020T", "",
        "  ", "-", "2020-001-01", "2020-1-001", "1582-10-10", "0001-01-01", "9999-12-31", "2020-00-10", "2020-10-00",
        "2020-12-31T23:59:59", "2020/01/02", "2020-01-02\u00e9",
        // 7-digit years whose day number leaves the int32 range: null in Spark (toIntExact overflows).
        "9999999-12-31", "+9999999-12-31", "-9999999-01-01", "9999999", "-9999999", "1000000-01-01",
        "5881580-07-11", "5881580-07-12", "5881580-07", "5881580-08", "5881580", "5881581", "+5881580-07-11T00:00",
        "-5877641-06-23", "-5877641-06-22", "-5877641-06", "-5877641-07", "-5877641", "-5877642", " 9999999-12-31 "};

    private StringCastInputs() {}

    /** {@code n} byte strings: specials, random integers of every size with decoration, garbage, nulls. */
    public static byte[][] integralTexts(Random r, int n) {
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            String s;
            if (kind == 0) {
                out[i] = null;
                continue;
            } else if (kind <= 2) {
                s = INTEGRAL_SPECIALS[r.nextInt(INTEGRAL_SPECIALS.length)];
            } else if (kind <= 7) {
                long v = switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(256) - 128;
                    case 1 -> r.nextInt(65536) - 32768;
                    case 2 -> r.nextInt();
                    default -> r.nextLong();
                };
                s = Long.toString(v);
                if (r.nextInt(4) == 0) {
                    s = s + "." + r.nextInt(1000);
                }
                if (r.nextInt(4) == 0) {
                    s = " ".repeat(r.nextInt(3)) + s + "\t".repeat(r.nextInt(2));
                }
                if (r.nextInt(8) == 0 && !s.startsWith("-")) {
                    s = "+" + s;
                }
            } else {
                s = RandomStrings.string(r, r.nextInt(5));
            }
            out[i] = s.getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** {@code n} byte strings: specials, random valid and invalid dates in several shapes, nulls. */
    public static byte[][] dateTexts(Random r, int n) {
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            String s;
            if (kind == 0) {
                out[i] = null;
                continue;
            } else if (kind <= 3) {
                s = DATE_SPECIALS[r.nextInt(DATE_SPECIALS.length)];
            } else {
                // Now and then 7-digit years, some past the int32 day range (about +-5.88 million years).
                int y = switch (r.nextInt(20)) {
                    case 0 -> r.nextInt(20_000_000) - 10_000_000;
                    case 1, 2 -> r.nextInt(2_000_000) - 1_000_000;
                    default -> r.nextInt(3000);
                };
                int m = r.nextInt(14);
                int d = r.nextInt(33);
                String year = r.nextBoolean() ? String.format("%04d", Math.abs(y)) : Integer.toString(Math.abs(y));
                String sign = y < 0 ? "-" : "";
                s = switch (r.nextInt(5)) {
                    case 0 -> sign + year;
                    case 1 -> sign + year + "-" + m;
                    case 2 -> sign + year + "-" + String.format("%02d", m) + "-" + String.format("%02d", d);
                    case 3 -> sign + year + "-" + m + "-" + d + (r.nextBoolean() ? "T12:00" : " x");
                    default -> " " + sign + year + "-" + m + "-" + d + " ";
                };
            }
            out[i] = s.getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** {@code n} day numbers: recent dates, the full int range now and then, and edges. */
    public static int[] days(Random r, int n) {
        int[] edges = {0, -1, 1, -719528, -719529, 2932896, 2932897, Integer.MIN_VALUE, Integer.MAX_VALUE, -141427,
            11016, -678941};
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            out[i] = kind == 0 ? edges[r.nextInt(edges.length)] : kind == 1 ? r.nextInt() : r.nextInt(200_000) - 100_000;
        }
        return out;
    }
}
