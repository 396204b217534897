package dev.ember.it.spark.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
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
 * The GPU broadcast exchange: the build side of broadcast hash joins on keys of every type travels as
 * serialized columnar batches (GPU join); a CPU hash join and a CPU nested-loop join reading a GPU
 * broadcast get Spark's own relation and rows; both with adaptive execution on and off.
 */
@ExtendWith(SparkSessionExtension.class)
class TestBroadcastExchange {
    private static final String[] KEYS = {"l.ki = r.ki", "l.kl = r.kl", "l.kd = r.kd", "l.ks = r.ks", "l.kc = r.kc",
        "l.kt = r.kt", "l.kb = r.kb", "l.ki = r.ki AND l.ks = r.ks"};

    @BeforeAll
    static void register(SparkSession spark) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("ki", DataTypes.IntegerType, true).add("kl", DataTypes.LongType, true)
                .add("kd", DataTypes.DoubleType, true).add("ks", DataTypes.StringType, true)
                .add("kc", DataTypes.createDecimalType(12, 2), true).add("kt", DataTypes.DateType, true)
                .add("kb", DataTypes.BooleanType, true).add("w", DataTypes.StringType, true);
        spark.createDataFrame(side(500, 11), schema).repartition(3).createOrReplaceTempView("bl");
        spark.createDataFrame(side(120, 12), schema).repartition(2).createOrReplaceTempView("br");
    }

    private static List<Row> side(int n, long seed) {
        double[] doubles = {0.0, -0.0, Double.NaN, 1.5, -2.25, Double.NEGATIVE_INFINITY, 7.0};
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(40) - 5;
            rows.add(RowFactory.create(i, r.nextInt(13) == 0 ? null : k,
                    r.nextInt(11) == 0 ? null : (long) k * 3_000_000_019L,
                    r.nextInt(9) == 0 ? null : doubles[r.nextInt(doubles.length)],
                    r.nextInt(10) == 0 ? null : "k\u00e9y-" + (k % 17),
                    r.nextInt(10) == 0 ? null : new java.math.BigDecimal(k).movePointLeft(1),
                    r.nextInt(10) == 0 ? null : java.sql.Date.valueOf(java.time.LocalDate.of(2000, 1, 1).plusDays(k)),
                    r.nextInt(10) == 0 ? null : k % 2 == 0,
                    r.nextInt(8) == 0 ? null : "w" + r.nextInt(40)));
        }
        return rows;
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.ember.sql.batchSizeBytes", "4k")
                .conf("spark.sql.shuffle.partitions", "4");
    }

    @BothAdaptiveModes
    void gpuJoinsReadGpuBroadcasts(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuBroadcastExchange", "GpuBroadcastHashJoin");
        for (String type : new String[] {"INNER", "LEFT OUTER", "LEFT SEMI", "LEFT ANTI"}) {
            for (String on : KEYS) {
                String cols = type.startsWith("LEFT SEMI") || type.startsWith("LEFT ANTI") ? "l.*" : "l.*, r.*";
                diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ " + cols + " FROM bl l " + type
                        + " JOIN (SELECT * FROM br WHERE id % 5 <> 0) r ON " + on));
            }
        }
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM bl l WHERE l.ki NOT IN (SELECT /*+ BROADCAST */ ki FROM br "
                + "WHERE id < 50)"));
    }

    /** The join stays on the CPU (switched off) and reads Spark's hashed relation from the GPU broadcast. */
    @BothAdaptiveModes
    void cpuHashJoinReadsAGpuBroadcast(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).conf("spark.ember.sql.exec.BroadcastHashJoinExec", "false")
                .expectGpu("GpuBroadcastExchange").allowCpu("BroadcastHashJoinExec", "ProjectExec");
        for (String on : KEYS) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.id, r.id, r.w "
                    + "FROM bl l JOIN (SELECT * FROM br WHERE id % 5 <> 0) r ON " + on));
            assertThat(run.nodeNames()).contains("BroadcastHashJoin");
        }
    }

    /**
     * A nested-loop join broadcasts plain rows (identity mode); a GPU child still feeds a CPU one (the
     * GPU nested loop join turned off, so Spark's reads the GPU broadcast's rows).
     */
    @BothAdaptiveModes
    void nestedLoopJoinReadsGpuBroadcastRows(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).expectGpu("GpuBroadcastExchange")
                .conf("spark.ember.sql.exec.BroadcastNestedLoopJoinExec", "false")
                .allowCpu("BroadcastNestedLoopJoinExec", "ProjectExec")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.id, r.id FROM bl l JOIN "
                        + "(SELECT * FROM br WHERE id % 7 = 0) r ON l.ki < r.ki"));
    }

    /** An empty build side. */
    @BothAdaptiveModes
    void emptyBuildSide(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).allowCpu("LocalTableScanExec", "ProjectExec")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT /*+ BROADCAST(r) */ l.id, r.w FROM bl l LEFT OUTER JOIN "
                        + "(SELECT * FROM br WHERE id < 0) r ON l.ks = r.ks"));
    }
}
