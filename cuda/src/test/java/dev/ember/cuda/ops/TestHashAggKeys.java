package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.HashAggregate.Aggregation;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * STRING and DECIMAL128 grouping keys of {@link HashAggregate} against a HashMap reference built here:
 * strings are keys by their bytes (an empty string is not null), decimals by their 128-bit value.
 */
class TestHashAggKeys {
    private final Device device = TestDevices.device();

    /** Strings that differ late, share prefixes, are empty, long or not ASCII. */
    private static byte[][] stringPool() {
        String longPrefix = "p".repeat(5000);
        List<String> strings = new ArrayList<>(List.of("", "a", "ab", "abc", "abcdefgh", "abcdefghi", "abcdefgH",
                "prefix_", "prefix_1", "prefix_12", "prefix_123456789012345", "prefix_123456789012346",
                "\u00e9", "e\u0301", "\u65e5\u672c\u8a9e", "\ud83d\ude00", "\ud83d\ude01", "z\u0000z", "z\u0000",
                longPrefix + "x", longPrefix + "y", longPrefix, longPrefix + "\u00e9"));
        List<byte[]> out = new ArrayList<>();
        strings.forEach(s -> out.add(s.getBytes(StandardCharsets.UTF_8)));
        out.add(null);
        return out.toArray(new byte[0][]);
    }

    @Test
    void stringKeysGroupByTheirBytes() {
        Random r = new Random(1);
        int n = 30_000;
        byte[][] pool = stringPool();
        byte[][] random = RandomStrings.utf8(r, 200, 0.05, 40);
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = r.nextBoolean() ? pool[r.nextInt(pool.length)] : random[r.nextInt(random.length)];
        }
        long[] values = RandomData.longs(r, n);
        byte[] validity = RandomData.validity(r, n, 0.2);
        checkAgainstReference(List.<byte[][]>of(keys), null, values, validity, 16).close();
    }

    @Test
    void equalLengthStringsDifferingInOneByteAreDifferentGroups() {
        // 5,000 keys of 40 bytes: four digits at a varying position in 'x's (and a long variant), so that many
        // probe sequences compare keys that differ in one place only, early, in the middle or at the end.
        Random r = new Random(13);
        int distinct = 5000;
        byte[][] pool = new byte[distinct][];
        for (int i = 0; i < distinct; i++) {
            int p = i % 37;
            String s = "x".repeat(p) + String.format("%04d", i) + "x".repeat(36 - p);
            pool[i] = (i % 5 == 0 ? "y".repeat(100) + s : s).getBytes(StandardCharsets.UTF_8);
        }
        int n = 4 * distinct;
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = pool[i < distinct ? i : r.nextInt(distinct)];
        }
        try (HashAggregate.Result result = checkAgainstReference(List.<byte[][]>of(keys), null, RandomData.longs(r, n),
                null, distinct)) {
            assertThat(result.table().rowCount()).isEqualTo(distinct);
        }
    }

    @Test
    void emptyStringAndNullAreDifferentGroups() {
        byte[][] keys = {new byte[0], null, new byte[0], null, "a".getBytes(StandardCharsets.UTF_8), null};
        long[] values = {1, 2, 4, 8, 16, 32};
        try (Inputs in = new Inputs(List.of(d -> DeviceStrings.column(d, keys)), values, null);
                HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values,
                        List.of(Aggregation.countAll(), Aggregation.sum(0)), device.defaultStream())) {
            Map<List<Object>, List<Object>> got = rows(result, 1);
            assertThat(got).isEqualTo(Map.of(
                    List.of(""), List.of(2L, 5L),
                    Arrays.asList((Object) null), List.of(3L, 42L),
                    List.of("a"), List.of(1L, 16L)));
            // Groups in first-row order: "", null, "a".
            byte[][] outKeys = DeviceStrings.values(result.table().column(0));
            assertThat(Arrays.deepToString(outKeys)).isEqualTo(Arrays.deepToString(
                    new byte[][] {new byte[0], null, "a".getBytes(StandardCharsets.UTF_8)}));
        }
    }

    @Test
    void severalStringAndIntKeysWithATableThatGrows() {
        Random r = new Random(2);
        int n = 20_000;
        byte[][] pool = stringPool();
        byte[][] first = new byte[n][];
        byte[][] second = new byte[n][];
        int[] ints = RandomData.intsBelow(r, n, 50);
        for (int i = 0; i < n; i++) {
            first[i] = pool[r.nextInt(pool.length)];
            second[i] = r.nextInt(10) == 0 ? null : RandomStrings.ascii(r, r.nextInt(3)).getBytes(StandardCharsets.UTF_8);
        }
        HostValues intKey = HostValues.ints(DType.INT32, ints, RandomData.validity(r, n, 0.1));
        try (HashAggregate.Result result = checkAgainstReference(List.of(first, second), intKey,
                RandomData.longs(r, n), null, 1)) {
            assertThat(result.builds()).isEqualTo(2);
        }
    }

    @Test
    void decimal128KeysGroupByTheirValue() {
        Random r = new Random(3);
        int n = 20_000;
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        List<BigInteger> pool = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE.negate(),
                RandomDecimals.MAX_38, RandomDecimals.MAX_38.negate(), two64, two64.add(BigInteger.ONE),
                two64.subtract(BigInteger.ONE), two64.negate(), BigInteger.valueOf(Long.MIN_VALUE),
                BigInteger.valueOf(Long.MAX_VALUE), BigInteger.ONE.shiftLeft(100).negate(),
                BigInteger.ONE.shiftLeft(100).negate().add(BigInteger.ONE)));
        for (int k = 0; k < 50; k++) {
            pool.add(RandomDecimals.next(r));
        }
        long[] words = new long[2 * n];
        for (int i = 0; i < n; i++) {
            BigInteger v = pool.get(r.nextInt(pool.size()));
            words[2 * i] = v.longValue();
            words[2 * i + 1] = v.shiftRight(64).longValue();
        }
        HostValues key = HostValues.longs(DType.decimal128(38, 10), words, RandomData.validity(r, n, 0.05));
        long[] values = RandomData.longs(r, n);
        byte[] validity = RandomData.validity(r, n, 0.1);
        Map<List<Object>, List<Object>> expected = new HashMap<>();
        for (int i = 0; i < n; i++) {
            BigInteger k = key.isValid(i) ? RandomDecimals.valueAt(words, i) : null;
            accumulate(expected, Arrays.asList((Object) k), RandomData.isValid(validity, i) ? values[i] : null);
        }
        try (Inputs in = new Inputs(List.of(key::upload), values, validity);
                HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, aggregations(), 8,
                        device.defaultStream())) {
            assertThat(result.table().column(0).type()).isEqualTo(DType.decimal128(38, 10));
            assertThat(result.table().rowCount()).isEqualTo(expected.size());
            assertThat(rows(result, 1)).isEqualTo(expected);
        }
    }

    // ---- reference and helpers ----

    private static List<Aggregation> aggregations() {
        return List.of(Aggregation.countAll(), Aggregation.count(0), Aggregation.sum(0), Aggregation.max(0));
    }

    /**
     * Groups by the string key columns (then {@code intKey} if not null), aggregates the INT64 values with
     * {@link #aggregations()} and compares every group with the reference. Returns the open result.
     */
    private HashAggregate.Result checkAgainstReference(List<byte[][]> stringKeys, HostValues intKey, long[] values,
            byte[] validity, long expectedGroups) {
        int n = values.length;
        Map<List<Object>, List<Object>> expected = new HashMap<>();
        for (int i = 0; i < n; i++) {
            List<Object> key = new ArrayList<>();
            for (byte[][] column : stringKeys) {
                key.add(column[i] == null ? null : new String(column[i], StandardCharsets.ISO_8859_1));
            }
            if (intKey != null) {
                key.add(intKey.get(i));
            }
            accumulate(expected, key, RandomData.isValid(validity, i) ? values[i] : null);
        }
        List<Function<Device, Column>> keys = new ArrayList<>();
        stringKeys.forEach(k -> keys.add(d -> DeviceStrings.column(d, k)));
        if (intKey != null) {
            keys.add(intKey::upload);
        }
        try (Inputs in = new Inputs(keys, values, validity)) {
            HashAggregate.Result result = HashAggregate.aggregate(device, in.keys, in.values, aggregations(),
                    expectedGroups, device.defaultStream());
            try {
                assertThat(result.table().rowCount()).isEqualTo(expected.size());
                assertThat(rows(result, keys.size())).isEqualTo(expected);
                return result;
            } catch (RuntimeException | Error e) {
                result.close();
                throw e;
            }
        }
    }

    /** Adds one row to the reference: [COUNT(*), COUNT(v), SUM(v), MAX(v)]. */
    private static void accumulate(Map<List<Object>, List<Object>> groups, List<Object> key, Long value) {
        List<Object> g = groups.computeIfAbsent(key, k -> new ArrayList<>(Arrays.asList(0L, 0L, null, null)));
        g.set(0, (Long) g.get(0) + 1);
        if (value != null) {
            g.set(1, (Long) g.get(1) + 1);
            g.set(2, g.get(2) == null ? value : (Long) g.get(2) + value);
            g.set(3, g.get(3) == null ? value : Math.max((Long) g.get(3), value));
        }
    }

    /** Result rows as key list → aggregate values; strings decoded, decimals as BigInteger. */
    private static Map<List<Object>, List<Object>> rows(HashAggregate.Result result, int keyCount) {
        int groups = Math.toIntExact(result.table().rowCount());
        List<Function<Integer, Object>> readers = new ArrayList<>();
        for (Column c : result.table().columns()) {
            readers.add(reader(c));
        }
        Map<List<Object>, List<Object>> out = new HashMap<>();
        for (int g = 0; g < groups; g++) {
            List<Object> row = new ArrayList<>();
            for (Function<Integer, Object> read : readers) {
                row.add(read.apply(g));
            }
            List<Object> key = new ArrayList<>(row.subList(0, keyCount));
            if (out.put(key, new ArrayList<>(row.subList(keyCount, row.size()))) != null) {
                throw new AssertionError("group " + key + " appears twice");
            }
        }
        return out;
    }

    private static Function<Integer, Object> reader(Column c) {
        if (c.type().id() == DType.TypeId.STRING) {
            byte[][] strings = DeviceStrings.values(c);
            // ISO-8859-1 maps every byte string to a distinct String.
            return g -> strings[g] == null ? null : new String(strings[g], StandardCharsets.ISO_8859_1);
        }
        HostValues host = HostValues.download(c);
        if (c.type().id() == DType.TypeId.DECIMAL128) {
            ByteBuffer b = ByteBuffer.wrap(host.data()).order(ByteOrder.LITTLE_ENDIAN);
            return g -> host.isValid(g) ? BigInteger.valueOf(b.getLong(g * 16 + 8)).shiftLeft(64)
                    .add(new BigInteger(Long.toUnsignedString(b.getLong(g * 16)))) : null;
        }
        return host::get;
    }

    /** Key columns made by the given functions and one INT64 value column, closed together. */
    private final class Inputs implements AutoCloseable {
        final List<Column> keys = new ArrayList<>();
        final List<Column> values = new ArrayList<>();

        Inputs(List<Function<Device, Column>> keys, long[] values, byte[] validity) {
            try {
                keys.forEach(k -> this.keys.add(k.apply(device)));
                this.values.add(HostValues.longs(DType.INT64, values, validity).upload(device));
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
