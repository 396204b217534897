package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spark's equi-joins on the GPU, for every join type and key type, through the three ways Spark plans
 * them: a sort-merge join (replaced by the GPU shuffled hash join), a shuffled hash join (hint) and a
 * broadcast hash join (hint). Keys have duplicates on both sides and nulls; the double keys have NaN,
 * -0.0 and 0.0, which Spark's join treats as NaN = NaN and -0.0 = 0.0. Batches are small, so the
 * stream side comes in many batches and the output in many chunks.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashJoin {
    static final String[] JOIN_TYPES = {"INNER", "LEFT OUTER", "RIGHT OUTER", "FULL OUTER", "LEFT SEMI", "LEFT ANTI"};
    /** Join conditions over each key type, the last two with two key columns. */
    static final String[] KEYS = {"l.ki = r.ki", "l.kl = r.kl", "l.kd = r.kd", "l.ks = r.ks",
        "l.ki = r.ki AND l.ks = r.ks", "l.kl = r.kl AND l.kd = r.kd"};

    @BeforeAll
    static void register(SparkSession spark) {
        registerSides(spark);
    }

    static void registerSides(SparkSession spark) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("ki", DataTypes.IntegerType, true).add("kl", DataTypes.LongType, true)
                .add("kd", DataTypes.DoubleType, true).add("ks", DataTypes.StringType, true)
                .add("v", DataTypes.IntegerType, true).add("w", DataTypes.StringType, true);
        spark.createDataFrame(side(400, 1), schema).createOrReplaceTempView("jl");
        spark.createDataFrame(side(250, 2), schema).createOrReplaceTempView("jr");
    }

    private static List<Row> side(int n, long seed) {
        double[] doubles = {0.0, -0.0, Double.NaN, 1.5, -2.25, Double.POSITIVE_INFINITY, 7.0, 1e300};
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(60) - 5;
            rows.add(RowFactory.create(i, r.nextInt(13) == 0 ? null : k,
                    r.nextInt(11) == 0 ? null : (long) k * 1_000_000_007L,
                    r.nextInt(9) == 0 ? null : doubles[r.nextInt(doubles.length)],
                    r.nextInt(10) == 0 ? null : k % 7 == 0 ? "" : "key-" + (k % 25) + (k % 3 == 0 ? "\u00e9" : ""),
                    r.nextInt(12) == 0 ? null : r.nextInt(200),
                    r.nextInt(8) == 0 ? null : "w" + r.nextInt(40)));
        }
        return rows;
    }

    static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "2k")
                .conf("spark.sql.shuffle.partitions", "4")
                .conf("spark.sql.autoBroadcastJoinThreshold", "-1");
    }

    static String select(String joinType) {
        return joinType.startsWith("LEFT SEMI") || joinType.startsWith("LEFT ANTI") ? "l.*" : "l.*, r.*";
    }

    /** Sort-merge joins (Spark's default without broadcasts) become GPU shuffled hash joins, no sort left. */
    @BothAdaptiveModes
    void sortMergeJoinsReplaced(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuShuffledHashJoin");
        for (String type : JOIN_TYPES) {
            for (String on : KEYS) {
                GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT " + select(type) + " FROM jl l " + type
                        + " JOIN jr r ON " + on));
                assertThat(run.nodeNames()).as("%s ON %s:\n%s", type, on, run.plan()).doesNotContain("Sort");
            }
        }
    }

    /** Shuffled hash joins (hinted) on either build side. */
    @BothAdaptiveModes
    void shuffledHashJoins(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).conf("spark.sql.join.preferSortMergeJoin", "false")
                .expectGpu("GpuShuffledHashJoin");
        for (String type : JOIN_TYPES) {
            for (String on : KEYS) {
                diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ SHUFFLE_HASH(r) */ " + select(type) + " FROM jl l "
                        + type + " JOIN jr r ON " + on));
            }
        }
        // Hashing the left side: outer joins keep the build side's unmatched rows (the op's RIGHT_OUTER).
        for (String type : new String[] {"INNER", "LEFT OUTER", "RIGHT OUTER", "FULL OUTER"}) {
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ SHUFFLE_HASH(l) */ l.*, r.* FROM jl l " + type
                    + " JOIN jr r ON l.ks = r.ks AND l.ki = r.ki"));
        }
    }

    /** Broadcast hash joins (hinted): the right side for inner, left outer, semi and anti, the left for right outer. */
    @BothAdaptiveModes
    void broadcastHashJoins(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuBroadcastHashJoin");
        for (String type : new String[] {"INNER", "LEFT OUTER", "LEFT SEMI", "LEFT ANTI"}) {
            for (String on : KEYS) {
                diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ " + select(type) + " FROM jl l "
                        + type + " JOIN jr r ON " + on));
            }
        }
        for (String on : KEYS) {
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(l) */ l.*, r.* FROM jl l RIGHT OUTER JOIN jr r "
                    + "ON " + on));
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(l) */ l.*, r.* FROM jl l JOIN jr r ON " + on));
        }
    }

    /** {@code <=>} keys (Spark rewrites them into coalesce and isnull pairs) match null to null. */
    @BothAdaptiveModes
    void nullSafeKeys(boolean adaptive, SparkSession spark) {
        for (String type : JOIN_TYPES) {
            diff(spark, adaptive).expectGpu("GpuShuffledHashJoin").assertGpuAndCpuEqual(s -> s.sql("SELECT " + select(type)
                    + " FROM jl l " + type + " JOIN jr r ON l.ki <=> r.ki AND l.ks <=> r.ks"));
        }
        diff(spark, adaptive).expectGpu("GpuBroadcastHashJoin").assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ "
                + "BROADCAST(r) */ l.*, r.* FROM jl l JOIN jr r ON l.kd <=> r.kd AND l.kl <=> r.kl"));
    }

    /** Extra conditions over both sides' columns, evaluated over the candidate pairs. */
    @BothAdaptiveModes
    void extraConditions(boolean adaptive, SparkSession spark) {
        GpuDiff shuffled = diff(spark, adaptive).expectGpu("GpuShuffledHashJoin");
        for (String type : JOIN_TYPES) {
            shuffled.assertGpuAndCpuEqual(s -> s.sql("SELECT " + select(type) + " FROM jl l " + type + " JOIN jr r "
                    + "ON l.ki = r.ki AND l.v < r.v"));
            shuffled.assertGpuAndCpuEqual(s -> s.sql("SELECT " + select(type) + " FROM jl l " + type + " JOIN jr r "
                    + "ON l.ks = r.ks AND (l.w <> r.w OR l.kd + r.v > 10)"));
        }
        GpuDiff broadcast = diff(spark, adaptive).expectGpu("GpuBroadcastHashJoin");
        for (String type : new String[] {"INNER", "LEFT OUTER", "LEFT SEMI", "LEFT ANTI"}) {
            broadcast.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ " + select(type) + " FROM jl l "
                    + type + " JOIN jr r ON l.kl = r.kl AND l.v >= r.v AND r.w LIKE 'w1%'"));
        }
    }
}
