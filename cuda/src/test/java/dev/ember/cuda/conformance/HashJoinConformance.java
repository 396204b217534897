package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.kernel.HashJoinKernels;
import dev.ember.cuda.ops.HashJoin.JoinType;
import dev.ember.cuda.ops.JoinKeys;
import dev.ember.cuda.ops.JoinKeys.Key;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.RandomStrings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Conformance cases for {@code hashjoin.cu}: whole joins, compared on their pairs sorted (the order
 * of pairs and which slot a key takes depend on the GPU's thread order; the multiset does not), in
 * chunks of a third of the row count so that probe rows' matches are split over chunks.
 */
final class HashJoinConformance {
    private HashJoinConformance() {}

    static List<ConformanceCase> cases() {
        return List.of(everyJoinType(), withCondition());
    }

    private static ConformanceCase everyJoinType() {
        return new LambdaCase("hash join int64+string keys, every join type",
                Set.of(HashJoinKernels.BUILD, HashJoinKernels.PLACE, HashJoinKernels.COUNT, HashJoinKernels.FILL,
                        HashJoinKernels.SELECT),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    // One string pool for both sides, so that keys match (and some rows take
                    // strings of their side only, which never do).
                    byte[][] pool = RandomStrings.utf8(r, 5, 0.0, 6);
                    List<Key> build = longStringKeys(r, n, pool);
                    List<Key> probe = longStringKeys(r, n, pool);
                    List<byte[]> out = new ArrayList<>();
                    for (JoinType type : List.of(JoinType.INNER, JoinType.LEFT_OUTER, JoinType.FULL_OUTER,
                            JoinType.LEFT_SEMI, JoinType.LEFT_ANTI)) {
                        out.add(bytes(JoinKeys.actual(device, build, probe, List.of(false, true), type,
                                Math.max(1, n / 3), null)));
                    }
                    out.add(bytes(JoinKeys.actual(device, build.subList(0, 1), probe.subList(0, 1), List.of(false),
                            JoinType.NULL_AWARE_LEFT_ANTI, Math.max(1, n / 3), null)));
                    // A build side with a null key gives an empty NOT IN join: also one without nulls,
                    // where the probe rows' matches decide.
                    out.add(bytes(JoinKeys.actual(device, List.of(withoutNulls(build.get(0))), probe.subList(0, 1),
                            List.of(false), JoinType.NULL_AWARE_LEFT_ANTI, Math.max(1, n / 3), null)));
                    return out;
                });
    }

    private static ConformanceCase withCondition() {
        return new LambdaCase("hash join float64+decimal128 keys with a condition",
                Set.of(HashJoinKernels.BUILD, HashJoinKernels.PLACE, HashJoinKernels.COUNT, HashJoinKernels.FILL,
                        HashJoinKernels.SELECT, HashJoinKernels.MARK),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    // One decimal pool for both sides: with a pool each, no key ever matched, no
                    // candidate pair reached the condition and ember_hashjoin_mark never ran.
                    long[] pool = RandomDecimals.words(r, 3);
                    List<Key> build = doubleDecimalKeys(r, n, pool);
                    List<Key> probe = doubleDecimalKeys(r, n, pool);
                    BiFunction<Integer, Integer, Boolean> condition = (p, b) -> (p * 7L + b) % 11 == 0 ? null
                            : (p + b) % 3 != 0;
                    List<byte[]> out = new ArrayList<>();
                    for (JoinType type : List.of(JoinType.INNER, JoinType.LEFT_OUTER, JoinType.RIGHT_OUTER,
                            JoinType.FULL_OUTER, JoinType.LEFT_SEMI, JoinType.LEFT_ANTI)) {
                        out.add(bytes(JoinKeys.actual(device, build, probe, List.of(false, false), type,
                                Math.max(1, n / 3), condition)));
                    }
                    return out;
                });
    }

    /**
     * int64 keys with ~4 rows per value and 5% nulls, and strings with 5% nulls: mostly the shared
     * {@code pool}'s values, one row in 8 a string of this side only (which matches nothing).
     */
    private static List<Key> longStringKeys(Random r, int n, byte[][] pool) {
        long[] longs = new long[n];
        for (int i = 0; i < n; i++) {
            longs[i] = r.nextInt(Math.max(1, n / 4)) * 0x1_0000_0001L;
        }
        byte[][] own = RandomStrings.utf8(r, 3, 0.0, 6);
        byte[][] strings = new byte[n][];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(40);
            strings[i] = kind < 2 ? null : kind < 7 ? own[r.nextInt(own.length)] : pool[r.nextInt(pool.length)];
        }
        return List.of(JoinKeys.longs(longs, RandomData.validity(r, n, 0.05)), JoinKeys.strings(strings));
    }

    /**
     * Doubles with -0.0, 0.0 and NaNs among ~n/4 values (~4 rows each); decimals mostly of the shared {@code pool}'s
     * 3 values, one row in 8 a random value of this side (which matches nothing); nulls.
     */
    private static List<Key> doubleDecimalKeys(Random r, int n, long[] pool) {
        double[] specials = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8000000000001L)};
        double[] doubles = new double[n];
        for (int i = 0; i < n; i++) {
            // The specials fall into two equal classes (zeros, NaNs): a tenth of the rows at small sizes,
            // about 64 per side at large ones, so that their pairs (quadratic) stay few.
            doubles[i] = r.nextInt(Math.max(10, n / 64)) == 0 ? specials[r.nextInt(specials.length)]
                    : r.nextInt(Math.max(1, n / 4)) * 0.25;
        }
        long[] own = RandomDecimals.words(r, Math.max(1, n / 8));
        long[] words = new long[2 * n];
        for (int i = 0; i < n; i++) {
            boolean shared = r.nextInt(8) != 0;
            long[] from = shared ? pool : own;
            int d = r.nextInt(from.length / 2);
            words[2 * i] = from[2 * d];
            words[2 * i + 1] = from[2 * d + 1];
        }
        return List.of(JoinKeys.doubles(doubles, RandomData.validity(r, n, 0.05)),
                JoinKeys.decimals(words, RandomData.validity(r, n, 0.05)));
    }

    /** An int64 key with the values of {@code key}, its null rows replaced by a value of its own. */
    private static Key withoutNulls(Key key) {
        Object[] values = key.values();
        long[] longs = new long[values.length];
        for (int i = 0; i < longs.length; i++) {
            longs[i] = values[i] == null ? -7 : (Long) values[i];
        }
        return JoinKeys.longs(longs, null);
    }

    private static byte[] bytes(long[] pairs) {
        ByteBuffer b = ByteBuffer.allocate(pairs.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(pairs);
        return b.array();
    }
}
