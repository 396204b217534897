package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.HashAggregate.Aggregation;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Ten million distinct INT64 keys in one batch, in shuffled order, with a table sized for 1,024 groups:
 * the table is rebuilt, and every group's count and sum must still match. Key k (0 <= k < 10^7) is
 * {@code k * M} for an odd M, so the reference is indexed by k, recovered with M's inverse modulo 2^64
 * (no map of ten million entries). One row per key plus a million rows repeating random keys.
 */
class TestHashAggTenMillionGroups {
    private static final int KEYS = 10_000_000;
    private static final int REPEATS = 1_000_000;
    private static final long M = 0x9E3779B97F4A7C15L;

    private final Device device = TestDevices.device();

    @Test
    void tenMillionDistinctKeysRebuildTheTableAndKeepEveryGroup() {
        Random r = new Random(12);
        int n = KEYS + REPEATS;
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i < KEYS ? i : r.nextInt(KEYS);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        long[] keys = new long[n];
        int[] values = new int[n];
        long[] expectedSum = new long[KEYS];
        int[] expectedCount = new int[KEYS];
        for (int i = 0; i < n; i++) {
            keys[i] = index[i] * M;
            values[i] = r.nextInt();
            expectedSum[index[i]] += values[i];
            expectedCount[index[i]]++;
        }
        index = null;
        List<Column> inputs = new ArrayList<>();
        try {
            inputs.add(HostValues.longs(DType.INT64, keys, null).upload(device));
            inputs.add(HostValues.ints(DType.INT32, values, null).upload(device));
            keys = null;
            values = null;
            try (HashAggregate.Result result = HashAggregate.aggregate(device, inputs.subList(0, 1),
                    inputs.subList(1, 2), List.of(Aggregation.countAll(), Aggregation.sum(0)), 1024,
                    device.defaultStream())) {
                assertThat(result.builds()).isGreaterThan(1);
                assertThat(result.table().rowCount()).isEqualTo(KEYS);
                long[] outKeys = DeviceArrays.downloadLongs(result.table().column(0).data(), 0, KEYS);
                long[] counts = DeviceArrays.downloadLongs(result.table().column(1).data(), 0, KEYS);
                long[] sums = DeviceArrays.downloadLongs(result.table().column(2).data(), 0, KEYS);
                long inverse = inverse(M);
                boolean[] seen = new boolean[KEYS];
                for (int g = 0; g < KEYS; g++) {
                    long k = outKeys[g] * inverse;
                    assertThat(k).as("key of group %d", g).isBetween(0L, KEYS - 1L);
                    int key = (int) k;
                    assertThat(seen[key]).as("key %d seen twice", key).isFalse();
                    seen[key] = true;
                    if (counts[g] != expectedCount[key] || sums[g] != expectedSum[key]) {
                        assertThat(new long[] {counts[g], sums[g]}).as("count and sum of key %d", key)
                                .containsExactly(expectedCount[key], expectedSum[key]);
                    }
                }
            }
        } finally {
            Closeables.closeAll(inputs);
        }
    }

    /** The inverse of an odd number modulo 2^64 by Newton's iteration (each step doubles the correct bits). */
    private static long inverse(long odd) {
        long x = odd;
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        assertThat(x * odd).isEqualTo(1L);
        return x;
    }
}
