package dev.ember.cuda.ops;

import static dev.ember.cuda.ops.StringTestSupport.longs;
import static dev.ember.cuda.ops.StringTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.StringCastInputs;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** String casts on the test device against references written with BigInteger, regexes and java.time. */
class TestStringCasts {
    private static final Pattern NUMBER = Pattern.compile("([+-]?)([0-9]*)(\\.[0-9]*)?");
    private static final Pattern DATE = Pattern.compile("([+-]?)([0-9]{4,7})(?:-([0-9]{1,2})(?:-([0-9]{1,2})(?:[ T].*)?)?)?",
            Pattern.DOTALL);
    private static final DateTimeFormatter SPARK_DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd");

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    /** Bytes 0..0x20 and 0x7F trimmed; the rest read as Latin-1 so each byte is one char. */
    private static String trimmed(byte[] b) {
        int from = 0;
        int to = b.length;
        while (from < to && ((b[from] >= 0 && b[from] <= 0x20) || b[from] == 0x7f)) {
            from++;
        }
        while (to > from && ((b[to - 1] >= 0 && b[to - 1] <= 0x20) || b[to - 1] == 0x7f)) {
            to--;
        }
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static Long integralRef(byte[] b, long lo, long hi) {
        if (b == null) {
            return null;
        }
        String s = trimmed(b);
        Matcher m = NUMBER.matcher(s);
        if (s.isEmpty() || s.equals("+") || s.equals("-") || !m.matches()) {
            return null;
        }
        BigInteger v = m.group(2).isEmpty() ? BigInteger.ZERO : new BigInteger(m.group(2));
        if (m.group(1).equals("-")) {
            v = v.negate();
        }
        return v.compareTo(BigInteger.valueOf(lo)) < 0 || v.compareTo(BigInteger.valueOf(hi)) > 0 ? null : v.longValue();
    }

    private static Long dateRef(byte[] b) {
        if (b == null) {
            return null;
        }
        Matcher m = DATE.matcher(trimmed(b));
        if (!m.matches()) {
            return null;
        }
        int year = Integer.parseInt(m.group(2)) * (m.group(1).equals("-") ? -1 : 1);
        int month = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
        int day = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
        try {
            // SparkDateTimeUtils.localDateToDays: toIntExact; the overflow is caught, giving null.
            return (long) Math.toIntExact(LocalDate.of(year, month, day).toEpochDay());
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 33, 257, 20_011})
    void stringToIntegralAsUtf8StringToLongAndToInt(int n) {
        byte[][] in = StringCastInputs.integralTexts(new Random(n), n);
        long[][] ranges = {{Byte.MIN_VALUE, Byte.MAX_VALUE}, {Short.MIN_VALUE, Short.MAX_VALUE},
            {Integer.MIN_VALUE, Integer.MAX_VALUE}, {Long.MIN_VALUE, Long.MAX_VALUE}};
        DType[] types = {DType.INT8, DType.INT16, DType.INT32, DType.INT64};
        try (Column c = DeviceStrings.column(device, in)) {
            for (int t = 0; t < types.length; t++) {
                try (Column out = StringCasts.toIntegral(device, c, types[t], stream)) {
                    assertThat(out.type()).isEqualTo(types[t]);
                    Long[] got = longs(out);
                    for (int i = 0; i < n; i++) {
                        assertThat(got[i]).as("%s of [%s]", types[t], in[i] == null ? null : text(in[i]))
                                .isEqualTo(integralRef(in[i], ranges[t][0], ranges[t][1]));
                    }
                }
            }
        }
    }

    @Test
    void integralEdgeCasesSparkAccepts() {
        String[] in = {".", "1.", "-.5", " +7 ", "\u000012\u007f", "1.x", "1e3", "9223372036854775807",
            "-9223372036854775808", "9223372036854775808"};
        Long[] want = {0L, 1L, 0L, 7L, 12L, null, null, Long.MAX_VALUE, Long.MIN_VALUE, null};
        byte[][] b = new byte[in.length][];
        for (int i = 0; i < in.length; i++) {
            b[i] = in[i].getBytes(StandardCharsets.UTF_8);
        }
        try (Column c = DeviceStrings.column(device, b); Column out = StringCasts.toIntegral(device, c, DType.INT64, stream)) {
            assertThat(longs(out)).containsExactly(want);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 33, 20_011})
    void stringToDateAsStringToDate(int n) {
        byte[][] in = StringCastInputs.dateTexts(new Random(n), n);
        try (Column c = DeviceStrings.column(device, in); Column out = StringCasts.toDate(device, c, stream)) {
            assertThat(out.type()).isEqualTo(DType.DATE32);
            Long[] got = longs(out);
            for (int i = 0; i < n; i++) {
                assertThat(got[i]).as("[%s]", in[i] == null ? null : text(in[i])).isEqualTo(dateRef(in[i]));
            }
        }
    }

    /**
     * Spark 3.5 parses years of up to 7 digits, then converts with Math.toIntExact(toEpochDay()):
     * beyond the int32 day range (+5881580-07-11 .. -5877641-06-23) the overflow is caught and the
     * result is null, never a wrapped day number. Expected values written out, not computed.
     */
    @Test
    void stringToDateBeyondTheInt32DayRangeIsNull() {
        String[] in = {"9999999-12-31", "+9999999-12-31", "-9999999-01-01", "1000000-01-01", "5881580-07-11",
            "5881580-07-12", "5881580-08", "5881581", "-5877641-06-23", "-5877641-06-22", "-5877642", "9999999",
            " +5881580-07-11T23:59 ", "0000-01-01"};
        Long[] want = {null, null, null, 364_522_972L, (long) Integer.MAX_VALUE, null, null, null,
            (long) Integer.MIN_VALUE, null, null, null, (long) Integer.MAX_VALUE, -719_528L};
        byte[][] b = new byte[in.length][];
        for (int i = 0; i < in.length; i++) {
            b[i] = in[i].getBytes(StandardCharsets.UTF_8);
        }
        try (Column c = DeviceStrings.column(device, b); Column out = StringCasts.toDate(device, c, stream)) {
            assertThat(longs(out)).containsExactly(want);
        }
        for (int i = 0; i < in.length; i++) {
            assertThat(dateRef(b[i])).as("reference of [%s]", in[i]).isEqualTo(want[i]);
        }
    }

    private Column fixedColumn(DType type, byte[] data, boolean[] nulls) {
        int n = nulls.length;
        byte[] validity = new byte[(int) Bitmaps.bitmapBytes(n)];
        for (int i = 0; i < n; i++) {
            if (!nulls[i]) {
                validity[i >> 3] |= (byte) (1 << (i & 7));
            }
        }
        DeviceBuffer d = DeviceArrays.upload(device, data);
        return Column.create(type, n, d, DeviceArrays.upload(device, validity), Column.UNKNOWN_NULL_COUNT);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void integralToStringAsLongToString(int width) {
        Random r = new Random(width);
        int n = 10_003;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n * width).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[n];
        boolean[] nulls = new boolean[n];
        long[] edges = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Short.MIN_VALUE, Byte.MIN_VALUE, 10, -10};
        for (int i = 0; i < n; i++) {
            long v = i < edges.length ? edges[i] : r.nextLong() >> r.nextInt(64);
            nulls[i] = r.nextInt(7) == 0;
            switch (width) {
                case 1 -> { values[i] = (byte) v; buf.put(i, (byte) v); }
                case 2 -> { values[i] = (short) v; buf.putShort(i * 2, (short) v); }
                case 4 -> { values[i] = (int) v; buf.putInt(i * 4, (int) v); }
                default -> { values[i] = v; buf.putLong(i * 8, v); }
            }
        }
        DType type = width == 1 ? DType.INT8 : width == 2 ? DType.INT16 : width == 4 ? DType.INT32 : DType.INT64;
        try (Column c = fixedColumn(type, buf.array(), nulls); Column out = StringCasts.fromIntegral(device, c, stream)) {
            byte[][] got = DeviceStrings.values(out);
            for (int i = 0; i < n; i++) {
                assertThat(got[i] == null ? null : text(got[i])).as("row %d", i)
                        .isEqualTo(nulls[i] ? null : Long.toString(values[i]));
            }
        }
    }

    @Test
    void dateToStringAsJavaTimeUuuuMmDd() {
        int n = 20_000;
        int[] days = StringCastInputs.days(new Random(3), n);
        boolean[] nulls = new boolean[n];
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            nulls[i] = i % 11 == 5;
            buf.putInt(i * 4, days[i]);
        }
        try (Column c = fixedColumn(DType.DATE32, buf.array(), nulls); Column out = StringCasts.fromDate(device, c, stream)) {
            byte[][] got = DeviceStrings.values(out);
            for (int i = 0; i < n; i++) {
                assertThat(got[i] == null ? null : text(got[i])).as("day %d", days[i])
                        .isEqualTo(nulls[i] ? null : LocalDate.ofEpochDay(days[i]).format(SPARK_DATE));
            }
        }
        assertThat(LocalDate.of(10000, 1, 1).format(SPARK_DATE)).isEqualTo("+10000-01-01");
        assertThat(LocalDate.of(-1, 1, 1).format(SPARK_DATE)).isEqualTo("-0001-01-01");
    }

    @Test
    void toStringChecksTheByteLimit() {
        try (Column c = fixedColumn(DType.INT32, new byte[] {1, 0, 0, 0, 0x10, 0x27, 0, 0}, new boolean[2])) {
            assertThatThrownBy(() -> StringCasts.fromIntegral(device, c, 5, stream))
                    .isInstanceOf(StringSizeLimitException.class).hasMessageContaining("6 bytes");
        }
    }

    @Test
    void rejectsFloatingPointTargets() {
        try (Column c = DeviceStrings.column(device, new byte[][] {{'1'}})) {
            assertThatThrownBy(() -> StringCasts.toIntegral(device, c, DType.FLOAT64, stream))
                    .hasMessageContaining("toFloating");
        }
    }
}
