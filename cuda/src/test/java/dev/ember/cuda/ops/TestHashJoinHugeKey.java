package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.HashJoin.Chunk;
import dev.ember.cuda.ops.HashJoin.JoinType;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A key that matches 100,000 rows on each side: 10,000,000,000 pairs, more than any int32 can count.
 * The probe's counts, offsets and total are 64-bit, so the pair count is exact; the pairs stream out
 * in chunks of at most {@code maxRows}, and the first chunks and the last ones (reached by skipping
 * the pairs in between, which the sequential emulation could not enumerate in CI time) hold exactly
 * the pairs the fill kernel's contract gives output position j: the probe row i with offsets[i] <= j <
 * offsets[i + 1], with its (j - offsets[i])-th match in its key's build-row list. The order of that
 * list is the build's thread order, so the test checks that every probe row sees one and the same
 * permutation of the key's build rows.
 */
class TestHashJoinHugeKey {
    private static final int KEY_ROWS = 100_000;
    private static final int KEY = 7;
    /** Not a multiple of KEY_ROWS: probe rows' matches are split between chunks. */
    private static final long MAX_ROWS = 3_000_017;
    private static final int CHUNKS_ENUMERATED = 4;

    private final Device device = TestDevices.device();

    /** Every 101st build row has a key of its own; the others (100,000) have KEY. */
    private static int[] buildKeys() {
        int[] keys = new int[KEY_ROWS + KEY_ROWS / 100];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i % 101 == 100 ? 1_000 + i : KEY;
        }
        return keys;
    }

    /** Every 201st probe row has a key that no build row has; the others (100,000) have KEY. */
    private static int[] probeKeys() {
        int[] keys = new int[KEY_ROWS + KEY_ROWS / 200];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i % 201 == 200 ? -1_000 - i : KEY;
        }
        return keys;
    }

    private static int[] rowsWithKey(int[] keys) {
        return IntStream.range(0, keys.length).filter(i -> keys[i] == KEY).toArray();
    }

    @Test
    void tenBillionPairsAreCountedExactlyAndStreamInBoundedChunks() {
        int[] build = buildKeys();
        int[] probe = probeKeys();
        int[] keyBuildRows = rowsWithKey(build);
        int[] keyProbeRows = rowsWithKey(probe);
        assertThat(keyBuildRows).hasSize(KEY_ROWS);
        assertThat(keyProbeRows).hasSize(KEY_ROWS);
        long expectedPairs = (long) KEY_ROWS * KEY_ROWS;
        int unmatchedProbeRows = probe.length - KEY_ROWS;
        try (Column bc = HostValues.ints(DType.INT32, build, null).upload(device);
                Column pc = HostValues.ints(DType.INT32, probe, null).upload(device);
                HashJoin.Build table = HashJoin.build(device, List.of(bc), List.of(false), device.defaultStream())) {
            assertThat(table.matchableRows()).isEqualTo(build.length);
            try (HashJoinProbe outer = table.probe(List.of(pc), JoinType.LEFT_OUTER, MAX_ROWS, device.defaultStream())) {
                assertThat(outer.pairCount()).isEqualTo(expectedPairs + unmatchedProbeRows);
            }
            try (HashJoinProbe withCondition = table.probeWithCondition(List.of(pc), JoinType.FULL_OUTER, MAX_ROWS,
                    device.defaultStream())) {
                // With a condition the unmatched rows come after the candidates: only the equal-key pairs here.
                assertThat(withCondition.pairCount()).isEqualTo(expectedPairs);
                // Every candidate must pass through filter(): none can be skipped.
                assertThatThrownBy(() -> withCondition.skipPairs(1)).isInstanceOf(IllegalArgumentException.class);
            }
            try (HashJoinProbe chunks = table.probe(List.of(pc), JoinType.INNER, MAX_ROWS, device.defaultStream())) {
                assertThat(chunks.pairCount()).isEqualTo(expectedPairs);
                int[] permutation = null;
                long position = 0;
                long start = System.nanoTime();
                for (int c = 0; c < CHUNKS_ENUMERATED; c++) {
                    assertThat(chunks.hasNext()).isTrue();
                    try (Chunk chunk = chunks.next()) {
                        assertThat(chunk.rows()).isEqualTo((int) MAX_ROWS);
                        if (permutation == null) {
                            permutation = DeviceArrays.downloadInts(chunk.buildRows(), 0, KEY_ROWS);
                            assertPermutationOf(permutation, keyBuildRows);
                        }
                        checkPairs(chunk, position, keyProbeRows, permutation);
                        position += chunk.rows();
                    }
                }
                long nanos = System.nanoTime() - start;
                // On the sequential emulation filling and checking these 12 million pairs takes 0.6 s (2.3 s
                // on a loaded machine), most of it the fill, so enumerating all 10^10 pairs, even without
                // checking them, would take several minutes: the test skips to the last chunks, whose
                // output positions (near 10^10) only 64-bit offsets address.
                System.out.printf("hash join: %d pairs in %d chunks filled and checked in %d ms (%s)%n", position,
                        CHUNKS_ENUMERATED, nanos / 1_000_000, device);
                long tail = 2 * MAX_ROWS + 12_345;
                chunks.skipPairs(expectedPairs - tail - position);
                position = expectedPairs - tail;
                List<Integer> sizes = new ArrayList<>();
                while (chunks.hasNext()) {
                    try (Chunk chunk = chunks.next()) {
                        sizes.add(chunk.rows());
                        checkPairs(chunk, position, keyProbeRows, permutation);
                        position += chunk.rows();
                    }
                }
                assertThat(sizes).containsExactly((int) MAX_ROWS, (int) MAX_ROWS, 12_345);
                assertThat(position).isEqualTo(expectedPairs);
                assertThatThrownBy(() -> chunks.skipPairs(1)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    /**
     * The pairs of a chunk that starts at output position {@code position}: pair j is the
     * (j / KEY_ROWS)-th probe row of the key with the (j % KEY_ROWS)-th build row of the key's list.
     */
    private static void checkPairs(Chunk chunk, long position, int[] keyProbeRows, int[] permutation) {
        assertThat(chunk.candidates()).isFalse();
        int[] probeRows = DeviceArrays.downloadInts(chunk.probeRows(), 0, chunk.rows());
        int[] buildRows = DeviceArrays.downloadInts(chunk.buildRows(), 0, chunk.rows());
        for (int t = 0; t < chunk.rows(); t++) {
            long j = position + t;
            int expectedProbe = keyProbeRows[(int) (j / KEY_ROWS)];
            int expectedBuild = permutation[(int) (j % KEY_ROWS)];
            if (probeRows[t] != expectedProbe || buildRows[t] != expectedBuild) {
                throw new AssertionError("pair " + j + " is (" + probeRows[t] + ", " + buildRows[t] + "), expected ("
                        + expectedProbe + ", " + expectedBuild + ")");
            }
        }
    }

    /** LEFT_SEMI and LEFT_ANTI over the same sides: per probe row, without enumerating any pair. */
    @Test
    void semiAndAntiOverTheHugeKeyTakeEachProbeRowOnce() {
        int[] build = buildKeys();
        int[] probe = probeKeys();
        int[] keyProbeRows = rowsWithKey(probe);
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < probe.length; i++) {
            if (probe[i] != KEY) {
                others.add(i);
            }
        }
        try (Column bc = HostValues.ints(DType.INT32, build, null).upload(device);
                Column pc = HostValues.ints(DType.INT32, probe, null).upload(device);
                HashJoin.Build table = HashJoin.build(device, List.of(bc), List.of(false), device.defaultStream())) {
            assertThat(probeRows(table, pc, JoinType.LEFT_SEMI)).isEqualTo(keyProbeRows);
            assertThat(probeRows(table, pc, JoinType.LEFT_ANTI))
                    .isEqualTo(others.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    private int[] probeRows(HashJoin.Build table, Column probeKeys, JoinType type) {
        List<int[]> parts = new ArrayList<>();
        try (HashJoinProbe chunks = table.probe(List.of(probeKeys), type, 30_000, device.defaultStream())) {
            while (chunks.hasNext()) {
                try (Chunk chunk = chunks.next()) {
                    assertThat(chunk.rows()).isBetween(1, 30_000);
                    assertThat(chunk.buildRows()).isNull();
                    parts.add(DeviceArrays.downloadInts(chunk.probeRows(), 0, chunk.rows()));
                }
            }
        }
        int[] all = parts.stream().flatMapToInt(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static void assertPermutationOf(int[] actual, int[] expectedSorted) {
        BitSet seen = new BitSet();
        for (int b : actual) {
            assertThat(Arrays.binarySearch(expectedSorted, b)).as("build row %d has the key", b).isGreaterThanOrEqualTo(0);
            assertThat(seen.get(b)).as("build row %d once per probe row", b).isFalse();
            seen.set(b);
        }
        assertThat(seen.cardinality()).isEqualTo(expectedSorted.length);
    }
}
