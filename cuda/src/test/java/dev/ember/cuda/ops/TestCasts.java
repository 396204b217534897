package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.ops.Casts.Type;
import dev.ember.cuda.testing.CastValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Casts on the test device against a reference that computes each result from the exact value
 * (BigInteger / BigDecimal, correctly rounded decimal parsing), and against hand-checked values of
 * Spark's non-ANSI casts.
 */
class TestCasts {
    private final Device device = TestDevices.device();

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 33, 257, 20_011})
    void everyPairMatchesTheExactReference(int n) {
        Random r = new Random(n * 31L + 7);
        for (Type from : Type.values()) {
            long[] input = randomRaw(r, from, n);
            try (DeviceBuffer in = upload(from, input)) {
                for (Type to : Type.values()) {
                    if (to == from) {
                        continue;
                    }
                    long[] expected = new long[n];
                    for (int i = 0; i < n; i++) {
                        expected[i] = reference(from, input[i], to);
                    }
                    try (DeviceBuffer out = Casts.cast(device, from, to, in.address(), n, device.defaultStream())) {
                        assertThat(download(to, out, n)).as("%s -> %s", from, to).containsExactly(expected);
                    }
                }
            }
        }
    }

    @Test
    void floatingToNarrowIntegralsGoThroughInt() {
        double[] in = {300.7, -300.7, 1.0E10, -1.0E10, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            -0.0, 65535.9, 127.99, -128.99};
        assertThat(castDoubles(in, Type.INT8)).containsExactly(44, -44, -1, 0, 0, -1, 0, 0, -1, 127, -128);
        assertThat(castDoubles(in, Type.INT16)).containsExactly(300, -300, -1, 0, 0, -1, 0, 0, -1, 127, -128);
        assertThat(castDoubles(in, Type.INT32)).containsExactly(300, -300, Integer.MAX_VALUE, Integer.MIN_VALUE, 0,
                Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 65535, 127, -128);
        assertThat(castDoubles(in, Type.INT64)).containsExactly(300, -300, 10_000_000_000L, -10_000_000_000L, 0,
                Long.MAX_VALUE, Long.MIN_VALUE, 0, 65535, 127, -128);
    }

    @Test
    void numbersToBooleanAreNonZeroWithNaNTrue() {
        double[] in = {0.0, -0.0, Double.NaN, 1.0E-300, -1.0, Double.NEGATIVE_INFINITY};
        assertThat(castDoubles(in, Type.BOOL8)).containsExactly(0, 0, 1, 1, 1, 1);
        try (DeviceBuffer bytes = DeviceArrays.upload(device, new byte[] {0, 1, 2, -1, (byte) 0x80});
                DeviceBuffer ints = Casts.cast(device, Type.BOOL8, Type.INT32, bytes.address(), 5, device.defaultStream());
                DeviceBuffer flags = Casts.cast(device, Type.INT8, Type.BOOL8, bytes.address(), 5, device.defaultStream())) {
            assertThat(DeviceArrays.downloadInts(ints, 0, 5)).containsExactly(0, 1, 1, 1, 1);
            assertThat(DeviceArrays.downloadBytes(flags, 0, 5)).containsExactly(0, 1, 1, 1, 1);
        }
    }

    @Test
    void roundingOverflowAndCanonicalNaN() {
        try (DeviceBuffer longs = DeviceArrays.upload(device, new long[] {(1L << 53) + 1, (1L << 24) + 1, Long.MAX_VALUE});
                DeviceBuffer d = Casts.cast(device, Type.INT64, Type.FLOAT64, longs.address(), 3, device.defaultStream());
                DeviceBuffer f = Casts.cast(device, Type.INT64, Type.FLOAT32, longs.address(), 3, device.defaultStream())) {
            assertThat(DeviceArrays.downloadDoubles(d, 0, 3)).containsExactly(9007199254740992.0, 16777217.0, 9.223372036854775807E18);
            assertThat(DeviceArrays.downloadFloats(f, 0, 3)).containsExactly(9.0071993E15f, 16777216.0f, 9.223372E18f);
        }
        double[] in = {3.5E38, -3.5E38, Double.longBitsToDouble(0xfff4000000000001L), -0.0, 1.0E-46};
        try (DeviceBuffer buf = DeviceArrays.upload(device, in);
                DeviceBuffer out = Casts.cast(device, Type.FLOAT64, Type.FLOAT32, buf.address(), in.length, device.defaultStream())) {
            int[] bits = DeviceArrays.downloadInts(out, 0, in.length);
            assertThat(bits).containsExactly(0x7f800000, 0xff800000, 0x7fc00000, 0x80000000, 0);
        }
    }

    @Test
    void equalTypesCopyAndInPlaceNeedsEqualWidths() {
        try (DeviceBuffer buf = DeviceArrays.upload(device, new int[] {1, -2, 3});
                DeviceBuffer copy = Casts.cast(device, Type.INT32, Type.INT32, buf.address(), 3, device.defaultStream())) {
            assertThat(DeviceArrays.downloadInts(copy, 0, 3)).containsExactly(1, -2, 3);
            Casts.castInto(device, Type.INT32, Type.FLOAT32, buf.address(), buf.address(), 3, device.defaultStream());
            assertThat(DeviceArrays.downloadFloats(buf, 0, 3)).containsExactly(1.0f, -2.0f, 3.0f);
            assertThatThrownBy(() -> Casts.castInto(device, Type.INT32, Type.INT64, buf.address(), buf.address(), 3,
                    device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("separate output buffer");
            assertThatThrownBy(() -> Casts.cast(device, Type.INT32, Type.INT64, buf.address(), -1, device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("negative");
        }
    }

    /** The integral results of casting doubles, sign-extended to long. */
    private long[] castDoubles(double[] in, Type to) {
        try (DeviceBuffer buf = DeviceArrays.upload(device, in);
                DeviceBuffer out = Casts.cast(device, Type.FLOAT64, to, buf.address(), in.length, device.defaultStream())) {
            return download(to, out, in.length);
        }
    }

    // ---- the reference: exact values, then the target's rule ----

    /** The result's raw bits (sign-extended integers, float/double bit patterns) for one input's raw bits. */
    static long reference(Type from, long raw, Type to) {
        if (from == Type.FLOAT32 || from == Type.FLOAT64) {
            double x = from == Type.FLOAT32 ? Float.intBitsToFloat((int) raw) : Double.longBitsToDouble(raw);
            return fromFloating(x, to);
        }
        BigInteger v = BigInteger.valueOf(from == Type.BOOL8 ? (raw != 0 ? 1 : 0) : raw);
        return switch (to) {
            case BOOL8 -> v.signum() != 0 ? 1 : 0;
            case INT8 -> v.byteValue();
            case INT16 -> v.shortValue();
            case INT32 -> v.intValue();
            case INT64 -> v.longValue();
            // Decimal parsing rounds correctly to nearest-even, independent of the JVM's l2f / l2d.
            case FLOAT32 -> Float.floatToRawIntBits(Float.parseFloat(v.toString()));
            case FLOAT64 -> Double.doubleToRawLongBits(Double.parseDouble(v.toString()));
        };
    }

    private static long fromFloating(double x, Type to) {
        boolean nan = Double.isNaN(x);
        switch (to) {
            case BOOL8:
                return nan || x != 0 ? 1 : 0;
            case FLOAT32:
                return nan ? 0x7fc00000 : Float.floatToRawIntBits(toFloatExactly(x));
            case FLOAT64:
                return nan ? 0x7ff8000000000000L : Double.doubleToRawLongBits(x);
            default:
                break;
        }
        BigInteger truncated;
        if (nan) {
            truncated = BigInteger.ZERO;
        } else if (Double.isInfinite(x)) {
            truncated = BigInteger.TEN.pow(30).multiply(BigInteger.valueOf(x > 0 ? 1 : -1));
        } else {
            truncated = new BigDecimal(x).setScale(0, RoundingMode.DOWN).toBigInteger();
        }
        BigInteger min = BigInteger.valueOf(to == Type.INT64 ? Long.MIN_VALUE : Integer.MIN_VALUE);
        BigInteger max = BigInteger.valueOf(to == Type.INT64 ? Long.MAX_VALUE : Integer.MAX_VALUE);
        BigInteger clamped = truncated.max(min).min(max);
        return switch (to) {
            case INT8 -> clamped.byteValue();
            case INT16 -> clamped.shortValue();
            case INT32 -> clamped.intValue();
            default -> clamped.longValue();
        };
    }

    /** Correctly rounded double → float through the exact decimal expansion. */
    private static float toFloatExactly(double x) {
        if (x == 0 || Double.isInfinite(x)) {
            return (float) x;
        }
        return Float.parseFloat(new BigDecimal(x).toString());
    }

    private static long[] randomRaw(Random r, Type type, int n) {
        long[] out = new long[n];
        switch (type) {
            case BOOL8, INT8 -> {
                byte[] v = RandomData.bytes(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case INT16 -> {
                short[] v = RandomData.shorts(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case INT32 -> {
                int[] v = CastValues.mixIn(r, RandomData.ints(r, n));
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case INT64 -> out = CastValues.mixIn(r, RandomData.longs(r, n));
            case FLOAT32 -> {
                float[] v = CastValues.mixIn(r, RandomData.floats(r, n));
                for (int i = 0; i < n; i++) {
                    out[i] = Float.floatToRawIntBits(v[i]);
                }
            }
            case FLOAT64 -> {
                double[] v = CastValues.mixIn(r, RandomData.doubles(r, n));
                for (int i = 0; i < n; i++) {
                    out[i] = Double.doubleToRawLongBits(v[i]);
                }
            }
        }
        return out;
    }

    private DeviceBuffer upload(Type type, long[] raw) {
        int n = raw.length;
        return switch (type.width()) {
            case 1 -> {
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) raw[i];
                }
                yield DeviceArrays.upload(device, b);
            }
            case 2 -> {
                short[] s = new short[n];
                for (int i = 0; i < n; i++) {
                    s[i] = (short) raw[i];
                }
                yield DeviceArrays.upload(device, s);
            }
            case 4 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (int) raw[i];
                }
                yield DeviceArrays.upload(device, v);
            }
            default -> DeviceArrays.upload(device, raw.clone());
        };
    }

    /** Raw bits of each element, sign-extended from the type's width. */
    private static long[] download(Type type, DeviceBuffer buf, int n) {
        long[] out = new long[n];
        switch (type.width()) {
            case 1 -> {
                byte[] b = DeviceArrays.downloadBytes(buf, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = b[i];
                }
            }
            case 2 -> {
                short[] s = DeviceArrays.downloadShorts(buf, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = s[i];
                }
            }
            case 4 -> {
                int[] v = DeviceArrays.downloadInts(buf, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            default -> out = DeviceArrays.downloadLongs(buf, 0, n);
        }
        return out;
    }
}
