package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GPU hash joins over a key that matches 100,000 rows on each side (10^10 pairs), through shuffled
 * and broadcast hash joins: semi and anti joins, which output each stream row at most once; inner
 * and outer joins under an aggregate with one side of the key cut to 100 rows (10 million pairs,
 * every one of them aggregated), in both directions; and the full key under a LIMIT, which
 * the GPU join must answer by streaming its first chunks and stopping.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashJoinHugeKey {
    private static final long KEY = 7;

    @BeforeAll
    static void register(SparkSession spark) {
        // 100,500 stream rows, 100,000 of them with KEY; the others have keys of their own, matching nothing.
        spark.sql("SELECT IF(id % 201 = 200, -id, " + KEY + ") AS k, id AS v FROM range(100500)")
                .createOrReplaceTempView("hl");
        // 101,000 build rows, 100,000 of them with KEY; the others match nothing.
        spark.sql("SELECT IF(id % 101 = 100, 1000000 + id, " + KEY + ") AS k, id AS v FROM range(101000)")
                .createOrReplaceTempView("hr");
        // 110 rows, 100 of them with KEY: with either big side, 10 million pairs, which the sequential
        // emulation gathers and aggregates in a few seconds.
        spark.sql("SELECT IF(id % 11 = 10, 2000000 + id, " + KEY + ") AS k, id * 3 AS v FROM range(110)")
                .createOrReplaceTempView("few");
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive, boolean broadcast) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.shuffle.partitions", "4")
                .conf("spark.ember.sql.batchSizeBytes", "16m")
                .conf("spark.sql.autoBroadcastJoinThreshold", broadcast ? "100m" : "-1")
                .expectGpu(join(broadcast));
    }

    private static String join(boolean broadcast) {
        return broadcast ? "GpuBroadcastHashJoin" : "GpuShuffledHashJoin";
    }

    private static SparkPlan joinNode(GpuDiff.Run run, boolean broadcast) {
        return run.operators().stream().filter(o -> o.nodeName().equals(join(broadcast))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + join(broadcast) + " in\n" + run.plan()));
    }

    private static long outputRows(GpuDiff.Run run, boolean broadcast) {
        return joinNode(run, broadcast).metrics().get("numOutputRows").get().value();
    }

    @BothAdaptiveModes
    void semiAndAntiJoins(boolean adaptive, SparkSession spark) {
        for (boolean broadcast : new boolean[] {false, true}) {
            String hint = broadcast ? "/*+ BROADCAST(r) */ " : "";
            GpuDiff.Run semi = diff(spark, adaptive, broadcast).assertGpuAndCpuEqual(s -> s.sql("SELECT " + hint
                    + "l.* FROM hl l LEFT SEMI JOIN hr r ON l.k = r.k"));
            assertThat(semi.rows()).hasSize(100_000);
            GpuDiff.Run anti = diff(spark, adaptive, broadcast).assertGpuAndCpuEqual(s -> s.sql("SELECT " + hint
                    + "l.* FROM hl l LEFT ANTI JOIN hr r ON l.k = r.k"));
            assertThat(anti.rows()).hasSize(500);
        }
    }

    /** 100,000 stream rows x 100 build rows of the key: 10 million pairs, each counted and summed. */
    @BothAdaptiveModes
    void manyStreamRowsTimesAFewBuildRowsAggregated(boolean adaptive, SparkSession spark) {
        for (boolean broadcast : new boolean[] {false, true}) {
            String hint = broadcast ? "/*+ BROADCAST(r) */ " : "";
            GpuDiff.Run outer = diff(spark, adaptive, broadcast).expectGpu("GpuHashAggregate")
                    .assertGpuAndCpuEqual(s -> s.sql("SELECT " + hint + "l.k, count(*), sum(l.v), sum(r.v), count(r.v) "
                            + "FROM hl l LEFT JOIN few r ON l.k = r.k GROUP BY l.k"));
            assertThat(outer.rows()).hasSize(501);
            assertThat(outputRows(outer, broadcast)).isEqualTo(100_000L * 100 + 500);
        }
    }

    /**
     * 110 stream rows (100 with the key) x 100,000 build rows of the key: 10 million pairs, each
     * counted and summed.
     */
    @BothAdaptiveModes
    void aFewStreamRowsTimesManyBuildRowsAggregated(boolean adaptive, SparkSession spark) {
        for (boolean broadcast : new boolean[] {false, true}) {
            String hint = broadcast ? "/*+ BROADCAST(r) */ " : "";
            GpuDiff.Run inner = diff(spark, adaptive, broadcast).expectGpu("GpuHashAggregate")
                    .assertGpuAndCpuEqual(s -> s.sql("SELECT " + hint + "count(*), sum(l.v), sum(r.v), "
                            + "sum(l.v * r.v) FROM few l JOIN hr r ON l.k = r.k"));
            assertThat(inner.rows().get(0).getLong(0)).isEqualTo(100L * 100_000);
            assertThat(outputRows(inner, broadcast)).isEqualTo(100L * 100_000);
        }
    }

    /**
     * All 10^10 pairs under a LIMIT: the GPU join streams chunks, so the limit stops it after its first
     * ones. LIMIT without ORDER BY may return any 1,000 of the pairs (Spark and Ember need not pick the
     * same ones), so the rows cannot be compared with Spark's: the test checks that there are 1,000,
     * that each is a pair of the key (a stream row and a build row that have it) and that no pair
     * repeats, and that the join produced a tiny part of the 10^10 pairs.
     */
    @BothAdaptiveModes
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void fullKeyUnderALimitStopsEarly(boolean adaptive, SparkSession spark) {
        for (boolean broadcast : new boolean[] {false, true}) {
            String hint = broadcast ? "/*+ BROADCAST(r) */ " : "";
            GpuDiff diff = diff(spark, adaptive, broadcast).allowCpu("CollectLimitExec");
            GpuDiff.Run run = diff.run(s -> s.sql("SELECT " + hint + "l.k, l.v, r.k, r.v FROM hl l JOIN hr r "
                    + "ON l.k = r.k LIMIT 1000"), true);
            assertThat(run.nodeNames()).as("plan:\n%s", run.plan()).contains(join(broadcast));
            List<Row> rows = run.rows();
            assertThat(rows).hasSize(1000);
            Set<List<Long>> pairs = new HashSet<>();
            for (Row row : rows) {
                long lv = row.getLong(1);
                long rv = row.getLong(3);
                assertThat(row.getLong(0)).as("%s", row).isEqualTo(KEY);
                assertThat(row.getLong(2)).as("%s", row).isEqualTo(KEY);
                assertThat(lv).as("%s: a stream row with the key", row).isBetween(0L, 100_499L)
                        .matches(v -> v % 201 != 200);
                assertThat(rv).as("%s: a build row with the key", row).isBetween(0L, 100_999L)
                        .matches(v -> v % 101 != 100);
                assertThat(pairs.add(List.of(lv, rv))).as("pair %s once", row).isTrue();
            }
            assertThat(outputRows(run, broadcast)).as("pairs the join produced").isLessThan(10_000_000L);
        }
    }
}
