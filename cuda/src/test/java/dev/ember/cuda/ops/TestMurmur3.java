package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.ops.Murmur3.Input;
import dev.ember.cuda.ops.Murmur3.Type;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Murmur3 row hashes and partition ids on the test device against a reference that hashes each
 * value's byte image the way Spark's {@code Murmur3_x86_32.hashUnsafeBytes} hashes a byte array
 * (ints and longs as their little-endian bytes, decimals as {@code BigInteger.toByteArray()}), and
 * against fixed values computed with Spark 3.5.9's own {@code Murmur3_x86_32}.
 */
class TestMurmur3 {
    private final Device device = TestDevices.device();

    @Test
    void matchesValuesComputedBySpark() {
        try (DeviceBuffer ints = DeviceArrays.upload(device, new int[] {1, 0, 0x7fc00000});
                DeviceBuffer h = Murmur3.hashColumns(device, List.of(Input.nonNull(Type.INT32, ints.address())), 3,
                        device.defaultStream())) {
            assertThat(DeviceArrays.downloadInts(h, 0, 3)).containsExactly(-559580957, 933211791, -349261430);
        }
        try (DeviceBuffer longs = DeviceArrays.upload(device, new long[] {1, Long.MIN_VALUE, 0x7ff8000000000000L});
                DeviceBuffer h = Murmur3.hashColumns(device, List.of(Input.nonNull(Type.INT64, longs.address())), 3,
                        device.defaultStream())) {
            assertThat(DeviceArrays.downloadInts(h, 0, 3)).containsExactly(-1712319331, -853646085, -1281358385);
        }
        BigInteger[] decimals = {BigInteger.ZERO, BigInteger.ONE.negate(), new BigInteger("12345678901234567890123"),
            new BigInteger("-99999999999999999999999999999999999999")};
        try (DeviceBuffer words = DeviceArrays.upload(device, words(decimals));
                DeviceBuffer h = Murmur3.hashColumns(device, List.of(Input.nonNull(Type.DECIMAL128, words.address())), 4,
                        device.defaultStream())) {
            assertThat(DeviceArrays.downloadInts(h, 0, 4)).containsExactly(-783713497, 1398487324, -434902821, 1400911110);
        }
    }

    @Test
    void floatsHashZeroForBothZerosAndOneValueForEveryNaN() {
        float[] f = {-0.0f, 0.0f, Float.NaN, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xff800001), 1.5f};
        double[] d = {-0.0, 0.0, Double.NaN, Double.longBitsToDouble(0xfff8000000000123L), 1.5, 1.5};
        try (DeviceBuffer fb = DeviceArrays.upload(device, f);
                DeviceBuffer db = DeviceArrays.upload(device, d);
                DeviceBuffer hf = Murmur3.hashColumns(device, List.of(Input.nonNull(Type.FLOAT32, fb.address())), 6,
                        device.defaultStream());
                DeviceBuffer hd = Murmur3.hashColumns(device, List.of(Input.nonNull(Type.FLOAT64, db.address())), 6,
                        device.defaultStream())) {
            int[] floats = DeviceArrays.downloadInts(hf, 0, 6);
            assertThat(floats[0]).isEqualTo(floats[1]).isEqualTo(933211791);
            assertThat(floats[2]).isEqualTo(floats[3]).isEqualTo(floats[4]).isEqualTo(-349261430);
            int[] doubles = DeviceArrays.downloadInts(hd, 0, 6);
            assertThat(doubles[0]).isEqualTo(doubles[1]).isEqualTo(hashBytes(le(0L), 42));
            assertThat(doubles[2]).isEqualTo(doubles[3]).isEqualTo(-1281358385);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 257, 10_007})
    void multiColumnRowsWithNullsMatchTheReference(int n) {
        Random r = new Random(977L * n + 3);
        byte[] bools = RandomData.bytes(r, n);
        byte[] bytes = RandomData.bytes(r, n);
        short[] shorts = RandomData.shorts(r, n);
        int[] ints = RandomData.ints(r, n);
        long[] longs = RandomData.longs(r, n);
        float[] floats = RandomData.floats(r, n);
        double[] doubles = RandomData.doubles(r, n);
        long[] decimals = RandomDecimals.words(r, n);
        Type[] types = {Type.BOOL8, Type.INT8, Type.INT16, Type.DATE32, Type.TIMESTAMP_US, Type.FLOAT32, Type.FLOAT64,
            Type.DECIMAL128};
        byte[][] validity = new byte[types.length][];
        for (int c = 0; c < types.length; c++) {
            validity[c] = RandomData.validity(r, n, c % 3 == 0 ? 0.0 : 0.3);
        }
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            int h = 42;
            byte[][] images = {le(bools[i] != 0 ? 1 : 0), le(bytes[i]), le(shorts[i]), le(ints[i]), le(longs[i]),
                le(floats[i] == 0 ? 0 : Float.floatToIntBits(floats[i])),
                le(doubles[i] == 0 ? 0 : Double.doubleToLongBits(doubles[i])),
                RandomDecimals.valueAt(decimals, i).toByteArray()};
            for (int c = 0; c < types.length; c++) {
                if (RandomData.isValid(validity[c], i)) {
                    h = hashBytes(images[c], h);
                }
            }
            expected[i] = h;
        }
        List<DeviceBuffer> buffers = new ArrayList<>();
        try {
            DeviceBuffer[] data = {DeviceArrays.upload(device, bools), DeviceArrays.upload(device, bytes),
                DeviceArrays.upload(device, shorts), DeviceArrays.upload(device, ints), DeviceArrays.upload(device, longs),
                DeviceArrays.upload(device, floats), DeviceArrays.upload(device, doubles),
                DeviceArrays.upload(device, decimals)};
            buffers.addAll(List.of(data));
            List<Input> inputs = new ArrayList<>();
            for (int c = 0; c < types.length; c++) {
                DeviceBuffer v = DeviceArrays.upload(device, validity[c]);
                buffers.add(v);
                inputs.add(Input.of(types[c], data[c].address(), c % 3 == 0 ? 0 : v.address()));
            }
            try (DeviceBuffer hashes = Murmur3.hashColumns(device, inputs, n, device.defaultStream());
                    DeviceBuffer ids = Murmur3.partitionIds(device, hashes.address(), n, 200, device.defaultStream())) {
                assertThat(DeviceArrays.downloadInts(hashes, 0, n)).containsExactly(expected);
                int[] expectedIds = new int[n];
                for (int i = 0; i < n; i++) {
                    expectedIds[i] = Math.floorMod(expected[i], 200);
                }
                assertThat(DeviceArrays.downloadInts(ids, 0, n)).containsExactly(expectedIds);
            }
        } finally {
            buffers.forEach(DeviceBuffer::close);
        }
    }

    @Test
    void allNullRowsKeepTheSeedAndNoColumnsGiveTheSeed() {
        try (DeviceBuffer data = DeviceArrays.upload(device, new long[] {5, 6, 7});
                DeviceBuffer nulls = DeviceArrays.upload(device, new byte[8]);
                DeviceBuffer h = Murmur3.hashColumns(device, List.of(Input.of(Type.INT64, data.address(), nulls.address())),
                        3, device.defaultStream());
                DeviceBuffer none = Murmur3.hashColumns(device, List.of(), 3, 7, device.defaultStream())) {
            assertThat(DeviceArrays.downloadInts(h, 0, 3)).containsExactly(42, 42, 42);
            assertThat(DeviceArrays.downloadInts(none, 0, 3)).containsExactly(7, 7, 7);
        }
    }

    @Test
    void partitionIdsAreNonNegativeRemainders() {
        int[] hashes = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, -200, -201};
        try (DeviceBuffer h = DeviceArrays.upload(device, hashes);
                DeviceBuffer ids = Murmur3.partitionIds(device, h.address(), hashes.length, 200, device.defaultStream());
                DeviceBuffer one = Murmur3.partitionIds(device, h.address(), hashes.length, 1, device.defaultStream())) {
            assertThat(DeviceArrays.downloadInts(ids, 0, hashes.length)).containsExactly(152, 199, 0, 1, 47, 0, 199);
            assertThat(DeviceArrays.downloadInts(one, 0, hashes.length)).containsOnly(0);
            assertThatThrownBy(() -> Murmur3.partitionIds(device, h.address(), 1, 0, device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 1");
        }
    }

    // ---- the reference: Spark's hashUnsafeBytes over each value's byte image ----

    private static int hashBytes(byte[] bytes, int seed) {
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int aligned = bytes.length - bytes.length % 4;
        int h1 = seed;
        for (int i = 0; i < aligned; i += 4) {
            h1 = mixH1(h1, mixK1(le.getInt(i)));
        }
        for (int i = aligned; i < bytes.length; i++) {
            h1 = mixH1(h1, mixK1(bytes[i]));
        }
        h1 ^= bytes.length;
        h1 ^= h1 >>> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >>> 13;
        h1 *= 0xc2b2ae35;
        return h1 ^ (h1 >>> 16);
    }

    private static int mixK1(int k1) {
        return Integer.rotateLeft(k1 * 0xcc9e2d51, 15) * 0x1b873593;
    }

    private static int mixH1(int h1, int k1) {
        return Integer.rotateLeft(h1 ^ k1, 13) * 5 + 0xe6546b64;
    }

    /** hashInt's image: the int's four little-endian bytes (bytes and shorts sign-extended first). */
    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** hashLong's image: the long's eight little-endian bytes. */
    private static byte[] le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static long[] words(BigInteger[] values) {
        long[] out = new long[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            out[2 * i] = values[i].longValue();
            out[2 * i + 1] = values[i].shiftRight(64).longValue();
        }
        return out;
    }
}
