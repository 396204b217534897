package dev.ember.it.spark.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spark's broadcast nested loop join on the GPU against Spark: conditions over ints, longs, doubles
 * (NaN, -0.0), strings and decimals, every join type that runs on the GPU, joins without a condition,
 * empty and one-row sides, many chunks of candidate pairs, and the join types that stay on the CPU
 * with their reason.
 */
@ExtendWith(SparkSessionExtension.class)
class TestNestedLoopJoin {
    static final String[] CONDITIONS = {"l.i < r.i", "l.d > r.d", "l.d = r.d OR l.d IS NULL", "l.s < r.s OR r.s IS NULL",
        "l.m + r.m > 10.5", "l.n >= r.n AND l.s <> r.s", "l.i + r.i = 7", "abs(l.d - r.d) < 2.0 OR l.m < r.m"};
    private static final String EMPTY_R = "(SELECT * FROM nr WHERE id > 1000)";
    private static final String EMPTY_L = "(SELECT * FROM nl WHERE id > 1000)";
    private static final String ONE_R = "(SELECT * FROM nr WHERE id = 3)";

    @BeforeAll
    static void register(SparkSession spark) {
        JoinTables.register(spark);
    }

    private static String select(String type) {
        return type.startsWith("LEFT SEMI") || type.startsWith("LEFT ANTI") ? "l.*" : "l.*, r.*";
    }

    @BothAdaptiveModes
    void joinTypesAndConditions(boolean adaptive, SparkSession spark) {
        GpuDiff diff = JoinTables.diff(spark, adaptive).expectGpu("GpuBroadcastNestedLoopJoin");
        for (String type : new String[] {"INNER", "LEFT OUTER", "LEFT SEMI", "LEFT ANTI"}) {
            for (String on : CONDITIONS) {
                diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ " + select(type) + " FROM nl l "
                        + type + " JOIN nr r ON " + on));
            }
        }
        // Spark builds the left side of a right outer join and of an inner join hinted so.
        for (String type : new String[] {"RIGHT OUTER", "INNER"}) {
            for (String on : new String[] {"l.i < r.i", "l.s > r.s AND l.m < r.m"}) {
                diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.*, r.* FROM nr r " + type
                        + " JOIN nl l ON " + on));
            }
        }
    }

    /**
     * Without a condition: the cross join's every pair, and outer, semi and anti joins decided by the
     * build side's size (Spark's optimizer may rewrite a semi or anti join without a condition, so
     * only the rows and the absence of CPU operators are asserted for those).
     */
    @BothAdaptiveModes
    void withoutCondition(boolean adaptive, SparkSession spark) {
        GpuDiff diff = JoinTables.diff(spark, adaptive).expectGpu("GpuBroadcastNestedLoopJoin");
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.*, r.* FROM nl l CROSS JOIN nr r"));
        for (String build : new String[] {"nr", ONE_R}) {
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.*, r.* FROM nl l LEFT OUTER JOIN "
                    + build + " r"));
            for (String type : new String[] {"LEFT SEMI", "LEFT ANTI"}) {
                JoinTables.diff(spark, adaptive).assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.* "
                        + "FROM nl l " + type + " JOIN " + build + " r"));
            }
        }
    }

    /**
     * Empty and one-row sides. Adaptive execution replaces some joins with an empty side by their
     * result (an empty relation, or the stream side), so only without it must the GPU join be there.
     */
    @BothAdaptiveModes
    void emptyAndOneRowSides(boolean adaptive, SparkSession spark) {
        for (String type : new String[] {"INNER", "LEFT OUTER", "LEFT SEMI", "LEFT ANTI"}) {
            for (String[] sides : new String[][] {{"nl", EMPTY_R}, {EMPTY_L, "nr"}, {EMPTY_L, EMPTY_R}, {"nl", ONE_R},
                {ONE_R, "nr"}}) {
                for (String on : new String[] {"l.i < r.i", null}) {
                    GpuDiff diff = JoinTables.diff(spark, adaptive).allowCpu("ProjectExec", "LocalTableScanExec");
                    boolean empty = sides[0].equals(EMPTY_L) || sides[1].equals(EMPTY_R);
                    // Spark's optimizer may rewrite a semi or anti join without a condition.
                    boolean rewritten = on == null && !select(type).equals("l.*, r.*");
                    if ((!adaptive || !empty) && !rewritten) {
                        diff.expectGpu("GpuBroadcastNestedLoopJoin");
                    }
                    diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ " + select(type) + " FROM "
                            + sides[0] + " l " + type + " JOIN " + sides[1] + " r" + (on == null ? "" : " ON " + on)));
                }
            }
        }
    }

    /** 300 x 40 pairs in 2k chunks: many chunks per stream batch, many output batches. */
    @BothAdaptiveModes
    void manyChunksOfPairs(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = JoinTables.diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "1k")
                .expectGpu("GpuBroadcastNestedLoopJoin").assertGpuAndCpuEqual(s -> s.sql(
                        "SELECT /*+ BROADCAST(r) */ l.id, r.id, l.s, r.s FROM nl l JOIN nr r ON l.id % 3 <> r.id % 2"));
        SparkPlan join = run.operators().stream().filter(o -> o.nodeName().equals("GpuBroadcastNestedLoopJoin"))
                .findFirst().orElseThrow();
        assertThat(join.metrics().get("numOutputBatches").get().value()).isGreaterThan(50L);
    }

    /** The build side from a GPU broadcast (its batches) and from Spark's own broadcast of rows. */
    @BothAdaptiveModes
    void gpuAndCpuBroadcasts(boolean adaptive, SparkSession spark) {
        String query = "SELECT /*+ BROADCAST(r) */ l.id, l.s, r.id, r.m FROM nl l LEFT OUTER JOIN nr r "
                + "ON l.m < r.m AND l.s <> r.s";
        JoinTables.diff(spark, adaptive).expectGpu("GpuBroadcastNestedLoopJoin", "GpuBroadcastExchange")
                .assertGpuAndCpuEqual(s -> s.sql(query));
        GpuDiff.Run run = JoinTables.diff(spark, adaptive).conf("spark.ember.sql.exec.BroadcastExchangeExec", "false")
                .expectGpu("GpuBroadcastNestedLoopJoin").assertGpuAndCpuEqual(s -> s.sql(query));
        assertThat(run.nodeNames()).contains("BroadcastExchange").doesNotContain("GpuBroadcastExchange");
    }

    /** EXISTS with a non-equi correlation in a disjunction: an existence join building the right side. */
    @BothAdaptiveModes
    void existenceJoin(boolean adaptive, SparkSession spark) {
        JoinTables.diff(spark, adaptive).expectGpu("GpuBroadcastNestedLoopJoin").allowCpu("FilterExec", "ProjectExec")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM nl l WHERE l.id < 20 OR EXISTS "
                        + "(SELECT 1 FROM nr r WHERE r.d > l.d AND r.s <> l.s)"));
    }

    /**
     * Joins that need the build rows matched in every partition stay on the CPU: full outer joins,
     * with a broadcast or, without broadcasts, building the smaller side (the other join types
     * that would build the wrong side are not planned by Spark without internal hints; the unit
     * test of the spec covers their reasons).
     */
    @BothAdaptiveModes
    void fullOuterJoinsStayOnTheCpu(boolean adaptive, SparkSession spark) {
        JoinTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.*, r.* FROM nl l "
                + "FULL OUTER JOIN nr r ON l.i < r.i"), "BroadcastNestedLoopJoinExec",
                "FULL OUTER nested loop join building the right side needs the build rows matched in every partition");
        JoinTables.diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "-1")
                .assertFallback(s -> s.sql("SELECT l.id, r.id FROM range(0, 30, 1, 2) l FULL OUTER JOIN "
                        + "range(0, 3000, 1, 3) r ON l.id * 90 > r.id"), "BroadcastNestedLoopJoinExec",
                        "needs the build rows matched in every partition");
    }
}
