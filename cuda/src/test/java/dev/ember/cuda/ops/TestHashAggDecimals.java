package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.HashAggregate.Aggregation;
import dev.ember.cuda.ops.HashAggregate.Kind;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SUM_DECIMAL, SUM_DECIMAL_MERGE, NONE_VALID and ANY_VALID of {@link HashAggregate} against sums computed
 * here with BigInteger and Spark's rules: exact sums, 0 for groups without values, null at |sum| >= 10^P,
 * and for the merge null when any partial is null.
 */
class TestHashAggDecimals {
    private final Device device = TestDevices.device();

    private static final BigInteger MAX_38 = RandomDecimals.MAX_38;

    @Test
    void sumsOfDecimal64AreExactWithNullGroupsAtZero() {
        Random r = new Random(4);
        int n = 30_000;
        int groups = 500;
        int[] keys = RandomData.intsBelow(r, n, groups);
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = r.nextInt(3) == 0 ? RandomData.longs(r, 1)[0] : r.nextLong() % 1_000_000_000_000L;
        }
        byte[] validity = RandomData.validity(r, n, 0.3);
        // Groups 0..9 have only nulls.
        for (int i = 0; i < n; i++) {
            if (keys[i] < 10) {
                validity[i >> 3] &= (byte) ~(1 << (i & 7));
            }
        }
        HostValues column = HostValues.longs(DType.decimal64(18, 2), values, validity);
        for (int precision : new int[] {12, 18, 19, 28, 38}) {
            List<BigInteger> sums = referenceSums(keys, groups, i -> column.isValid(i) ? BigInteger.valueOf(values[i])
                    : null, false);
            List<BigInteger> got = aggregate(keys, column, Aggregation.sumDecimal(0, precision), groups);
            for (int g = 0; g < groups; g++) {
                assertThat(got.get(g)).as("group %d, precision %d", g, precision).isEqualTo(bounded(sums.get(g),
                        precision));
                if (g < 10) {
                    assertThat(got.get(g)).isEqualTo(BigInteger.ZERO);
                }
            }
        }
    }

    @Test
    void sumsOfDecimal128AreExactWhateverTheOrder() {
        Random r = new Random(5);
        int n = 20_000;
        int groups = 64;
        int[] keys = RandomData.intsBelow(r, n, groups);
        long[] words = RandomDecimals.words(r, n);
        HostValues column = HostValues.longs(DType.decimal128(38, 5), words, RandomData.validity(r, n, 0.1));
        List<BigInteger> sums = referenceSums(keys, groups, i -> column.isValid(i) ? RandomDecimals.valueAt(words, i)
                : null, false);
        List<BigInteger> got = aggregate(keys, column, Aggregation.sumDecimal(0, 38), groups);
        for (int g = 0; g < groups; g++) {
            assertThat(got.get(g)).as("group %d", g).isEqualTo(bounded(sums.get(g), 38));
        }
    }

    @Test
    void overflowIsExactlyAtTenToThePrecisionBothSigns() {
        BigInteger limit = BigInteger.TEN.pow(20);
        // Group 0: 10^20 - 1 (valid), 1: 10^20 (null), 2: -(10^20 - 1), 3: -10^20, 4: back under after 2 * 10^20.
        BigInteger[][] parts = {
            {limit.subtract(BigInteger.TEN), BigInteger.valueOf(9)},
            {limit.subtract(BigInteger.TEN), BigInteger.TEN},
            {limit.negate().add(BigInteger.TEN), BigInteger.valueOf(-9)},
            {limit.negate().add(BigInteger.TEN), BigInteger.valueOf(-10)},
            {limit, limit, limit.negate(), limit.negate(), BigInteger.valueOf(-7)}};
        List<Integer> keys = new ArrayList<>();
        List<BigInteger> values = new ArrayList<>();
        for (int g = 0; g < parts.length; g++) {
            for (BigInteger v : parts[g]) {
                keys.add(g);
                values.add(v);
            }
        }
        List<BigInteger> got = aggregate(keys.stream().mapToInt(Integer::intValue).toArray(),
                decimal128(DType.decimal128(38, 0), values, null), Aggregation.sumDecimal(0, 20), parts.length);
        assertThat(got).containsExactly(limit.subtract(BigInteger.ONE), null, limit.negate().add(BigInteger.ONE),
                null, BigInteger.valueOf(-7));
        // The same bound through a DECIMAL64 result: 10^18 - 1 is valid, 10^18 is not.
        long e18 = 1_000_000_000_000_000_000L;
        HostValues longs = HostValues.longs(DType.decimal64(18, 0), new long[] {e18 - 2, 1, e18 - 2, 2, -e18, 1},
                null);
        assertThat(aggregate(new int[] {0, 0, 1, 1, 2, 2}, longs, Aggregation.sumDecimal(0, 18), 3))
                .containsExactly(BigInteger.valueOf(e18 - 1), null, BigInteger.valueOf(-e18 + 1));
    }

    @Test
    void valuesNearTenToThe38AddedManyTimesStayExact() {
        Random r = new Random(6);
        List<Integer> keys = new ArrayList<>();
        List<BigInteger> values = new ArrayList<>();
        // Group 0: 3000 x MAX_38 then 3000 x -MAX_38 -> 0; group 1: 2000 x MAX_38 and 1999 x -MAX_38 -> MAX_38;
        // group 2: 5000 x -MAX_38 -> null (overflow); group 3: 1000 x MAX_38 + -1000 x (MAX_38 - 1) -> 1000.
        addCopies(keys, values, 0, MAX_38, 3000);
        addCopies(keys, values, 0, MAX_38.negate(), 3000);
        addCopies(keys, values, 1, MAX_38, 2000);
        addCopies(keys, values, 1, MAX_38.negate(), 1999);
        addCopies(keys, values, 2, MAX_38.negate(), 5000);
        addCopies(keys, values, 3, MAX_38, 1000);
        addCopies(keys, values, 3, MAX_38.subtract(BigInteger.ONE).negate(), 1000);
        Integer[] order = new Integer[keys.size()];
        Arrays.setAll(order, i -> i);
        Collections.shuffle(Arrays.asList(order), r);
        int[] k = new int[order.length];
        List<BigInteger> v = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            k[i] = keys.get(order[i]);
            v.add(values.get(order[i]));
        }
        List<BigInteger> got = aggregate(k, decimal128(DType.decimal128(38, 2), v, null),
                Aggregation.sumDecimal(0, 38), 4);
        assertThat(got).containsExactly(BigInteger.ZERO, MAX_38, null, BigInteger.valueOf(1000));
    }

    @Test
    void mergeIsNullWhenAnyPartialIsNull() {
        Random r = new Random(7);
        int n = 10_000;
        int groups = 300;
        int[] keys = RandomData.intsBelow(r, n, groups);
        long[] words = RandomDecimals.words(r, n);
        for (int i = 0; i < n; i++) {
            // Partial sums of decimal(38, 3) stay below 10^37 so that only some groups overflow at P = 37.
            BigInteger v = RandomDecimals.valueAt(words, i).divide(BigInteger.valueOf(30));
            words[2 * i] = v.longValue();
            words[2 * i + 1] = v.shiftRight(64).longValue();
        }
        byte[] validity = RandomData.validity(r, n, 0.002);
        HostValues column = HostValues.longs(DType.decimal128(38, 3), words, validity);
        List<BigInteger> sums = referenceSums(keys, groups, i -> column.isValid(i) ? RandomDecimals.valueAt(words, i)
                : null, true);
        List<BigInteger> got = aggregate(keys, column, Aggregation.sumDecimalMerge(0, 37), groups);
        int nullGroups = 0;
        for (int g = 0; g < groups; g++) {
            BigInteger expected = sums.get(g) == null ? null : bounded(sums.get(g), 37);
            assertThat(got.get(g)).as("group %d", g).isEqualTo(expected);
            nullGroups += got.get(g) == null ? 1 : 0;
        }
        assertThat(nullGroups).isBetween(1, groups - 1);
        // DECIMAL64 partials and result.
        HostValues small = HostValues.longs(DType.decimal64(10, 0), new long[] {5, -7, 3, 4}, new byte[] {0b1101, 0,
            0, 0, 0, 0, 0, 0});
        assertThat(aggregate(new int[] {0, 1, 1, 0}, small, Aggregation.sumDecimalMerge(0, 10), 2))
                .containsExactly(BigInteger.valueOf(9), null);
    }

    @Test
    void resultTypesFollowThePrecision() {
        HostValues dec64 = HostValues.longs(DType.decimal64(7, 3), new long[] {1, 2}, null);
        try (Inputs in = new Inputs(new int[] {0, 0}, dec64);
                HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, List.of(
                        Aggregation.sumDecimal(0, 17), Aggregation.sumDecimal(0, 18), Aggregation.sumDecimal(0, 19),
                        Aggregation.sumDecimalMerge(0, 38)), device.defaultStream())) {
            assertThat(result.table().column(1).type()).isEqualTo(DType.decimal64(17, 3));
            assertThat(result.table().column(2).type()).isEqualTo(DType.decimal64(18, 3));
            assertThat(result.table().column(3).type()).isEqualTo(DType.decimal128(19, 3));
            assertThat(result.table().column(4).type()).isEqualTo(DType.decimal128(38, 3));
        }
    }

    @Test
    void noneValidAndAnyValidReadOnlyValidity() {
        Random r = new Random(8);
        int n = 5_000;
        int groups = 200;
        int[] keys = RandomData.intsBelow(r, n, groups);
        byte[][] strings = RandomStrings.utf8(r, n, 0.6, 5);
        byte[] validity = RandomData.validity(r, n, 0.9);
        for (int i = 0; i < n; i++) {
            if (keys[i] % 10 == 0) {
                strings[i] = null;
                validity[i >> 3] &= (byte) ~(1 << (i & 7));
            }
        }
        HostValues ints = HostValues.ints(DType.INT32, RandomData.ints(r, n), validity);
        boolean[] anyString = new boolean[groups];
        boolean[] anyInt = new boolean[groups];
        for (int i = 0; i < n; i++) {
            anyString[keys[i]] |= strings[i] != null;
            anyInt[keys[i]] |= ints.isValid(i);
        }
        List<Column> values = new ArrayList<>();
        try {
            values.add(DeviceStrings.column(device, strings));
            values.add(ints.upload(device));
            try (Inputs in = new Inputs(keys, null);
                    HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, values, List.of(
                            Aggregation.anyValid(0), Aggregation.noneValid(0), Aggregation.anyValid(1),
                            Aggregation.noneValid(1)), device.defaultStream())) {
                HostValues outKeys = HostValues.download(result.table().column(0));
                List<HostValues> flags = new ArrayList<>();
                for (int c = 1; c <= 4; c++) {
                    assertThat(result.table().column(c).type()).isEqualTo(DType.BOOL8);
                    assertThat(result.table().column(c).hasValidity()).isFalse();
                    flags.add(HostValues.download(result.table().column(c)));
                }
                assertThat(result.table().rowCount()).isEqualTo(groups);
                for (int g = 0; g < groups; g++) {
                    int key = (Integer) outKeys.get(g);
                    assertThat(flags.get(0).get(g)).as("any string of %d", key).isEqualTo(anyString[key]);
                    assertThat(flags.get(1).get(g)).as("no string of %d", key).isEqualTo(!anyString[key]);
                    assertThat(flags.get(2).get(g)).as("any int of %d", key).isEqualTo(anyInt[key]);
                    assertThat(flags.get(3).get(g)).as("no int of %d", key).isEqualTo(!anyInt[key]);
                }
                assertThat(anyString[0]).isFalse();
                assertThat(anyInt[0]).isFalse();
            }
        } finally {
            Closeables.closeAll(values);
        }
    }

    @Test
    void argumentsAndTypesAreValidated() {
        assertThatThrownBy(() -> new Aggregation(Kind.SUM_DECIMAL, 0, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..38");
        assertThatThrownBy(() -> Aggregation.sumDecimalMerge(0, 39)).hasMessageContaining("not 39");
        assertThatThrownBy(() -> new Aggregation(Kind.SUM, 0, 10)).hasMessageContaining("takes no argument");
        assertThatThrownBy(() -> new Aggregation(Kind.ANY_VALID, 0, 3)).hasMessageContaining("takes no argument");
        assertThatThrownBy(() -> HashAggregate.resultType(Kind.SUM_DECIMAL, DType.decimal64(5, 2)))
                .hasMessageContaining("resultType(Aggregation, DType)");
        assertThatThrownBy(() -> HashAggregate.resultType(Aggregation.sumDecimal(0, 20), DType.INT64))
                .hasMessageContaining("SUM_DECIMAL of bigint");
        assertThatThrownBy(() -> HashAggregate.resultType(Aggregation.sumDecimal(0, 3), DType.decimal64(10, 4)))
                .hasMessageContaining("below the scale 4");
        assertThat(HashAggregate.resultType(Aggregation.noneValid(0), DType.STRING)).isEqualTo(DType.BOOL8);
    }

    // ---- reference and helpers ----

    private interface Values {
        BigInteger at(int i);
    }

    /** Exact per-group sums of the non-null values (0 when none); {@code merge}: null when any value is null. */
    private static List<BigInteger> referenceSums(int[] keys, int groups, Values values, boolean merge) {
        List<BigInteger> sums = new ArrayList<>(Collections.nCopies(groups, BigInteger.ZERO));
        boolean[] sawNull = new boolean[groups];
        for (int i = 0; i < keys.length; i++) {
            BigInteger v = values.at(i);
            if (v == null) {
                sawNull[keys[i]] = true;
            } else {
                sums.set(keys[i], sums.get(keys[i]).add(v));
            }
        }
        for (int g = 0; g < groups; g++) {
            if (merge && sawNull[g]) {
                sums.set(g, null);
            }
        }
        return sums;
    }

    /** Spark's non-ANSI decimal sum result: null when |sum| >= 10^precision. */
    private static BigInteger bounded(BigInteger sum, int precision) {
        return sum.abs().compareTo(BigInteger.TEN.pow(precision)) < 0 ? sum : null;
    }

    private static void addCopies(List<Integer> keys, List<BigInteger> values, int key, BigInteger v, int copies) {
        for (int c = 0; c < copies; c++) {
            keys.add(key);
            values.add(v);
        }
    }

    private static HostValues decimal128(DType type, List<BigInteger> values, byte[] validity) {
        long[] words = new long[2 * values.size()];
        for (int i = 0; i < values.size(); i++) {
            words[2 * i] = values.get(i).longValue();
            words[2 * i + 1] = values.get(i).shiftRight(64).longValue();
        }
        return HostValues.longs(type, words, validity);
    }

    /**
     * Aggregates {@code column} by the INT32 {@code keys} (all of 0..groups-1 must occur) and returns the
     * result per key (index = key value), null for null results.
     */
    private List<BigInteger> aggregate(int[] keys, HostValues column, Aggregation agg, int groups) {
        try (Inputs in = new Inputs(keys, column);
                HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, List.of(agg),
                        device.defaultStream())) {
            assertThat(result.table().rowCount()).isEqualTo(groups);
            HostValues outKeys = HostValues.download(result.table().column(0));
            List<BigInteger> values = decimals(result.table().column(1));
            List<BigInteger> byKey = new ArrayList<>(Collections.nCopies(groups, null));
            for (int g = 0; g < groups; g++) {
                byKey.set((Integer) outKeys.get(g), values.get(g));
            }
            return byKey;
        }
    }

    /** A DECIMAL64 or DECIMAL128 column's unscaled values; null rows null. */
    static List<BigInteger> decimals(Column column) {
        HostValues host = HostValues.download(column);
        ByteBuffer b = ByteBuffer.wrap(host.data()).order(ByteOrder.LITTLE_ENDIAN);
        List<BigInteger> out = new ArrayList<>();
        for (int i = 0; i < host.rows(); i++) {
            if (!host.isValid(i)) {
                out.add(null);
            } else if (column.type().id() == DType.TypeId.DECIMAL64) {
                out.add(BigInteger.valueOf(b.getLong(i * 8)));
            } else {
                out.add(BigInteger.valueOf(b.getLong(i * 16 + 8)).shiftLeft(64)
                        .add(new BigInteger(Long.toUnsignedString(b.getLong(i * 16)))));
            }
        }
        return out;
    }

    /** An INT32 key column and an optional value column, closed together. */
    private final class Inputs implements AutoCloseable {
        final List<Column> keys = new ArrayList<>();
        final List<Column> values = new ArrayList<>();

        Inputs(int[] keys, HostValues value) {
            try {
                this.keys.add(HostValues.ints(DType.INT32, keys, null).upload(device));
                if (value != null) {
                    this.values.add(value.upload(device));
                }
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            Closeables.closeAll(keys);
            Closeables.closeAll(values);
        }
    }
}
