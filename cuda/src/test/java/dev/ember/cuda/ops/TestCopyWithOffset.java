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

class TestCopyWithOffset {
    /** Bit offsets (source, destination): aligned, within a byte, across bytes and words, in both directions. */
    private static final int[][] BIT_OFFSETS = {{0, 0}, {3, 0}, {0, 5}, {13, 45}, {45, 13}, {37, 7}, {64, 1}, {31, 33},
        {32, 96}, {100, 63}};

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    static java.util.stream.Stream<Arguments> sizesAndWidths() {
        Builder<Arguments> all = java.util.stream.Stream.builder();
        for (int n : TestGather.SIZES) {
            for (int width : new int[] {1, 2, 4, 8}) {
                all.add(Arguments.of(n, width));
            }
        }
        return all.build();
    }

    static java.util.stream.Stream<Arguments> sizesAndBitOffsets() {
        Builder<Arguments> all = java.util.stream.Stream.builder();
        for (int n : TestGather.SIZES) {
            for (int[] offsets : BIT_OFFSETS) {
                all.add(Arguments.of(n, offsets[0], offsets[1]));
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "n={0} width={1}")
    @MethodSource("sizesAndWidths")
    void copiesElementsAtOffsetsLeavingTheRestOfTheDestination(int n, int width) {
        Random r = new Random(13L * n + width);
        int srcOffset = r.nextInt(40);
        int dstOffset = r.nextInt(40);
        byte[] src = new byte[(srcOffset + n + 3) * width];
        byte[] dst = new byte[(dstOffset + n + 3) * width];
        r.nextBytes(src);
        r.nextBytes(dst);
        byte[] expected = dst.clone();
        for (int i = 0; i < n * width; i++) {
            expected[dstOffset * width + i] = src[srcOffset * width + i];
        }
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer dstBuf = DeviceArrays.upload(device, dst)) {
            CopyWithOffset.copy(device, srcBuf, srcOffset, dstBuf, dstOffset, n, width, stream);
            assertThat(DeviceArrays.downloadBytes(dstBuf, 0, dst.length)).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "n={0} srcBit={1} dstBit={2}")
    @MethodSource("sizesAndBitOffsets")
    void copiesBitsAtAnyOffsetsPreservingOtherDestinationBits(int n, int srcBit, int dstBit) {
        Random r = new Random(7L * n + 1000L * srcBit + dstBit);
        byte[] src = RandomData.validity(r, srcBit + n, 0.5);
        byte[] dst = new byte[(int) Bitmaps.bitmapBytes(dstBit + n)];
        r.nextBytes(dst);
        byte[] expected = dst.clone();
        for (int i = 0; i < n; i++) {
            TestScatter.setBit(expected, dstBit + i, RandomData.isValid(src, srcBit + i));
        }
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer dstBuf = DeviceArrays.upload(device, dst)) {
            CopyWithOffset.copyBits(device, srcBuf.address(), srcBit, dstBuf.address(), dstBit, n, stream);
            assertThat(DeviceArrays.downloadBytes(dstBuf, 0, dst.length)).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("dev.ember.cuda.ops.TestGather#sizes")
    void absentSourceBitmapSetsTheRange(int n) {
        Random r = new Random(n);
        int dstBit = 19;
        byte[] dst = new byte[(int) Bitmaps.bitmapBytes(dstBit + n)];
        r.nextBytes(dst);
        byte[] expected = dst.clone();
        for (int i = 0; i < n; i++) {
            TestScatter.setBit(expected, dstBit + i, true);
        }
        try (DeviceBuffer dstBuf = DeviceArrays.upload(device, dst)) {
            CopyWithOffset.copyBits(device, 0, 5, dstBuf.address(), dstBit, n, stream);
            assertThat(DeviceArrays.downloadBytes(dstBuf, 0, dst.length)).isEqualTo(expected);
        }
    }

    @Test
    void misalignedByteAddressesFoldIntoTheBitOffset() {
        Random r = new Random(3);
        int n = 300;
        byte[] src = new byte[64];
        byte[] dst = new byte[64];
        r.nextBytes(src);
        r.nextBytes(dst);
        byte[] expected = dst.clone();
        // Source bits start at byte 3, bit 5; destination bits at byte 1, bit 2.
        for (int i = 0; i < n; i++) {
            TestScatter.setBit(expected, 8 + 2 + i, RandomData.isValid(src, 24 + 5 + i));
        }
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer dstBuf = DeviceArrays.upload(device, dst)) {
            CopyWithOffset.copyBits(device, srcBuf.address() + 3, 5, dstBuf.address() + 1, 2, n, stream);
            assertThat(DeviceArrays.downloadBytes(dstBuf, 0, 64)).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("dev.ember.cuda.ops.TestGather#sizes")
    void slicedBitmapsHaveZerosPastTheirRows(int n) {
        Random r = new Random(n + 1);
        int srcBit = 77;
        byte[] src = RandomData.validity(r, srcBit + n + 50, 0.5);
        byte[] expected = new byte[(int) Bitmaps.bitmapBytes(n)];
        for (int i = 0; i < n; i++) {
            TestScatter.setBit(expected, i, RandomData.isValid(src, srcBit + i));
        }
        try (DeviceBuffer srcBuf = DeviceArrays.upload(device, src);
                DeviceBuffer slice = CopyWithOffset.sliceBits(device, srcBuf.address(), srcBit, n, stream)) {
            assertThat(slice.size()).isEqualTo(expected.length);
            assertThat(DeviceArrays.downloadBytes(slice, 0, expected.length)).isEqualTo(expected);
        }
    }

    @Test
    void rejectsNegativeOffsetsAndTooSmallBuffers() {
        try (DeviceBuffer buf = device.allocate(16); DeviceBuffer other = device.allocate(16)) {
            assertThatThrownBy(() -> CopyWithOffset.copy(device, buf, -1, other, 0, 1, 4, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
            assertThatThrownBy(() -> CopyWithOffset.copy(device, buf, 2, other, 0, 3, 4, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
            assertThatThrownBy(() -> CopyWithOffset.copyBits(device, buf.address(), 0, other.address(), -3, 1, stream))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
        }
    }
}
