package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spark's sort and object hash aggregates replaced by the GPU hash aggregate (without the sort Spark
 * put under a sort aggregate), and the aggregate's output split into batches of the target size.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashAggregateReplacements {
    private static final int ROWS = 4000;

    @BeforeAll
    static void register(SparkSession spark) {
        Random random = new Random(17);
        List<Row> a = new ArrayList<>();
        List<Row> b = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            a.add(RowFactory.create(i % 300, i % 10 == 0 ? null : random.nextInt(1000) - 500,
                    i % 7 == 0 ? null : random.nextInt(100) / 4.0, i % 3000));
            if (i % 2 == 0) {
                b.add(RowFactory.create(i / 2 % 500, (long) random.nextInt(50)));
            }
        }
        spark.createDataFrame(a, new StructType().add("k", DataTypes.IntegerType, false)
                .add("v", DataTypes.IntegerType, true).add("w", DataTypes.DoubleType, true)
                .add("k3000", DataTypes.IntegerType, false)).createOrReplaceTempView("ra");
        spark.createDataFrame(b, new StructType().add("k", DataTypes.IntegerType, false)
                .add("x", DataTypes.LongType, true)).createOrReplaceTempView("rb");
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.sql.shuffle.partitions", "4")
                .conf("spark.sql.autoBroadcastJoinThreshold", "-1")
                .expectGpu("GpuHashAggregate");
    }

    private static long count(GpuDiff.Run run, String className) {
        return run.operators().stream().filter(o -> o.getClass().getSimpleName().equals(className)).count();
    }

    /**
     * With replaceHashWithSortAgg Spark turns the partial and final hash aggregates over a sort-merge
     * join (already sorted by the keys) into one sort aggregate; it runs on the GPU, and the only sorts
     * left are the join's (the join kept on the CPU here, its sorts on the GPU: a GPU join would need no
     * sorts at all).
     */
    @BothAdaptiveModes
    void sortAggregateOverASortedChild(boolean adaptive, SparkSession spark) {
        String sql = "SELECT ra.k, count(*), sum(v), max(x), avg(w) FROM ra JOIN rb ON ra.k = rb.k GROUP BY ra.k";
        GpuDiff diff = diff(spark, adaptive).conf("spark.sql.execution.replaceHashWithSortAgg", "true")
                .conf("spark.ember.sql.replaceSortMergeJoin", "false")
                .tolerance(1e-9).allowCpu("SortMergeJoinExec");
        GpuDiff.Run cpu = diff.run(s -> s.sql(sql), false);
        assertThat(count(cpu, "SortAggregateExec")).as("Spark's plan:\n%s", cpu.plan()).isEqualTo(1);
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(sql));
        assertThat(count(run, "SortAggregateExec")).as("plan:\n%s", run.plan()).isZero();
        assertThat(count(run, "GpuSortExec")).as("plan:\n%s", run.plan()).isEqualTo(2);
        assertThat(run.rows()).hasSize(300);
    }

    /**
     * Where an operator above uses the sort aggregate's ordering (a sort-merge join on its keys, for
     * which Spark then removed the sort, kept on the CPU here), the hash aggregate, which has no
     * ordering, cannot replace it.
     */
    @BothAdaptiveModes
    void sortAggregateWhoseOrderingIsUsedStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).conf("spark.sql.execution.replaceHashWithSortAgg", "true")
                .conf("spark.ember.sql.replaceSortMergeJoin", "false");
        diff.assertFallback(s -> s.sql("SELECT g.k, g.c, ra.v FROM (SELECT ra.k, count(*) AS c FROM ra JOIN rb "
                + "ON ra.k = rb.k GROUP BY ra.k) g JOIN ra ON g.k = ra.k"), "SortAggregateExec",
                "relies on its output ordering");
    }

    /**
     * Spark's test switch forceApplySortAggregate plans sort aggregates for every stage, each with a sort
     * by its keys below; on the GPU no sort is left.
     */
    @BothAdaptiveModes
    void sortAggregatesPlannedWithTheirSorts(boolean adaptive, SparkSession spark) {
        String previous = System.getProperty("spark.testing");
        System.setProperty("spark.testing", "true");
        try {
            GpuDiff diff = diff(spark, adaptive).conf("spark.sql.test.forceApplySortAggregate", "true")
                    .tolerance(1e-9);
            String sql = "SELECT k, count(*), sum(v), min(w), avg(v) FROM ra GROUP BY k";
            GpuDiff.Run cpu = diff.run(s -> s.sql(sql), false);
            assertThat(count(cpu, "SortAggregateExec")).as("Spark's plan:\n%s", cpu.plan()).isEqualTo(2);
            assertThat(count(cpu, "SortExec")).as("Spark's plan:\n%s", cpu.plan()).isEqualTo(2);
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(sql));
            assertThat(count(run, "GpuHashAggregateExec")).as("plan:\n%s", run.plan()).isEqualTo(2);
            // DISTINCT aggregates: four sort aggregates, four sorts, all gone.
            GpuDiff.Run distinct = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(DISTINCT v), sum(w) FROM ra "
                    + "GROUP BY k"));
            assertThat(count(distinct, "GpuHashAggregateExec")).as("plan:\n%s", distinct.plan()).isEqualTo(4);
            // A global aggregate needs no sort.
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT count(*), sum(v), avg(w) FROM ra"));
        } finally {
            if (previous == null) {
                System.clearProperty("spark.testing");
            } else {
                System.setProperty("spark.testing", previous);
            }
        }
    }

    @BothAdaptiveModes
    void objectHashAggregatesWithUnsupportedFunctionsStayOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        diff.assertFallback(s -> s.sql("SELECT k, collect_list(v), count(*) FROM ra GROUP BY k"),
                "ObjectHashAggregateExec", "aggregate function collect_list");
        diff.conf("spark.sql.execution.replaceHashWithSortAgg", "true")
                .assertFallback(s -> s.sql("SELECT ra.k, collect_set(v) FROM ra JOIN rb ON ra.k = rb.k GROUP BY ra.k"),
                        "SortAggregateExec", "aggregate function collect_set");
    }

    /**
     * A partition's result larger than spark.ember.sql.batchSizeBytes comes out in several batches of
     * about that size; within it, in one.
     */
    @BothAdaptiveModes
    void outputInBatchesOfTheTargetSize(boolean adaptive, SparkSession spark) {
        String sql = "SELECT k3000, count(*), sum(v), max(w) FROM ra GROUP BY k3000";
        GpuDiff.Run large = diff(spark, adaptive).assertGpuAndCpuEqual(s -> s.sql(sql));
        SparkPlan finalLarge = aggregates(large).get(0);
        assertThat(finalLarge.metrics().get("numOutputRows").get().value()).isEqualTo(3000);
        assertThat(finalLarge.metrics().get("numOutputBatches").get().value()).isBetween(1L, 4L);

        // 3000 groups of an int, two bigints and a double (28 bytes and 4 validity bits a row): about
        // 84k over 4 partitions, so about 21 batches of 4k.
        GpuDiff.Run small = diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "4k")
                .assertGpuAndCpuEqual(s -> s.sql(sql));
        SparkPlan finalSmall = aggregates(small).get(0);
        assertThat(finalSmall.metrics().get("numOutputRows").get().value()).isEqualTo(3000);
        assertThat(finalSmall.metrics().get("numOutputBatches").get().value()).isBetween(20L, 30L);
        // The partial stage splits too; its batches are merged again above the shuffle.
        assertThat(aggregates(small).get(1).metrics().get("numOutputBatches").get().value()).isGreaterThan(8L);

        // A consumer that stops early: the rest of the sliced output is released at the task's end.
        GpuDiff.Run limited = diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "1k")
                .allowCpu("CollectLimitExec")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k3000, count(*) FROM ra GROUP BY k3000 ORDER BY k3000 "
                        + "LIMIT 10"));
        assertThat(limited.rows()).hasSize(10);
    }

    private static List<SparkPlan> aggregates(GpuDiff.Run run) {
        return run.operators().stream().filter(o -> o.nodeName().equals("GpuHashAggregate")).toList();
    }
}
