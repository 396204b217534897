package dev.ember.cuda.testing;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Random UTF-8 strings for string tests: ASCII, 2-, 3- and 4-byte code points (supplementary
 * characters, where byte order and UTF-16 order differ), empty strings, shared prefixes, nulls, and
 * now and then a long row.
 */
public final class RandomStrings {
    /** A few fixed strings that exercise prefixes, the byte boundaries 0x7f/0x80 and 4-byte code points. */
    private static final String[] SPECIALS = {"", "a", "ab", "abc", "abcd", "abcde", "\u007f", "\u0080", "\u00ff",
        "\u00e9t\u00e9", "\uffff", "\ud800\udc00", "\udbff\udfff", "\ufb01", "\uff61", "\ud83d\ude00", "z\u0000z"};

    private RandomStrings() {}

    /**
     * {@code n} byte strings (null elements are null rows): about {@code nullFraction} nulls, a tenth
     * special strings, otherwise random strings of 0 to {@code maxChars} code points, mostly ASCII;
     * a quarter of them extend an earlier string (common prefixes).
     */
    public static byte[][] utf8(Random r, int n, double nullFraction, int maxChars) {
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            double p = r.nextDouble();
            if (p < nullFraction) {
                out[i] = null;
            } else if (p < nullFraction + 0.1) {
                out[i] = SPECIALS[r.nextInt(SPECIALS.length)].getBytes(StandardCharsets.UTF_8);
            } else if (i > 0 && out[i - 1] != null && r.nextInt(4) == 0) {
                out[i] = (new String(out[i - 1], StandardCharsets.UTF_8) + string(r, r.nextInt(4)))
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                out[i] = string(r, r.nextInt(maxChars + 1)).getBytes(StandardCharsets.UTF_8);
            }
        }
        return out;
    }

    /**
     * {@code n} byte strings that make a sort by bytes work (null elements are null rows): about
     * {@code nullFraction} nulls; the rest drawn from a few random "stems" of up to {@code longest} bytes
     * (so rows share prefixes of any length up to it): a stem cut anywhere (proper prefixes), a stem
     * followed by a short tail of bytes 0x00, 0xff, other bytes or UTF-8 code points, a copy of an earlier
     * row (ties), an empty string, or a short random UTF-8 string. Not all rows are valid UTF-8: the bytes
     * 0x00 and 0xff appear anywhere, which a byte order must still handle.
     */
    public static byte[][] sortStrings(Random r, int n, double nullFraction, int longest) {
        byte[][] stems = new byte[1 + r.nextInt(4)][];
        for (int s = 0; s < stems.length; s++) {
            stems[s] = new byte[longest == 0 ? 0 : r.nextInt(longest + 1)];
            for (int j = 0; j < stems[s].length; j++) {
                stems[s][j] = tailByte(r);
            }
        }
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < nullFraction) {
                continue;
            }
            byte[] stem = stems[r.nextInt(stems.length)];
            out[i] = switch (r.nextInt(10)) {
                case 0, 1, 2 -> java.util.Arrays.copyOf(stem, r.nextInt(stem.length + 1));
                case 3, 4, 5 -> {
                    byte[] tail = new byte[r.nextInt(10)];
                    for (int j = 0; j < tail.length; j++) {
                        tail[j] = tailByte(r);
                    }
                    byte[] utf8 = string(r, r.nextInt(3)).getBytes(StandardCharsets.UTF_8);
                    byte[] v = java.util.Arrays.copyOf(stem, stem.length + tail.length + utf8.length);
                    System.arraycopy(tail, 0, v, stem.length, tail.length);
                    System.arraycopy(utf8, 0, v, stem.length + tail.length, utf8.length);
                    yield v;
                }
                case 6, 7 -> {
                    byte[] earlier = i > 0 ? out[i - 1 - r.nextInt(Math.min(i, 5))] : null;
                    yield earlier != null ? earlier.clone() : new byte[0];
                }
                case 8 -> new byte[0];
                default -> string(r, r.nextInt(8)).getBytes(StandardCharsets.UTF_8);
            };
        }
        return out;
    }

    /** 0x00, 0xff, 0x01, 0xfe or any byte. */
    private static byte tailByte(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> (byte) 0xff;
            case 2 -> 1;
            case 3 -> (byte) 0xfe;
            default -> (byte) r.nextInt(256);
        };
    }

    /** A random string of {@code chars} code points: mostly ASCII, some 2-, 3- and 4-byte ones. */
    public static String string(Random r, int chars) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < chars; k++) {
            sb.appendCodePoint(codePoint(r));
        }
        return sb.toString();
    }

    /** Printable ASCII only. */
    public static String ascii(Random r, int chars) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < chars; k++) {
            sb.append((char) (0x20 + r.nextInt(0x5f)));
        }
        return sb.toString();
    }

    private static int codePoint(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> 0x80 + r.nextInt(0x800 - 0x80);
            case 1 -> {
                int c = 0x800 + r.nextInt(0x10000 - 0x800);
                yield c >= 0xd800 && c <= 0xdfff ? 0xe000 + (c & 0xff) : c;
            }
            case 2 -> 0x10000 + r.nextInt(0x110000 - 0x10000);
            default -> 0x20 + r.nextInt(0x5f);
        };
    }

    /** Spark's order (UTF8String.compareTo): unsigned bytes, then length; -1, 0 or 1. */
    public static int compareBytes(byte[] a, byte[] b) {
        return Integer.signum(java.util.Arrays.compareUnsigned(a, b));
    }
}
