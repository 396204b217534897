package dev.ember.cuda.ops;

import static dev.ember.cuda.ops.JoinKeys.actual;
import static dev.ember.cuda.ops.JoinKeys.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.HashJoin.Chunk;
import dev.ember.cuda.ops.HashJoin.JoinType;
import dev.ember.cuda.ops.JoinKeys.Key;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HashJoin}'s bounded chunks (a key matching thousands of rows on both sides, one probe row
 * with more matches than the bound), its condition protocol (candidates, masks with nulls, outer,
 * semi and anti results derived from the survivors) and its argument checks.
 */
class TestHashJoinChunksAndConditions {
    private final Device device = TestDevices.device();

    @Test
    void aKeyMatchingThousandsOfRowsOnEachSideStreamsInBoundedChunks() {
        int n = 3000;
        int[] build = new int[n + 10];
        int[] probe = new int[n + 5];
        for (int i = 0; i < build.length; i++) {
            build[i] = i < n ? 7 : 100 + i;
        }
        for (int i = 0; i < probe.length; i++) {
            probe[i] = i < n ? 7 : 100 + n + i;
        }
        List<Key> b = List.of(JoinKeys.ints(build, null));
        List<Key> p = List.of(JoinKeys.ints(probe, null));
        long maxRows = 1_000_000;
        for (JoinType type : List.of(JoinType.INNER, JoinType.FULL_OUTER)) {
            long[] got = actual(device, b, p, List.of(false), type, maxRows, null);
            // 9,000,000 pairs of the shared key, plus the unmatched rows of both sides for FULL OUTER.
            assertThat(got.length).isEqualTo(n * (long) n + (type == JoinType.FULL_OUTER ? 15 : 0));
            assertThat(got).as("%s", type).isEqualTo(expected(b, p, List.of(false), type, null));
        }
        // The chunks themselves: nine full ones (9,000,000 / 1,000,000), each at the bound.
        try (Column bc = JoinKeys.ints(build, null).upload().apply(device);
                Column pc = JoinKeys.ints(probe, null).upload().apply(device);
                HashJoin.Build table = HashJoin.build(device, List.of(bc), List.of(false), device.defaultStream());
                HashJoinProbe chunks = table.probe(List.of(pc), JoinType.INNER, maxRows, device.defaultStream())) {
            assertThat(chunks.pairCount()).isEqualTo(9_000_000L);
            List<Integer> sizes = new ArrayList<>();
            while (chunks.hasNext()) {
                try (Chunk chunk = chunks.next()) {
                    sizes.add(chunk.rows());
                }
            }
            assertThat(sizes).isEqualTo(Collections.nCopies(9, 1_000_000));
        }
    }

    @Test
    void oneProbeRowWithMoreMatchesThanTheBoundIsSplit() {
        int[] build = new int[5000];
        java.util.Arrays.fill(build, 42);
        List<Key> b = List.of(JoinKeys.ints(build, null));
        List<Key> p = List.of(JoinKeys.ints(new int[] {1, 42, 2}, null));
        for (JoinType type : List.of(JoinType.INNER, JoinType.LEFT_OUTER, JoinType.RIGHT_OUTER)) {
            assertThat(actual(device, b, p, List.of(false), type, 1000, null)).as("%s", type)
                    .isEqualTo(expected(b, p, List.of(false), type, null));
        }
    }

    @ParameterizedTest
    @EnumSource(value = JoinType.class, names = "NULL_AWARE_LEFT_ANTI", mode = EnumSource.Mode.EXCLUDE)
    void conditionsFilterPairsAndDecideOuterSemiAndAntiRows(JoinType type) {
        Random r = new Random(type.ordinal());
        List<Key> build = TestHashJoin.keys("int+string", r, 600);
        List<Key> probe = TestHashJoin.keys("int+string", r, 500);
        // True, false or null (SQL null counts as false) by the pair's rows.
        BiFunction<Integer, Integer, Boolean> condition = (p, b) -> (p + 3L * b) % 7 == 0 ? null : (p ^ b) % 3 != 0;
        for (List<Boolean> safe : List.of(List.of(false, false), List.of(true, false))) {
            long[] want = expected(build, probe, safe, type, condition);
            assertThat(want).isNotEmpty();
            assertThat(want).isNotEqualTo(expected(build, probe, safe, type, null));
            for (long maxRows : new long[] {37, 1 << 20}) {
                assertThat(actual(device, build, probe, safe, type, maxRows, condition))
                        .as("%s, null-safe %s, maxRows %d", type, safe, maxRows).isEqualTo(want);
            }
        }
    }

    @Test
    void aConditionThatNoPairPassesLeavesOnlyTheOuterRows() {
        Random r = new Random(3);
        List<Key> build = TestHashJoin.keys("long", r, 300);
        List<Key> probe = TestHashJoin.keys("long", r, 300);
        BiFunction<Integer, Integer, Boolean> never = (p, b) -> p < 0 ? null : false;
        for (JoinType type : List.of(JoinType.INNER, JoinType.FULL_OUTER, JoinType.LEFT_SEMI, JoinType.LEFT_ANTI)) {
            long[] got = actual(device, build, probe, List.of(false), type, 64, never);
            assertThat(got).as("%s", type).isEqualTo(expected(build, probe, List.of(false), type, never));
            if (type == JoinType.INNER || type == JoinType.LEFT_SEMI) {
                assertThat(got).isEmpty();
            }
        }
    }

    @Test
    void rejectsWhatItCannotJoin() {
        List<Column> columns = new ArrayList<>();
        try {
            columns.add(HostValues.ints(dev.ember.cuda.column.DType.INT32, new int[] {1, 2}, null).upload(device));
            columns.add(HostValues.longs(dev.ember.cuda.column.DType.INT64, new long[] {1, 2}, null).upload(device));
            Column ints = columns.get(0);
            Column longs = columns.get(1);
            assertThatThrownBy(() -> HashJoin.build(device, List.of(), List.of(), device.defaultStream()))
                    .hasMessageContaining("at least one key column");
            assertThatThrownBy(() -> HashJoin.build(device, List.of(ints), List.of(), device.defaultStream()))
                    .hasMessageContaining("one flag per key column");
            try (HashJoin.Build build = HashJoin.build(device, List.of(ints), List.of(false), device.defaultStream())) {
                assertThatThrownBy(() -> build.probe(List.of(longs), JoinType.INNER, 10, device.defaultStream()))
                        .hasMessageContaining("int on the build side but bigint on the probe side");
                assertThatThrownBy(() -> build.probe(List.of(ints), JoinType.INNER, 0, device.defaultStream()))
                        .hasMessageContaining("maxRows");
                assertThatThrownBy(() -> build.probeWithCondition(List.of(ints), JoinType.NULL_AWARE_LEFT_ANTI, 10,
                        device.defaultStream())).hasMessageContaining("null-aware anti join");
                try (HashJoinProbe probe = build.probeWithCondition(List.of(ints), JoinType.LEFT_OUTER, 10,
                        device.defaultStream())) {
                    assertThat(probe.hasNext()).isTrue();
                    try (Chunk candidates = probe.next()) {
                        assertThat(candidates.candidates()).isTrue();
                        assertThatThrownBy(probe::next).hasMessageContaining("filter()");
                        int[] pairs = DeviceArrays.downloadInts(candidates.probeRows(), 0, candidates.rows());
                        assertThat(pairs).containsExactlyInAnyOrder(0, 1);
                    }
                }
            }
            try (HashJoin.Build build = HashJoin.build(device, List.of(ints, longs), List.of(false, false),
                    device.defaultStream())) {
                assertThatThrownBy(() -> build.probe(List.of(ints, longs), JoinType.NULL_AWARE_LEFT_ANTI, 10,
                        device.defaultStream())).hasMessageContaining("exactly one key column");
            }
        } finally {
            Closeables.closeAll(columns);
        }
    }

    @Test
    void nullKeysMatchOnlyUnderNullSafeEquality() {
        byte[] validity = RandomData.validity(new Random(1), 4, 0.0);
        validity[0] = 0b0101;
        List<Key> b = List.of(JoinKeys.ints(new int[] {5, 0, 6, 0}, validity));
        List<Key> p = List.of(JoinKeys.ints(new int[] {0, 5, 0, 6}, new byte[] {0b1010, 0, 0, 0, 0, 0, 0, 0}));
        assertThat(actual(device, b, p, List.of(false), JoinType.INNER, 10, null))
                .containsExactly(JoinKeys.pair(1, 0), JoinKeys.pair(3, 2));
        assertThat(actual(device, b, p, List.of(true), JoinType.INNER, 10, null)).containsExactly(
                JoinKeys.pair(0, 1), JoinKeys.pair(0, 3), JoinKeys.pair(1, 0), JoinKeys.pair(2, 1), JoinKeys.pair(2, 3),
                JoinKeys.pair(3, 2));
    }
}
