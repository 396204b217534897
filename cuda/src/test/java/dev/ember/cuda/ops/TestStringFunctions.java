package dev.ember.cuda.ops;

import static dev.ember.cuda.ops.StringTestSupport.booleans;
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
import dev.ember.cuda.ops.StringFunctions.TrimSide;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** String functions on the test device against references written with java.lang.String. */
class TestStringFunctions {
    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    private static byte[][] random(int n, long seed) {
        return RandomStrings.utf8(new Random(seed), n, 0.15, 12);
    }

    private Column column(byte[][] values) {
        return DeviceStrings.column(device, values);
    }

    private Column column(String... values) {
        byte[][] b = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            b[i] = utf8(values[i]);
        }
        return column(b);
    }

    /** Applies a string function to every non-null row of {@code in}. */
    private static String[] expected(byte[][] in, Function<String, String> f) {
        String[] out = new String[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] == null ? null : f.apply(text(in[i]));
        }
        return out;
    }

    private static String[] actual(Column out) {
        byte[][] v = DeviceStrings.values(out);
        String[] s = new String[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = text(v[i]);
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 33, 257, 10_007})
    void lengthCountsCodePoints(int n) {
        byte[][] in = random(n, n);
        try (Column c = column(in); Column out = StringFunctions.length(device, c, stream)) {
            assertThat(out.type()).isEqualTo(DType.INT32);
            Long[] got = longs(out);
            for (int i = 0; i < n; i++) {
                Long want = in[i] == null ? null : (long) text(in[i]).codePointCount(0, text(in[i]).length());
                assertThat(got[i]).as("row %d", i).isEqualTo(want);
            }
        }
    }

    @Test
    void lengthOfMalformedBytesStepsAsSpark() {
        // 0x80 alone: 1; 0xE0 0x41: a 3-byte lead claims the 'A' and runs past the end: 1; 0xFF: 1.
        byte[][] in = {{(byte) 0x80}, {(byte) 0xE0, 0x41}, {(byte) 0xFF, 0x41}, {0x41, (byte) 0xC3}};
        try (Column c = column(in); Column out = StringFunctions.length(device, c, stream)) {
            assertThat(longs(out)).containsExactly(1L, 1L, 2L, 2L);
        }
    }

    /** UTF8String.substringSQL written on code points. */
    private static String substringRef(String s, int pos, int len) {
        int[] cps = s.codePoints().toArray();
        long start = pos > 0 ? pos - 1L : pos < 0 ? cps.length + (long) pos : 0;
        long end = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, start + len));
        long from = Math.max(0, start);
        long to = Math.min(end, cps.length);
        return to <= from ? "" : new String(cps, (int) from, (int) (to - from));
    }

    @Test
    void substringMatchesSparkSemanticsForEveryPosAndLen() {
        byte[][] in = random(3_001, 5);
        int[] positions = {Integer.MIN_VALUE, -20, -5, -3, -1, 0, 1, 2, 3, 7, 13, Integer.MAX_VALUE};
        int[] lengths = {Integer.MIN_VALUE, -1, 0, 1, 2, 5, 100, Integer.MAX_VALUE};
        try (Column c = column(in)) {
            for (int pos : positions) {
                for (int len : lengths) {
                    try (Column out = StringFunctions.substring(device, c, pos, len, stream)) {
                        assertThat(actual(out)).as("substring(s, %d, %d)", pos, len)
                                .containsExactly(expected(in, s -> substringRef(s, pos, len)));
                    }
                }
            }
        }
    }

    @Test
    void substringExamplesFromSparkDocs() {
        try (Column c = column("Spark SQL", "\u00e9t\u00e9\ud83d\ude00x", "", null)) {
            try (Column out = StringFunctions.substring(device, c, 5, 1, stream)) {
                assertThat(actual(out)).containsExactly("k", "x", "", null);
            }
            try (Column out = StringFunctions.substring(device, c, -3, 2, stream)) {
                assertThat(actual(out)).containsExactly("SQ", "\u00e9\ud83d\ude00", "", null);
            }
            try (Column out = StringFunctions.substring(device, c, 0, 3, stream)) {
                assertThat(actual(out)).containsExactly("Spa", "\u00e9t\u00e9", "", null);
            }
        }
    }

    /** trim with a set of code points (or only ' '). */
    private static String trimRef(String s, TrimSide side, String set) {
        int[] cps = s.codePoints().toArray();
        int from = 0;
        int to = cps.length;
        if (side != TrimSide.TRAILING) {
            while (from < to && set.indexOf(cps[from]) >= 0) {
                from++;
            }
        }
        if (side != TrimSide.LEADING) {
            while (to > from && set.indexOf(cps[to - 1]) >= 0) {
                to--;
            }
        }
        return new String(cps, from, to - from);
    }

    @Test
    void trimRemovesOnlyAsciiSpacesOrTheGivenCharacters() {
        Random r = new Random(8);
        byte[][] in = random(5_000, 8);
        String[] pads = {"", " ", "   ", "\t", " \t ", "\u3000", "xy", "\u00e9", "\ud83d\ude00 "};
        for (int i = 0; i < in.length; i++) {
            if (in[i] != null) {
                in[i] = utf8(pads[r.nextInt(pads.length)] + text(in[i]) + pads[r.nextInt(pads.length)]);
            }
        }
        try (Column c = column(in)) {
            for (TrimSide side : TrimSide.values()) {
                try (Column out = StringFunctions.trim(device, c, side, stream)) {
                    assertThat(actual(out)).as("%s spaces", side).containsExactly(expected(in, s -> trimRef(s, side, " ")));
                }
                String set = "x\u00e9 \ud83d\ude00";
                try (Column out = StringFunctions.trim(device, c, side, utf8(set), Strings.MAX_BYTES, stream)) {
                    assertThat(actual(out)).as("%s set", side).containsExactly(expected(in, s -> trimRef(s, side, set)));
                }
            }
            try (Column out = StringFunctions.trim(device, c, TrimSide.BOTH, null, Strings.MAX_BYTES, stream)) {
                assertThat(out.nullCount()).isEqualTo(in.length);
            }
        }
    }

    @Test
    void upperAndLowerMatchJavaIncludingLengthChangingRows() {
        byte[][] in = random(20_000, 11);
        String[] specials = {"stra\u00dfe", "\u0130stanbul", "\ufb01x", "abc", "ABC", "\u00e9T\u00c9", "\u03a3\u03a3",
            "m\u0131x", "\ud801\udc00\ud801\udc28"};
        for (int i = 0; i < specials.length; i++) {
            in[i * 97] = utf8(specials[i]);
        }
        try (Column c = column(in); Column up = StringFunctions.upper(device, c, stream);
                Column low = StringFunctions.lower(device, c, stream)) {
            assertThat(actual(up)).containsExactly(expected(in, s -> s.toUpperCase(Locale.getDefault())));
            assertThat(actual(low)).containsExactly(expected(in, s -> s.toLowerCase(Locale.getDefault())));
        }
    }

    /**
     * Upper and lower with rows that take the host fallback, on a caller stream that is not the
     * default stream: the fallback must wait for that stream before it downloads the gathered rows.
     * On the test device (a GPU with -Dember.device=cuda, whose streams really are asynchronous) and on
     * the emulation with deferred streams, where a download that does not wait reads the gather's
     * output before the gather ran.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void upperAndLowerHostFallbackOnANonDefaultCallerStream(boolean deferredStreams) {
        Device d = deferredStreams ? new DeferredStreamDevice(TestDevices.emulated()) : device;
        byte[][] in = random(5_000, 23);
        String[] specials = {"stra\u00dfe", "\u0130stanbul", "\ufb01x", "\u00e9T\u00c9", "\u03a3\u03a3", "m\u0131x"};
        for (int i = 0; i < specials.length; i++) {
            in[i * 211 + 5] = utf8(specials[i]);
        }
        String[] wantUpper = expected(in, s -> s.toUpperCase(Locale.getDefault()));
        String[] wantLower = expected(in, s -> s.toLowerCase(Locale.getDefault()));
        try (Stream callerStream = d.createStream()) {
            assertThat(callerStream).isNotSameAs(d.defaultStream());
            try (Column c = DeviceStrings.column(d, in);
                    Column up = StringFunctions.upper(d, c, callerStream);
                    Column low = StringFunctions.lower(d, c, callerStream)) {
                callerStream.synchronize();
                assertThat(actual(up)).containsExactly(wantUpper);
                assertThat(actual(low)).containsExactly(wantLower);
            }
        }
    }

    @Test
    void upperOfAsciiOnlyAndMalformedBytesStaysOnTheDevicePath() {
        byte[][] in = {utf8("abc xyz"), null, {(byte) 0x80, 'a'}, utf8(""), utf8("Q{`}")};
        try (Column c = column(in); Column up = StringFunctions.upper(device, c, stream)) {
            byte[][] got = DeviceStrings.values(up);
            assertThat(got[0]).isEqualTo(utf8("ABC XYZ"));
            assertThat(got[1]).isNull();
            assertThat(got[2]).containsExactly((byte) 0x80, 'A');
            assertThat(got[3]).isEmpty();
            assertThat(got[4]).isEqualTo(utf8("Q{`}"));
        }
    }

    @Test
    void startsEndsContainsAgainstJavaStrings() {
        byte[][] in = random(5_000, 13);
        String[] patterns = {"", "a", "ab", "\u00e9", "\ud83d\ude00", "z\u0000", "abcdef"};
        try (Column c = column(in)) {
            for (String p : patterns) {
                try (Column s = StringFunctions.startsWith(device, c, utf8(p), stream);
                        Column e = StringFunctions.endsWith(device, c, utf8(p), stream);
                        Column k = StringFunctions.contains(device, c, utf8(p), stream)) {
                    assertThat(booleans(s)).containsExactly(bools(in, v -> v.startsWith(p)));
                    assertThat(booleans(e)).containsExactly(bools(in, v -> v.endsWith(p)));
                    assertThat(booleans(k)).containsExactly(bools(in, v -> v.contains(p)));
                }
            }
            try (Column s = StringFunctions.contains(device, c, null, stream)) {
                assertThat(s.nullCount()).isEqualTo(in.length);
            }
        }
    }

    private static Boolean[] bools(byte[][] in, java.util.function.Predicate<String> p) {
        Boolean[] out = new Boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] == null ? null : p.test(text(in[i]));
        }
        return out;
    }

    /** Spark's escapeLikeRegex, written independently: a (?s) regex with quoted literals. */
    private static java.util.regex.Pattern likeRegex(String pattern) {
        StringBuilder sb = new StringBuilder("(?s)");
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                sb.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '_') {
                sb.append('.');
            } else if (c == '%') {
                sb.append(".*");
            } else if (Character.isHighSurrogate(c)) {
                sb.append(java.util.regex.Pattern.quote(pattern.substring(i, i + 2)));
                i++;
            } else {
                sb.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return java.util.regex.Pattern.compile(sb.toString());
    }

    @Test
    void likeAgainstJavaRegex() {
        byte[][] in = random(4_000, 17);
        String[] specials = {"abc", "a\nc", "aXbYc", "\u00e9t\u00e9", "\ud83d\ude00x", "ab%", "ab_", "a\\b", "aaa", "abab"};
        for (int i = 0; i < specials.length; i++) {
            in[i * 31] = utf8(specials[i]);
        }
        String[] patterns = {"", "%", "%%", "_", "__", "a%", "%c", "a_c", "a%c", "%b%", "%a%b%", "a%b%c%", "ab\\%", "ab\\_",
            "a\\\\b", "_t_", "\ud83d\ude00_", "%\ud83d\ude00%", "%_%_%", "ab%ab", "%aa", "a%%a", "___%", "%a_%b_"};
        try (Column c = column(in)) {
            for (String p : patterns) {
                java.util.regex.Pattern regex = likeRegex(p);
                try (Column out = StringFunctions.like(device, c, LikePattern.parse(p), stream)) {
                    assertThat(booleans(out)).as("LIKE '%s'", p)
                            .containsExactly(bools(in, v -> regex.matcher(v).matches()));
                }
            }
        }
    }

    @Test
    void inListFollowsSqlNullSemantics() {
        try (Column c = column("a", null, "b", "", "\u00e9")) {
            try (Column out = StringFunctions.in(device, c, Arrays.asList(utf8("a"), utf8("")), stream)) {
                assertThat(booleans(out)).containsExactly(true, null, false, true, false);
            }
            try (Column out = StringFunctions.in(device, c, Arrays.asList(utf8("\u00e9"), null), stream)) {
                assertThat(booleans(out)).containsExactly(null, null, null, null, true);
            }
            try (Column out = StringFunctions.in(device, c, List.of(), stream)) {
                assertThat(booleans(out)).containsExactly(false, null, false, false, false);
            }
            try (Column out = StringFunctions.equalTo(device, c, utf8("b"), stream)) {
                assertThat(booleans(out)).containsExactly(false, null, true, false, false);
            }
        }
    }

    @Test
    void inListOnRandomRows() {
        byte[][] in = random(3_000, 19);
        List<byte[]> list = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            list.add(in[k * 7] == null ? utf8("none") : in[k * 7]);
        }
        try (Column c = column(in); Column out = StringFunctions.in(device, c, list, stream)) {
            Boolean[] got = booleans(out);
            for (int i = 0; i < in.length; i++) {
                byte[] row = in[i];
                Boolean want = row == null ? null : list.stream().anyMatch(v -> Arrays.equals(v, row));
                assertThat(got[i]).as("row %d", i).isEqualTo(want);
            }
        }
    }

    @Test
    void concatIsNullWhenAnyInputIsNull() {
        byte[][] a = random(2_000, 23);
        byte[][] b = random(2_000, 29);
        try (Column ca = column(a); Column cb = column(b);
                Column out = StringFunctions.concat(device, List.of(ConcatInput.column(ca),
                        ConcatInput.scalar(utf8("\u00e9|")), ConcatInput.column(cb)), stream)) {
            String[] got = actual(out);
            for (int i = 0; i < a.length; i++) {
                String want = a[i] == null || b[i] == null ? null : text(a[i]) + "\u00e9|" + text(b[i]);
                assertThat(got[i]).as("row %d", i).isEqualTo(want);
            }
        }
        try (Column ca = column(a); Column out = StringFunctions.concat(device,
                List.of(ConcatInput.column(ca), ConcatInput.scalar(null)), stream)) {
            assertThat(out.nullCount()).isEqualTo(a.length);
        }
    }

    @Test
    void concatChecksTheByteLimitBeforeAllocating() {
        try (Column c = column("abcd", "efgh")) {
            assertThatThrownBy(() -> StringFunctions.concat(device, List.of(ConcatInput.column(c), ConcatInput.column(c)),
                    15, stream)).isInstanceOf(StringSizeLimitException.class).hasMessageContaining("16 bytes");
        }
    }

    @Test
    void rowsOfMoreThanAMib() {
        Random r = new Random(31);
        String big = RandomStrings.string(r, (1 << 20) + 3);
        String ascii = RandomStrings.ascii(r, (1 << 20) + 5);
        byte[][] in = {utf8(big), utf8(ascii), null, utf8("x")};
        try (Column c = column(in)) {
            try (Column out = StringFunctions.length(device, c, stream)) {
                assertThat(longs(out)).containsExactly((long) big.codePointCount(0, big.length()), (long) ascii.length(),
                        null, 1L);
            }
            try (Column out = StringFunctions.substring(device, c, -1000, 999, stream)) {
                assertThat(actual(out)).containsExactly(expected(in, s -> substringRef(s, -1000, 999)));
            }
            try (Column out = StringFunctions.upper(device, c, stream)) {
                assertThat(actual(out)).containsExactly(expected(in, s -> s.toUpperCase(Locale.getDefault())));
            }
            String tail = ascii.substring(ascii.length() - 10);
            try (Column out = StringFunctions.like(device, c, LikePattern.parse("%" + tail.replace("\\", "\\\\")
                    .replace("%", "\\%").replace("_", "\\_")), stream)) {
                assertThat(booleans(out)).containsExactly(big.endsWith(tail), true, null, false);
            }
        }
    }

    @Test
    void rejectsNonStringInput() {
        try (Column ints = Column.create(DType.INT32, 1, device.allocate(4))) {
            assertThatThrownBy(() -> StringFunctions.length(device, ints, stream))
                    .hasMessageContaining("must be a string column");
        }
    }
}
