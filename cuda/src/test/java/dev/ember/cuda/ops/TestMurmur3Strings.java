package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.ops.Murmur3.Input;
import dev.ember.cuda.ops.Murmur3.Type;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Murmur3 of STRING columns against a reference written from Murmur3_x86_32.hashUnsafeBytes. */
class TestMurmur3Strings {
    private final Device device = TestDevices.device();

    /** hashUnsafeBytes: whole little-endian ints, then each tail byte as a sign-extended int, fmix by length. */
    private static int reference(byte[] bytes, int seed) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int h = seed;
        int i = 0;
        for (; i + 4 <= bytes.length; i += 4) {
            h = round(h, buf.getInt(i));
        }
        for (; i < bytes.length; i++) {
            h = round(h, bytes[i]);
        }
        h ^= bytes.length;
        h = (h ^ (h >>> 16)) * 0x85ebca6b;
        h = (h ^ (h >>> 13)) * 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    private static int round(int h, int k) {
        k = Integer.rotateLeft(k * 0xcc9e2d51, 15) * 0x1b873593;
        return Integer.rotateLeft(h ^ k, 13) * 5 + 0xe6546b64;
    }

    @Test
    void stringsHashLikeSparkAndNullsKeepTheRunningHash() {
        Random r = new Random(77);
        byte[][] values = RandomStrings.utf8(r, 3000, 0.1, 40);
        values[0] = new byte[0];
        values[1] = "\ud83d\ude00\u00e9\u65e5".getBytes(StandardCharsets.UTF_8);
        values[2] = new byte[] {(byte) 0x80, (byte) 0xff, 0x7f};
        values[3] = RandomStrings.string(r, 5000).getBytes(StandardCharsets.UTF_8);
        int[] ints = new int[values.length];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = r.nextInt();
        }
        try (Column strings = DeviceStrings.column(device, values);
                DeviceBuffer intData = DeviceArrays.upload(device, ints);
                DeviceBuffer hashes = Murmur3.hashColumns(device, List.of(Input.nonNull(Type.INT32, intData.address()),
                        Input.of(strings)), values.length, device.defaultStream())) {
            int[] actual = DeviceArrays.downloadInts(hashes, 0, values.length);
            for (int i = 0; i < values.length; i++) {
                int h = round(42, ints[i]);
                h ^= 4;
                h = (h ^ (h >>> 16)) * 0x85ebca6b;
                h = (h ^ (h >>> 13)) * 0xc2b2ae35;
                h ^= h >>> 16;
                int expected = values[i] == null ? h : reference(values[i], h);
                assertThat(actual[i]).as("row %d", i).isEqualTo(expected);
            }
        }
    }

    @Test
    void everyTailLengthAndBytesAboveSevenF() {
        byte[][] values = new byte[9][];
        for (int len = 0; len < values.length; len++) {
            values[len] = new byte[len];
            for (int k = 0; k < len; k++) {
                values[len][k] = (byte) (0xf0 + k * 3);
            }
        }
        try (Column strings = DeviceStrings.column(device, values);
                DeviceBuffer hashes = Murmur3.hashColumns(device, List.of(Input.of(strings)), values.length,
                        device.defaultStream())) {
            int[] actual = DeviceArrays.downloadInts(hashes, 0, values.length);
            for (int len = 0; len < values.length; len++) {
                assertThat(actual[len]).as("length %d", len).isEqualTo(reference(values[len], 42));
            }
        }
    }

    @Test
    void inputsCarryOffsetsOnlyForStrings() {
        assertThatThrownBy(() -> Input.of(Type.STRING, 16, 0)).hasMessageContaining("use Input.strings");
        assertThatThrownBy(() -> new Input(Type.INT32, 16, 0, 32)).hasMessageContaining("have no offsets");
        assertThat(Input.strings(8, 16, 0).offsets()).isEqualTo(8);
    }
}
