package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestStringCompare {
    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 32, 33, 255, 256, 257, 100_003})
    void columnsCompareInUnsignedByteOrderWithNulls(int n) {
        Random r = new Random(n);
        byte[][] a = RandomStrings.utf8(r, n, 0.15, 8);
        byte[][] b = RandomStrings.utf8(r, n, 0.15, 8);
        for (int i = 0; i < n; i++) {
            if (a[i] != null && r.nextInt(3) == 0) {
                b[i] = r.nextBoolean() ? a[i].clone() : Arrays.copyOf(a[i], r.nextInt(a[i].length + 1));
            }
        }
        try (Column ca = DeviceStrings.column(device, a); Column cb = DeviceStrings.column(device, b);
                Column out = StringCompare.compare(device, ca, cb, stream)) {
            assertThat(out.type()).isEqualTo(DType.INT8);
            byte[] results = DeviceArrays.downloadBytes(out.data(), 0, n);
            byte[] validity = n == 0 ? new byte[0] : DeviceArrays.downloadBytes(out.validity(), 0, (n + 7) / 8);
            for (int i = 0; i < n; i++) {
                boolean valid = (validity[i >> 3] >> (i & 7) & 1) != 0;
                if (a[i] == null || b[i] == null) {
                    assertThat(valid).as("row %d is null", i).isFalse();
                    assertThat(results[i]).isZero();
                } else {
                    assertThat(valid).as("row %d is valid", i).isTrue();
                    assertThat(results[i]).as("row %d", i).isEqualTo((byte) RandomStrings.compareBytes(a[i], b[i]));
                }
            }
        }
    }

    @Test
    void byteOrderIsNotUtf16OrderForSupplementaryCharacters() {
        // U+1F600 (4 bytes, F0 ...) sorts after U+FF61 (EF BD A1) by bytes, as Spark compares;
        // Java's String.compareTo puts it first (its high surrogate D83D is below FF61).
        String emoji = "\ud83d\ude00";
        String halfwidth = "\uff61";
        assertThat(emoji.compareTo(halfwidth)).isNegative();
        assertThat(compareOne(emoji, halfwidth)).isEqualTo((byte) 1);
        assertThat(compareOne(halfwidth, emoji)).isEqualTo((byte) -1);
        assertThat(compareOne("", "")).isZero();
        assertThat(compareOne("", "a")).isEqualTo((byte) -1);
        assertThat(compareOne("abc", "ab")).isEqualTo((byte) 1);
        assertThat(compareOne("\u00e9", "f")).isEqualTo((byte) 1);
        assertThat(compareOne("a\u0000", "a")).isEqualTo((byte) 1);
    }

    private byte compareOne(String x, String y) {
        try (Column a = DeviceStrings.column(device, new byte[][] {x.getBytes(StandardCharsets.UTF_8)});
                Column b = DeviceStrings.column(device, new byte[][] {y.getBytes(StandardCharsets.UTF_8)});
                Column out = StringCompare.compare(device, a, b, stream)) {
            return DeviceArrays.downloadBytes(out.data(), 0, 1)[0];
        }
    }

    @Test
    void rowsOfMoreThanAMibWithALongCommonPrefix() {
        byte[] big = RandomStrings.ascii(new Random(5), (1 << 20) + 17).getBytes(StandardCharsets.UTF_8);
        byte[] lastDiffers = big.clone();
        lastDiffers[big.length - 1]++;
        byte[] shorter = Arrays.copyOf(big, big.length - 1);
        byte[][] a = {big, big, big, big};
        byte[][] b = {big.clone(), lastDiffers, shorter, new byte[0]};
        try (Column ca = DeviceStrings.column(device, a); Column cb = DeviceStrings.column(device, b);
                Column out = StringCompare.compare(device, ca, cb, stream)) {
            assertThat(DeviceArrays.downloadBytes(out.data(), 0, 4)).containsExactly(0, -1, 1, 1);
        }
    }

    @Test
    void columnWithScalarAndNullScalar() {
        Random r = new Random(12);
        byte[][] a = RandomStrings.utf8(r, 500, 0.2, 4);
        byte[][] scalars = {new byte[0], "b".getBytes(StandardCharsets.UTF_8), "\ud83d\ude00".getBytes(StandardCharsets.UTF_8)};
        try (Column ca = DeviceStrings.column(device, a)) {
            for (byte[] s : scalars) {
                try (Column out = StringCompare.compare(device, ca, s, stream)) {
                    byte[] results = DeviceArrays.downloadBytes(out.data(), 0, a.length);
                    byte[] validity = DeviceArrays.downloadBytes(out.validity(), 0, (a.length + 7) / 8);
                    for (int i = 0; i < a.length; i++) {
                        boolean valid = (validity[i >> 3] >> (i & 7) & 1) != 0;
                        assertThat(valid).isEqualTo(a[i] != null);
                        assertThat(results[i]).as("row %d vs %s", i, Arrays.toString(s))
                                .isEqualTo(a[i] == null ? 0 : (byte) RandomStrings.compareBytes(a[i], s));
                    }
                }
            }
            try (Column out = StringCompare.compare(device, ca, (byte[]) null, stream)) {
                assertThat(out.nullCount()).isEqualTo(a.length);
                assertThat(DeviceArrays.downloadBytes(out.data(), 0, a.length)).containsOnly(0);
            }
        }
    }

    @Test
    void rejectsMismatchedInputs() {
        try (Column a = DeviceStrings.column(device, new byte[2][]); Column b = DeviceStrings.column(device, new byte[3][])) {
            assertThatThrownBy(() -> StringCompare.compare(device, a, b, stream)).hasMessageContaining("same row count");
        }
        try (Column ints = Column.create(DType.INT32, 1, device.allocate(4))) {
            assertThatThrownBy(() -> StringCompare.compare(device, ints, new byte[0], stream))
                    .hasMessageContaining("must be a string column");
        }
    }
}
