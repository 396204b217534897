package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.PartitionKernels;
import dev.ember.cuda.kernel.SortKernels;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.testing.KeyRows;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RadixSort} against a stable {@link List#sort} of the row indices under {@link KeyRows}'s
 * reference of Spark's ordering (written from Spark's rules, not from the kernels): every fixed-width
 * type alone in every direction and null ordering, random multi-column keys with ties (so stability
 * decides), 0, 1, 33 and 100,003 rows, and orders worked out by hand for NaN, -0.0, infinities,
 * extremes and 128-bit signs. Also checks that bytes every row shares take no pass.
 */
class TestRadixSort {
    private static final List<SortKey> EVERY_SORT_KEY = List.of(new SortKey(true, true), new SortKey(true, false),
            new SortKey(false, true), new SortKey(false, false));
    private static final List<DType> EVERY_TYPE = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32,
            DType.INT64, DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(18, 4),
            DType.decimal128(38, 2));

    private final Device device = TestDevices.device();

    private int[] sort(Device on, KeyRows rows, List<SortKey> order) {
        List<Column> keys = rows.upload(on);
        try (DeviceBuffer sorted = RadixSort.sortOrder(on, keys, order, on.defaultStream())) {
            assertThat(sorted.size()).isEqualTo(rows.rows() * 4L);
            return DeviceArrays.downloadInts(sorted, 0, rows.rows());
        } finally {
            Closeables.closeAll(keys);
        }
    }

    /** The reference: a stable sort of 0..n-1 by the rows' keys. */
    private static int[] expected(KeyRows rows, List<SortKey> order) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < rows.rows(); i++) {
            indices.add(i);
        }
        indices.sort((a, b) -> rows.compare(a, rows, b, order));
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }

    private void check(KeyRows rows, List<SortKey> order) {
        assertThat(sort(device, rows, order)).as("%s %s, %d rows", rows.types(), order, rows.rows())
                .isEqualTo(expected(rows, order));
    }

    private static List<SortKey> randomOrder(Random r, int columns) {
        List<SortKey> order = new ArrayList<>();
        for (int k = 0; k < columns; k++) {
            order.add(EVERY_SORT_KEY.get(r.nextInt(EVERY_SORT_KEY.size())));
        }
        return order;
    }

    @Test
    void everyTypeInEveryDirectionAndNullOrdering() {
        Random r = new Random(41);
        for (DType type : EVERY_TYPE) {
            for (SortKey key : EVERY_SORT_KEY) {
                check(KeyRows.random(r, List.of(type), 1_001), List.of(key));
            }
        }
    }

    @Test
    void multiColumnKeysWithTiesAtEverySize() {
        Random r = new Random(42);
        for (int n : new int[] {0, 1, 33, 100_003}) {
            int rounds = n > 1_000 ? 2 : 12;
            for (int round = 0; round < rounds; round++) {
                List<DType> types = new ArrayList<>();
                int columns = 1 + r.nextInt(n > 1_000 ? 3 : 4);
                for (int k = 0; k < columns; k++) {
                    types.add(EVERY_TYPE.get(r.nextInt(EVERY_TYPE.size())));
                }
                check(KeyRows.random(r, types, n), randomOrder(r, columns));
            }
        }
    }

    @Test
    void largeSortWithEveryTypeAndDecimal128() {
        Random r = new Random(43);
        List<DType> types = List.of(DType.decimal128(38, 0), DType.FLOAT64, DType.INT32);
        check(KeyRows.random(r, types, 100_003), randomOrder(r, types.size()));
    }

    @Test
    void floatsOrderNaNGreatestAndNegativeZeroEqualToZero() {
        float nan2 = Float.intBitsToFloat(0x7fc00001);
        float negNan = Float.intBitsToFloat(0xffc00000);
        Object[] floats = {Float.NaN, -0.0f, 0.0f, Float.NEGATIVE_INFINITY, null, Float.POSITIVE_INFINITY, 1.0f,
            nan2, -1.0f, -Float.MAX_VALUE, Float.MIN_VALUE, negNan, -0.0f, null, 0.0f};
        KeyRows rows = KeyRows.of(List.of(DType.FLOAT32), List.<Object[]>of(floats));
        // Ascending, nulls first: nulls (4, 13), -Inf, -MAX, -1, then the zeros in input order, MIN, 1, +Inf, NaNs.
        int[] ascending = {4, 13, 3, 9, 8, 1, 2, 12, 14, 10, 6, 5, 0, 7, 11};
        assertThat(sort(device, rows, List.of(new SortKey(true, true)))).isEqualTo(ascending);
        int[] descendingNullsFirst = {4, 13, 0, 7, 11, 5, 6, 10, 1, 2, 12, 14, 8, 9, 3};
        assertThat(sort(device, rows, List.of(new SortKey(false, true)))).isEqualTo(descendingNullsFirst);

        Object[] doubles = new Object[floats.length];
        for (int i = 0; i < floats.length; i++) {
            doubles[i] = floats[i] == null ? null : (Object) (double) (Float) floats[i];
        }
        doubles[7] = Double.longBitsToDouble(0x7ff0000000000001L);
        doubles[9] = -Double.MAX_VALUE;
        doubles[10] = Double.MIN_VALUE;
        KeyRows doubleRows = KeyRows.of(List.of(DType.FLOAT64), List.<Object[]>of(doubles));
        assertThat(sort(device, doubleRows, List.of(new SortKey(true, true)))).isEqualTo(ascending);
        int[] descendingNullsLast = {0, 7, 11, 5, 6, 10, 1, 2, 12, 14, 8, 9, 3, 4, 13};
        assertThat(sort(device, doubleRows, List.of(new SortKey(false, false)))).isEqualTo(descendingNullsLast);
    }

    @Test
    void integerAndDecimalExtremes() {
        Object[] longs = {Long.MAX_VALUE, 0L, Long.MIN_VALUE, -1L, 1L, null, Long.MIN_VALUE + 1, Long.MAX_VALUE};
        KeyRows rows = KeyRows.of(List.of(DType.INT64), List.<Object[]>of(longs));
        assertThat(sort(device, rows, List.of(new SortKey(true, false)))).containsExactly(2, 6, 3, 1, 4, 0, 7, 5);
        BigInteger max = BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE);
        BigInteger min = BigInteger.ONE.shiftLeft(127).negate();
        Object[] wide = {max, BigInteger.ZERO, min, BigInteger.ONE.shiftLeft(64), BigInteger.ONE.shiftLeft(64).negate(),
            BigInteger.valueOf(-1), null, BigInteger.ONE.shiftLeft(63), BigInteger.ONE.shiftLeft(64).subtract(
                    BigInteger.ONE)};
        KeyRows decimals = KeyRows.of(List.of(DType.decimal128(38, 0)), List.<Object[]>of(wide));
        assertThat(sort(device, decimals, List.of(new SortKey(true, true)))).containsExactly(6, 2, 4, 5, 1, 7, 8, 3,
                0);
        assertThat(sort(device, decimals, List.of(new SortKey(false, false)))).containsExactly(0, 3, 8, 7, 1, 5, 4,
                2, 6);
    }

    @Test
    void equalKeysKeepInputOrderWithoutAnyPass() {
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        Object[] same = new Object[300];
        Arrays.fill(same, 7);
        KeyRows rows = KeyRows.of(List.of(DType.INT32, DType.INT32), List.<Object[]>of(same, same.clone()));
        int[] identity = new int[300];
        Arrays.setAll(identity, i -> i);
        assertThat(sort(counting, rows, List.of(SortKey.ASCENDING, SortKey.DESCENDING))).isEqualTo(identity);
        assertThat(counting.launches(SortKernels.DIGIT)).isZero();
        assertThat(counting.launches(PartitionKernels.ORDER)).isZero();
    }

    @Test
    void onlyTheBytesThatVaryTakeAPass() {
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        Random r = new Random(44);
        Object[] small = new Object[5_000];
        Object[] flags = new Object[5_000];
        for (int i = 0; i < small.length; i++) {
            // 1000..1199 (0x3e8..0x4af): the sign-flipped words differ in their low two bytes only.
            small[i] = 1000 + r.nextInt(200);
            flags[i] = r.nextInt(5) == 0 ? null : Boolean.valueOf(r.nextBoolean());
        }
        KeyRows rows = KeyRows.of(List.of(DType.BOOL8, DType.INT32), List.<Object[]>of(flags, small));
        List<SortKey> order = List.of(new SortKey(false, false), new SortKey(true, true));
        assertThat(sort(counting, rows, order)).isEqualTo(expected(rows, order));
        assertThat(counting.launches(SortKernels.DIGIT)).isEqualTo(3);
        assertThat(counting.launches(SortKernels.NULL_DIGIT)).isEqualTo(1);
        assertThat(counting.launches(PartitionKernels.ORDER)).isEqualTo(4);
        assertThat(counting.deviceToHostCopies()).as("one wait per sort").isEqualTo(1);
    }

    @Test
    void rejectsStringsAndMismatchedArguments() {
        KeyRows strings = KeyRows.of(List.of(DType.STRING), List.<Object[]>of(new Object[] {new byte[] {1}}));
        List<Column> keys = strings.upload(device);
        try {
            assertThatThrownBy(() -> RadixSort.sortOrder(device, keys, List.of(SortKey.ASCENDING),
                    device.defaultStream())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fixed-width");
            assertThatThrownBy(() -> RadixSort.sortOrder(device, keys, List.of(), device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> RadixSort.sortOrder(device, List.of(), List.of(), device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            Closeables.closeAll(keys);
        }
    }
}
