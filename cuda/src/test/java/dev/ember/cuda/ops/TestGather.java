package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.ops.Gather.Gathered;
import dev.ember.cuda.ops.Gather.MapType;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream.Builder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestGather {
    static final int[] SIZES = {0, 1, 31, 32, 33, 255, 256, 257, 1_000_003};

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    static java.util.stream.Stream<Arguments> sizesWidthsAndMaps() {
        Builder<Arguments> all = java.util.stream.Stream.builder();
        for (int n : SIZES) {
            for (int width : new int[] {1, 2, 4, 8, 16}) {
                for (MapType mapType : MapType.values()) {
                    all.add(Arguments.of(n, width, mapType));
                }
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "n={0} width={1} map={2}")
    @MethodSource("sizesWidthsAndMaps")
    void gathersWithOutOfRangeEntriesAndNullSources(int n, int width, MapType mapType) {
        Random r = new Random(31L * n + width + mapType.ordinal());
        int srcRows = n / 2 + 3;
        byte[] src = new byte[srcRows * width];
        r.nextBytes(src);
        byte[] srcValidity = RandomData.validity(r, srcRows, 0.25);
        long[] map = randomMap(r, n, srcRows, mapType);
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer validityBuf = DeviceArrays.upload(device, srcValidity);
                DeviceBuffer mapBuf = uploadMap(map, mapType);
                Gathered out = Gather.gather(device, srcBuf, validityBuf, srcRows, width, mapBuf, mapType, n, stream)) {
            byte[] expectedData = new byte[n * width];
            byte[] expectedValidity = new byte[(int) Bitmaps.bitmapBytes(n)];
            long expectedNulls = 0;
            for (int i = 0; i < n; i++) {
                long j = map[i];
                if (j >= 0 && j < srcRows && RandomData.isValid(srcValidity, (int) j)) {
                    System.arraycopy(src, (int) j * width, expectedData, i * width, width);
                    expectedValidity[i / 8] |= (byte) (1 << (i % 8));
                } else {
                    expectedNulls++;
                }
            }
            assertThat(DeviceArrays.downloadBytes(out.data(), 0, n * width)).isEqualTo(expectedData);
            assertThat(DeviceArrays.downloadBytes(out.validity(), 0, expectedValidity.length)).isEqualTo(expectedValidity);
            assertThat(Bitmaps.nullCount(device, out.validity().address(), n)).isEqualTo(expectedNulls);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void sourceWithoutValidityIsAllValidExceptOutOfRangeRows(int n) {
        Random r = new Random(n);
        int srcRows = n + 1;
        int[] src = RandomData.ints(r, srcRows);
        long[] map = randomMap(r, n, srcRows, MapType.INT32);
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer mapBuf = uploadMap(map, MapType.INT32);
                Gathered out = Gather.gather(device, srcBuf, null, srcRows, 4, mapBuf, MapType.INT32, n, stream)) {
            int[] expected = new int[n];
            byte[] expectedValidity = new byte[(int) Bitmaps.bitmapBytes(n)];
            for (int i = 0; i < n; i++) {
                if (map[i] >= 0 && map[i] < srcRows) {
                    expected[i] = src[(int) map[i]];
                    expectedValidity[i / 8] |= (byte) (1 << (i % 8));
                }
            }
            assertThat(DeviceArrays.downloadInts(out.data(), 0, n)).isEqualTo(expected);
            assertThat(DeviceArrays.downloadBytes(out.validity(), 0, expectedValidity.length)).isEqualTo(expectedValidity);
        }
    }

    static int[] sizes() {
        return SIZES;
    }

    @Test
    void doublesKeepTheirBitsThroughTheEightByteKernel() {
        double[] src = {Double.NaN, Double.longBitsToDouble(0x7ff8000000000001L), -0.0, Double.NEGATIVE_INFINITY, 1.5};
        long[] map = {4, 3, 2, 1, 0, -1, 5};
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer mapBuf = DeviceArrays.upload(device, map);
                Gathered out = Gather.gather(device, srcBuf, null, 5, 8, mapBuf, MapType.INT64, 7, stream)) {
            long[] bits = DeviceArrays.downloadLongs(out.data(), 0, 7);
            assertThat(bits).containsExactly(Double.doubleToRawLongBits(1.5),
                    Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY), Double.doubleToRawLongBits(-0.0),
                    0x7ff8000000000001L, Double.doubleToRawLongBits(Double.NaN), 0, 0);
            assertThat(DeviceArrays.downloadBytes(out.validity(), 0, 8)).containsExactly(0x1f, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    @Test
    void sixteenByteElementsMoveBothWordsOfDecimal128Values() {
        BigInteger[] values = {BigInteger.TEN.pow(38).subtract(BigInteger.ONE), BigInteger.TEN.pow(38).negate().add(
                BigInteger.ONE), BigInteger.ONE.negate(), BigInteger.ONE.shiftLeft(64)};
        long[] src = new long[2 * values.length];
        for (int i = 0; i < values.length; i++) {
            src[2 * i] = values[i].longValue();
            src[2 * i + 1] = values[i].shiftRight(64).longValue();
        }
        byte[] srcValidity = {0b1011};
        int[] map = {3, 2, 1, 0, -1, 4};
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer validityBuf = DeviceArrays.upload(device, srcValidity);
                DeviceBuffer mapBuf = DeviceArrays.upload(device, map);
                Gathered out = Gather.gather(device, srcBuf, validityBuf, 4, 16, mapBuf, MapType.INT32, 6, stream)) {
            long[] words = DeviceArrays.downloadLongs(out.data(), 0, 12);
            // Row 2 of the source is null, so output row 1 is null with both words 0.
            BigInteger[] expected = {values[3], null, values[1], values[0], null, null};
            for (int i = 0; i < expected.length; i++) {
                BigInteger got = BigInteger.valueOf(words[2 * i + 1]).shiftLeft(64)
                        .add(new BigInteger(Long.toUnsignedString(words[2 * i])));
                assertThat(got).as("row %d", i).isEqualTo(expected[i] == null ? BigInteger.ZERO : expected[i]);
            }
            assertThat(DeviceArrays.downloadBytes(out.validity(), 0, 1)).containsExactly(0b1101);
        }
    }

    @Test
    void sixteenByteElementsNeedSixteenByteAlignedData() {
        try (DeviceBuffer buf = device.allocate(256); DeviceBuffer validity = device.allocate(8)) {
            assertThatThrownBy(() -> Gather.gatherInto(device, buf.address() + 8, 0, 4, 16, buf.address() + 128,
                    MapType.INT32, 1, buf.address() + 64, validity.address(), stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("src address")
                    .hasMessageContaining("16-byte aligned");
            assertThatThrownBy(() -> Gather.gatherInto(device, buf.address(), 0, 4, 16, buf.address() + 128,
                    MapType.INT32, 1, buf.address() + 72, validity.address(), stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out address");
        }
    }

    @Test
    void int64MapEntriesAreNotTruncated() {
        // 2^32 + 1 would land on row 1 if the map were narrowed to 32 bits.
        long[] map = {(1L << 32) + 1, 1, Long.MIN_VALUE + 1, Long.MAX_VALUE};
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, new short[] {10, 11});
                DeviceBuffer mapBuf = DeviceArrays.upload(device, map);
                Gathered out = Gather.gather(device, srcBuf, null, 2, 2, mapBuf, MapType.INT64, 4, stream)) {
            assertThat(DeviceArrays.downloadShorts(out.data(), 0, 4)).containsExactly((short) 0, (short) 11, (short) 0,
                    (short) 0);
            assertThat(DeviceArrays.downloadBytes(out.validity(), 0, 1)).containsExactly(0b0010);
        }
    }

    @Test
    void emptySourceGivesAllNullRows() {
        try (DeviceBuffer srcBuf = device.allocate(0);
                DeviceBuffer mapBuf = DeviceArrays.upload(device, new int[] {0, -1, 1});
                Gathered out = Gather.gather(device, srcBuf, null, 0, 4, mapBuf, MapType.INT32, 3, stream)) {
            assertThat(DeviceArrays.downloadInts(out.data(), 0, 3)).containsExactly(0, 0, 0);
            assertThat(Bitmaps.nullCount(device, out.validity().address(), 3)).isEqualTo(3);
        }
    }

    @Test
    void rejectsBadWidthsAndTooSmallBuffers() {
        try (DeviceBuffer small = device.allocate(8)) {
            assertThatThrownBy(() -> Gather.gather(device, small, null, 2, 3, small, MapType.INT32, 1, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1, 2, 4, 8 or 16");
            assertThatThrownBy(() -> Gather.gather(device, small, null, 4, 4, small, MapType.INT32, 1, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
            assertThatThrownBy(() -> Gather.gather(device, small, null, 1, 4, small, MapType.INT64, 2, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
        }
    }

    /** Mostly in-range entries, with -1, just-past-the-end and extreme values mixed in. */
    static long[] randomMap(Random r, int n, int srcRows, MapType mapType) {
        long[] map = new long[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(20);
            map[i] = switch (pick) {
                case 0, 1 -> -1;
                case 2 -> srcRows + r.nextInt(3);
                case 3 -> mapType == MapType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
                case 4 -> mapType == MapType.INT32 ? Integer.MAX_VALUE : (1L << 32) + r.nextInt(srcRows);
                default -> r.nextInt(srcRows);
            };
        }
        return map;
    }

    private DeviceBuffer uploadMap(long[] map, MapType mapType) {
        if (mapType == MapType.INT64) {
            return DeviceArrays.upload(device, map);
        }
        return DeviceArrays.upload(device, Arrays.stream(map).mapToInt(v -> (int) v).toArray());
    }
}
