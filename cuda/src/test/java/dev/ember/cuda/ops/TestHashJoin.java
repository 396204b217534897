package dev.ember.cuda.ops;

import static dev.ember.cuda.ops.JoinKeys.actual;
import static dev.ember.cuda.ops.JoinKeys.expected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.ops.HashJoin.JoinType;
import dev.ember.cuda.ops.JoinKeys.Key;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HashJoin} without conditions against the HashMap reference of {@link JoinKeys}: every join
 * type over int, long, double (NaN, -0.0), string, decimal128 and two-column keys, with duplicate and
 * null keys on both sides, with and without null-safe equality, in small and large chunks.
 */
class TestHashJoin {
    private static final List<JoinType> PLAIN_TYPES = List.of(JoinType.INNER, JoinType.LEFT_OUTER,
            JoinType.RIGHT_OUTER, JoinType.FULL_OUTER, JoinType.LEFT_SEMI, JoinType.LEFT_ANTI);
    private static final List<String> KEY_TYPES = List.of("int", "long", "double", "string", "decimal128",
            "int+string");

    private final Device device = TestDevices.device();

    /** Keys of one side with {@code n} rows drawn from a small domain (duplicates), ~10% null. */
    static List<Key> keys(String keyType, Random r, int n) {
        int domain = Math.max(1, n / 4);
        return switch (keyType) {
            case "int" -> List.of(JoinKeys.ints(RandomData.intsBelow(r, n, domain), RandomData.validity(r, n, 0.1)));
            case "long" -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextInt(domain) * 0x1_0000_0001L - (1L << 40);
                }
                yield List.of(JoinKeys.longs(v, RandomData.validity(r, n, 0.1)));
            }
            case "double" -> {
                double[] pool = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L),
                    Double.longBitsToDouble(0xfff0000000000001L), 1.5, -2.25, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, 1e300, Double.MIN_VALUE};
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextBoolean() ? pool[r.nextInt(pool.length)] : r.nextInt(domain) * 0.5;
                }
                yield List.of(JoinKeys.doubles(v, RandomData.validity(r, n, 0.1)));
            }
            case "string" -> List.of(JoinKeys.strings(strings(r, n, domain)));
            case "decimal128" -> {
                long[] pool = RandomDecimals.words(r, domain);
                long[] words = new long[2 * n];
                for (int i = 0; i < n; i++) {
                    int d = r.nextInt(domain);
                    words[2 * i] = pool[2 * d];
                    words[2 * i + 1] = pool[2 * d + 1];
                }
                yield List.of(JoinKeys.decimals(words, RandomData.validity(r, n, 0.1)));
            }
            case "int+string" -> List.of(
                    JoinKeys.ints(RandomData.intsBelow(r, n, 3), RandomData.validity(r, n, 0.1)),
                    JoinKeys.strings(strings(r, n, Math.max(1, domain / 3))));
            default -> throw new IllegalArgumentException(keyType);
        };
    }

    /** Strings from a pool that shares long prefixes and has the empty string; ~10% null. */
    private static byte[][] strings(Random r, int n, int domain) {
        byte[][] pool = new byte[domain][];
        byte[][] random = RandomStrings.utf8(r, domain, 0.0, 12);
        for (int i = 0; i < domain; i++) {
            pool[i] = i == 0 ? new byte[0] : i % 3 == 0
                    ? ("a shared prefix longer than eight bytes " + i).getBytes(StandardCharsets.UTF_8) : random[i];
        }
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(10) == 0 ? null : pool[r.nextInt(domain)];
        }
        return out;
    }

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (String keyType : KEY_TYPES) {
            for (JoinType type : PLAIN_TYPES) {
                args.add(Arguments.of(keyType, type));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} keys, {1}")
    @MethodSource("cases")
    void matchesTheReference(String keyType, JoinType type) {
        Random r = new Random(keyType.hashCode() * 31L + type.ordinal());
        List<Key> build = keys(keyType, r, 700);
        List<Key> probe = keys(keyType, r, 500);
        for (boolean nullSafe : new boolean[] {false, true}) {
            List<Boolean> safe = Collections.nCopies(build.size(), nullSafe);
            long[] want = expected(build, probe, safe, type, null);
            assertThat(want.length).as("the reference must have rows").isGreaterThan(0);
            for (long maxRows : new long[] {97, 1 << 20}) {
                assertThat(actual(device, build, probe, safe, type, maxRows, null))
                        .as("%s, null-safe %s, maxRows %d", type, nullSafe, maxRows).isEqualTo(want);
            }
        }
    }

    @Test
    void mixedNullSafetyPerColumn() {
        Random r = new Random(5);
        List<Key> build = keys("int+string", r, 400);
        List<Key> probe = keys("int+string", r, 400);
        List<Boolean> safe = List.of(true, false);
        for (JoinType type : PLAIN_TYPES) {
            assertThat(actual(device, build, probe, safe, type, 50, null)).as("%s", type)
                    .isEqualTo(expected(build, probe, safe, type, null));
        }
    }

    @Test
    void emptyBuildEmptyProbeAndOneRowBuild() {
        Random r = new Random(9);
        List<Key> none = List.of(JoinKeys.ints(new int[0], null));
        List<Key> one = List.of(JoinKeys.ints(new int[] {3}, null));
        List<Key> probe = List.of(JoinKeys.ints(new int[] {3, 4, 3, 0, 3}, new byte[] {(byte) 0b10111, 0, 0, 0, 0, 0, 0, 0}));
        List<Key> many = keys("int", r, 300);
        List<Boolean> safe = List.of(false);
        List<JoinType> all = new ArrayList<>(PLAIN_TYPES);
        all.add(JoinType.NULL_AWARE_LEFT_ANTI);
        for (JoinType type : all) {
            for (List<List<Key>> sides : List.of(List.of(none, probe), List.of(many, none), List.of(none, none),
                    List.of(one, probe), List.of(one, many))) {
                assertThat(actual(device, sides.get(0), sides.get(1), safe, type, 2, null))
                        .as("%s with %d build and %d probe rows", type, JoinKeys.rows(sides.get(0)),
                                JoinKeys.rows(sides.get(1)))
                        .isEqualTo(expected(sides.get(0), sides.get(1), safe, type, null));
            }
        }
    }

    @Test
    void nullAwareAntiJoin() {
        Random r = new Random(11);
        int[] buildValues = RandomData.intsBelow(r, 200, 100);
        int[] probeValues = RandomData.intsBelow(r, 300, 150);
        byte[] probeValidity = RandomData.validity(r, 300, 0.2);
        List<Key> probe = List.of(JoinKeys.ints(probeValues, probeValidity));
        List<Boolean> safe = List.of(false);
        // No null in the build side: the probe rows with a non-null key and no match.
        List<Key> build = List.of(JoinKeys.ints(buildValues, null));
        long[] noNulls = actual(device, build, probe, safe, JoinType.NULL_AWARE_LEFT_ANTI, 64, null);
        assertThat(noNulls).isEqualTo(expected(build, probe, safe, JoinType.NULL_AWARE_LEFT_ANTI, null))
                .isNotEmpty();
        assertThat(noNulls.length).isLessThan(actual(device, build, probe, safe, JoinType.LEFT_ANTI, 64, null).length);
        // One null in the build side: NOT IN is never true.
        byte[] oneNull = RandomData.validity(r, 200, 0.0);
        oneNull[3] &= (byte) ~(1 << 5);
        List<Key> withNull = List.of(JoinKeys.ints(buildValues, oneNull));
        assertThat(actual(device, withNull, probe, safe, JoinType.NULL_AWARE_LEFT_ANTI, 64, null)).isEmpty();
    }

    @Test
    void aBuildServesSeveralProbesAndCollectsUnmatchedRowsOverAll() {
        Random r = new Random(21);
        int[] buildValues = RandomData.intsBelow(r, 500, 400);
        try (var column = JoinKeys.ints(buildValues, null).upload().apply(device);
                HashJoin.Build build = HashJoin.build(device, List.of(column), List.of(false), device.defaultStream())) {
            boolean[] matched = new boolean[500];
            for (int batch = 0; batch < 3; batch++) {
                int[] probeValues = RandomData.intsBelow(r, 40, 400);
                try (var probeColumn = JoinKeys.ints(probeValues, null).upload().apply(device);
                        HashJoinProbe probe = build.probe(List.of(probeColumn), JoinType.RIGHT_OUTER, 1000,
                                device.defaultStream())) {
                    while (probe.hasNext()) {
                        probe.next().close();
                    }
                }
                for (int b = 0; b < 500; b++) {
                    for (int v : probeValues) {
                        matched[b] |= v == buildValues[b];
                    }
                }
            }
            List<Integer> want = new ArrayList<>();
            for (int b = 0; b < 500; b++) {
                if (!matched[b]) {
                    want.add(b);
                }
            }
            List<Integer> got = new ArrayList<>();
            try (HashJoin.Chunks unmatched = build.unmatchedBuildRows(100, device.defaultStream())) {
                while (unmatched.hasNext()) {
                    try (HashJoin.Chunk chunk = unmatched.next()) {
                        assertThat(chunk.rows()).isBetween(1, 100);
                        int[] p = dev.ember.cuda.DeviceArrays.downloadInts(chunk.probeRows(), 0, chunk.rows());
                        int[] b = dev.ember.cuda.DeviceArrays.downloadInts(chunk.buildRows(), 0, chunk.rows());
                        for (int i = 0; i < chunk.rows(); i++) {
                            assertThat(p[i]).isEqualTo(-1);
                            got.add(b[i]);
                        }
                    }
                }
            }
            Collections.sort(got);
            assertThat(got).isEqualTo(want).hasSizeGreaterThan(100);
        }
    }
}
