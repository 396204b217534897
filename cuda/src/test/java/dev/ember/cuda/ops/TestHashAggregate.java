package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.GpuOutOfMemoryError;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.emulated.EmulatedDevice;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.HashAggregate.Aggregation;
import dev.ember.cuda.ops.HashAggregate.Kind;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HashAggregate} against a HashMap-based reference computed here with Spark's rules. */
class TestHashAggregate {
    private final Device device = TestDevices.device();

    /** Every value type with every aggregation it supports. */
    private static final List<DType> VALUE_TYPES = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32,
            DType.INT64, DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(12, 2));

    @ParameterizedTest(name = "{0} groups")
    @ValueSource(ints = {1, 10, 1000})
    void groupsIntKeysWithEveryAggregation(int groups) {
        Random r = new Random(groups);
        int n = 20_000;
        HostValues key = HostValues.ints(DType.INT32, RandomData.intsBelow(r, n, groups), null);
        check(List.of(key), randomValues(r, n), everyAggregation(), 1024, groups).close();
    }

    @Test
    void aMillionGroups() {
        int n = 1_000_000;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (i * 7919L) % n - 500_000;
        }
        Random r = new Random(5);
        List<HostValues> values = List.of(HostValues.ints(DType.INT32, RandomData.ints(r, n), null));
        List<Aggregation> aggs = List.of(Aggregation.countAll(), Aggregation.sum(0));
        try (HashAggregate.Result result = check(List.of(HostValues.longs(DType.INT64, keys, null)), values, aggs,
                1_000_000, n)) {
            assertThat(result.builds()).isEqualTo(1);
        }
    }

    @Test
    void skewedKeys() {
        Random r = new Random(9);
        int n = 50_000;
        int[] keys = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = r.nextInt(10) < 9 ? 42 : r.nextInt(500);
        }
        check(List.of(HostValues.ints(DType.INT32, keys, RandomData.validity(r, n, 0.01))), randomValues(r, n),
                everyAggregation(), 16, -1).close();
    }

    @Test
    void allNullKeysFormOneGroup() {
        Random r = new Random(3);
        int n = 3000;
        byte[] allNull = new byte[(n + 63) / 64 * 8];
        HostValues key = HostValues.longs(DType.INT64, RandomData.longs(r, n), allNull);
        check(List.of(key), randomValues(r, n), everyAggregation(), 1024, 1).close();
    }

    @Test
    void emptyInputGivesNoRowsOfTheResultTypes() {
        HostValues key = HostValues.doubles(new double[0], null);
        List<HostValues> values = randomValues(new Random(1), 0);
        try (Inputs in = new Inputs(List.of(key), values);
                HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, everyAggregation(),
                        device.defaultStream())) {
            assertThat(result.table().rowCount()).isZero();
            List<Aggregation> aggs = everyAggregation();
            assertThat(result.table().columnCount()).isEqualTo(1 + aggs.size());
            assertThat(result.table().column(0).type()).isEqualTo(DType.FLOAT64);
            for (int a = 0; a < aggs.size(); a++) {
                Aggregation agg = aggs.get(a);
                DType expected = switch (agg.kind()) {
                    case COUNT_ALL, COUNT -> DType.INT64;
                    case SUM -> VALUE_TYPES.get(agg.column()).id() == DType.TypeId.FLOAT32
                            || VALUE_TYPES.get(agg.column()).id() == DType.TypeId.FLOAT64 ? DType.FLOAT64 : DType.INT64;
                    case MIN, MAX -> VALUE_TYPES.get(agg.column());
                    case FIRST, LAST, FIRST_NON_NULL, LAST_NON_NULL, FIRST_WHERE, LAST_WHERE ->
                            VALUE_TYPES.get(agg.column());
                    default -> throw new AssertionError(agg + " is not one of everyAggregation()'s kinds");
                };
                assertThat(result.table().column(1 + a).type()).as("%s", agg).isEqualTo(expected);
            }
        }
    }

    @Test
    void multiColumnKeys() {
        Random r = new Random(11);
        int n = 30_000;
        byte[] small = new byte[n];
        byte[] bools = RandomData.bytes(r, n);
        int[] dates = RandomData.intsBelow(r, n, 7);
        for (int i = 0; i < n; i++) {
            small[i] = (byte) r.nextInt(5);
        }
        List<HostValues> keys = List.of(HostValues.of(DType.INT8, small, RandomData.validity(r, n, 0.1)),
                HostValues.of(DType.BOOL8, bools, RandomData.validity(r, n, 0.1)),
                HostValues.ints(DType.DATE32, dates, RandomData.validity(r, n, 0.1)),
                HostValues.shorts(new short[n], null));
        check(keys, randomValues(r, n), everyAggregation(), 1024, 6 * 3 * 8).close();
    }

    @Test
    void nanAndSignedZeroKeysAreOneGroupEachAndComeOutNormalized() {
        double[] d = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff0000000000123L),
            Double.longBitsToDouble(0xfff8000000000000L), 1.0, -0.0};
        float[] f = {-0.0f, 0.0f, Float.NaN, Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001), 1.0f,
            -0.0f};
        int[] v = {1, 2, 3, 4, 5, 6, 7};
        List<HostValues> values = List.of(HostValues.ints(DType.INT32, v, null));
        for (HostValues key : List.of(HostValues.doubles(d, null), HostValues.floats(f, null))) {
            HashAggregate.Result result = check(List.of(key), values, List.of(Aggregation.sum(0)), 4, 3);
            try (result) {
                HostValues keys = HostValues.download(result.table().column(0));
                HostValues sums = HostValues.download(result.table().column(1));
                Map<String, Long> bySum = new HashMap<>();
                for (int g = 0; g < 3; g++) {
                    String bits = key.type().id() == DType.TypeId.FLOAT64
                            ? Long.toHexString(Double.doubleToRawLongBits((Double) keys.get(g)))
                            : Integer.toHexString(Float.floatToRawIntBits((Float) keys.get(g)));
                    bySum.put(bits, (Long) sums.get(g));
                }
                assertThat(bySum).isEqualTo(key.type().id() == DType.TypeId.FLOAT64
                        ? Map.of("0", 1L + 2 + 7, "7ff8000000000000", 3L + 4 + 5, "3ff0000000000000", 6L)
                        : Map.of("0", 1L + 2 + 7, "7fc00000", 3L + 4 + 5, "3f800000", 6L));
            }
        }
    }

    @Test
    void floatingMinMaxFollowSparksOrder() {
        double[] v = {-0.0, 0.0, Double.POSITIVE_INFINITY, Double.NaN, -1.0, 0.0, -0.0, Double.NEGATIVE_INFINITY,
            Double.NaN, Double.NaN};
        int[] k = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4};
        HostValues values = HostValues.doubles(v, null);
        try (HashAggregate.Result result = check(List.of(HostValues.ints(DType.INT32, k, null)), List.of(values),
                List.of(Aggregation.min(0), Aggregation.max(0), Aggregation.sum(0)), 8, 5)) {
            HostValues min = HostValues.download(result.table().column(1));
            HostValues max = HostValues.download(result.table().column(2));
            assertThat(Double.doubleToRawLongBits((Double) min.get(0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
            assertThat(Double.doubleToRawLongBits((Double) max.get(0))).isEqualTo(0L);
            assertThat((Double) max.get(1)).isNaN();
            assertThat((Double) min.get(1)).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat((Double) min.get(3)).isEqualTo(Double.NEGATIVE_INFINITY);
            assertThat(Double.doubleToRawLongBits((Double) max.get(3))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        }
    }

    @Test
    void integralSumsWrapAround() {
        long[] v = {Long.MAX_VALUE, 1, Long.MIN_VALUE, -1};
        int[] k = {0, 0, 1, 1};
        try (HashAggregate.Result result = check(List.of(HostValues.ints(DType.INT32, k, null)),
                List.of(HostValues.longs(DType.INT64, v, null)), List.of(Aggregation.sum(0)), 2, 2)) {
            HostValues sums = HostValues.download(result.table().column(1));
            assertThat(sums.get(0)).isEqualTo(Long.MIN_VALUE);
            assertThat(sums.get(1)).isEqualTo(Long.MAX_VALUE);
        }
    }

    @Test
    void tableGrowsWhenTheGroupsOutnumberTheExpectation() {
        Random r = new Random(21);
        int n = 40_000;
        HostValues key = HostValues.ints(DType.INT32, RandomData.intsBelow(r, n, 10_000), RandomData.validity(r, n, 0.05));
        try (HashAggregate.Result result = check(List.of(key), randomValues(r, n), everyAggregation(), 1, -1)) {
            assertThat(result.builds()).isEqualTo(2);
            assertThat(result.capacity()).isGreaterThanOrEqualTo(2 * result.table().rowCount());
        }
    }

    @Test
    void mergingPartialResultsEqualsOnePass() {
        Random r = new Random(8);
        int n = 10_000;
        int[] keys = RandomData.intsBelow(r, n, 300);
        long[] longs = RandomData.longs(r, n);
        byte[] validity = RandomData.validity(r, n, 0.3);
        List<Aggregation> partial = List.of(Aggregation.count(0), Aggregation.sum(0), Aggregation.min(0),
                Aggregation.max(0));
        List<HostValues> partialRows = new ArrayList<>();
        int half = n / 2;
        List<List<Object>> merged = new ArrayList<>();
        for (int[] range : new int[][] {{0, half}, {half, n}}) {
            int[] k = Arrays.copyOfRange(keys, range[0], range[1]);
            long[] v = Arrays.copyOfRange(longs, range[0], range[1]);
            byte[] valid = new byte[(k.length + 63) / 64 * 8];
            for (int i = 0; i < k.length; i++) {
                if (RandomData.isValid(validity, range[0] + i)) {
                    valid[i >>> 3] |= (byte) (1 << (i & 7));
                }
            }
            try (Inputs in = new Inputs(List.of(HostValues.ints(DType.INT32, k, null)),
                    List.of(HostValues.longs(DType.INT64, v, valid)));
                    HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, partial,
                            device.defaultStream())) {
                merged.addAll(rows(result));
            }
        }
        int m = merged.size();
        int[] mk = new int[m];
        long[][] cols = new long[4][m];
        byte[][] valid = new byte[4][(m + 63) / 64 * 8];
        for (int i = 0; i < m; i++) {
            mk[i] = (Integer) merged.get(i).get(0);
            for (int c = 0; c < 4; c++) {
                Object o = merged.get(i).get(1 + c);
                if (o != null) {
                    cols[c][i] = (Long) o;
                    valid[c][i >>> 3] |= (byte) (1 << (i & 7));
                }
            }
        }
        List<HostValues> partials = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            partials.add(HostValues.longs(DType.INT64, cols[c], valid[c]));
        }
        List<Aggregation> merge = List.of(Aggregation.sum(0), Aggregation.sum(1), Aggregation.min(2),
                Aggregation.max(3));
        Map<Object, List<Object>> onePass = reference(List.of(HostValues.ints(DType.INT32, keys, null)),
                List.of(HostValues.longs(DType.INT64, longs, validity)), partial);
        try (Inputs in = new Inputs(List.of(HostValues.ints(DType.INT32, mk, null)), partials);
                HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, merge,
                        device.defaultStream())) {
            assertThat(actual(result, 1)).isEqualTo(onePass);
        }
    }

    @Test
    void unsupportedTypesAreRefusedWithTheReason() {
        try (Inputs in = new Inputs(List.of(HostValues.ints(DType.INT32, new int[] {1}, null)),
                List.of(HostValues.of(DType.BOOL8, new byte[] {1}, null)))) {
            assertThatThrownBy(() -> HashAggregate.aggregate(device, in.keys, in.values, List.of(Aggregation.sum(0)),
                    device.defaultStream())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SUM of boolean");
            assertThatThrownBy(() -> HashAggregate.aggregate(device, in.keys, in.values, List.of(Aggregation.max(3)),
                    device.defaultStream())).hasMessageContaining("value column 3");
        }
        assertThatThrownBy(() -> Aggregation.sum(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTableBeyondThePoolFailsWithAnOutOfMemoryErrorNamingIt() {
        int n = 200_000;
        try (EmulatedDevice small = EmulatedDevice.create(4L << 20)) {
            int[] keys = new int[n];
            Arrays.setAll(keys, i -> i);
            try (Inputs in = new Inputs(small, List.of(HostValues.ints(DType.INT32, keys, null)), List.of())) {
                assertThatThrownBy(() -> HashAggregate.aggregate(small, in.keys, in.values,
                        List.of(Aggregation.countAll()), n, small.defaultStream()))
                        .isInstanceOf(GpuOutOfMemoryError.class).hasMessageContaining("hash aggregation of 200000 rows");
            }
        }
    }

    // ---- reference and helpers ----

    private static List<HostValues> randomValues(Random r, int n) {
        List<HostValues> values = new ArrayList<>();
        values.add(HostValues.of(DType.BOOL8, RandomData.bytes(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.of(DType.INT8, RandomData.bytes(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.shorts(RandomData.shorts(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.ints(DType.INT32, RandomData.ints(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.longs(DType.INT64, RandomData.longs(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.floats(RandomData.floats(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.doubles(RandomData.doubles(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.ints(DType.DATE32, RandomData.ints(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.longs(DType.TIMESTAMP_US, RandomData.longs(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.longs(DType.decimal64(12, 2), RandomData.longs(r, n), RandomData.validity(r, n, 0.2)));
        return values;
    }

    private static List<Aggregation> everyAggregation() {
        List<Aggregation> aggs = new ArrayList<>();
        aggs.add(Aggregation.countAll());
        for (int c = 0; c < VALUE_TYPES.size(); c++) {
            aggs.add(Aggregation.count(c));
            aggs.add(Aggregation.min(c));
            aggs.add(Aggregation.max(c));
            if (c >= 1 && c <= 6) {
                aggs.add(Aggregation.sum(c));
            }
        }
        return aggs;
    }

    /**
     * Aggregates on the device and compares with the reference; {@code groups >= 0} also checks the group
     * count. Returns the result (callers close it or let it be closed here when they do not keep it).
     */
    private HashAggregate.Result check(List<HostValues> keys, List<HostValues> values, List<Aggregation> aggs,
            long expectedGroups, int groups) {
        Map<Object, List<Object>> expected = reference(keys, values, aggs);
        try (Inputs in = new Inputs(keys, values)) {
            HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, aggs, expectedGroups,
                    device.defaultStream());
            try {
                if (groups >= 0) {
                    assertThat(result.table().rowCount()).isEqualTo(groups);
                }
                Map<Object, List<Object>> actual = actual(result, keys.size());
                assertThat(actual.keySet()).isEqualTo(expected.keySet());
                for (Map.Entry<Object, List<Object>> e : expected.entrySet()) {
                    List<Object> got = actual.get(e.getKey());
                    for (int a = 0; a < aggs.size(); a++) {
                        assertSame(aggs.get(a) + " of group " + e.getKey(), got.get(a), e.getValue().get(a));
                    }
                }
                return result;
            } catch (RuntimeException | Error e) {
                result.close();
                throw e;
            }
        }
    }

    /** Equal values; doubles from float sums within a relative 1e-9 (the GPU adds in its own order). */
    private static void assertSame(String what, Object actual, Object expected) {
        if (expected instanceof SumOfDoubles s) {
            if (actual == null) {
                assertThat(actual).as(what).isEqualTo(s.value);
            } else if (!s.bounded()) {
                assertThat(s.possible((Double) actual))
                        .as("%s = %s: a result of some order of addition (row order gives %s)", what, actual, s.value)
                        .isTrue();
            } else {
                assertThat((Double) actual).as(what).isCloseTo(s.value,
                        org.assertj.core.data.Offset.offset(Math.max(1e-300, s.magnitude * 1e-9)));
            }
        } else if (expected instanceof Double || expected instanceof Float) {
            // Bit equality: -0.0 and 0.0 differ, NaN must be canonical.
            assertThat(bits(actual)).as(what + " = " + actual).isEqualTo(bits(expected));
        } else {
            assertThat(actual).as(what).isEqualTo(expected);
        }
    }

    private static long bits(Object o) {
        return o instanceof Double d ? Double.doubleToRawLongBits(d) : o instanceof Float f
                ? Float.floatToRawIntBits(f) : 0x5a5a;
    }

    /** A double sum and the sum of its terms' magnitudes (its rounding error scales with the latter). */
    /**
     * A float sum in row order, and what decides the results of other orders: a NaN or infinite value, and
     * whether some order reaches +Infinity or -Infinity (an infinite value, or finite values whose partial
     * sums overflow). The GPU adds in the order its threads happen to run, which may then end at another
     * infinity, at NaN (+Inf + -Inf) or at a finite value where the row order overflowed.
     */
    private record SumOfDoubles(double value, double magnitude, boolean hasNaN, boolean hasInfinity,
            boolean reachesPlusInfinity, boolean reachesMinusInfinity) {
        /** Whether a tolerance around the row order's sum holds for every order. */
        boolean bounded() {
            return !hasNaN && !reachesPlusInfinity && !reachesMinusInfinity;
        }

        /** Whether {@code actual} is the result of some order of the additions, for a sum that is not bounded. */
        boolean possible(double actual) {
            if (hasNaN) {
                return Double.isNaN(actual);
            }
            if (Double.isNaN(actual)) {
                return reachesPlusInfinity && reachesMinusInfinity;
            }
            if (Double.isInfinite(actual)) {
                return actual > 0 ? reachesPlusInfinity : reachesMinusInfinity;
            }
            return !hasInfinity;  // finite: an order that cancels before it overflows
        }
    }

    private static Map<Object, List<Object>> actual(HashAggregate.Result result, int keyCount) {
        Map<Object, List<Object>> out = new HashMap<>();
        for (List<Object> row : rows(result)) {
            Object key = keyCount == 1 ? row.get(0) : new ArrayList<>(row.subList(0, keyCount));
            List<Object> aggs = new ArrayList<>(row.subList(keyCount, row.size()));
            if (out.put(key, aggs) != null) {
                throw new AssertionError("group " + key + " appears twice");
            }
        }
        return out;
    }

    private static List<List<Object>> rows(HashAggregate.Result result) {
        List<HostValues> columns = result.table().columns().stream().map(HostValues::download).toList();
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < result.table().rowCount(); i++) {
            List<Object> row = new ArrayList<>();
            for (HostValues c : columns) {
                row.add(c.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    /** Spark's grouping key of a value: -0.0 as 0.0, every NaN as the canonical NaN. */
    private static Object normalizedKey(Object v) {
        if (v instanceof Double d) {
            return d == 0.0 ? 0.0 : Double.isNaN(d) ? Double.NaN : d;
        }
        if (v instanceof Float f) {
            return f == 0.0f ? 0.0f : Float.isNaN(f) ? Float.NaN : f;
        }
        return v;
    }

    /** Group key → one value per aggregation, computed row by row with Spark's rules. */
    private static Map<Object, List<Object>> reference(List<HostValues> keys, List<HostValues> values,
            List<Aggregation> aggs) {
        int n = keys.isEmpty() ? values.get(0).rows() : keys.get(0).rows();
        Map<Object, List<List<Object>>> groups = new HashMap<>();
        for (int i = 0; i < n; i++) {
            List<Object> key = new ArrayList<>();
            for (HostValues k : keys) {
                key.add(normalizedKey(k.get(i)));
            }
            Object mapKey = keys.size() == 1 ? key.get(0) : key;
            List<List<Object>> perAgg = groups.computeIfAbsent(mapKey, x -> {
                List<List<Object>> l = new ArrayList<>();
                aggs.forEach(a -> l.add(new ArrayList<>()));
                return l;
            });
            for (int a = 0; a < aggs.size(); a++) {
                Aggregation agg = aggs.get(a);
                Object v = agg.kind() == Kind.COUNT_ALL ? Boolean.TRUE : values.get(agg.column()).get(i);
                if (v != null) {
                    perAgg.get(a).add(v);
                }
            }
        }
        Map<Object, List<Object>> out = new HashMap<>();
        groups.forEach((k, perAgg) -> {
            List<Object> results = new ArrayList<>();
            for (int a = 0; a < aggs.size(); a++) {
                results.add(aggregate(aggs.get(a).kind(), perAgg.get(a)));
            }
            out.put(k, results);
        });
        return out;
    }

    private static Object aggregate(Kind kind, List<Object> vs) {
        if (kind == Kind.COUNT_ALL || kind == Kind.COUNT) {
            return (long) vs.size();
        }
        if (vs.isEmpty()) {
            return null;
        }
        Object first = vs.get(0);
        if (kind == Kind.SUM) {
            if (first instanceof Float || first instanceof Double) {
                double sum = 0.0;
                double magnitude = 0.0;
                double positives = 0.0;
                double negatives = 0.0;
                boolean nan = false;
                boolean infinite = false;
                for (Object v : vs) {
                    double d = ((Number) v).doubleValue();
                    sum += d;
                    magnitude += Math.abs(d);
                    positives += d > 0 ? d : 0.0;
                    negatives += d < 0 ? d : 0.0;
                    nan |= Double.isNaN(d);
                    infinite |= Double.isInfinite(d);
                }
                return new SumOfDoubles(Double.isNaN(sum) ? Double.NaN : sum, magnitude, nan, infinite,
                        positives == Double.POSITIVE_INFINITY, negatives == Double.NEGATIVE_INFINITY);
            }
            long sum = 0;
            for (Object v : vs) {
                sum += ((Number) v).longValue();
            }
            return sum;
        }
        boolean min = kind == Kind.MIN;
        Object best = first;
        for (Object v : vs) {
            int c = sparkCompare(v, best);
            if (min ? c < 0 : c > 0) {
                best = v;
            }
        }
        // Spark treats -0.0 and 0.0 as equal; Ember's documented choice: MIN -0.0, MAX 0.0 when both occur.
        if (best instanceof Double d && d == 0.0) {
            boolean negative = vs.stream().anyMatch(v -> Double.doubleToRawLongBits((Double) v) == Long.MIN_VALUE);
            boolean positive = vs.stream().anyMatch(v -> Double.doubleToRawLongBits((Double) v) == 0L);
            best = min ? (negative ? -0.0 : 0.0) : (positive ? 0.0 : -0.0);
        }
        if (best instanceof Float f && f == 0.0f) {
            boolean negative = vs.stream().anyMatch(v -> Float.floatToRawIntBits((Float) v) == Integer.MIN_VALUE);
            boolean positive = vs.stream().anyMatch(v -> Float.floatToRawIntBits((Float) v) == 0);
            best = min ? (negative ? -0.0f : 0.0f) : (positive ? 0.0f : -0.0f);
        }
        if (best instanceof Double d && Double.isNaN(d)) {
            return Double.NaN;
        }
        if (best instanceof Float f && Float.isNaN(f)) {
            return Float.NaN;
        }
        return best;
    }

    /** Spark's ordering: booleans false < true, NaN above everything, -0.0 equal to 0.0. */
    private static int sparkCompare(Object a, Object b) {
        if (a instanceof Boolean x) {
            return Boolean.compare(x, (Boolean) b);
        }
        if (a instanceof Double || a instanceof Float) {
            double x = ((Number) a).doubleValue(), y = ((Number) b).doubleValue();
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
            }
            return x < y ? -1 : x > y ? 1 : 0;
        }
        return Long.compare(((Number) a).longValue(), ((Number) b).longValue());
    }

    /** Device columns of host inputs, closed together. */
    private final class Inputs implements AutoCloseable {
        final List<Column> keys = new ArrayList<>();
        final List<Column> values = new ArrayList<>();

        Inputs(List<HostValues> keys, List<HostValues> values) {
            this(device, keys, values);
        }

        Inputs(Device on, List<HostValues> keys, List<HostValues> values) {
            try {
                keys.forEach(k -> this.keys.add(k.upload(on)));
                values.forEach(v -> this.values.add(v.upload(on)));
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
