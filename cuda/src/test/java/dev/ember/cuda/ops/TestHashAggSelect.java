package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.HashAggregate.Aggregation;
import dev.ember.cuda.ops.HashAggregate.Kind;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HashAggregate}'s row-selecting kinds (FIRST, LAST and their NON_NULL / WHERE forms, MIN and MAX
 * of STRING and DECIMAL128) against a reference that walks each group's rows in input order.
 */
class TestHashAggSelect {
    private static final List<Kind> FIRST_LAST = List.of(Kind.FIRST, Kind.LAST, Kind.FIRST_NON_NULL,
            Kind.LAST_NON_NULL, Kind.FIRST_WHERE, Kind.LAST_WHERE);
    private final Device device = TestDevices.device();

    @ParameterizedTest(name = "{0} groups")
    @ValueSource(ints = {1, 10, 1000})
    void everySelectingKindOverEveryType(int groups) {
        Random r = new Random(groups);
        int n = 20_000;
        HostValues key = HostValues.ints(DType.INT32, RandomData.intsBelow(r, n, groups), RandomData.validity(r, n, 0.05));
        List<RowValues> values = everyType(r, n);
        int condition = values.size() - 1;
        List<Aggregation> aggs = new ArrayList<>();
        for (int c = 0; c < values.size(); c++) {
            for (Kind kind : FIRST_LAST) {
                boolean where = kind == Kind.FIRST_WHERE || kind == Kind.LAST_WHERE;
                aggs.add(new Aggregation(kind, c, where ? condition : -1));
            }
            if (values.get(c).type().id() == DType.TypeId.STRING || values.get(c).type().id() == DType.TypeId.DECIMAL128) {
                aggs.add(Aggregation.min(c));
                aggs.add(Aggregation.max(c));
            }
        }
        // Null keys are one more group.
        check(key, values, aggs, groups + 1);
    }

    @Test
    void nullValuesFalseAndNullConditionsAndOneRowGroups() {
        // Groups: 0 only null values; 1 one row, its condition true but null; 2 a null last value and a
        // null true condition; 3 a valid true condition on a null value (FIRST_WHERE gives that null).
        int[] keys = {0, 2, 3, 0, 2, 3, 1, 3, 3, 2};
        byte[][] strings = {null, s("c"), s("x"), null, s("d"), null, s("one"), s("y"), s("w"), null};
        byte[] conditions = {1, 0, 0, 1, 1, 1, 1, 1, 0, 1};
        // Rows 6 and 9 have null conditions.
        byte[] conditionValidity = {(byte) 0b10111111, 0b01, 0, 0, 0, 0, 0, 0};
        HostValues key = HostValues.ints(DType.INT32, keys, null);
        List<RowValues> values = List.of(RowValues.strings(strings),
                RowValues.of(HostValues.of(DType.BOOL8, conditions, conditionValidity)));
        List<Aggregation> aggs = new ArrayList<>();
        for (Kind kind : FIRST_LAST) {
            boolean where = kind == Kind.FIRST_WHERE || kind == Kind.LAST_WHERE;
            aggs.add(new Aggregation(kind, 0, where ? 1 : -1));
        }
        aggs.add(Aggregation.min(0));
        aggs.add(Aggregation.max(0));
        Map<Object, List<String>> got = check(key, values, aggs, 4);
        // FIRST, LAST, FIRST_NON_NULL, LAST_NON_NULL, FIRST_WHERE, LAST_WHERE, MIN, MAX.
        assertThat(got.get(0)).containsExactly(null, null, null, null, null, null, null, null);
        assertThat(got.get(1)).containsExactly(hex("one"), hex("one"), hex("one"), hex("one"), null, null, hex("one"),
                hex("one"));
        assertThat(got.get(2)).containsExactly(hex("c"), null, hex("c"), hex("d"), hex("d"), hex("d"), hex("c"),
                hex("d"));
        assertThat(got.get(3)).containsExactly(hex("x"), hex("w"), hex("x"), hex("w"), null, hex("y"), hex("w"),
                hex("y"));
    }

    @Test
    void manyGroups() {
        Random r = new Random(6);
        int n = 300_000;
        int[] keys = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = r.nextInt(120_000);
        }
        HostValues key = HostValues.ints(DType.INT32, keys, null);
        List<RowValues> values = List.of(RowValues.strings(TestAggSelect.strings(r, n, 40)),
                TestAggSelect.decimals(r, n), RowValues.of(HostValues.of(DType.BOOL8, RandomData.bytes(r, n),
                        RandomData.validity(r, n, 0.3))));
        List<Aggregation> aggs = List.of(Aggregation.min(0), Aggregation.max(0), Aggregation.min(1),
                Aggregation.max(1), new Aggregation(Kind.FIRST_WHERE, 0, 2), new Aggregation(Kind.LAST_WHERE, 1, 2),
                new Aggregation(Kind.FIRST_NON_NULL, 1), new Aggregation(Kind.LAST, 0));
        check(key, values, aggs, -1);
    }

    @Test
    void firstWhereMergesPartialFirstBuffers() {
        Random r = new Random(12);
        int n = 8000;
        int[] keys = RandomData.intsBelow(r, n, 300);
        byte[][] strings = TestAggSelect.strings(r, n, 20);
        // Partial First(ignoreNulls) / Last(ignoreNulls) buffers per half: (value, valueSet).
        List<int[]> mergedKeys = new ArrayList<>();
        List<byte[]> firsts = new ArrayList<>();
        List<byte[]> lasts = new ArrayList<>();
        for (int[] range : new int[][] {{0, n / 2}, {n / 2, n}}) {
            int[] k = Arrays.copyOfRange(keys, range[0], range[1]);
            List<RowValues> half = List.of(RowValues.strings(Arrays.copyOfRange(strings, range[0], range[1])));
            List<Aggregation> partial = List.of(new Aggregation(Kind.FIRST_NON_NULL, 0),
                    new Aggregation(Kind.LAST_NON_NULL, 0));
            try (Inputs in = new Inputs(HostValues.ints(DType.INT32, k, null), half);
                    HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, partial,
                            device.defaultStream())) {
                HostValues groupKeys = HostValues.download(result.table().column(0));
                RowValues first = RowValues.download(result.table().column(1));
                RowValues last = RowValues.download(result.table().column(2));
                for (int g = 0; g < groupKeys.rows(); g++) {
                    mergedKeys.add(new int[] {(Integer) groupKeys.get(g)});
                    firsts.add(first.rows()[g]);
                    lasts.add(last.rows()[g]);
                }
            }
        }
        int m = mergedKeys.size();
        byte[] firstSet = new byte[m];
        byte[] lastSet = new byte[m];
        for (int i = 0; i < m; i++) {
            firstSet[i] = (byte) (firsts.get(i) != null ? 1 : 0);
            lastSet[i] = (byte) (lasts.get(i) != null ? 1 : 0);
        }
        List<RowValues> buffers = List.of(RowValues.strings(firsts.toArray(byte[][]::new)),
                RowValues.strings(lasts.toArray(byte[][]::new)), RowValues.of(HostValues.of(DType.BOOL8, firstSet,
                        null)), RowValues.of(HostValues.of(DType.BOOL8, lastSet, null)));
        HostValues mergeKeys = HostValues.ints(DType.INT32, mergedKeys.stream().mapToInt(k -> k[0]).toArray(), null);
        Map<Object, List<String>> merged = check(mergeKeys, buffers, List.of(new Aggregation(Kind.FIRST_WHERE, 0, 2),
                new Aggregation(Kind.LAST_WHERE, 1, 3)), -1);
        Map<Object, List<String>> onePass = reference(HostValues.ints(DType.INT32, keys, null),
                List.of(RowValues.strings(strings)), List.of(new Aggregation(Kind.FIRST_NON_NULL, 0),
                        new Aggregation(Kind.LAST_NON_NULL, 0)));
        assertThat(merged).isEqualTo(onePass);
    }

    @Test
    void resultTypesAndArgumentChecks() {
        DType dec = DType.decimal128(30, 3);
        for (Kind kind : List.of(Kind.MIN, Kind.MAX, Kind.FIRST, Kind.LAST_WHERE)) {
            assertThat(HashAggregate.resultType(kind, DType.STRING)).isEqualTo(DType.STRING);
            assertThat(HashAggregate.resultType(kind, dec)).isEqualTo(dec);
        }
        assertThat(HashAggregate.resultType(Kind.FIRST_NON_NULL, DType.FLOAT32)).isEqualTo(DType.FLOAT32);
        assertThatThrownBy(() -> new Aggregation(Kind.FIRST_WHERE, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("condition");
        assertThatThrownBy(() -> new Aggregation(Kind.FIRST, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("takes no argument");
        assertThatThrownBy(() -> HashAggregate.resultType(Kind.SUM, DType.STRING))
                .isInstanceOf(IllegalArgumentException.class);
        try (Inputs in = new Inputs(HostValues.ints(DType.INT32, new int[] {1, 2}, null),
                List.of(RowValues.strings(new byte[][] {s("a"), s("b")}),
                        RowValues.of(HostValues.ints(DType.INT32, new int[] {1, 0}, null))))) {
            assertThatThrownBy(() -> HashAggregate.aggregate(device, in.keys, in.values,
                    List.of(new Aggregation(Kind.LAST_WHERE, 0, 1)), device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BOOL8 condition");
            assertThatThrownBy(() -> HashAggregate.aggregate(device, in.keys, in.values,
                    List.of(new Aggregation(Kind.FIRST_WHERE, 0, 2)), device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("condition column 2");
        }
    }

    @Test
    void emptyInputGivesNoRowsOfTheValueTypes() {
        List<RowValues> values = everyType(new Random(1), 0);
        List<Aggregation> aggs = List.of(new Aggregation(Kind.FIRST, 11), new Aggregation(Kind.LAST_WHERE, 10, 12),
                Aggregation.min(11), Aggregation.max(10));
        try (Inputs in = new Inputs(HostValues.ints(DType.INT32, new int[0], null), values);
                HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, aggs,
                        device.defaultStream())) {
            assertThat(result.table().rowCount()).isZero();
            assertThat(result.table().column(1).type()).isEqualTo(DType.STRING);
            assertThat(result.table().column(2).type()).isEqualTo(values.get(10).type());
            assertThat(result.table().column(3).type()).isEqualTo(DType.STRING);
        }
    }

    // ---- reference and helpers ----

    /** Every value type, 20% null (the STRING and DECIMAL128 ones from TestAggSelect), then a BOOL8 condition. */
    private static List<RowValues> everyType(Random r, int n) {
        List<RowValues> values = new ArrayList<>();
        values.add(RowValues.of(HostValues.of(DType.BOOL8, RandomData.bytes(r, n), RandomData.validity(r, n, 0.2))));
        values.add(RowValues.of(HostValues.of(DType.INT8, RandomData.bytes(r, n), RandomData.validity(r, n, 0.2))));
        values.add(RowValues.of(HostValues.shorts(RandomData.shorts(r, n), RandomData.validity(r, n, 0.2))));
        values.add(RowValues.of(HostValues.ints(DType.INT32, RandomData.ints(r, n), RandomData.validity(r, n, 0.2))));
        values.add(RowValues.of(HostValues.longs(DType.INT64, RandomData.longs(r, n), RandomData.validity(r, n, 0.2))));
        values.add(RowValues.of(HostValues.floats(RandomData.floats(r, n), RandomData.validity(r, n, 0.2))));
        values.add(RowValues.of(HostValues.doubles(RandomData.doubles(r, n), RandomData.validity(r, n, 0.2))));
        values.add(RowValues.of(HostValues.ints(DType.DATE32, RandomData.ints(r, n), RandomData.validity(r, n, 0.2))));
        values.add(RowValues.of(HostValues.longs(DType.TIMESTAMP_US, RandomData.longs(r, n),
                RandomData.validity(r, n, 0.2))));
        values.add(RowValues.of(HostValues.longs(DType.decimal64(12, 2), RandomData.longs(r, n),
                RandomData.validity(r, n, 0.2))));
        values.add(TestAggSelect.decimals(r, n));
        values.add(RowValues.strings(TestAggSelect.strings(r, n, 200)));
        // Condition: any byte value, 30% null.
        values.add(RowValues.of(HostValues.of(DType.BOOL8, RandomData.bytes(r, n), RandomData.validity(r, n, 0.3))));
        return values;
    }

    /** Aggregates on the device, compares with the reference and returns the result by key. */
    private Map<Object, List<String>> check(HostValues key, List<RowValues> values, List<Aggregation> aggs,
            int groups) {
        Map<Object, List<String>> expected = reference(key, values, aggs);
        try (Inputs in = new Inputs(key, values);
                HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, aggs,
                        device.defaultStream())) {
            if (groups >= 0) {
                assertThat(result.table().rowCount()).isEqualTo(groups);
            }
            HostValues keys = HostValues.download(result.table().column(0));
            List<RowValues> columns = new ArrayList<>();
            for (int a = 0; a < aggs.size(); a++) {
                Column c = result.table().column(1 + a);
                assertThat(c.type()).as("%s", aggs.get(a)).isEqualTo(values.get(aggs.get(a).column()).type());
                columns.add(RowValues.download(c));
            }
            Map<Object, List<String>> actual = new HashMap<>();
            for (int g = 0; g < keys.rows(); g++) {
                List<String> row = new ArrayList<>();
                for (RowValues c : columns) {
                    row.add(c.hex(g));
                }
                assertThat(actual.put(keys.get(g), row)).as("group %s appears once", keys.get(g)).isNull();
            }
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            for (Map.Entry<Object, List<String>> e : expected.entrySet()) {
                for (int a = 0; a < aggs.size(); a++) {
                    assertThat(actual.get(e.getKey()).get(a)).as("%s of group %s", aggs.get(a), e.getKey())
                            .isEqualTo(e.getValue().get(a));
                }
            }
            return actual;
        }
    }

    /** Group key -> per aggregation the selected row's value as hex, walking the group's rows in order. */
    private static Map<Object, List<String>> reference(HostValues key, List<RowValues> values, List<Aggregation> aggs) {
        Map<Object, List<Integer>> rowsByKey = new LinkedHashMap<>();
        for (int i = 0; i < key.rows(); i++) {
            rowsByKey.computeIfAbsent(key.get(i), k -> new ArrayList<>()).add(i);
        }
        Map<Object, List<String>> out = new HashMap<>();
        rowsByKey.forEach((k, rows) -> {
            List<String> results = new ArrayList<>();
            for (Aggregation agg : aggs) {
                RowValues v = values.get(agg.column());
                Integer selected = null;
                for (int i : rows) {
                    boolean qualifies = switch (agg.kind()) {
                        case FIRST, LAST -> true;
                        case FIRST_NON_NULL, LAST_NON_NULL, MIN, MAX -> v.rows()[i] != null;
                        case FIRST_WHERE, LAST_WHERE -> {
                            byte[] condition = values.get(agg.argument()).rows()[i];
                            yield condition != null && condition[0] != 0;
                        }
                        default -> throw new IllegalArgumentException("not a selecting kind: " + agg);
                    };
                    if (!qualifies) {
                        continue;
                    }
                    boolean take = switch (agg.kind()) {
                        case FIRST, FIRST_NON_NULL, FIRST_WHERE -> selected == null;
                        case LAST, LAST_NON_NULL, LAST_WHERE -> true;
                        case MIN -> selected == null || v.compare(i, selected) < 0;
                        default -> selected == null || v.compare(i, selected) > 0;
                    };
                    if (take) {
                        selected = i;
                    }
                }
                results.add(selected == null ? null : v.hex(selected));
            }
            out.put(k, results);
        });
        return out;
    }

    private static byte[] s(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(String value) {
        return RowValues.strings(new byte[][] {s(value)}).hex(0);
    }

    /** Device columns of host inputs, closed together. */
    private final class Inputs implements AutoCloseable {
        final List<Column> keys = new ArrayList<>();
        final List<Column> values = new ArrayList<>();

        Inputs(HostValues key, List<RowValues> values) {
            try {
                keys.add(key.upload(device));
                values.forEach(v -> this.values.add(v.upload(device)));
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
