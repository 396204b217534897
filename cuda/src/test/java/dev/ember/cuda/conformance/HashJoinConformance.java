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
                    List<Key> build = longStringKeys(r, n);
                    List<Key> probe = longStringKeys(r, n);
                    List<byte[]> out = new ArrayList<>();
                    for (JoinType type : List.of(JoinType.INNER, JoinType.LEFT_OUTER, JoinType.FULL_OUTER,
                            JoinType.LEFT_SEMI, JoinType.LEFT_ANTI)) {
                        out.add(bytes(JoinKeys.actual(device, build, probe, List.of(false, true), type,
                                Math.max(1, n / 3), null)));
                    }
                    out.add(bytes(JoinKeys.actual(device, build.subList(0, 1), probe.subList(0, 1), List.of(false),
                            JoinType.NULL_AWARE_LEFT_ANTI, Math.max(1, n / 3), null)));
                    return out;
                });
    }

    private static ConformanceCase withCondition() {
        return new LambdaCase("hash join float64+decimal128 keys with a condition",
                Set.of(HashJoinKernels.BUILD, HashJoinKernels.PLACE, HashJoinKernels.COUNT, HashJoinKernels.FILL,
                        HashJoinKernels.SELECT, HashJoinKernels.MARK),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    List<Key> build = doubleDecimalKeys(r, n);
                    List<Key> probe = doubleDecimalKeys(r, n);
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

    /** int64 keys with ~4 rows per value and 5% nulls, and strings of a few values with 5% nulls. */
    private static List<Key> longStringKeys(Random r, int n) {
        long[] longs = new long[n];
        for (int i = 0; i < n; i++) {
            longs[i] = r.nextInt(Math.max(1, n / 4)) * 0x1_0000_0001L;
        }
        byte[][] pool = RandomStrings.utf8(r, 5, 0.0, 6);
        byte[][] strings = new byte[n][];
        for (int i = 0; i < n; i++) {
            strings[i] = r.nextInt(20) == 0 ? null : pool[r.nextInt(pool.length)];
        }
        return List.of(JoinKeys.longs(longs, RandomData.validity(r, n, 0.05)), JoinKeys.strings(strings));
    }

    /** Doubles with -0.0, 0.0 and NaNs among ~n/4 values, decimals of a few values; nulls. */
    private static List<Key> doubleDecimalKeys(Random r, int n) {
        double[] specials = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8000000000001L)};
        double[] doubles = new double[n];
        for (int i = 0; i < n; i++) {
            doubles[i] = r.nextInt(10) == 0 ? specials[r.nextInt(specials.length)] : r.nextInt(Math.max(1, n / 4)) * 0.25;
        }
        long[] pool = RandomDecimals.words(r, 3);
        long[] words = new long[2 * n];
        for (int i = 0; i < n; i++) {
            int d = r.nextInt(3);
            words[2 * i] = pool[2 * d];
            words[2 * i + 1] = pool[2 * d + 1];
        }
        return List.of(JoinKeys.doubles(doubles, RandomData.validity(r, n, 0.05)),
                JoinKeys.decimals(words, RandomData.validity(r, n, 0.05)));
    }

    private static byte[] bytes(long[] pairs) {
        ByteBuffer b = ByteBuffer.allocate(pairs.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(pairs);
        return b.array();
    }
}
