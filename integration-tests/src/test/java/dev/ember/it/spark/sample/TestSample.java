package dev.ember.it.spark.sample;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sampling without replacement on the GPU selects exactly Spark's rows: the same sampler, seeded per
 * partition, one draw per row in order. Over ranges, local tables and Parquet files, under filters
 * and projections, with many batches per partition and fractions from 0 to 1; sampling with
 * replacement, and a sample over an operator whose GPU version may reorder rows, stay on the CPU.
 */
@ExtendWith(SparkSessionExtension.class)
class TestSample {
    @BeforeAll
    static void register(SparkSession spark) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("d", DataTypes.DoubleType, true).add("s", DataTypes.StringType, true)
                .add("m", DataTypes.createDecimalType(12, 3), true);
        List<Row> rows = new ArrayList<>();
        double[] doubles = {Double.NaN, -0.0, 0.0, 1.5, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < 700; i++) {
            rows.add(RowFactory.create(i, i % 9 == 0 ? null : doubles[i % doubles.length],
                    i % 7 == 0 ? null : "row " + i, i % 11 == 0 ? null : BigDecimal.valueOf(i * 37L - 5000, 3)));
        }
        spark.createDataFrame(rows, schema).repartition(5).createOrReplaceTempView("sample_src_shuffled");
        spark.createDataFrame(rows, schema).createOrReplaceTempView("sample_src");
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.batchSizeBytes", "1k")
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation");
    }

    @BothAdaptiveModes
    void rangesAtEveryFraction(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuSample");
        for (double fraction : new double[] {0.0, 0.001, 0.3, 0.5, 0.999, 1.0}) {
            for (long seed : new long[] {0, 42, -7, Long.MAX_VALUE}) {
                diff.assertGpuAndCpuEqual(s -> s.range(0, 5000, 1, 4).sample(false, fraction, seed).toDF());
            }
        }
    }

    @BothAdaptiveModes
    void localTablesUnderFiltersAndProjections(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuSample");
        diff.assertGpuAndCpuEqual(s -> s.table("sample_src").sample(0.25, 11).toDF());
        diff.assertGpuAndCpuEqual(s -> s.table("sample_src").filter("id % 3 <> 0").selectExpr("id", "d * 2 AS d2",
                "s", "m").sample(false, 0.6, 5).filter("d2 IS NOT NULL OR s IS NULL"));
        diff.assertGpuAndCpuEqual(s -> s.table("sample_src").filter("id > 10000").sample(0.5, 3).toDF());
    }

    @BothAdaptiveModes
    void parquetFiles(boolean adaptive, SparkSession spark) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ember-sample");
        String path = dir.resolve("t").toString();
        spark.table("sample_src").repartition(3).write().parquet(path);
        diff(spark, adaptive).expectGpu("GpuSample", "GpuFileSourceScan").assertGpuAndCpuEqual(
                s -> s.read().parquet(path).sample(0.4, 99).selectExpr("id", "s", "m"));
    }

    @BothAdaptiveModes
    void withReplacementStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).assertFallback(s -> s.range(0, 2000, 1, 3).sample(true, 0.5, 3).toDF(), "SampleExec",
                "sampling with replacement");
    }

    /** Fraction 1 keeps every row whatever the order, so the rows equal Spark's. */
    @BothAdaptiveModes
    void overAnAggregateStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).assertFallback(s -> s.table("sample_src").groupBy("s").count().sample(1.0, 3),
                "SampleExec", "depend on the row order of its input");
    }
}
