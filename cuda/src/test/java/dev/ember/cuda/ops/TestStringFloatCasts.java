package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.CompactKernels;
import dev.ember.cuda.kernel.StringFloatKernels;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.FloatTexts;
import dev.ember.cuda.testing.TestDevices;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cast(string AS DOUBLE / FLOAT) on the test device against Java's own parser plus Spark's special
 * literals (written here as regexes), compared bit for bit.
 */
class TestStringFloatCasts {
    private static final Pattern POSITIVE_INFINITY = Pattern.compile("\\+?inf(inity)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern NEGATIVE_INFINITY = Pattern.compile("-inf(inity)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern NAN = Pattern.compile("nan", Pattern.CASE_INSENSITIVE);

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    /** Spark: parse with Java, else the special literals of the String.trim()-ed text, else null; as raw bits. */
    private static Long reference(byte[] b, boolean f64) {
        if (b == null) {
            return null;
        }
        String s = new String(b, StandardCharsets.UTF_8);
        try {
            return f64 ? Double.doubleToRawLongBits(Double.parseDouble(s)) : Float.floatToRawIntBits(Float.parseFloat(s));
        } catch (NumberFormatException e) {
            String t = s.trim();
            double v;
            if (POSITIVE_INFINITY.matcher(t).matches()) {
                v = Double.POSITIVE_INFINITY;
            } else if (NEGATIVE_INFINITY.matcher(t).matches()) {
                v = Double.NEGATIVE_INFINITY;
            } else if (NAN.matcher(t).matches()) {
                v = Double.NaN;
            } else {
                return null;
            }
            return f64 ? Double.doubleToRawLongBits(v) : Float.floatToRawIntBits((float) v);
        }
    }

    private List<Long> cast(byte[][] values, boolean f64) {
        try (Column in = DeviceStrings.column(device, values);
                Column out = StringCasts.toFloating(device, in, f64 ? DType.FLOAT64 : DType.FLOAT32, stream)) {
            assertThat(out.type()).isEqualTo(f64 ? DType.FLOAT64 : DType.FLOAT32);
            assertThat(out.rowCount()).isEqualTo(values.length);
            boolean[] valid = StringTestSupport.validity(out);
            List<Long> bits = new ArrayList<>();
            if (values.length == 0) {
                return bits;
            }
            long[] doubles = f64 ? DeviceArrays.downloadLongs(out.data(), 0, values.length) : null;
            int[] floats = f64 ? null : DeviceArrays.downloadInts(out.data(), 0, values.length);
            for (int i = 0; i < values.length; i++) {
                bits.add(valid[i] ? (f64 ? doubles[i] : floats[i]) : null);
            }
            return bits;
        }
    }

    private void assertMatchesJava(byte[][] values) {
        for (boolean f64 : new boolean[] {true, false}) {
            List<Long> got = cast(values, f64);
            for (int i = 0; i < values.length; i++) {
                String shown = values[i] == null ? "null" : "'" + new String(values[i], StandardCharsets.UTF_8) + "'";
                assertThat(got.get(i)).as("%s of %s", f64 ? "double" : "float", shown)
                        .isEqualTo(reference(values[i], f64));
            }
        }
    }

    private static byte[][] utf8(String... texts) {
        byte[][] out = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            out[i] = texts[i] == null ? null : texts[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20261121})
    void randomTextsMatchJava(long seed) {
        assertMatchesJava(FloatTexts.texts(new Random(seed), 4000));
    }

    @Test
    void fastPathDecimalsMatchJava() {
        Random r = new Random(7);
        byte[][] values = new byte[20000][];
        for (int i = 0; i < values.length; i++) {
            values[i] = FloatTexts.decimal(r).getBytes(StandardCharsets.UTF_8);
        }
        assertMatchesJava(values);
    }

    @Test
    void literalsEdgesAndInvalidTextMatchSpark() {
        assertMatchesJava(utf8("1.5", "-0", "0.0", "+7", " 12 ", "NaN", "-NaN", "nan", "-nan", "+nan", "Infinity",
                "-infinity", "+INF", "inf ", "infinityx", "1.5d", "2f", "0x1p3", "-0x1.8p1", "4.9e-324", "1e-400",
                "1e400", "-1e400", "3.4028236e38", "1.4e-45", "1e-46", "", " ", "\t\n", "abc", "1e", "1.2.3", "１",
                "1\u00a0", null, "9007199254740993", "0.1", "1e22", "1e23", "1e-22", "123456789012345678901234"));
    }

    @Test
    void specialLiteralsAndNullsDecidedOnTheDevice() {
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        byte[][] values = utf8("1.25", "-0", "inf", "-Infinity", "NaN", "nan", "hello", null, " 3e-5 ", "", "-.5e+2");
        try (Column in = DeviceStrings.column(counting, values);
                Column out = StringCasts.toFloating(counting, in, DType.FLOAT64, stream)) {
            assertThat(counting.launches(StringFloatKernels.TO_F64)).isEqualTo(1);
            assertThat(counting.launches(CompactKernels.COUNT_BOOL8)).isZero();
        }
        assertMatchesJava(values);
    }

    @Test
    void hardRowsGoToTheHostAndComeBack() {
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        byte[][] values = utf8("1.5", "0x1p-2", "2.2250738585072011e-308", null, "1.5f", "7");
        try (Column in = DeviceStrings.column(counting, values);
                Column out = StringCasts.toFloating(counting, in, DType.FLOAT64, stream)) {
            assertThat(counting.launches(CompactKernels.COUNT_BOOL8)).isEqualTo(1);
            assertThat(DeviceArrays.downloadDoubles(out.data(), 0, values.length))
                    .containsExactly(1.5, 0.25, 2.2250738585072011e-308, 0.0, 1.5, 7.0);
            assertThat(StringTestSupport.validity(out)).containsExactly(true, true, true, false, true, true);
        }
    }

    /**
     * Rows that take the host fallback (Java's parser), cast on a caller stream that is not the
     * default stream: the fallback must wait for that stream before it downloads the gathered rows.
     * On the test device (a GPU with -Dember.device=cuda, whose streams really are asynchronous) and on
     * the emulation with deferred streams, where a download that does not wait reads the gather's
     * output before the gather ran.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void hostFallbackOnANonDefaultCallerStream(boolean deferredStreams) {
        Device d = deferredStreams ? new DeferredStreamDevice(TestDevices.emulated()) : device;
        byte[][] values = FloatTexts.texts(new Random(31), 3000);
        String[] hard = {"0x1p-2", "2.2250738585072011e-308", "1.5f", "123456789012345678901234", "-0x1.8p1", "2d",
            "9007199254740993", "1e-400", "3.4028236e38"};
        for (int i = 0; i < hard.length; i++) {
            values[i * 173 + 3] = hard[i].getBytes(StandardCharsets.UTF_8);
        }
        for (boolean f64 : new boolean[] {true, false}) {
            try (Stream callerStream = d.createStream()) {
                assertThat(callerStream).isNotSameAs(d.defaultStream());
                try (Column in = DeviceStrings.column(d, values);
                        Column out = StringCasts.toFloating(d, in, f64 ? DType.FLOAT64 : DType.FLOAT32, callerStream)) {
                    callerStream.synchronize();
                    boolean[] valid = StringTestSupport.validity(out);
                    long[] doubles = f64 ? DeviceArrays.downloadLongs(out.data(), 0, values.length) : null;
                    int[] floats = f64 ? null : DeviceArrays.downloadInts(out.data(), 0, values.length);
                    for (int i = 0; i < values.length; i++) {
                        Long got = valid[i] ? Long.valueOf(f64 ? doubles[i] : floats[i]) : null;
                        String shown = values[i] == null ? "null" : "'" + new String(values[i], StandardCharsets.UTF_8) + "'";
                        assertThat(got).as("%s of %s (row %d)", f64 ? "double" : "float", shown, i)
                                .isEqualTo(reference(values[i], f64));
                    }
                }
            }
        }
    }

    @Test
    void emptyColumn() {
        assertMatchesJava(new byte[0][]);
    }

    @Test
    void rejectsOtherTargets() {
        try (Column in = DeviceStrings.column(device, utf8("1"))) {
            assertThatThrownBy(() -> StringCasts.toFloating(device, in, DType.INT32, stream))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("FLOAT32 or FLOAT64");
        }
    }
}
