package dev.ember.cuda.ops;

import static dev.ember.cuda.ops.StringTestSupport.longs;
import static dev.ember.cuda.ops.StringTestSupport.text;
import static dev.ember.cuda.ops.StringTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.StringFunctions.ConcatInput;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * locate, pad, replace, reverse, repeat and substring_index on the test device: Spark's documented
 * examples, and random valid UTF-8 against references written with java.lang.String's code points.
 */
class TestStringEdits {
    private static final String MIXED = "a\u00e9b \ud83d\ude00\u65e5a";

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    private Column column(String... values) {
        byte[][] b = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            b[i] = values[i] == null ? null : utf8(values[i]);
        }
        return DeviceStrings.column(device, b);
    }

    private static String[] strings(Column out) {
        byte[][] v = DeviceStrings.values(out);
        String[] s = new String[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = v[i] == null ? null : text(v[i]);
        }
        return s;
    }

    private String[] one(String value, Function<Column, Column> f) {
        try (Column in = column(value, null, ""); Column out = f.apply(in)) {
            return strings(out);
        }
    }

    @Test
    void sparkDocumentationExamples() {
        assertThat(one("hi", c -> StringEdits.lpad(device, c, 5, utf8("??"), Strings.MAX_BYTES, stream)))
                .containsExactly("???hi", null, "?????");
        assertThat(one("hi", c -> StringEdits.lpad(device, c, 1, utf8("??"), Strings.MAX_BYTES, stream)))
                .containsExactly("h", null, "?");
        assertThat(one("hi", c -> StringEdits.rpad(device, c, 5, utf8("??"), Strings.MAX_BYTES, stream)))
                .containsExactly("hi???", null, "?????");
        assertThat(one("www.apache.org", c -> StringEdits.substringIndex(device, c, utf8("."), 2, stream)))
                .containsExactly("www.apache", null, "");
        assertThat(one("www.apache.org", c -> StringEdits.substringIndex(device, c, utf8("."), -2, stream)))
                .containsExactly("apache.org", null, "");
        assertThat(one("ABCabc", c -> StringEdits.replace(device, c, utf8("abc"), utf8("DEF"), Strings.MAX_BYTES,
                stream))).containsExactly("ABCDEF", null, "");
        assertThat(one("Spark SQL", c -> StringEdits.reverse(device, c, stream))).containsExactly("LQS krapS", null, "");
        assertThat(one("123", c -> StringEdits.repeat(device, c, 2, Strings.MAX_BYTES, stream)))
                .containsExactly("123123", null, "");
        try (Column in = column("foobarbar", "SparkSQL", null, "");
                Column a = StringEdits.locate(device, in, utf8("bar"), 5, stream);
                Column b = StringEdits.locate(device, in, utf8("SQL"), 1, stream)) {
            assertThat(a.type()).isEqualTo(DType.INT32);
            assertThat(longs(a)).containsExactly(7L, 0L, null, 0L);
            assertThat(longs(b)).containsExactly(0L, 6L, null, 0L);
        }
    }

    @Test
    void multiByteCharactersAndEdges() {
        assertThat(one(MIXED, c -> StringEdits.lpad(device, c, 9, utf8("\u00fc\ud83d\udca9"), Strings.MAX_BYTES,
                stream))).containsExactly("\u00fc\ud83d\udca9" + MIXED, null, "\u00fc\ud83d\udca9\u00fc\ud83d\udca9\u00fc\ud83d\udca9"
                        + "\u00fc\ud83d\udca9\u00fc");
        assertThat(one(MIXED, c -> StringEdits.rpad(device, c, 4, utf8("x"), Strings.MAX_BYTES, stream)))
                .containsExactly("a\u00e9b ", null, "xxxx");
        assertThat(one(MIXED, c -> StringEdits.lpad(device, c, 20, new byte[0], Strings.MAX_BYTES, stream)))
                .containsExactly(MIXED, null, "");
        assertThat(one(MIXED, c -> StringEdits.lpad(device, c, -3, utf8("x"), Strings.MAX_BYTES, stream)))
                .containsExactly("", null, "");
        assertThat(one(MIXED, c -> StringEdits.rpad(device, c, 3, null, Strings.MAX_BYTES, stream)))
                .containsExactly(null, null, null);
        assertThat(one(MIXED, c -> StringEdits.reverse(device, c, stream)))
                .containsExactly("a\u65e5\ud83d\ude00 b\u00e9a", null, "");
        assertThat(one(MIXED, c -> StringEdits.replace(device, c, new byte[0], utf8("z"), Strings.MAX_BYTES, stream)))
                .containsExactly(MIXED, null, "");
        assertThat(one("aaaa", c -> StringEdits.replace(device, c, utf8("aa"), utf8("b"), Strings.MAX_BYTES, stream)))
                .containsExactly("bb", null, "");
        assertThat(one("aaa", c -> StringEdits.substringIndex(device, c, utf8("aa"), 2, stream)))
                .containsExactly("a", null, "");
        assertThat(one("aaa", c -> StringEdits.substringIndex(device, c, utf8("aa"), -2, stream)))
                .containsExactly("a", null, "");
        assertThat(one("a.b.", c -> StringEdits.substringIndex(device, c, utf8("."), -1, stream)))
                .containsExactly("", null, "");
        assertThat(one("a.b", c -> StringEdits.substringIndex(device, c, utf8("."), 0, stream)))
                .containsExactly("", null, "");
        assertThat(one("a.b", c -> StringEdits.substringIndex(device, c, new byte[0], 1, stream)))
                .containsExactly("", null, "");
        assertThat(one("a.b", c -> StringEdits.repeat(device, c, -1, Strings.MAX_BYTES, stream)))
                .containsExactly("", null, "");
        assertThatThrownBy(() -> one("a", c -> StringEdits.substringIndex(device, c, utf8("."), Integer.MIN_VALUE,
                stream))).isInstanceOf(IllegalArgumentException.class);
        try (Column in = column(MIXED, null, "");
                Column a = StringEdits.locate(device, in, utf8("\ud83d\ude00"), 1, stream);
                Column b = StringEdits.locate(device, in, utf8("a"), 2, stream);
                Column c = StringEdits.locate(device, in, new byte[0], 100, stream);
                Column d = StringEdits.locate(device, in, utf8("a"), 0, stream);
                Column e = StringEdits.locate(device, in, null, 1, stream)) {
            assertThat(longs(a)).containsExactly(5L, null, 0L);
            assertThat(longs(b)).containsExactly(7L, null, 0L);
            assertThat(longs(c)).containsExactly(1L, null, 1L);
            assertThat(longs(d)).containsExactly(0L, null, 0L);
            assertThat(longs(e)).containsExactly(null, null, null);
        }
    }

    @Test
    void initcapLowersThenCapitalizesAfterSpaces() {
        try (Column in = column("hello WORLD", "sPARK  sql", null, "", " a b", "o'neil mc-donald", "x\ty 1st",
                "\u00e9COLE \u00e9t\u00c9", "\u01c6ungla stra\u00dfe", "ABC \ud83d\ude00abc", "\u0130STANBUL");
                Column out = StringEdits.initcap(device, in, stream)) {
            assertThat(strings(out)).containsExactly("Hello World", "Spark  Sql", null, "", " A B", "O'neil Mc-donald",
                    "X\ty 1st", "\u00c9cole \u00c9t\u00e9", "\u01c5ungla Stra\u00dfe", "Abc \ud83d\ude00abc",
                    "\u0130STANBUL".toLowerCase(java.util.Locale.getDefault()).replaceFirst("^i", "I"));
        }
    }

    @Test
    void concatWsSkipsNulls() {
        try (Column a = column("a", null, "", "\u65e5", null); Column b = column(null, null, "x", "\ud834\udd1e", "y");
                Column withScalars = StringEdits.concatWs(device, utf8(","), List.of(ConcatInput.column(a),
                        ConcatInput.scalar(utf8("-")), ConcatInput.scalar(null), ConcatInput.column(b)), stream);
                Column columnsOnly = StringEdits.concatWs(device, utf8("\u00e9\u00e9"), List.of(ConcatInput.column(a),
                        ConcatInput.column(b)), stream);
                Column nullSeparator = StringEdits.concatWs(device, null, List.of(ConcatInput.column(a)), stream)) {
            assertThat(strings(withScalars)).containsExactly("a,-", "-", ",-,x", "\u65e5,-,\ud834\udd1e", "-,y");
            assertThat(strings(columnsOnly)).containsExactly("a", "", "\u00e9\u00e9x",
                    "\u65e5\u00e9\u00e9\ud834\udd1e", "y");
            assertThat(strings(nullSeparator)).containsExactly(null, null, null, null, null);
        }
        try (Column a = column("a")) {
            assertThatThrownBy(() -> StringEdits.concatWs(device, utf8(","), List.of(ConcatInput.scalar(utf8("x"))),
                    stream)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aCharacterCutByTheRowsEndEndsThere() {
        // 'a', a 3-byte lead with one continuation byte and no third: the last unit is cut at the end.
        byte[][] rows = {{'a', (byte) 0xE6, (byte) 0x97}, {(byte) 0xF0, 'b'}};
        try (Column in = DeviceStrings.column(device, rows);
                Column reversed = StringEdits.reverse(device, in, stream);
                Column padded = StringEdits.rpad(device, in, 3, utf8("x"), Strings.MAX_BYTES, stream);
                Column cut = StringEdits.lpad(device, in, 1, utf8("x"), Strings.MAX_BYTES, stream);
                Column found = StringEdits.locate(device, in, new byte[] {(byte) 0x97}, 1, stream)) {
            byte[][] r = DeviceStrings.values(reversed);
            assertThat(r[0]).containsExactly((byte) 0xE6, (byte) 0x97, 'a');
            assertThat(r[1]).containsExactly((byte) 0xF0, 'b');
            byte[][] p = DeviceStrings.values(padded);
            assertThat(p[0]).containsExactly('a', (byte) 0xE6, (byte) 0x97, 'x');
            assertThat(p[1]).containsExactly((byte) 0xF0, 'b', 'x', 'x');
            assertThat(DeviceStrings.values(cut)[0]).containsExactly('a');
            // 0x97 lies inside the second unit: no occurrence starts at a unit boundary.
            assertThat(longs(found)).containsExactly(0L, 0L);
        }
    }

    @Test
    void splitPartKeepsEmptyPiecesAndCountsFromEitherEnd() {
        try (Column in = column("a,b,,c,", null, "", ",x", "\u65e5,\ud834\udd1e");
                Column first = StringEdits.splitPart(device, in, utf8(","), -1, 0, stream);
                Column last = StringEdits.splitPart(device, in, utf8(","), -1, -1, stream);
                Column third = StringEdits.splitPart(device, in, utf8(","), 0, 2, stream);
                Column limited = StringEdits.splitPart(device, in, utf8(","), 2, 1, stream);
                Column past = StringEdits.splitPart(device, in, utf8(","), -1, 5, stream);
                Column before = StringEdits.splitPart(device, in, utf8(","), -1, -3, stream)) {
            assertThat(strings(first)).containsExactly("a", null, "", "", "\u65e5");
            assertThat(strings(last)).containsExactly("", null, "", "x", "\ud834\udd1e");
            assertThat(strings(third)).containsExactly("", null, null, null, null);
            assertThat(strings(limited)).containsExactly("b,,c,", null, null, "x", "\ud834\udd1e");
            assertThat(strings(past)).containsExactly(null, null, null, null, null);
            assertThat(strings(before)).containsExactly("", null, null, null, null);
        }
    }

    @Test
    void resultsPastTheLimitThrow() {
        try (Column in = column("abc", "de")) {
            assertThatThrownBy(() -> StringEdits.repeat(device, in, 1000, 4000, stream))
                    .isInstanceOf(StringSizeLimitException.class);
            assertThatThrownBy(() -> StringEdits.lpad(device, in, Integer.MAX_VALUE, utf8("xy"), Strings.MAX_BYTES,
                    stream)).isInstanceOf(StringSizeLimitException.class);
        }
    }

    private static int cps(String s) {
        return s.codePointCount(0, s.length());
    }

    private static String firstCps(String s, int n) {
        return n <= 0 ? "" : n >= cps(s) ? s : s.substring(0, s.offsetByCodePoints(0, n));
    }

    private static String pad(String s, int len, String pad, boolean left) {
        int spaces = len - cps(s);
        if (spaces <= 0 || pad.isEmpty()) {
            return firstCps(s, len);
        }
        StringBuilder p = new StringBuilder();
        while (cps(p.toString()) + cps(pad) <= spaces) {
            p.append(pad);
        }
        p.append(firstCps(pad, spaces - cps(p.toString())));
        return left ? p + s : s + p;
    }

    private static String substringIndex(String s, String d, int count) {
        if (d.isEmpty() || count == 0) {
            return "";
        }
        if (count > 0) {
            int idx = -1;
            for (int k = 0; k < count; k++) {
                idx = s.indexOf(d, idx + 1);
                if (idx < 0) {
                    return s;
                }
            }
            return s.substring(0, idx);
        }
        int idx = s.length();
        for (int k = 0; k < -count; k++) {
            idx = idx - 1 < 0 ? -1 : s.lastIndexOf(d, idx - 1);
            if (idx < 0) {
                return s;
            }
        }
        return s.substring(idx + d.length());
    }

    private static long locate(String s, String sub, int pos) {
        if (pos < 1) {
            return 0;
        }
        if (sub.isEmpty()) {
            return 1;
        }
        int from = pos - 1 >= cps(s) ? s.length() : s.offsetByCodePoints(0, pos - 1);
        int at = s.indexOf(sub, from);
        return at < 0 ? 0 : cps(s.substring(0, at)) + 1;
    }

    private void check(byte[][] in, Function<Column, Column> f, Function<String, String> want) {
        try (Column c = DeviceStrings.column(device, in); Column out = f.apply(c)) {
            String[] got = strings(out);
            for (int i = 0; i < in.length; i++) {
                assertThat(got[i]).as("row %d of %s", i, in[i] == null ? null : text(in[i]))
                        .isEqualTo(in[i] == null ? null : want.apply(text(in[i])));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 33, 257, 5_003})
    void randomRowsAgainstJavaStrings(int n) {
        byte[][] in = RandomStrings.utf8(new Random(n), n, 0.15, 12);
        for (String p : new String[] {"xy", "\u00e9\ud83d\ude00z", " "}) {
            for (int len : new int[] {0, 2, 7, 15}) {
                check(in, c -> StringEdits.lpad(device, c, len, utf8(p), Strings.MAX_BYTES, stream),
                        s -> pad(s, len, p, true));
                check(in, c -> StringEdits.rpad(device, c, len, utf8(p), Strings.MAX_BYTES, stream),
                        s -> pad(s, len, p, false));
            }
        }
        for (String[] r : new String[][] {{"a", "<>"}, {"ab", ""}, {"\u00e9", "e"}}) {
            check(in, c -> StringEdits.replace(device, c, utf8(r[0]), utf8(r[1]), Strings.MAX_BYTES, stream),
                    s -> s.replace(r[0], r[1]));
        }
        check(in, c -> StringEdits.reverse(device, c, stream), s -> new StringBuilder(s).reverse().toString());
        check(in, c -> StringEdits.repeat(device, c, 3, Strings.MAX_BYTES, stream), s -> s.repeat(3));
        for (String d : new String[] {"a", "ab", "\u00e9"}) {
            for (int count : new int[] {1, 2, -1, -3}) {
                check(in, c -> StringEdits.substringIndex(device, c, utf8(d), count, stream),
                        s -> substringIndex(s, d, count));
            }
        }
        for (String d : new String[] {"a", "b\u00e9"}) {
            for (int[] le : new int[][] {{-1, 0}, {-1, 2}, {-1, -1}, {-1, -2}, {3, 2}, {0, 1}}) {
                check(in, c -> StringEdits.splitPart(device, c, utf8(d), le[0], le[1], stream), s -> {
                    String[] parts = s.split(java.util.regex.Pattern.quote(d), le[0] == 0 ? -1 : le[0]);
                    int at = le[1] >= 0 ? le[1] : parts.length + le[1];
                    return at >= 0 && at < parts.length ? parts[at] : null;
                });
            }
        }
        for (String sub : new String[] {"a", "b\u00e9", ""}) {
            for (int pos : new int[] {-1, 1, 3}) {
                try (Column c = DeviceStrings.column(device, in);
                        Column out = StringEdits.locate(device, c, utf8(sub), pos, stream)) {
                    Long[] got = longs(out);
                    for (int i = 0; i < n; i++) {
                        assertThat(got[i]).as("row %d", i).isEqualTo(in[i] == null ? null : locate(text(in[i]), sub,
                                pos));
                    }
                }
            }
        }
    }
}
