package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.columnar.InMemoryRelation;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Cached relations ({@code df.cache()}) read on the GPU: Spark's in-memory scan decodes the cached
 * batches (and prunes them by their statistics) on the CPU, {@code GpuInMemoryTableScan} copies its
 * column batches to the device.
 */
@org.junit.jupiter.api.extension.ExtendWith(SparkSessionExtension.class)
class TestInMemoryTableScan {
    /** The types Spark's default cache serializer decodes into column batches. */
    private static final StructType COLUMNAR = new StructType(Arrays.stream(RandomRows.ALL_TYPES.fields())
            .filter(f -> List.of("b", "i8", "i16", "i32", "i64", "f32", "f64").contains(f.name()))
            .toArray(StructField[]::new));

    private static SparkPlan node(GpuDiff.Run run, String name) {
        return run.operators().stream().filter(o -> o.nodeName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in\n" + run.plan()));
    }

    private static long metric(GpuDiff.Run run, String node, String metric) {
        return node(run, node).metrics().get(metric).get().value();
    }

    /** Caches {@code df} in cached batches of {@code batchRows} rows, planning the cached plan with Ember on or off. */
    private static Dataset<Row> cache(SparkSession spark, Dataset<Row> df, int batchRows, boolean emberBuilds) {
        String[] keys = {"spark.sql.inMemoryColumnarStorage.batchSize", "spark.ember.sql.enabled"};
        String[] values = {String.valueOf(batchRows), String.valueOf(emberBuilds)};
        String[] previous = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            previous[i] = spark.conf().contains(keys[i]) ? spark.conf().get(keys[i]) : null;
            spark.conf().set(keys[i], values[i]);
        }
        try {
            Dataset<Row> cached = df.cache();
            cached.count();
            return cached;
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (previous[i] == null) {
                    spark.conf().unset(keys[i]);
                } else {
                    spark.conf().set(keys[i], previous[i]);
                }
            }
        }
    }

    private static SparkPlan cachedPlan(SparkSession spark, Dataset<Row> cached) {
        return ((InMemoryRelation) spark.sharedState().cacheManager().lookupCachedData(cached).get()
                .cachedRepresentation()).cacheBuilder().cachedPlan();
    }

    /** Expected GPU operators accumulate in a diff: one diff per query. */
    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.batchSizeBytes", "64k");
    }

    @BothAdaptiveModes
    void everyColumnarTypeUnderFilterAndProject(boolean adaptive, SparkSession spark) {
        Dataset<Row> cached = cache(spark, RandomRows.table(spark, COLUMNAR, 6000, 5).repartition(3), 500, false);
        try {
            GpuDiff.Run all = diff(spark, adaptive).expectGpu("GpuInMemoryTableScan", "GpuFilter")
                    .assertGpuAndCpuEqual(s -> cached.filter("i32 IS NULL OR i32 IS NOT NULL OR b"));
            assertThat(all.rows()).hasSize(6000);
            assertThat(metric(all, "GpuInMemoryTableScan", "numOutputRows")).isEqualTo(6000);
            assertThat(metric(all, "GpuInMemoryTableScan", "bytesToDevice")).as("28 data bytes a row")
                    .isGreaterThanOrEqualTo(6000L * 28);
            assertThat(metric(all, "GpuInMemoryTableScan", "numOutputBatches")).as("12 cached batches concatenated")
                    .isBetween(3L, 11L);
            assertThat(all.nodeNames()).doesNotContain("HostColumnarToGpu", "GpuRowToColumnar");
            assertThat(all.nodeNames()).doesNotContain("GpuFilterProject");
            GpuDiff.Run fp = diff(spark, adaptive).expectGpu("GpuInMemoryTableScan", "GpuFilterProject")
                    .assertGpuAndCpuEqual(s -> cached.filter("f64 > 0 OR f32 IS NULL OR i8 < 0")
                            .selectExpr("i64 + 1 AS x", "f32", "f64 * 2 AS y", "b", "i16"));
            assertThat(fp.rows()).isNotEmpty();
            assertThat(node(fp, "GpuInMemoryTableScan").simpleString(25)).startsWith("GpuInMemoryTableScan [");
        } finally {
            cached.unpersist(true);
        }
    }

    @BothAdaptiveModes
    void cachedBatchStatisticsStillPruneBatches(boolean adaptive, SparkSession spark) {
        Dataset<Row> cached = cache(spark, spark.range(0, 10_000, 1, 10).selectExpr("id", "id * 2 AS twice"), 100,
                false);
        try {
            GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuInMemoryTableScan", "GpuFilter")
                    .assertGpuAndCpuEqual(s -> cached.filter("id < 250"));
            assertThat(run.rows()).hasSize(250);
            // Partition 0 holds ids 0..999 in batches of 100; only the first three can hold an id below 250.
            assertThat(metric(run, "GpuInMemoryTableScan", "numOutputRows")).isEqualTo(300);
        } finally {
            cached.unpersist(true);
        }
    }

    @BothAdaptiveModes
    void cacheOfAGpuPlanReadOnTheGpu(boolean adaptive, SparkSession spark) {
        Function<SparkSession, Dataset<Row>> source = s -> s.range(0, 3000, 1, 4)
                .selectExpr("id", "CAST(id % 7 AS INT) AS m", "CAST(id AS DOUBLE) / 4 AS q")
                .filter("m <> 3");
        Dataset<Row> cached = cache(spark, source.apply(spark), 256, true);
        try {
            assertThat(cachedPlan(spark, cached).toString()).contains("GpuRange");
            Function<Dataset<Row>, Dataset<Row>> query = d -> d.filter("q > 100").selectExpr("id * 3 AS x", "m");
            GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuInMemoryTableScan", "GpuFilterProject");
            GpuDiff.Run gpu = diff.assertGpuAndCpuEqual(s -> query.apply(cached));
            // Against Spark computing the same query without the cache and without Ember.
            List<String> expected = diff.run(s -> query.apply(source.apply(s)), false).rows().stream()
                    .map(Row::toString).sorted().toList();
            assertThat(gpu.rows().stream().map(Row::toString).sorted().toList()).isEqualTo(expected);
        } finally {
            cached.unpersist(true);
        }
    }

    @BothAdaptiveModes
    void cachesSparkReadsAsRowsFallBackWithTheReason(boolean adaptive, SparkSession spark) {
        Dataset<Row> strings = cache(spark, RandomRows.table(spark, COLUMNAR, 500, 9)
                .selectExpr("*", "CAST(i32 AS STRING) AS s"), 100, false);
        try {
            GpuDiff.of(spark).adaptive(adaptive).allowCpu("InMemoryTableScanExec", "TableCacheQueryStageExec")
                    .assertFallback(s -> strings.filter("i64 > 0").select("i64", "f64"), "InMemoryTableScanExec",
                            "Spark's cache serializer returns rows, not column batches, for a cached relation with "
                                    + "column(s) s string");
        } finally {
            strings.unpersist(true);
        }
        StructType dated = new StructType().add("i", DataTypes.IntegerType).add("d", DataTypes.DateType);
        Dataset<Row> dates = cache(spark, RandomRows.table(spark, dated, 300, 10), 100, false);
        try {
            GpuDiff.of(spark).adaptive(adaptive).assertFallback(s -> dates.filter("i > 0"), "InMemoryTableScanExec",
                    "column(s) d date");
        } finally {
            dates.unpersist(true);
        }
    }

    @BothAdaptiveModes
    void scanAloneStaysOnTheCpuAndUnpersistReadsTheSourceAgain(boolean adaptive, SparkSession spark) {
        Dataset<Row> cached = cache(spark, RandomRows.table(spark, COLUMNAR, 400, 11), 100, false);
        GpuDiff.of(spark).adaptive(adaptive).assertFallback(s -> cached.select("*"), "InMemoryTableScanExec",
                "its parent and children stay on the CPU");
        cached.unpersist(true);
        GpuDiff.Run after = GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .expectGpu("GpuLocalTableScan", "GpuFilter").assertGpuAndCpuEqual(s -> cached.filter("i32 > 0"));
        assertThat(after.nodeNames()).doesNotContain("GpuInMemoryTableScan", "InMemoryTableScan");
    }
}
