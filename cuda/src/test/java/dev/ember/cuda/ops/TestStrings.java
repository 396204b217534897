package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.kernel.StringKernels;
import dev.ember.cuda.ops.Strings.RowCopy;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestStrings {
    static final int[] SIZES = {0, 1, 31, 32, 33, 255, 256, 257, 100_003};

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    static java.util.stream.Stream<Arguments> sizesAndCopies() {
        List<Arguments> all = new ArrayList<>();
        for (int n : SIZES) {
            for (RowCopy copy : RowCopy.values()) {
                all.add(Arguments.of(n, copy));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "n={0} {1}")
    @MethodSource("sizesAndCopies")
    void gatherMatchesJavaWithNullsAndOutOfRangeEntries(int n, RowCopy copy) {
        Random r = new Random(17L * n + copy.ordinal());
        int srcRows = n / 3 + 2;
        byte[][] src = RandomStrings.utf8(r, srcRows, 0.2, copy == RowCopy.WARP_PER_ROW ? 100 : 10);
        int[] map = new int[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(12);
            map[i] = k == 0 ? -1 : k == 1 ? srcRows : k == 2 ? Integer.MIN_VALUE : r.nextInt(srcRows);
        }
        byte[][] expected = new byte[n][];
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            expected[i] = map[i] >= 0 && map[i] < srcRows ? src[map[i]] : null;
            bytes += expected[i] == null ? 0 : expected[i].length;
        }
        try (Column s = DeviceStrings.column(device, src);
                DeviceBuffer m = DeviceArrays.upload(device, map);
                Column out = Strings.gather(device, s, m, n, Strings.MAX_BYTES, copy, stream)) {
            assertThat(out.rowCount()).isEqualTo(n);
            assertThat(out.dataBytes()).isEqualTo(bytes);
            assertThat(DeviceStrings.values(out)).isDeepEqualTo(expected);
            assertThat(out.nullCount()).isEqualTo(Arrays.stream(expected).filter(v -> v == null).count());
            assertEmptyNullRows(out);
        }
    }

    @Test
    void autoCopyPicksTheWarpKernelForLongRowsOnly() {
        byte[][] shortRows = {"a".getBytes(StandardCharsets.UTF_8), "bc".getBytes(StandardCharsets.UTF_8)};
        byte[][] longRows = {RandomStrings.ascii(new Random(1), 200).getBytes(StandardCharsets.UTF_8),
            RandomStrings.ascii(new Random(2), 64).getBytes(StandardCharsets.UTF_8)};
        LaunchCountingDevice shortGather = gatherCounting(shortRows);
        assertThat(shortGather.launches(StringKernels.GATHER_CHARS_THREAD)).isEqualTo(1);
        assertThat(shortGather.launches(StringKernels.GATHER_CHARS_WARP)).isZero();
        LaunchCountingDevice longGather = gatherCounting(longRows);
        assertThat(longGather.launches(StringKernels.GATHER_CHARS_WARP)).isEqualTo(1);
        assertThat(longGather.launches(StringKernels.GATHER_CHARS_THREAD)).isZero();
    }

    private LaunchCountingDevice gatherCounting(byte[][] values) {
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        try (Column s = DeviceStrings.column(device, values);
                DeviceBuffer m = DeviceArrays.upload(device, new int[] {1, 0});
                Column out = Strings.gather(counting, s, m, 2, stream)) {
            assertThat(DeviceStrings.values(out)).isDeepEqualTo(new byte[][] {values[1], values[0]});
        }
        return counting;
    }

    @Test
    void gatherOfAMibRowAndOfEmptyStrings() {
        byte[] big = RandomStrings.string(new Random(3), 700_000).getBytes(StandardCharsets.UTF_8);
        assertThat(big.length).isGreaterThan(1 << 20);
        byte[][] src = {big, new byte[0], null};
        try (Column s = DeviceStrings.column(device, src);
                DeviceBuffer m = DeviceArrays.upload(device, new int[] {1, 0, 2, 0, 1});
                Column out = Strings.gather(device, s, m, 5, stream)) {
            assertThat(DeviceStrings.values(out)).isDeepEqualTo(new byte[][] {new byte[0], big, null, big, new byte[0]});
        }
    }

    @Test
    void gatherFailsBeforeItsOutputPassesTheByteLimit() {
        byte[][] src = {"0123456789".getBytes(StandardCharsets.UTF_8), "abc".getBytes(StandardCharsets.UTF_8)};
        long live;
        try (Column s = DeviceStrings.column(device, src);
                DeviceBuffer m = DeviceArrays.upload(device, new int[] {0, 1, 0, 0})) {
            try (Column fits = Strings.gather(device, s, m, 4, 33, stream)) {
                assertThat(fits.dataBytes()).isEqualTo(33);
            }
            live = device.poolStats().liveAllocations();
            assertThatThrownBy(() -> Strings.gather(device, s, m, 4, 32, stream))
                    .isInstanceOfSatisfying(StringSizeLimitException.class, e -> {
                        assertThat(e.bytes()).isEqualTo(33);
                        assertThat(e.limit()).isEqualTo(32);
                        assertThat(e.fittingParts()).isEqualTo(-1);
                    })
                    .hasMessageContaining("needs 33 bytes, more than the limit of 32 bytes")
                    .hasMessageContaining("at most about 3 rows per batch");
            assertThat(device.poolStats().liveAllocations()).isEqualTo(live);
            assertThatThrownBy(() -> Strings.gather(device, s, m, 4, Strings.MAX_BYTES + 1, stream))
                    .hasMessageContaining("byte limit must be 0..2147483647");
        }
    }

    @Test
    void totalsPastTwoToTheThirtyOneAreCountedExactly() {
        // 2^31 bytes of output from a 2^21-byte row repeated 1024 times: the 64-bit total is checked
        // before anything that size is allocated.
        byte[] row = new byte[1 << 21];
        int[] map = new int[1024];
        try (Column s = DeviceStrings.column(device, new byte[][] {row});
                DeviceBuffer m = DeviceArrays.upload(device, map)) {
            assertThatThrownBy(() -> Strings.gather(device, s, m, map.length, stream))
                    .isInstanceOfSatisfying(StringSizeLimitException.class,
                            e -> assertThat(e.bytes()).isEqualTo(1L << 31));
        }
    }

    @Test
    void concatAppendsRowsAndRebasesOffsets() {
        Random r = new Random(9);
        byte[][] a = RandomStrings.utf8(r, 100, 0.2, 8);
        byte[][] b = RandomStrings.utf8(r, 0, 0.2, 8);
        byte[][] c = RandomStrings.utf8(r, 37, 0.0, 8);
        byte[][] d = RandomStrings.utf8(r, 70, 0.5, 8);
        List<byte[]> expected = new ArrayList<>();
        for (byte[][] part : List.of(a, b, c, d)) {
            expected.addAll(Arrays.asList(part));
        }
        try (Column ca = DeviceStrings.column(device, a); Column cb = DeviceStrings.column(device, b);
                Column cc = DeviceStrings.column(device, c); Column cd = DeviceStrings.column(device, d);
                Column out = Strings.concat(device, List.of(ca, cb, cc, cd), stream)) {
            assertThat(DeviceStrings.values(out)).isDeepEqualTo(expected.toArray(new byte[0][]));
            assertThat(out.isNullCountKnown()).isFalse();
            assertThat(out.nullCount()).isEqualTo(expected.stream().filter(v -> v == null).count());
            assertEmptyNullRows(out);
        }
        try (Column cc = DeviceStrings.column(device, c); Column twice = Strings.concat(device, List.of(cc, cc), stream)) {
            assertThat(twice.hasValidity()).isFalse();
            assertThat(twice.rowCount()).isEqualTo(74);
        }
        try (Column none = Strings.concat(device, List.of(), stream)) {
            assertThat(none.rowCount()).isZero();
            assertThat(DeviceStrings.offsets(none)).containsExactly(0);
        }
    }

    @Test
    void concatNamesTheSplitPointWhenTheLimitIsPassed() {
        byte[][] ten = {"0123456789".getBytes(StandardCharsets.UTF_8)};
        try (Column x = DeviceStrings.column(device, ten)) {
            try (Column fits = Strings.concat(device, List.of(x, x, x), 30, stream)) {
                assertThat(fits.dataBytes()).isEqualTo(30);
            }
            assertThatThrownBy(() -> Strings.concat(device, List.of(x, x, x, x), 25, stream))
                    .isInstanceOfSatisfying(StringSizeLimitException.class, e -> {
                        assertThat(e.fittingParts()).isEqualTo(2);
                        assertThat(e.bytes()).isEqualTo(30);
                    })
                    .hasMessageContaining("the first 2 columns fit (20 bytes)");
        }
        try (Column ints = Column.create(dev.ember.cuda.column.DType.INT32, 1, device.allocate(4))) {
            assertThatThrownBy(() -> Strings.concat(device, List.of(ints), stream)).hasMessageContaining("must be a string column");
        }
    }

    @Test
    void sliceRebasesOffsetsAndKeepsValidity() {
        Random r = new Random(11);
        byte[][] values = RandomStrings.utf8(r, 300, 0.25, 9);
        try (Column s = DeviceStrings.column(device, values)) {
            int[][] ranges = {{0, 300}, {0, 0}, {300, 300}, {1, 2}, {7, 250}, {33, 97}, {299, 300}};
            for (int[] range : ranges) {
                try (Column out = Strings.slice(device, s, range[0], range[1], stream)) {
                    assertThat(DeviceStrings.values(out)).as("slice %s", Arrays.toString(range))
                            .isDeepEqualTo(Arrays.copyOfRange(values, range[0], range[1]));
                    assertThat(DeviceStrings.offsets(out)[0]).isZero();
                }
            }
            assertThatThrownBy(() -> Strings.slice(device, s, 5, 4, stream)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> Strings.slice(device, s, 0, 301, stream)).hasMessageContaining("not within the 300 rows");
        }
    }

    private static void assertEmptyNullRows(Column c) {
        int[] offsets = DeviceStrings.offsets(c);
        byte[][] values = DeviceStrings.values(c);
        assertThat(offsets[0]).isZero();
        for (int i = 0; i < values.length; i++) {
            assertThat(offsets[i + 1]).isGreaterThanOrEqualTo(offsets[i]);
            if (values[i] == null) {
                assertThat(offsets[i + 1]).as("null row %d is empty", i).isEqualTo(offsets[i]);
            }
        }
        assertThat(offsets[values.length]).isEqualTo(c.dataBytes());
    }
}
