package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU Parquet scan against Spark's: every type with its specials, on- and off-heap reader vectors,
 * dictionary and plain pages, many files and reader batches, partition columns, empty files,
 * partition pruning (static and dynamic), pushed filters, and the fallbacks.
 */
@ExtendWith(SparkSessionExtension.class)
class TestParquetScan {
    /** Every device type, plus a decimal the reader keeps in ints. */
    private static final StructType TYPES = RandomRows.ALL_TYPES.add("dec5", DataTypes.createDecimalType(5, 2), true);

    private static SparkPlan node(GpuDiff.Run run, String name) {
        return run.operators().stream().filter(o -> o.nodeName().equals(name)).findFirst().orElseThrow();
    }

    private static long metric(GpuDiff.Run run, String node, String metric) {
        return node(run, node).metrics().get(metric).get().value();
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuFileSourceScan", "GpuColumnarToRow");
    }

    @BothAdaptiveModes
    void everyTypeInManyFilesAndBatches(boolean adaptive, SparkSession spark, @TempDir Path dir) {
        String dictionary = dir.resolve("dictionary").toString();
        String plain = dir.resolve("plain").toString();
        RandomRows.table(spark, TYPES, 3000, 31).repartition(5).write().parquet(dictionary);
        RandomRows.table(spark, TYPES, 2000, 32).repartition(3).write().option("parquet.enable.dictionary", "false")
                .parquet(plain);
        for (String offHeap : new String[] {"false", "true"}) {
            // 100-row reader batches, concatenated into device batches of about 8 KiB (~100 rows).
            GpuDiff d = diff(spark, adaptive).conf("spark.sql.columnVector.offheap.enabled", offHeap)
                    .conf("spark.sql.parquet.columnarReaderBatchSize", "100")
                    .conf("spark.ember.sql.batchSizeBytes", "8k");
            GpuDiff.Run run = d.assertGpuAndCpuEqual(s -> s.read().parquet(dictionary));
            assertThat(run.nodeNames()).doesNotContain("HostColumnarToGpu", "GpuCoalesceBatches");
            assertThat(metric(run, "GpuFileSourceScan", "numOutputRows")).isEqualTo(3000);
            assertThat(metric(run, "GpuFileSourceScan", "numFiles")).isEqualTo(5);
            assertThat(metric(run, "GpuFileSourceScan", "numOutputBatches")).isBetween(20L, 40L);
            // 88 value bytes per row of these types, plus the bitmaps of columns with nulls.
            assertThat(metric(run, "GpuFileSourceScan", "bytesToDevice")).isGreaterThan(3000L * 88);
            d.assertGpuAndCpuEqual(s -> s.read().parquet(plain));
            // Large device batches: a whole file's reader batches in one copy.
            diff(spark, adaptive).conf("spark.sql.columnVector.offheap.enabled", offHeap)
                    .assertGpuAndCpuEqual(s -> s.read().parquet(plain).union(s.read().parquet(dictionary)));
        }
    }

    @BothAdaptiveModes
    void partitionColumnsAndPartitionPruning(boolean adaptive, SparkSession spark, @TempDir Path dir) {
        String path = dir.resolve("partitioned").toString();
        RandomRows.table(spark, TYPES, 1500, 41)
                .selectExpr("*", "CAST(abs(hash(i32)) % 3 AS INT) AS p", "CAST(IF(i64 > 0, NULL, DATE'2024-02-29') AS DATE) AS day")
                .write().partitionBy("p", "day").parquet(path);
        for (String offHeap : new String[] {"false", "true"}) {
            GpuDiff d = diff(spark, adaptive).conf("spark.sql.columnVector.offheap.enabled", offHeap)
                    .conf("spark.sql.parquet.columnarReaderBatchSize", "64");
            GpuDiff.Run all = d.assertGpuAndCpuEqual(s -> s.read().parquet(path));
            GpuDiff.Run pruned = d.assertGpuAndCpuEqual(s -> s.read().parquet(path).where("p = 1 AND day IS NULL"));
            assertThat(node(pruned, "GpuFileSourceScan").simpleString(100))
                    .startsWith("GpuFileSourceScan parquet").contains("PartitionFilters: [isnotnull(p", "(p#");
            assertThat(metric(pruned, "GpuFileSourceScan", "numFiles")).isPositive()
                    .isLessThan(metric(all, "GpuFileSourceScan", "numFiles"));
            assertThat(metric(pruned, "GpuFileSourceScan", "numOutputRows"))
                    .isLessThan(metric(all, "GpuFileSourceScan", "numOutputRows"));
            d.assertGpuAndCpuEqual(s -> s.read().parquet(path).select("p", "day"));
        }
    }

    @BothAdaptiveModes
    void emptyFiles(boolean adaptive, SparkSession spark, @TempDir Path dir) {
        String empty = dir.resolve("empty").toString();
        String mixed = dir.resolve("mixed").toString();
        RandomRows.table(spark, TYPES, 0, 51).write().parquet(empty);
        RandomRows.table(spark, TYPES, 0, 52).write().parquet(mixed);
        RandomRows.table(spark, TYPES, 7, 53).write().mode("append").parquet(mixed);
        GpuDiff.Run run = diff(spark, adaptive).assertGpuAndCpuEqual(s -> s.read().parquet(empty));
        assertThat(metric(run, "GpuFileSourceScan", "numOutputBatches")).isZero();
        run = diff(spark, adaptive).assertGpuAndCpuEqual(s -> s.read().parquet(mixed));
        assertThat(metric(run, "GpuFileSourceScan", "numOutputRows")).isEqualTo(7);
    }

    @BothAdaptiveModes
    void pushedFiltersBelowACpuFilter(boolean adaptive, SparkSession spark, @TempDir Path dir) {
        String path = dir.resolve("filtered").toString();
        RandomRows.table(spark, TYPES, 2000, 61).write().parquet(path);
        GpuDiff.Run run = diff(spark, adaptive).allowCpu("FilterExec")
                .assertGpuAndCpuEqual(s -> s.read().parquet(path).where("i32 > 0 AND f64 < 1.0"));
        assertThat(node(run, "GpuFileSourceScan").simpleString(100))
                .contains("PushedFilters: [IsNotNull(i32), IsNotNull(f64), GreaterThan(i32,0), LessThan(f64,1.0)]");
    }

    @BothAdaptiveModes
    void dynamicPartitionPruning(boolean adaptive, SparkSession spark, @TempDir Path dir) {
        String fact = dir.resolve("fact").toString();
        String dim = dir.resolve("dim").toString();
        spark.range(0, 4000, 1, 4).selectExpr("id", "id * 0.5 AS v", "CAST(id % 10 AS INT) AS p")
                .write().partitionBy("p").parquet(fact);
        spark.range(0, 10).selectExpr("CAST(id AS INT) AS p", "id * 3 AS w").write().parquet(dim);
        GpuDiff d = diff(spark, adaptive).conf("spark.sql.optimizer.dynamicPartitionPruning.reuseBroadcastOnly", "false")
                .allowCpu("BroadcastHashJoinExec", "BroadcastExchangeExec", "FilterExec", "ProjectExec",
                        "ColumnarToRowExec", "ShuffleExchangeExec", "BroadcastQueryStageExec", "SortMergeJoinExec",
                        "SortExec", "ReusedExchangeExec");
        GpuDiff.Run run = d.assertGpuAndCpuEqual(s -> s.read().parquet(fact).join(
                s.read().parquet(dim).where("w < 9"), "p"));
        SparkPlan factScan = run.operators().stream()
                .filter(o -> o.nodeName().equals("GpuFileSourceScan") && o.simpleString(100).contains("fact"))
                .findFirst().orElseThrow();
        assertThat(factScan.simpleString(100)).contains("dynamicpruningexpression");
        assertThat(factScan.metrics().get("numFiles").get().value()).as("files of the 3 partitions left")
                .isLessThanOrEqualTo(3 * 4);
    }

    @BothAdaptiveModes
    void fallbacks(boolean adaptive, SparkSession spark, @TempDir Path dir) {
        String path = dir.resolve("fallback").toString();
        RandomRows.table(spark, TYPES, 300, 71).selectExpr("*", "CAST(CAST(i32 AS STRING) AS BINARY) AS s").write().parquet(path);
        GpuDiff.of(spark).adaptive(adaptive).conf("spark.sql.parquet.enableVectorizedReader", "false")
                .assertFallback(s -> s.read().parquet(path).drop("s"), "FileSourceScanExec",
                        "spark.sql.parquet.enableVectorizedReader=false");
        GpuDiff.of(spark).adaptive(adaptive).assertFallback(s -> s.read().parquet(path), "FileSourceScanExec",
                "output column s: type binary is not supported on the GPU");
        String csv = dir.resolve("csv").toString();
        Dataset<Row> numbers = spark.range(0, 50).selectExpr("id", "id * 2 AS twice");
        numbers.write().csv(csv);
        GpuDiff.of(spark).adaptive(adaptive)
                .assertFallback(s -> s.read().schema("id BIGINT, twice BIGINT").csv(csv), "FileSourceScanExec",
                        "it reads CSV files: only Parquet files are read");
    }
}
