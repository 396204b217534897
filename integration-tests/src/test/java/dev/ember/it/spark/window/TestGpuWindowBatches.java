package dev.ember.it.spark.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Window partition groups spanning many 1k batches (the last group of each batch carried over to the
 * next), no partition spec (the whole input one group), empty and single-row partitions, and long
 * string partition keys.
 */
@ExtendWith(SparkSessionExtension.class)
class TestGpuWindowBatches {
    static GpuDiff smallBatches(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive).tolerance(1e-9).conf("spark.ember.sql.batchSizeBytes", "1k")
                .expectGpu("GpuWindow", "GpuSort");
    }

    @BothAdaptiveModes
    void groupsSpanningBatches(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = smallBatches(spark, adaptive).assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 3000, 4, 21, 2).createOrReplaceTempView("w");
            return s.sql("SELECT id, k, v, row_number() OVER (PARTITION BY k ORDER BY id) AS rn, "
                    + "rank() OVER (PARTITION BY k ORDER BY v) AS r, sum(v) OVER (PARTITION BY k ORDER BY id) AS rs, "
                    + "avg(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS ma, "
                    + "count(*) OVER (PARTITION BY k) AS c, lag(s, 2) OVER (PARTITION BY k ORDER BY id) AS lg, "
                    + "sum(l) OVER (PARTITION BY k ORDER BY v RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS rg FROM w");
        });
        // One window operator per spec, each with every row.
        run.operators().stream().filter(o -> o.nodeName().equals("GpuWindow")).forEach(
                o -> assertThat(o.metrics().get("numOutputRows").get().value()).isEqualTo(3000));
        // Many small groups: most batches hold several complete groups and carry one.
        smallBatches(spark, adaptive).assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 2000, 300, 22, 3).createOrReplaceTempView("w");
            return s.sql("SELECT id, ks, dense_rank() OVER (PARTITION BY ks ORDER BY v) AS dr, "
                    + "lead(v, 1, -1) OVER (PARTITION BY ks ORDER BY id) AS ld, "
                    + "max(dt) OVER (PARTITION BY ks ORDER BY id ROWS 1 PRECEDING) AS md FROM w");
        });
    }

    @BothAdaptiveModes
    void noPartitionSpec(boolean adaptive, SparkSession spark) {
        // One partition group: the whole input in one task.
        smallBatches(spark, adaptive).assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 1500, 4, 23, 3).createOrReplaceTempView("w");
            return s.sql("SELECT id, v, row_number() OVER (ORDER BY id) AS rn, sum(v) OVER (ORDER BY id) AS rs, "
                    + "ntile(7) OVER (ORDER BY id) AS nt, cume_dist() OVER (ORDER BY v) AS cd, "
                    + "lag(dt) OVER (ORDER BY id) AS pd FROM w");
        });
        // Neither partition nor order: every row's frame is the whole input, and nothing is sorted.
        GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.batchSizeBytes", "1k").expectGpu("GpuWindow").assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 800, 4, 24, 3).createOrReplaceTempView("w");
            return s.sql("SELECT id, count(*) OVER () AS c, sum(l) OVER () AS sl, min(x) OVER () AS mx FROM w");
        });
    }

    @BothAdaptiveModes
    void tinyAndEmptyPartitions(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuWindow");
        // Single-row partition groups (unique keys) and tasks without rows.
        diff.assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 40, 4, 25, 8).createOrReplaceTempView("w");
            return s.sql("SELECT id, rank() OVER (PARTITION BY id ORDER BY v) AS r, percent_rank() OVER (PARTITION "
                    + "BY id ORDER BY v) AS pr, lag(v) OVER (PARTITION BY id ORDER BY v) AS lg, "
                    + "sum(x) OVER (PARTITION BY id ORDER BY v ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS sx FROM w");
        });
        // Three partition keys and null over 16 shuffle partitions: most tasks have no rows.
        diff.conf("spark.sql.shuffle.partitions", "16").assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 30, 3, 26, 2).createOrReplaceTempView("w");
            return s.sql("SELECT id, row_number() OVER (PARTITION BY k ORDER BY id) AS rn, "
                    + "sum(v) OVER (PARTITION BY k) AS sv FROM w");
        });
    }
}
