package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.extension.ExtendWith;

/** Range, local tables, limits and union on the GPU against Spark, with adaptive execution off and on. */
@ExtendWith(SparkSessionExtension.class)
class TestGpuOperators {
    private static long metric(GpuDiff.Run run, String node, String metric) {
        SparkPlan p = run.operators().stream().filter(o -> o.nodeName().equals(node)).findFirst().orElseThrow();
        return p.metrics().get(metric).get().value();
    }

    @BothAdaptiveModes
    void ranges(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).ordered().expectGpu("GpuRange", "GpuColumnarToRow");
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.range(0, 1000, 3, 3).toDF());
        assertThat(metric(run, "GpuRange", "numOutputRows")).isEqualTo(334);
        assertThat(metric(run, "GpuColumnarToRow", "bytesToHost")).isEqualTo(334 * 8);
        diff.assertGpuAndCpuEqual(s -> s.range(100, -100, -7, 2).toDF());
        diff.assertGpuAndCpuEqual(s -> s.range(5, 7, 1, 4).toDF());
        diff.assertGpuAndCpuEqual(s -> s.range(Long.MAX_VALUE - 10, Long.MAX_VALUE, 3, 2).toDF());
        GpuDiff.of(spark).adaptive(adaptive).ordered().expectGpu("GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.range(10, 10).toDF());
    }

    @BothAdaptiveModes
    void rangeInManyBatches(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).ordered().conf("spark.ember.sql.batchSizeBytes", "1k")
                .expectGpu("GpuRange").assertGpuAndCpuEqual(s -> s.range(0, 5000, 1, 2).toDF());
        assertThat(metric(run, "GpuRange", "numOutputBatches")).as("128 rows per batch").isEqualTo(40);
    }

    @BothAdaptiveModes
    void localTablesOfEveryType(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuLocalTableScan", "GpuColumnarToRow");
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> RandomRows.table(s, RandomRows.ALL_TYPES, 700, 1));
        assertThat(metric(run, "GpuLocalTableScan", "numOutputRows")).isEqualTo(700);
        assertThat(metric(run, "GpuLocalTableScan", "bytesToDevice")).isPositive();
        diff.assertGpuAndCpuEqual(s -> RandomRows.table(s, RandomRows.ALL_TYPES, 1, 2));
        diff.assertGpuAndCpuEqual(s -> RandomRows.table(s, RandomRows.ALL_TYPES, 0, 3));
        diff.conf("spark.ember.sql.batchSizeBytes", "1k")
                .assertGpuAndCpuEqual(s -> RandomRows.table(s, RandomRows.ALL_TYPES, 900, 4));
    }

    @BothAdaptiveModes
    void localAndGlobalLimits(boolean adaptive, SparkSession spark) {
        // The global limit's single-partition exchange runs on the GPU between the two limits.
        GpuDiff.of(spark).adaptive(adaptive)
                .expectGpu("GpuLocalLimit", "GpuGlobalLimit", "GpuUnion", "GpuShuffleExchange")
                .assertGpuAndCpuEqual(s -> s.range(0, 1000, 1, 4).toDF().limit(10).union(s.range(3).toDF()));
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive)
                .expectGpu("GpuGlobalLimit", "GpuUnion", "GpuShuffleExchange");
        diff.assertGpuAndCpuEqual(s -> s.sql(
                "(SELECT id FROM range(0, 100, 1, 3) LIMIT 10 OFFSET 3) UNION ALL (SELECT id FROM range(4))"));
        // 128-row batches: the limits slice inside batches and stop after the batch that completes them.
        GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.ember.sql.batchSizeBytes", "1k")
                .expectGpu("GpuLocalLimit", "GpuGlobalLimit", "GpuUnion", "GpuShuffleExchange")
                .assertGpuAndCpuEqual(s -> s.range(0, 3000, 1, 3).toDF().limit(1001).union(s.range(0, 10).toDF()));
    }

    @BothAdaptiveModes
    void unions(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuUnion", "GpuLocalTableScan");
        diff.assertGpuAndCpuEqual(s -> RandomRows.table(s, RandomRows.ALL_TYPES, 300, 6)
                .union(RandomRows.table(s, RandomRows.ALL_TYPES, 5, 7))
                .union(RandomRows.table(s, RandomRows.ALL_TYPES, 0, 8)));
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).ordered().expectGpu("GpuUnion", "GpuRange")
                .assertGpuAndCpuEqual(s -> s.range(0, 50, 1, 2).toDF().union(s.range(-5, 0).toDF()));
        assertThat(metric(run, "GpuUnion", "numOutputRows")).isEqualTo(55);
        List<String> names = run.nodeNames();
        assertThat(names).containsOnlyOnce("GpuColumnarToRow");
    }
}
