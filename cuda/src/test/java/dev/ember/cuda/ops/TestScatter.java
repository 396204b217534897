package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.util.Random;
import java.util.stream.Stream.Builder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestScatter {
    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    static java.util.stream.Stream<Arguments> sizesAndWidths() {
        Builder<Arguments> all = java.util.stream.Stream.builder();
        for (int n : TestGather.SIZES) {
            for (int width : new int[] {1, 2, 4, 8, 16}) {
                all.add(Arguments.of(n, width));
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "n={0} width={1}")
    @MethodSource("sizesAndWidths")
    void scattersDataAndValidityLeavingUntargetedRowsAlone(int n, int width) {
        Random r = new Random(17L * n + width);
        int outRows = n + n / 3 + 2;
        byte[] src = new byte[n * width];
        r.nextBytes(src);
        byte[] srcValidity = RandomData.validity(r, n, 0.3);
        int[] map = distinctMap(r, n, outRows);
        byte[] out = new byte[outRows * width];
        r.nextBytes(out);
        byte[] outValidity = RandomData.validity(r, outRows, 0.5);

        byte[] expected = out.clone();
        byte[] expectedValidity = outValidity.clone();
        for (int i = 0; i < n; i++) {
            int k = map[i];
            if (k < 0 || k >= outRows) {
                continue;
            }
            boolean valid = RandomData.isValid(srcValidity, i);
            for (int b = 0; b < width; b++) {
                expected[k * width + b] = valid ? src[i * width + b] : 0;
            }
            setBit(expectedValidity, k, valid);
        }
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer srcValidityBuf = DeviceArrays.upload(device, srcValidity);
                DeviceBuffer mapBuf = DeviceArrays.upload(device, map);
                DeviceBuffer outBuf = DeviceArrays.upload(device, out);
                DeviceBuffer outValidityBuf = DeviceArrays.upload(device, outValidity)) {
            Scatter.scatter(device, srcBuf, srcValidityBuf, n, width, mapBuf, outBuf, outValidityBuf, outRows, stream);
            assertThat(DeviceArrays.downloadBytes(outBuf, 0, out.length)).isEqualTo(expected);
            assertThat(DeviceArrays.downloadBytes(outValidityBuf, 0, outValidity.length)).isEqualTo(expectedValidity);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("dev.ember.cuda.ops.TestGather#sizes")
    void sourceWithoutValiditySetsTargetBitsAndDataOnlyScatterKeepsOthers(int n) {
        Random r = new Random(n);
        int outRows = n + 5;
        long[] src = RandomData.longs(r, n);
        int[] map = distinctMap(r, n, outRows);
        long[] out = RandomData.longs(r, outRows);
        byte[] outValidity = RandomData.validity(r, outRows, 0.5);
        long[] expected = out.clone();
        byte[] expectedValidity = outValidity.clone();
        for (int i = 0; i < n; i++) {
            if (map[i] >= 0 && map[i] < outRows) {
                expected[map[i]] = src[i];
                setBit(expectedValidity, map[i], true);
            }
        }
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer mapBuf = DeviceArrays.upload(device, map);
                DeviceBuffer outBuf = DeviceArrays.upload(device, out);
                DeviceBuffer dataOnly = DeviceArrays.upload(device, out);
                DeviceBuffer outValidityBuf = DeviceArrays.upload(device, outValidity)) {
            Scatter.scatter(device, srcBuf, null, n, 8, mapBuf, outBuf, outValidityBuf, outRows, stream);
            Scatter.scatter(device, srcBuf, null, n, 8, mapBuf, dataOnly, null, outRows, stream);
            assertThat(DeviceArrays.downloadLongs(outBuf, 0, outRows)).isEqualTo(expected);
            assertThat(DeviceArrays.downloadBytes(outValidityBuf, 0, outValidity.length)).isEqualTo(expectedValidity);
            assertThat(DeviceArrays.downloadLongs(dataOnly, 0, outRows)).isEqualTo(expected);
        }
    }

    @Test
    void neighbouringTargetsInOneWordKeepEachOthersBits() {
        // Rows 0..39 scattered in reverse, alternating valid and null: many targets share a word.
        int n = 40;
        int[] map = new int[n];
        byte[] srcValidity = new byte[8];
        for (int i = 0; i < n; i++) {
            map[i] = n - 1 - i;
            if (i % 2 == 0) {
                srcValidity[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, new byte[n]);
                DeviceBuffer srcValidityBuf = DeviceArrays.upload(device, srcValidity);
                DeviceBuffer mapBuf = DeviceArrays.upload(device, map);
                DeviceBuffer outBuf = device.allocate(n);
                DeviceBuffer outValidityBuf = DeviceArrays.upload(device, new byte[8])) {
            Scatter.scatter(device, srcBuf, srcValidityBuf, n, 1, mapBuf, outBuf, outValidityBuf, n, stream);
            // Output row k comes from source row 39 - k: valid when 39 - k is even, i.e. k is odd.
            byte[] bits = DeviceArrays.downloadBytes(outValidityBuf, 0, 8);
            assertThat(bits).containsExactly(0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0, 0, 0);
        }
    }

    @Test
    void sixteenByteElementsNeedSixteenByteAlignedData() {
        try (DeviceBuffer buf = device.allocate(256)) {
            assertThatThrownBy(() -> Scatter.scatter(device, buf.address() + 8, 0, 1, 16, buf.address() + 128,
                    buf.address() + 64, 0, 1, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("src address")
                    .hasMessageContaining("16-byte aligned");
            assertThatThrownBy(() -> Scatter.scatter(device, buf.address(), 0, 1, 16, buf.address() + 128,
                    buf.address() + 72, 0, 1, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out address");
        }
    }

    @Test
    void refusesToDropSourceNulls() {
        try (DeviceBuffer buf = device.allocate(64)) {
            assertThatThrownBy(() -> Scatter.scatter(device, buf, buf, 1, 4, buf, buf, null, 1, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output bitmap");
            assertThatThrownBy(() -> Scatter.scatter(device, buf, null, 1, 4, buf, buf, null, 17, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
        }
    }

    /** Distinct in-range targets (a prefix of a shuffled permutation), with out-of-range entries mixed in. */
    static int[] distinctMap(Random r, int n, int outRows) {
        int[] perm = new int[outRows];
        for (int i = 0; i < outRows; i++) {
            perm[i] = i;
        }
        for (int i = outRows - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] map = new int[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(20);
            map[i] = switch (pick) {
                case 0 -> -1;
                case 1 -> outRows + r.nextInt(4);
                case 2 -> Integer.MIN_VALUE;
                case 3 -> Integer.MAX_VALUE;
                default -> perm[i];
            };
        }
        return map;
    }

    static void setBit(byte[] bitmap, int i, boolean value) {
        if (value) {
            bitmap[i / 8] |= (byte) (1 << (i % 8));
        } else {
            bitmap[i / 8] &= (byte) ~(1 << (i % 8));
        }
    }
}
