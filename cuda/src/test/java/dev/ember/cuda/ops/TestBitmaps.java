package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TestBitmaps {
    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    @Test
    void bitmapsAreWholeSixtyFourBitWords() {
        assertThat(Bitmaps.bitmapBytes(0)).isZero();
        assertThat(Bitmaps.bitmapBytes(1)).isEqualTo(8);
        assertThat(Bitmaps.bitmapBytes(64)).isEqualTo(8);
        assertThat(Bitmaps.bitmapBytes(65)).isEqualTo(16);
        assertThat(Bitmaps.bitmapBytes(1_000_003)).isEqualTo(125_008);
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("dev.ember.cuda.ops.TestGather#sizes")
    void andOrNotIgnoreInputBitsPastNAndWriteZerosThere(int n) {
        Random r = new Random(n);
        // RandomData sets the bits past n at random: results must not see them.
        byte[] a = RandomData.validity(r, n, 0.4);
        byte[] b = RandomData.validity(r, n, 0.4);
        try (DeviceBuffer aBuf = DeviceArrays.upload(device, a);
                DeviceBuffer bBuf = DeviceArrays.upload(device, b);
                DeviceBuffer and = Bitmaps.and(device, aBuf.address(), bBuf.address(), n, stream);
                DeviceBuffer or = Bitmaps.or(device, aBuf.address(), bBuf.address(), n, stream);
                DeviceBuffer not = Bitmaps.not(device, aBuf.address(), n, stream);
                DeviceBuffer andAllValid = Bitmaps.and(device, aBuf.address(), 0, n, stream);
                DeviceBuffer orAllValid = Bitmaps.or(device, 0, bBuf.address(), n, stream);
                DeviceBuffer notAllValid = Bitmaps.not(device, 0, n, stream)) {
            assertThat(bytes(and, n)).isEqualTo(reference(n, i -> bit(a, i) && bit(b, i)));
            assertThat(bytes(or, n)).isEqualTo(reference(n, i -> bit(a, i) || bit(b, i)));
            assertThat(bytes(not, n)).isEqualTo(reference(n, i -> !bit(a, i)));
            assertThat(bytes(andAllValid, n)).isEqualTo(reference(n, i -> bit(a, i)));
            assertThat(bytes(orAllValid, n)).isEqualTo(reference(n, i -> true));
            assertThat(bytes(notAllValid, n)).isEqualTo(reference(n, i -> false));
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("dev.ember.cuda.ops.TestGather#sizes")
    void andRunsInPlace(int n) {
        Random r = new Random(n + 5);
        byte[] a = RandomData.validity(r, n, 0.4);
        byte[] b = RandomData.validity(r, n, 0.4);
        try (DeviceBuffer aBuf = DeviceArrays.upload(device, a); DeviceBuffer bBuf = DeviceArrays.upload(device, b)) {
            Bitmaps.andInto(device, aBuf.address(), bBuf.address(), n, aBuf.address(), stream);
            assertThat(bytes(aBuf, n)).isEqualTo(reference(n, i -> bit(a, i) && bit(b, i)));
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("dev.ember.cuda.ops.TestGather#sizes")
    void countsSetBitsAndNulls(int n) {
        Random r = new Random(n + 9);
        byte[] bits = RandomData.validity(r, n, 0.3);
        long set = 0;
        for (int i = 0; i < n; i++) {
            set += bit(bits, i) ? 1 : 0;
        }
        try (DeviceBuffer buf = DeviceArrays.upload(device, bits);
                DeviceBuffer counter = DeviceArrays.upload(device, new long[] {5})) {
            assertThat(Bitmaps.countSet(device, buf.address(), n, stream)).isEqualTo(set);
            assertThat(Bitmaps.nullCount(device, buf.address(), n)).isEqualTo(n - set);
            assertThat(Bitmaps.nullCount(device, 0, n)).isZero();
            assertThat(Bitmaps.countSet(device, 0, n, stream)).isEqualTo(n);
            // The kernel adds to the counter: two counts on top of 5.
            Bitmaps.countSetInto(device, buf.address(), n, counter.address(), stream);
            Bitmaps.countSetInto(device, buf.address(), n, counter.address(), stream);
            stream.synchronize();
            assertThat(DeviceArrays.downloadLongs(counter, 0, 1)[0]).isEqualTo(5 + 2 * set);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("dev.ember.cuda.ops.TestGather#sizes")
    void convertsFromAndToInt8Flags(int n) {
        Random r = new Random(n + 11);
        byte[] flags = new byte[n];
        for (int i = 0; i < n; i++) {
            // Half zeros; the rest any non-zero byte, negative ones included.
            flags[i] = r.nextBoolean() ? 0 : (byte) (r.nextInt(255) + 1);
        }
        byte[] bits = RandomData.validity(r, n, 0.5);
        byte[] expectedFlags = new byte[n];
        for (int i = 0; i < n; i++) {
            expectedFlags[i] = (byte) (bit(bits, i) ? 1 : 0);
        }
        try (DeviceBuffer flagsBuf = DeviceArrays.upload(device, flags);
                DeviceBuffer fromFlags = Bitmaps.fromBool8(device, flagsBuf.address(), n, stream);
                DeviceBuffer bitsBuf = DeviceArrays.upload(device, bits);
                DeviceBuffer toFlags = Bitmaps.toBool8(device, bitsBuf.address(), n, stream);
                DeviceBuffer allValidFlags = Bitmaps.toBool8(device, 0, n, stream)) {
            assertThat(bytes(fromFlags, n)).isEqualTo(reference(n, i -> flags[i] != 0));
            assertThat(DeviceArrays.downloadBytes(toFlags, 0, n)).isEqualTo(expectedFlags);
            byte[] ones = new byte[n];
            java.util.Arrays.fill(ones, (byte) 1);
            assertThat(DeviceArrays.downloadBytes(allValidFlags, 0, n)).isEqualTo(ones);
        }
    }

    private interface BitRule {
        boolean at(int i);
    }

    /** The expected bitmap: whole 64-bit words, bit i from the rule below n, zero past it. */
    private static byte[] reference(int n, BitRule rule) {
        byte[] out = new byte[(int) ((n + 63L) / 64 * 8)];
        for (int i = 0; i < n; i++) {
            if (rule.at(i)) {
                out[i >>> 3] |= (byte) (1 << (i & 7));
            }
        }
        return out;
    }

    private static boolean bit(byte[] bitmap, int i) {
        return ((bitmap[i >>> 3] >> (i & 7)) & 1) != 0;
    }

    private static byte[] bytes(DeviceBuffer bitmap, int n) {
        return DeviceArrays.downloadBytes(bitmap, 0, (int) ((n + 63L) / 64 * 8));
    }
}
