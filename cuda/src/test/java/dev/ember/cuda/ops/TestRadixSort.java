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
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RadixSort} against a stable {@link List#sort} of the row indices under {@link KeyRows}'s
 * reference of Spark's ordering (written from Spark's rules, not from the kernels): every type alone in
 * every direction and null ordering, random multi-column keys with ties (so stability decides), 0, 1, 33
 * and 100,003 rows, and orders worked out by hand for NaN, -0.0, infinities, extremes, 128-bit signs and
 * string bytes. String keys are also checked against a stable {@link Arrays#sort} by unsigned bytes:
 * shared prefixes up to 1,000 bytes, proper prefixes, 0x00 and 0xff bytes, multi-byte UTF-8, empty
 * strings and nulls. Also checks that bytes every row shares take no pass and that strings take one
 * ranking round per 7 bytes of their longest shared prefix.
 */
class TestRadixSort {
    private static final List<SortKey> EVERY_SORT_KEY = List.of(new SortKey(true, true), new SortKey(true, false),
            new SortKey(false, true), new SortKey(false, false));
    private static final List<DType> EVERY_TYPE = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32,
            DType.INT64, DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(18, 4),
            DType.decimal128(38, 2), DType.STRING);

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

    /** The reference for one string column: a stable sort by unsigned bytes in the key's direction. */
    private static int[] expectedStrings(byte[][] values, SortKey key) {
        Integer[] rows = new Integer[values.length];
        Arrays.setAll(rows, i -> i);
        Arrays.sort(rows, (a, b) -> {
            byte[] x = values[a];
            byte[] y = values[b];
            if (x == null || y == null) {
                return x == y ? 0 : (x == null) == key.nullsFirst() ? -1 : 1;
            }
            int c = Arrays.compareUnsigned(x, y);
            return key.ascending() ? c : -c;
        });
        return Arrays.stream(rows).mapToInt(Integer::intValue).toArray();
    }

    private static KeyRows strings(byte[][] values) {
        return KeyRows.of(List.of(DType.STRING), List.<Object[]>of(values));
    }

    private void checkStrings(byte[][] values) {
        for (SortKey key : EVERY_SORT_KEY) {
            assertThat(sort(device, strings(values), List.of(key))).as("%s, %d strings", key, values.length)
                    .isEqualTo(expectedStrings(values, key));
        }
    }

    @Test
    void stringsInEveryDirectionAndNullOrdering() {
        Random r = new Random(45);
        checkStrings(RandomStrings.sortStrings(r, 2_001, 0.1, 20));
        checkStrings(RandomStrings.utf8(r, 1_001, 0.1, 12));
    }

    @Test
    void thousandByteStringsSharingLongPrefixes() {
        Random r = new Random(46);
        checkStrings(RandomStrings.sortStrings(r, 301, 0.05, 1_000));
        // Every row the same 1,000 bytes but for its last one, and one row a proper prefix of the rest.
        byte[] stem = new byte[1_000];
        Arrays.fill(stem, (byte) 0xff);
        byte[][] values = new byte[64][];
        for (int i = 0; i < values.length; i++) {
            values[i] = stem.clone();
            values[i][999] = (byte) r.nextInt(4);
        }
        values[17] = Arrays.copyOf(stem, 999);
        values[40] = null;
        checkStrings(values);
    }

    @Test
    void largeStringSorts() {
        Random r = new Random(47);
        byte[][] values = RandomStrings.sortStrings(r, 100_003, 0.05, 30);
        assertThat(sort(device, strings(values), List.of(new SortKey(false, false))))
                .isEqualTo(expectedStrings(values, new SortKey(false, false)));
        List<DType> types = List.of(DType.STRING, DType.INT32, DType.STRING);
        Object[] small = new Object[100_003];
        Arrays.setAll(small, i -> r.nextInt(4));
        KeyRows rows = KeyRows.of(types, List.<Object[]>of(RandomStrings.sortStrings(r, 100_003, 0.1, 12), small,
                RandomStrings.utf8(r, 100_003, 0.1, 3)));
        check(rows, randomOrder(r, types.size()));
    }

    @Test
    void stringsWithOtherKeysResolveTiesByLaterKeysAndKeepInputOrder() {
        Random r = new Random(48);
        for (int round = 0; round < 12; round++) {
            int n = 1 + r.nextInt(2_000);
            // Few distinct strings, so later keys and then the input order decide most rows.
            byte[][] few = RandomStrings.sortStrings(r, n, 0.2, 1 + r.nextInt(40));
            for (int i = 0; i < n; i++) {
                if (r.nextBoolean()) {
                    few[i] = i > 0 ? few[r.nextInt(i)] : few[i];
                }
            }
            Object[] ints = new Object[n];
            Arrays.setAll(ints, i -> r.nextInt(5) == 0 ? null : r.nextInt(3));
            List<DType> types = round % 2 == 0 ? List.of(DType.STRING, DType.INT32) : List.of(DType.INT32, DType.STRING);
            List<Object[]> columns = round % 2 == 0 ? List.<Object[]>of(few, ints) : List.<Object[]>of(ints, few);
            check(KeyRows.of(types, columns), randomOrder(r, 2));
        }
        // Only the strings: equal strings keep their input order.
        Random same = new Random(49);
        byte[][] ties = new byte[500][];
        for (int i = 0; i < ties.length; i++) {
            ties[i] = new byte[][] {new byte[0], {0}, {0, 0}, {(byte) 0xff}, null}[same.nextInt(5)];
        }
        checkStrings(ties);
    }

    @Test
    void stringBytesInUnsignedBinaryOrderWithPrefixesFirst() {
        byte[][] values = {utf8("abcdefgh"), utf8("abcdefg"), bytes(0xff), utf8("abcdefg\u0000"), new byte[0],
            utf8("\u00e9"), utf8("z"), null, bytes(0x7f), bytes(0x80), utf8("abcdefghijklmnop"),
            utf8("abcdefghijklmno"), utf8("a"), bytes('a', 0), new byte[0], utf8("\ud83d\ude00"), utf8("\uffff")};
        // "" "" a a\0 abcdefg abcdefg\0 abcdefgh abcdefghijklmno abcdefghijklmnop z 0x7f 0x80 U+00E9(c3 a9)
        // U+FFFF(ef bf bf) U+1F600(f0 9f 98 80) 0xff, then the null.
        int[] ascending = {4, 14, 12, 13, 1, 3, 0, 11, 10, 6, 8, 9, 5, 16, 15, 2, 7};
        assertThat(sort(device, strings(values), List.of(new SortKey(true, false)))).isEqualTo(ascending);
        int[] descending = {7, 2, 15, 16, 5, 9, 8, 6, 10, 11, 0, 3, 1, 13, 12, 4, 14};
        assertThat(sort(device, strings(values), List.of(new SortKey(false, true)))).isEqualTo(descending);
    }

    @Test
    void smallAndDegenerateStringColumns() {
        for (byte[][] values : new byte[][][] {{}, {utf8("x")}, {null}, {null, null, null}, {new byte[0], null},
            {utf8("b"), utf8("a")}, {new byte[0], new byte[0], new byte[0]}}) {
            checkStrings(values);
        }
    }

    @Test
    void stringsTakeOneRoundPerSevenBytesOfTheLongestSharedPrefix() {
        Random r = new Random(50);
        // Distinct first bytes: one round, and one wait to learn that no tie goes on.
        byte[][] unique = new byte[256][];
        for (int i = 0; i < unique.length; i++) {
            unique[i] = new byte[1 + r.nextInt(50)];
            r.nextBytes(unique[i]);
            unique[i][0] = (byte) (i * 89);
        }
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        SortKey key = SortKey.ASCENDING;
        assertThat(sort(counting, strings(unique), List.of(key))).isEqualTo(expectedStrings(unique, key));
        assertThat(counting.launches(SortKernels.RANK_MARKS)).isEqualTo(1);
        assertThat(counting.deviceToHostCopies()).as("two rounds' waits and the sort's").isEqualTo(3);

        // 20 shared bytes, a distinct one, at least one more: bytes 0-6 and 7-13 tie and take no pass,
        // bytes 14-20 decide with one pass (byte 20); the ranks then take one pass in the sort.
        byte[][] shared = new byte[100][];
        for (int i = 0; i < shared.length; i++) {
            shared[i] = new byte[22 + r.nextInt(30)];
            Arrays.fill(shared[i], 0, 20, (byte) 'q');
            shared[i][20] = (byte) i;
        }
        counting = new LaunchCountingDevice(device);
        assertThat(sort(counting, strings(shared), List.of(key))).isEqualTo(expectedStrings(shared, key));
        assertThat(counting.launches(SortKernels.RANK_MARKS)).isEqualTo(3);
        assertThat(counting.launches(SortKernels.STRING_WORD)).isEqualTo(4);
        assertThat(counting.launches(SortKernels.DIGIT)).isEqualTo(2);
        assertThat(counting.deviceToHostCopies()).isEqualTo(5);
    }

    @Test
    void repeatedLongStringsTakeNoPassAfterTheirFirstRound() {
        Random r = new Random(51);
        byte[][] stems = new byte[10][300];
        for (byte[] stem : stems) {
            r.nextBytes(stem);
        }
        byte[][] values = new byte[1_000][];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextInt(20) == 0 ? null : stems[r.nextInt(stems.length)].clone();
        }
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        SortKey key = new SortKey(false, false);
        assertThat(sort(counting, strings(values), List.of(key))).isEqualTo(expectedStrings(values, key));
        // 300 bytes: rounds 0 to 42 (the last one with 6 bytes left), each with one wait, and one more wait.
        assertThat(counting.launches(SortKernels.RANK_MARKS)).isEqualTo(43);
        assertThat(counting.deviceToHostCopies()).isEqualTo(43 + 1 + 1);
        // At most the 8 bytes of round 0's words, then the ranks (10 values and nulls): one byte and nulls.
        assertThat(counting.launches(SortKernels.DIGIT)).isLessThanOrEqualTo(8 + 1);
        assertThat(counting.launches(SortKernels.NULL_DIGIT)).isEqualTo(1);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void rejectsMismatchedArguments() {
        KeyRows strings = KeyRows.of(List.of(DType.STRING), List.<Object[]>of(new Object[] {new byte[] {1}}));
        List<Column> keys = strings.upload(device);
        try {
            assertThatThrownBy(() -> RadixSort.sortOrder(device, keys, List.of(), device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> RadixSort.sortOrder(device, List.of(), List.of(), device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            Closeables.closeAll(keys);
        }
    }
}
