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
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.testing.KeyRows;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RangePartition} against Spark's rule computed the slow way (the number of bounds strictly
 * below each row, under {@link KeyRows}'s reference ordering), and against ids worked out by hand for
 * the values whose order is easy to get wrong: NaN, -0.0, infinities, nulls first and last in both
 * directions, unsigned string bytes and prefixes, 128-bit signs.
 */
class TestRangePartition {
    private static final List<SortKey> EVERY_SORT_KEY = List.of(new SortKey(true, true), new SortKey(true, false),
            new SortKey(false, true), new SortKey(false, false));
    private static final List<DType> EVERY_TYPE = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32,
            DType.INT64, DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(18, 4),
            DType.decimal128(38, 2), DType.STRING);

    private final Device device = TestDevices.device();

    private int[] partitionIds(KeyRows rows, KeyRows bounds, List<SortKey> order) {
        List<Column> keys = rows.upload(device);
        try (Table boundTable = bounds.uploadTable(device);
                DeviceBuffer pids = RangePartition.partitionIds(device, keys, order, boundTable,
                        device.defaultStream())) {
            assertThat(pids.size()).isEqualTo(rows.rows() * 4L);
            return DeviceArrays.downloadInts(pids, 0, rows.rows());
        } finally {
            Closeables.closeAll(keys);
        }
    }

    private void checkAgainstCounting(Random r, List<DType> types, List<SortKey> order, int n, int sampledBounds) {
        KeyRows rows = KeyRows.random(r, types, n);
        int[] picks = r.ints(sampledBounds, 0, Math.max(1, n)).toArray();
        KeyRows bounds = (n == 0 ? KeyRows.random(r, types, 0) : rows.select(picks))
                .append(KeyRows.random(r, types, 7)).sortedDistinct(order);
        assertThat(partitionIds(rows, bounds, order)).as("%s %s, %d bounds", types, order, bounds.rows())
                .isEqualTo(rows.rangeIdsByCounting(bounds, order));
    }

    @Test
    void everyTypeInEveryDirectionAndNullOrdering() {
        Random r = new Random(31);
        for (DType type : EVERY_TYPE) {
            for (SortKey key : EVERY_SORT_KEY) {
                checkAgainstCounting(r, List.of(type), List.of(key), 1_001, 40);
            }
        }
    }

    @Test
    void multiColumnKeysWithTies() {
        Random r = new Random(32);
        for (int round = 0; round < 24; round++) {
            List<DType> types = new ArrayList<>();
            List<SortKey> order = new ArrayList<>();
            int columns = 1 + r.nextInt(4);
            for (int k = 0; k < columns; k++) {
                types.add(EVERY_TYPE.get(r.nextInt(EVERY_TYPE.size())));
                order.add(EVERY_SORT_KEY.get(r.nextInt(EVERY_SORT_KEY.size())));
            }
            checkAgainstCounting(r, types, order, 700, 1 + r.nextInt(200));
        }
    }

    @Test
    void floatsNaNAndNegativeZeroAndNulls() {
        Object[] bounds = {Double.NEGATIVE_INFINITY, -0.0, 1.5, Double.POSITIVE_INFINITY, Double.NaN};
        Object[] rows = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L), null,
            Double.NEGATIVE_INFINITY, -1e308, 1.5, 2.0, Double.POSITIVE_INFINITY, Double.MIN_VALUE};
        // ASC NULLS LAST: -0.0 equals 0.0 (one bound below it); NaN of any payload equals the NaN bound; null last.
        assertThat(ids(DType.FLOAT64, rows, bounds, new SortKey(true, false)))
                .containsExactly(1, 1, 4, 4, 5, 0, 1, 2, 3, 3, 2);
        Object[] floatBounds = {Float.NEGATIVE_INFINITY, -0.0f, 1.5f, Float.POSITIVE_INFINITY, Float.NaN};
        Object[] floatRows = {0.0f, Float.NaN, null, 2.0f};
        assertThat(ids(DType.FLOAT32, floatRows, floatBounds, new SortKey(true, true))).containsExactly(1, 4, 0, 3);
        // DESC NULLS FIRST: bounds null, NaN, 1.5, 0.0 (NaN is the largest value, so first when descending).
        Object[] desc = {null, Double.NaN, 1.5, 0.0};
        Object[] descRows = {null, Double.NaN, 7.0, 1.5, -0.0, -3.0};
        assertThat(ids(DType.FLOAT64, descRows, desc, new SortKey(false, true))).containsExactly(0, 1, 2, 2, 3, 4);
    }

    @Test
    void nullsFirstAndLastInBothDirections() {
        Object[] rows = {null, 200, 100, 50, 5, 0, -3, -10};
        assertThat(ids(DType.INT32, rows, new Object[] {null, 100, 5, -3}, new SortKey(false, true)))
                .containsExactly(0, 1, 1, 2, 2, 3, 3, 4);
        assertThat(ids(DType.INT32, rows, new Object[] {100, 5, -3, null}, new SortKey(false, false)))
                .containsExactly(3, 0, 0, 1, 1, 2, 2, 3);
        assertThat(ids(DType.INT32, rows, new Object[] {null, -3, 5, 100}, new SortKey(true, true)))
                .containsExactly(0, 4, 3, 3, 2, 2, 1, 1);
        assertThat(ids(DType.INT32, rows, new Object[] {-3, 5, 100, null}, new SortKey(true, false)))
                .containsExactly(3, 3, 2, 2, 1, 1, 0, 0);
    }

    @Test
    void stringsByUnsignedBytesPrefixesFirst() {
        Object[] bounds = utf8("a", "ab", "\u00e9", "\ud83d\ude00");
        Object[] rows = utf8("", "a", "aa", "abc", "z", "\uffff", "\ud83d\ude00x", "\u00e9", "A");
        assertThat(ids(DType.STRING, rows, bounds, new SortKey(true, true))).containsExactly(0, 0, 1, 2, 2, 3, 4, 2, 0);
        Object[] descBounds = utf8("\ud83d\ude00", "\u00e9", "ab", "a");
        assertThat(ids(DType.STRING, rows, descBounds, new SortKey(false, false)))
                .containsExactly(4, 3, 3, 2, 2, 1, 0, 1, 4);
    }

    @Test
    void decimal128AndInt64Signs() {
        BigInteger big = BigInteger.ONE.shiftLeft(100);
        Object[] bounds = {big.negate(), BigInteger.ONE.negate(), BigInteger.ZERO, BigInteger.ONE.shiftLeft(64), big};
        Object[] rows = {BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), big.negate().subtract(BigInteger.ONE),
            BigInteger.valueOf(-2), BigInteger.ZERO, big, big.add(BigInteger.ONE), BigInteger.valueOf(Long.MIN_VALUE)};
        assertThat(ids(DType.decimal128(38, 0), rows, bounds, new SortKey(true, true))).containsExactly(3, 0, 1, 2, 4, 5, 1);
        Object[] longBounds = {Long.MIN_VALUE + 1, -1L, Long.MAX_VALUE};
        Object[] longRows = {Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE};
        assertThat(ids(DType.TIMESTAMP_US, longRows, longBounds, new SortKey(true, true))).containsExactly(0, 1, 2, 2);
        Object[] bools = {true, false, null};
        assertThat(ids(DType.BOOL8, bools, new Object[] {false, true}, new SortKey(true, true))).containsExactly(1, 0, 0);
    }

    @Test
    void noBoundsMeanOnePartitionAndNoRowsLaunchNothing() {
        Object[] rows = {1L, null, 3L};
        assertThat(ids(DType.INT64, rows, new Object[0], new SortKey(true, true))).containsExactly(0, 0, 0);
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        KeyRows none = KeyRows.of(List.of(DType.STRING), List.<Object[]>of(new Object[0]));
        List<Column> keys = none.upload(counting);
        try (Table bounds = KeyRows.of(List.of(DType.STRING), List.<Object[]>of(utf8("m"))).uploadTable(counting);
                DeviceBuffer pids = RangePartition.partitionIds(counting, keys, List.of(SortKey.ASCENDING), bounds,
                        counting.defaultStream())) {
            assertThat(pids.size()).isZero();
        } finally {
            Closeables.closeAll(keys);
        }
        assertThat(counting.launches(PartitionKernels.RANGE)).isZero();
    }

    @Test
    void argumentsAreChecked() {
        KeyRows ints = KeyRows.of(List.of(DType.INT32), List.<Object[]>of(new Object[] {1, 2}));
        KeyRows longs = KeyRows.of(List.of(DType.INT64), List.<Object[]>of(new Object[] {1L}));
        List<Column> keys = ints.upload(device);
        try (Table wrongType = longs.uploadTable(device); Table right = ints.uploadTable(device)) {
            assertThatThrownBy(() -> RangePartition.partitionIds(device, keys, List.of(SortKey.ASCENDING), wrongType,
                    device.defaultStream())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bounds are bigint");
            assertThatThrownBy(() -> RangePartition.partitionIds(device, keys, List.of(), right,
                    device.defaultStream())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("one sort key");
            assertThatThrownBy(() -> RangePartition.partitionIds(device, List.of(), List.of(), right,
                    device.defaultStream())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least one key");
            assertThatThrownBy(() -> RangePartition.partitionIds(device, keys, List.of(SortKey.ASCENDING), null,
                    device.defaultStream())).isInstanceOf(NullPointerException.class).hasMessage("bounds is null");
        } finally {
            Closeables.closeAll(keys);
        }
    }

    @Test
    void sortKeyDefaultsAreSparks() {
        assertThat(SortKey.ASCENDING).isEqualTo(new SortKey(true, true));
        assertThat(SortKey.DESCENDING).isEqualTo(new SortKey(false, false));
        assertThat(SortKey.DESCENDING).hasToString("DESC NULLS LAST");
    }

    private int[] ids(DType type, Object[] rows, Object[] bounds, SortKey key) {
        KeyRows r = KeyRows.of(List.of(type), List.<Object[]>of(rows));
        KeyRows b = KeyRows.of(List.of(type), List.<Object[]>of(bounds));
        int[] got = partitionIds(r, b, List.of(key));
        // The hand-worked ids are also the reference's: both must agree with Spark's rule.
        assertThat(got).as("reference").isEqualTo(r.rangeIdsByCounting(b, List.of(key)));
        return got;
    }

    private static Object[] utf8(String... values) {
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }
}
