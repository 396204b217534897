package dev.ember.cuda.ops;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.HashJoin.Chunk;
import dev.ember.cuda.ops.HashJoin.JoinType;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * Host key columns for {@link HashJoin} tests and an independent reference join (a HashMap of the
 * build keys, values compared as Java objects after Spark's key normalization: -0.0 as 0.0, every
 * NaN as one NaN, strings and decimals by value), with the op's results collected from its chunks.
 * Results are pairs encoded as {@code probe << 32 | (build & 0xffffffff)}, sorted; -1 = no row.
 */
public final class JoinKeys {
    private static final Object NULL_KEY = new Object() {
        @Override
        public String toString() {
            return "NULL";
        }
    };

    private JoinKeys() {}

    /** One key column: its values as comparable Java objects (null = SQL null) and its upload. */
    public record Key(Object[] values, Function<Device, Column> upload) {
        int rows() {
            return values.length;
        }
    }

    public static Key ints(int[] v, byte[] validity) {
        Object[] values = new Object[v.length];
        for (int i = 0; i < v.length; i++) {
            values[i] = validity == null || RandomData.isValid(validity, i) ? v[i] : null;
        }
        return new Key(values, HostValues.ints(DType.INT32, v, validity)::upload);
    }

    public static Key longs(long[] v, byte[] validity) {
        Object[] values = new Object[v.length];
        for (int i = 0; i < v.length; i++) {
            values[i] = validity == null || RandomData.isValid(validity, i) ? v[i] : null;
        }
        return new Key(values, HostValues.longs(DType.INT64, v, validity)::upload);
    }

    public static Key doubles(double[] v, byte[] validity) {
        Object[] values = new Object[v.length];
        for (int i = 0; i < v.length; i++) {
            // Spark's NormalizeFloatingNumbers: one NaN, one zero. Double.equals then matches both.
            double d = Double.isNaN(v[i]) ? Double.NaN : v[i] == 0.0 ? 0.0 : v[i];
            values[i] = validity == null || RandomData.isValid(validity, i) ? d : null;
        }
        return new Key(values, HostValues.doubles(v, validity)::upload);
    }

    public static Key strings(byte[][] v) {
        Object[] values = new Object[v.length];
        for (int i = 0; i < v.length; i++) {
            values[i] = v[i] == null ? null : new String(v[i], StandardCharsets.ISO_8859_1);
        }
        return new Key(values, d -> DeviceStrings.column(d, v));
    }

    /** DECIMAL128 keys from two little-endian words per row. */
    public static Key decimals(long[] words, byte[] validity) {
        int n = words.length / 2;
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = validity == null || RandomData.isValid(validity, i)
                    ? List.of(words[2 * i], words[2 * i + 1]) : null;
        }
        return new Key(values, HostValues.longs(DType.decimal128(38, 2), words, validity)::upload);
    }

    static int rows(List<Key> keys) {
        return keys.get(0).rows();
    }

    /** Row i's key, or null when a column without <=> is null (the row matches nothing). */
    private static List<Object> keyOf(List<Key> keys, List<Boolean> nullSafe, int i) {
        List<Object> key = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            Object v = keys.get(k).values()[i];
            if (v == null && !nullSafe.get(k)) {
                return null;
            }
            key.add(v == null ? NULL_KEY : v);
        }
        return key;
    }

    static long pair(int probe, int build) {
        return ((long) probe << 32) | (build & 0xffffffffL);
    }

    /**
     * The reference result. {@code condition}: null for none, else the condition of a pair (null =
     * SQL null, counted as false).
     */
    public static long[] expected(List<Key> build, List<Key> probe, List<Boolean> nullSafe, JoinType type,
            BiFunction<Integer, Integer, Boolean> condition) {
        Map<List<Object>, List<Integer>> table = new HashMap<>();
        boolean buildHasNull = false;
        for (int b = 0; b < rows(build); b++) {
            List<Object> key = keyOf(build, nullSafe, b);
            if (key == null) {
                buildHasNull = true;
            } else {
                table.computeIfAbsent(key, k -> new ArrayList<>()).add(b);
            }
        }
        LongStream.Builder out = LongStream.builder();
        boolean[] buildMatched = new boolean[rows(build)];
        for (int p = 0; p < rows(probe); p++) {
            List<Object> key = keyOf(probe, nullSafe, p);
            boolean any = false;
            for (int b : key == null ? List.<Integer>of() : table.getOrDefault(key, List.of())) {
                if (condition != null && !Boolean.TRUE.equals(condition.apply(p, b))) {
                    continue;
                }
                any = true;
                buildMatched[b] = true;
                if (type.pairs()) {
                    out.add(pair(p, b));
                }
            }
            boolean keep = switch (type) {
                case LEFT_OUTER, FULL_OUTER, LEFT_ANTI -> !any;
                case LEFT_SEMI -> any;
                case NULL_AWARE_LEFT_ANTI -> rows(build) == 0 || (!buildHasNull && key != null && !any);
                default -> false;
            };
            if (keep) {
                out.add(pair(p, -1));
            }
        }
        if (type.keepsUnmatchedBuildRows()) {
            for (int b = 0; b < buildMatched.length; b++) {
                if (!buildMatched[b]) {
                    out.add(pair(-1, b));
                }
            }
        }
        long[] result = out.build().toArray();
        Arrays.sort(result);
        return result;
    }

    /** Uploads the columns of one side; the caller closes them. */
    static List<Column> upload(Device device, List<Key> keys) {
        List<Column> columns = new ArrayList<>();
        try {
            keys.forEach(k -> columns.add(k.upload().apply(device)));
            return columns;
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(columns);
            throw e;
        }
    }

    /** Collects the op's result; every chunk must be non-empty and at most {@code maxRows} rows. */
    public static long[] actual(Device device, List<Key> build, List<Key> probe, List<Boolean> nullSafe, JoinType type,
            long maxRows, BiFunction<Integer, Integer, Boolean> condition) {
        List<Column> buildColumns = upload(device, build);
        List<Column> probeColumns = new ArrayList<>();
        try (HashJoin.Build table = HashJoin.build(device, buildColumns, nullSafe, device.defaultStream())) {
            // The build holds its own references: the caller may close its columns at once.
            Closeables.closeAll(buildColumns);
            buildColumns.clear();
            probeColumns.addAll(upload(device, probe));
            LongStream.Builder out = LongStream.builder();
            try (HashJoinProbe chunks = condition == null
                    ? table.probe(probeColumns, type, maxRows, device.defaultStream())
                    : table.probeWithCondition(probeColumns, type, maxRows, device.defaultStream())) {
                while (chunks.hasNext()) {
                    try (Chunk chunk = chunks.next()) {
                        if (chunk.candidates()) {
                            try (Chunk survivors = filter(device, chunks, chunk, condition)) {
                                collect(survivors, maxRows, true, out);
                            }
                        } else {
                            collect(chunk, maxRows, false, out);
                        }
                    }
                }
            }
            if (type.keepsUnmatchedBuildRows()) {
                try (HashJoin.Chunks unmatched = table.unmatchedBuildRows(maxRows, device.defaultStream())) {
                    while (unmatched.hasNext()) {
                        try (Chunk chunk = unmatched.next()) {
                            collect(chunk, maxRows, false, out);
                        }
                    }
                }
            }
            long[] result = out.build().toArray();
            Arrays.sort(result);
            return result;
        } finally {
            Closeables.closeAll(buildColumns);
            Closeables.closeAll(probeColumns);
        }
    }

    /** Evaluates the condition on the host for a candidate chunk and filters it. */
    private static Chunk filter(Device device, HashJoinProbe probe, Chunk chunk,
            BiFunction<Integer, Integer, Boolean> condition) {
        int n = chunk.rows();
        int[] p = DeviceArrays.downloadInts(chunk.probeRows(), 0, n);
        int[] b = DeviceArrays.downloadInts(chunk.buildRows(), 0, n);
        byte[] mask = new byte[Math.max(1, n)];
        byte[] validity = new byte[Math.max(8, (n + 63) / 64 * 8)];
        for (int i = 0; i < n; i++) {
            Boolean c = condition.apply(p[i], b[i]);
            // Null results get a non-zero mask byte, which the validity must override.
            mask[i] = (byte) (c == null || c ? 1 : 0);
            if (c != null) {
                validity[i >> 3] |= (byte) (1 << (i & 7));
            }
        }
        try (DeviceBuffer m = DeviceArrays.upload(device, mask); DeviceBuffer v = DeviceArrays.upload(device, validity)) {
            return probe.filter(chunk, m.address(), v.address());
        }
    }

    /** Survivors of a filter may be empty; chunks from an iterator never are. */
    private static void collect(Chunk chunk, long maxRows, boolean mayBeEmpty, LongStream.Builder out) {
        int n = chunk.rows();
        if (n == 0 && mayBeEmpty) {
            return;
        }
        if (n < 1 || n > maxRows) {
            throw new AssertionError("a chunk of " + n + " rows, bound " + maxRows);
        }
        int[] p = DeviceArrays.downloadInts(chunk.probeRows(), 0, n);
        int[] b = chunk.buildRows() == null ? null : DeviceArrays.downloadInts(chunk.buildRows(), 0, n);
        for (int i = 0; i < n; i++) {
            out.add(pair(p[i], b == null ? -1 : b[i]));
        }
    }
}
