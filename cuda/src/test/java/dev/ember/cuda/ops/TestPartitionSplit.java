package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.kernel.PartitionKernels;
import dev.ember.cuda.testing.KeyRows;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link PartitionSplit} against a stable sort of the row indices by partition id (Java's list sort is
 * stable) and offsets counted on the host.
 */
class TestPartitionSplit {
    private final Device device = TestDevices.device();

    /** The reference: row indices sorted by id, ties in row order. */
    private static int[] expectedOrder(int[] ids) {
        return IntStream.range(0, ids.length).boxed().sorted(Comparator.comparingInt(i -> ids[i]))
                .mapToInt(Integer::intValue).toArray();
    }

    private static int[] expectedOffsets(int[] ids, int p) {
        int[] offsets = new int[p + 1];
        for (int id : ids) {
            offsets[id + 1]++;
        }
        for (int q = 0; q < p; q++) {
            offsets[q + 1] += offsets[q];
        }
        return offsets;
    }

    private record Result(int[] order, int[] offsets) {}

    private Result split(int[] ids, int p) {
        try (DeviceBuffer pids = DeviceArrays.upload(device, ids);
                PartitionSplit.Split split = PartitionSplit.split(device, pids.address(), ids.length, p,
                        device.defaultStream())) {
            assertThat(split.numPartitions()).isEqualTo(p);
            assertThat(split.rows()).isEqualTo(ids.length);
            return new Result(DeviceArrays.downloadInts(split.order(), 0, ids.length), split.offsets());
        }
    }

    private void checkSplit(int[] ids, int p) {
        Result got = split(ids, p);
        assertThat(got.offsets()).as("offsets, %d partitions", p).isEqualTo(expectedOffsets(ids, p));
        assertThat(got.order()).as("order, %d partitions", p).isEqualTo(expectedOrder(ids));
    }

    private static int[] randomIds(Random r, int n, int p) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            // A third of the rows in one partition (skew), the rest uniform.
            ids[i] = r.nextInt(3) == 0 ? p / 2 : r.nextInt(p);
        }
        return ids;
    }

    @Test
    void randomIdsSplitStablyForEveryPartitionCount() {
        Random r = new Random(7);
        int n = 5_003;
        for (int p : new int[] {1, 2, 7, 200, 2000, 4095, 4096, 100_000, n + 5}) {
            checkSplit(randomIds(r, n, p), p);
        }
    }

    @Test
    void manyTilesAndMoreTilesThanBlocks() {
        // Tiles of the smallest size: about 150 of them, more than any grid the split launches here.
        Random r = new Random(8);
        int n = 300_001;
        assertThat(PartitionKernels.tileCount(n, PartitionKernels.tileRows(n, 3))).isGreaterThan(100);
        checkSplit(randomIds(r, n, 3), 3);
        checkSplit(randomIds(r, n, 5_000), 5_000);
    }

    @Test
    void sortedReversedAndConstantIds() {
        int n = 10_000;
        int p = 37;
        int[] sorted = IntStream.range(0, n).map(i -> i * p / n).toArray();
        int[] reversed = IntStream.range(0, n).map(i -> p - 1 - i * p / n).toArray();
        int[] constant = new int[n];
        Arrays.fill(constant, p - 1);
        checkSplit(sorted, p);
        checkSplit(reversed, p);
        checkSplit(constant, p);
        // Already in order: the map is the identity.
        assertThat(split(sorted, p).order()).isEqualTo(IntStream.range(0, n).toArray());
    }

    @Test
    void noRowsLaunchNothingAndOneRow() {
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        try (PartitionSplit.Split split = PartitionSplit.split(counting, 0, 0, 5, counting.defaultStream())) {
            assertThat(split.offsets()).containsExactly(0, 0, 0, 0, 0, 0);
            assertThat(split.rows()).isZero();
        }
        for (String kernel : PartitionKernels.FAMILY.kernels().stream().map(k -> k.name()).toList()) {
            assertThat(counting.launches(kernel)).as(kernel).isZero();
        }
        assertThat(split(new int[] {3}, 5).offsets()).containsExactly(0, 0, 0, 0, 1, 1);
        assertThat(split(new int[] {0}, 1).order()).containsExactly(0);
    }

    @Test
    void idsOutsideThePartitionsAreRejectedWithoutLeaks() {
        long live = device.poolStats().liveAllocations();
        for (int bad : new int[] {-1, 4, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            int[] ids = {0, 1, bad, 3, bad, 2};
            try (DeviceBuffer pids = DeviceArrays.upload(device, ids)) {
                assertThatThrownBy(() -> PartitionSplit.split(device, pids.address(), ids.length, 4,
                        device.defaultStream()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("2 of 6 partition ids are outside [0, 4)");
            }
        }
        assertThat(device.poolStats().liveAllocations()).isEqualTo(live);
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> PartitionSplit.split(device, 0, 0, 0, device.defaultStream()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions");
        assertThatThrownBy(() -> PartitionSplit.split(device, 0, 0, PartitionSplit.MAX_PARTITIONS + 1,
                device.defaultStream())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartitionSplit.split(device, 0, -1, 2, device.defaultStream()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartitionSplit.split(device, 0, 10, 2, device.defaultStream()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address 0");
        assertThatThrownBy(() -> PartitionSplit.split(null, 0, 0, 2, device.defaultStream()))
                .isInstanceOf(NullPointerException.class).hasMessage("device is null");
    }

    @Test
    void tileSizesKeepTheCounterMatrixSmall() {
        for (long n : new long[] {1, 1_000, 1_000_003, Integer.MAX_VALUE}) {
            for (int p : new int[] {1, 2, 200, 4095, 100_000, 1 << 20, PartitionSplit.MAX_PARTITIONS}) {
                long rows = PartitionKernels.tileRows(n, p);
                long tiles = PartitionKernels.tileCount(n, rows);
                assertThat(rows % PartitionKernels.BLOCK_THREADS).isZero();
                assertThat(rows).isGreaterThanOrEqualTo(PartitionKernels.MIN_TILE_ROWS);
                assertThat((p + 1L) * tiles).as("n=%d p=%d", n, p)
                        .isLessThanOrEqualTo(Math.max(PartitionKernels.MAX_COUNTERS, p + 1L));
            }
        }
    }

    @Test
    void tableColumnsOfEveryTypeAreReorderedPartitionByPartition() {
        Random r = new Random(11);
        int n = 3_001;
        int p = 13;
        List<DType> types = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.FLOAT32,
                DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(12, 2), DType.decimal128(30, 4),
                DType.STRING);
        List<Object[]> columns = new ArrayList<>();
        for (DType type : types) {
            columns.add(KeyRows.values(r, type, n));
        }
        KeyRows rows = KeyRows.of(types, columns);
        int[] ids = randomIds(r, n, p);
        int[] order = expectedOrder(ids);
        try (Table table = rows.uploadTable(device);
                DeviceBuffer pids = DeviceArrays.upload(device, ids);
                PartitionSplit.SplitTable split = PartitionSplit.splitTable(device, table, pids.address(), p,
                        device.defaultStream())) {
            assertThat(split.offsets()).isEqualTo(expectedOffsets(ids, p));
            assertThat(split.table().rowCount()).isEqualTo(n);
            KeyRows got = KeyRows.download(split.table());
            for (int k = 0; k < types.size(); k++) {
                assertThat(split.table().column(k).type()).isEqualTo(types.get(k));
                for (int i = 0; i < n; i++) {
                    Object want = rows.value(k, order[i]);
                    Object have = got.value(k, i);
                    if (want instanceof byte[] bytes) {
                        assertThat((byte[]) have).as("column %d row %d", k, i).isEqualTo(bytes);
                    } else {
                        assertThat(have).as("column %d row %d", k, i).isEqualTo(want);
                    }
                }
            }
        }
    }

    @Test
    void emptyTableAndTableWithoutNulls() {
        try (Table empty = KeyRows.of(List.of(DType.INT64, DType.STRING), List.of(new Object[0], new Object[0]))
                .uploadTable(device);
                PartitionSplit.SplitTable split = PartitionSplit.splitTable(device, empty, 0, 3,
                        device.defaultStream())) {
            assertThat(split.table().rowCount()).isZero();
            assertThat(split.table().columnCount()).isEqualTo(2);
            assertThat(split.offsets()).containsExactly(0, 0, 0, 0);
        }
        Object[] values = {BigInteger.ONE.shiftLeft(100), BigInteger.ZERO, BigInteger.ONE.negate(), BigInteger.TEN};
        try (Table table = KeyRows.of(List.of(DType.decimal128(38, 0)), List.<Object[]>of(values)).uploadTable(device);
                DeviceBuffer pids = DeviceArrays.upload(device, new int[] {1, 0, 1, 0});
                PartitionSplit.SplitTable split = PartitionSplit.splitTable(device, table, pids.address(), 2,
                        device.defaultStream())) {
            Column c = split.table().column(0);
            assertThat(c.hasValidity()).isFalse();
            KeyRows got = KeyRows.download(split.table());
            assertThat(IntStream.range(0, 4).mapToObj(i -> got.value(0, i)).toList())
                    .containsExactly(BigInteger.ZERO, BigInteger.TEN, BigInteger.ONE.shiftLeft(100), BigInteger.ONE.negate());
            assertThat(split.offsets()).containsExactly(0, 2, 4);
        }
    }
}
