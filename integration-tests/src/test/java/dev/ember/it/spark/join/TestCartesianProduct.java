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
 * Spark's cartesian product (inner joins without equi-keys and without broadcasts) on the GPU against
 * Spark: every pair of partitions, with and without a condition, empty and one-row sides, many chunks.
 */
@ExtendWith(SparkSessionExtension.class)
class TestCartesianProduct {
    @BeforeAll
    static void register(SparkSession spark) {
        JoinTables.register(spark);
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return JoinTables.diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "-1");
    }

    @BothAdaptiveModes
    void conditionsOverEveryType(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuCartesianProduct");
        for (String on : TestNestedLoopJoin.CONDITIONS) {
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT l.*, r.* FROM nl l JOIN nr r ON " + on));
        }
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT l.*, r.* FROM nl l CROSS JOIN nr r"));
    }

    /** Partitioned sides: a left side of 3 partitions and a right one of 4, so 12 pairs of partitions. */
    @BothAdaptiveModes
    void partitionPairs(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "1k")
                .expectGpu("GpuCartesianProduct").assertGpuAndCpuEqual(s -> s.sql("SELECT l.id, r.id, l.s, r.m "
                        + "FROM (SELECT /*+ REPARTITION(3) */ * FROM nl) l JOIN (SELECT /*+ REPARTITION(4) */ * FROM nr) "
                        + "r ON l.s <> r.s OR l.m > r.m"));
        SparkPlan join = run.operators().stream().filter(o -> o.nodeName().equals("GpuCartesianProduct")).findFirst()
                .orElseThrow();
        assertThat(join.metrics().get("numOutputBatches").get().value()).isGreaterThan(20L);
    }

    @BothAdaptiveModes
    void emptyAndOneRowSides(boolean adaptive, SparkSession spark) {
        String emptyR = "(SELECT * FROM nr WHERE id > 1000)";
        String oneR = "(SELECT * FROM nr WHERE id = 3)";
        String oneL = "(SELECT * FROM nl WHERE id = 5)";
        for (String[] sides : new String[][] {{"nl", emptyR}, {emptyR, "nl"}, {"nl", oneR}, {oneL, "nr"},
            {oneL, oneR}}) {
            GpuDiff diff = diff(spark, adaptive).allowCpu("LocalTableScanExec");
            if (!adaptive || !(sides[0].equals(emptyR) || sides[1].equals(emptyR))) {
                diff.expectGpu("GpuCartesianProduct");
            }
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT l.*, r.* FROM " + sides[0] + " l JOIN " + sides[1]
                    + " r ON l.d <= r.d OR l.i > r.i"));
        }
    }
}
