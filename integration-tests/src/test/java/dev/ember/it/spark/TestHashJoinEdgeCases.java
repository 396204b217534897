package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.spark.EmberRuntime;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GPU hash joins at the edges: empty and one-row sides, a key matching 2,000 rows on each side (4
 * million pairs, output in many bounded batches), NOT IN as the null-aware anti join, the per-executor
 * broadcast build freed with its broadcast, and the joins that stay on the CPU with their reasons.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashJoinEdgeCases {
    @BeforeAll
    static void register(SparkSession spark) {
        TestHashJoin.registerSides(spark);
        List<Row> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add(RowFactory.create(7, i, "m" + i % 10));
        }
        many.add(RowFactory.create(8, -1, "other"));
        StructType schema = new StructType().add("k", DataTypes.IntegerType, false).add("v", DataTypes.IntegerType, false)
                .add("s", DataTypes.StringType, false);
        spark.createDataFrame(many, schema).createOrReplaceTempView("many");
    }

    private static final String EMPTY_R = "(SELECT * FROM jr WHERE v > 1000000)";
    private static final String EMPTY_L = "(SELECT * FROM jl WHERE v > 1000000)";
    private static final String ONE_R = "(SELECT * FROM jr WHERE id = 3)";

    /**
     * Adaptive execution replaces a join with an empty side by its result once the side's stage is
     * done (an empty relation, or the other side), so only without it must the GPU join be in the plan.
     */
    @BothAdaptiveModes
    void emptyAndOneRowSides(boolean adaptive, SparkSession spark) {
        for (String type : TestHashJoin.JOIN_TYPES) {
            String cols = TestHashJoin.select(type);
            for (String[] sides : new String[][] {{"jl", EMPTY_R}, {EMPTY_L, "jr"}, {EMPTY_L, EMPTY_R}, {"jl", ONE_R}}) {
                boolean empty = !sides[1].equals(ONE_R);
                GpuDiff shuffled = TestHashJoin.diff(spark, adaptive);
                if (!adaptive || !empty) {
                    shuffled.expectGpu("GpuShuffledHashJoin");
                } else {
                    // The null columns of an outer join's missing side, projected on the CPU next to a shuffle.
                    shuffled.allowCpu("ProjectExec");
                }
                shuffled.assertGpuAndCpuEqual(s -> s.sql("SELECT " + cols + " FROM " + sides[0] + " l " + type
                        + " JOIN " + sides[1] + " r ON l.ki = r.ki"));
            }
        }
        for (String type : new String[] {"INNER", "LEFT OUTER", "LEFT SEMI", "LEFT ANTI"}) {
            String cols = TestHashJoin.select(type);
            for (String build : new String[] {EMPTY_R, ONE_R}) {
                GpuDiff broadcast = TestHashJoin.diff(spark, adaptive);
                if (!adaptive || build.equals(ONE_R)) {
                    broadcast.expectGpu("GpuBroadcastHashJoin");
                }
                broadcast.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ " + cols + " FROM jl l " + type
                        + " JOIN " + build + " r ON l.ks = r.ks"));
            }
        }
    }

    /** 2,000 x 2,000 rows of one key: 4 million pairs, in chunks of the 64k batch size. */
    @BothAdaptiveModes
    void oneKeyMatchingManyRowsOnEachSide(boolean adaptive, SparkSession spark) {
        GpuDiff diff = TestHashJoin.diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "64k")
                .expectGpu("GpuShuffledHashJoin", "GpuHashAggregate");
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT a.k, count(*), sum(a.v), sum(b.v), "
                + "count(DISTINCT b.s) FROM many a JOIN many b ON a.k = b.k GROUP BY a.k"));
        SparkPlan join = run.operators().stream().filter(o -> o.nodeName().equals("GpuShuffledHashJoin")).findFirst()
                .orElseThrow();
        assertThat(join.metrics().get("numOutputRows").get().value()).isEqualTo(2000L * 2000 + 1);
        // Two ints and a string of 2 bytes a row: about 14 bytes, so 64k batches of about 4,700 rows.
        assertThat(join.metrics().get("numOutputBatches").get().value()).isGreaterThan(500L);
        TestHashJoin.diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "256k")
                .expectGpu("GpuBroadcastHashJoin").assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(b) */ "
                        + "count(*), sum(a.v - b.v) FROM many a LEFT JOIN many b ON a.k = b.k AND a.v < b.v"));
    }

    /** NOT IN: Spark's null-aware anti join, with a build side that has a null, none, or no rows. */
    @BothAdaptiveModes
    void notInAsNullAwareAntiJoin(boolean adaptive, SparkSession spark) {
        // Adaptive execution answers NOT IN over a stage with a null key itself (no rows).
        GpuDiff withNullDiff = TestHashJoin.diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "10m");
        GpuDiff.Run withNull = (adaptive ? withNullDiff : withNullDiff.expectGpu("GpuBroadcastHashJoin"))
                .assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM jl WHERE ki NOT IN (SELECT ki FROM jr)"));
        assertThat(withNull.rows()).isEmpty();
        if (!adaptive) {
            assertThat(withNull.plan().toString()).contains("null-aware");
        }
        GpuDiff diff = TestHashJoin.diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "10m")
                .expectGpu("GpuBroadcastHashJoin");
        GpuDiff.Run noNull = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM jl WHERE ki NOT IN "
                + "(SELECT ki FROM jr WHERE ki IS NOT NULL AND ki > 20)"));
        assertThat(noNull.rows()).isNotEmpty();
        // Adaptive execution answers NOT IN over an empty stage itself (the left side unchanged).
        GpuDiff emptyDiff = TestHashJoin.diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "10m");
        GpuDiff.Run empty = (adaptive ? emptyDiff : emptyDiff.expectGpu("GpuBroadcastHashJoin"))
                .assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM jl WHERE ki NOT IN (SELECT ki FROM jr WHERE v > 1000000)"));
        assertThat(empty.rows()).hasSize(400);
    }

    /**
     * Each executor converts a broadcast once and every task shares the build; when Spark removes the
     * broadcast (as its cleaner does), the next broadcast join frees the build.
     */
    @BothAdaptiveModes
    void broadcastBuildSharedAndFreed(boolean adaptive, SparkSession spark) {
        var cache = EmberRuntime.get().broadcastBuilds();
        int before = cache.size();
        TestHashJoin.diff(spark, adaptive).conf("spark.sql.shuffle.partitions", "8").expectGpu("GpuBroadcastHashJoin")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.id, r.id FROM (SELECT * FROM jl "
                        + "DISTRIBUTE BY id) l JOIN jr r ON l.ki = r.ki"));
        assertThat(cache.size()).as("one build for the broadcast, shared by the 8 tasks").isEqualTo(before + 1);
        List<Long> ids = cache.broadcastIds();
        for (long id : ids) {
            spark.sparkContext().cleaner().get().doCleanupBroadcast(id, true);
        }
        assertThat(cache.evictRemoved(-1)).isEqualTo(ids.size());
        assertThat(cache.size()).isZero();
    }

    @BothAdaptiveModes
    void fallbacksWithReasons(boolean adaptive, SparkSession spark) {
        GpuDiff diff = TestHashJoin.diff(spark, adaptive);
        diff.assertFallback(s -> s.sql("SELECT * FROM jl l WHERE EXISTS (SELECT 1 FROM jr r WHERE r.ki = l.ki) "
                + "OR l.v > 150"), "SortMergeJoinExec", "existence joins");
        diff.assertFallback(s -> s.sql("SELECT l.id, r.id FROM jl l JOIN jr r ON CAST(l.ks AS BINARY) = "
                + "CAST(r.ks AS BINARY)"), "SortMergeJoinExec", "binary");
        diff.assertFallback(s -> s.sql("SELECT l.id, r.id FROM jl l JOIN jr r ON l.ki = r.ki AND "
                + "sha1(l.w) < sha1(r.w)"), "SortMergeJoinExec", "Sha1");
        diff.conf("spark.ember.sql.replaceSortMergeJoin", "false").assertFallback(s -> s.sql("SELECT l.id, r.id "
                + "FROM jl l JOIN jr r ON l.ki = r.ki"), "SortMergeJoinExec", "spark.ember.sql.replaceSortMergeJoin=false");
        TestHashJoin.diff(spark, adaptive).conf("spark.ember.sql.exec.BroadcastHashJoinExec", "false")
                .assertFallback(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.id, r.id FROM jl l JOIN jr r ON l.ki = r.ki"),
                        "BroadcastHashJoinExec", "spark.ember.sql.exec.BroadcastHashJoinExec=false");
    }
}
