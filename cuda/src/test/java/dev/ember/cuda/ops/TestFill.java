package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.testing.TestDevices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestFill {
    private final Device device = TestDevices.device();

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 32, 33, 257, 100_003})
    void fillsEveryWidthExactly(int n) {
        try (DeviceBuffer buf = device.allocate(n * 8L + 8)) {
            Fill.fill(device, buf.address(), n, 8, Double.doubleToRawLongBits(-0.0), device.defaultStream());
            long[] longs = new long[n];
            java.util.Arrays.fill(longs, Long.MIN_VALUE);
            assertThat(DeviceArrays.downloadLongs(buf, 0, n)).containsExactly(longs);
            Fill.fill(device, buf.address(), n, 4, Float.floatToRawIntBits(Float.NaN), device.defaultStream());
            int[] ints = new int[n];
            java.util.Arrays.fill(ints, Float.floatToRawIntBits(Float.NaN));
            assertThat(DeviceArrays.downloadInts(buf, 0, n)).containsExactly(ints);
            Fill.fill(device, buf.address(), n, 2, 0xBEEF, device.defaultStream());
            short[] shorts = new short[n];
            java.util.Arrays.fill(shorts, (short) 0xBEEF);
            assertThat(DeviceArrays.downloadShorts(buf, 0, n)).containsExactly(shorts);
            Fill.fill(device, buf.address(), n, 1, -7, device.defaultStream());
            byte[] bytes = new byte[n];
            java.util.Arrays.fill(bytes, (byte) -7);
            assertThat(DeviceArrays.downloadBytes(buf, 0, n)).containsExactly(bytes);
        }
    }

    @Test
    void fillLeavesBytesPastTheEndAlone() {
        try (DeviceBuffer buf = DeviceArrays.upload(device, new int[] {1, 2, 3, 4})) {
            Fill.fill(device, buf.address(), 3, 4, 9, device.defaultStream());
            assertThat(DeviceArrays.downloadInts(buf, 0, 4)).containsExactly(9, 9, 9, 4);
        }
    }

    @Test
    void sequencesWrapLikeJava() {
        try (DeviceBuffer ints = Fill.sequenceInt(device, 5, Integer.MAX_VALUE - 1, 1, device.defaultStream());
                DeviceBuffer longs = Fill.sequenceLong(device, 4, 10, -5, device.defaultStream())) {
            assertThat(DeviceArrays.downloadInts(ints, 0, 5))
                    .containsExactly(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1,
                            Integer.MIN_VALUE + 2);
            assertThat(DeviceArrays.downloadLongs(longs, 0, 4)).containsExactly(10, 5, 0, -5);
        }
    }

    @Test
    void rejectsUnsupportedWidths() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Fill.fill(device, 0, 1, 3, 0, device.defaultStream()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1, 2, 4 or 8");
    }
}
