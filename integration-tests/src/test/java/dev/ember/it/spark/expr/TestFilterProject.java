package dev.ember.it.spark.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter and projection operators themselves: fusion, pass-through, empty and one-row partitions,
 * many batches, metrics, long IN lists planned as InSet, and the Parquet acceptance query.
 */
@ExtendWith(SparkSessionExtension.class)
class TestFilterProject {
    @BeforeAll
    static void register(SparkSession spark) {
        ExprTables.t(spark);
    }

    private static SparkPlan node(GpuDiff.Run run, String name) {
        return run.operators().stream().filter(o -> o.nodeName().equals(name)).findFirst().orElseThrow();
    }

    private static long metric(GpuDiff.Run run, String node, String metric) {
        return node(run, node).metrics().get(metric).get().value();
    }

    @BothAdaptiveModes
    void filterAloneKeepsEveryColumn(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).expectGpu("GpuFilter", "GpuLocalTableScan")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM t WHERE i32a > i32b OR f64a IS NULL"));
        assertThat(run.nodeNames()).doesNotContain("GpuProject", "GpuFilterProject");
        long expected = spark.sql("SELECT * FROM t WHERE i32a > i32b OR f64a IS NULL").count();
        assertThat(metric(run, "GpuFilter", "numOutputRows")).isEqualTo(expected);
        assertThat(metric(run, "GpuFilter", "numOutputBatches")).as("many 4k batches").isGreaterThan(3);
    }

    @BothAdaptiveModes
    void projectionOverFilterIsFused(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).expectGpu("GpuFilterProject")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT i64a * 2 AS x, da, f32a FROM t WHERE ba"));
        assertThat(run.nodeNames()).doesNotContain("GpuFilter", "GpuProject");
        assertThat(metric(run, "GpuFilterProject", "numOutputRows"))
                .isEqualTo(spark.sql("SELECT * FROM t WHERE ba").count());
    }

    @BothAdaptiveModes
    void filtersThatKeepEveryRowOrNone(boolean adaptive, SparkSession spark) {
        GpuDiff diff = ExprTables.diff(spark, adaptive).expectGpu("GpuFilterProject");
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT i8a + 1 AS x, db FROM t WHERE i64a IS NULL OR i64a IS NOT NULL"));
        GpuDiff.Run none = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT i8a + 1 AS x, db FROM t WHERE f64a = 12345.678"));
        assertThat(none.rows()).isEmpty();
        assertThat(metric(none, "GpuFilterProject", "numOutputBatches")).as("empty results are dropped").isZero();
    }

    @BothAdaptiveModes
    void passThroughOnlyAndLiteralOnlyProjections(boolean adaptive, SparkSession spark) {
        GpuDiff diff = ExprTables.diff(spark, adaptive).expectGpu("GpuProject");
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT db, i16a AS renamed, ba FROM t"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT 1 AS one, CAST(NULL AS DOUBLE) AS n, DATE'2024-02-29' AS d, "
                + "i32a FROM t"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT i32a + 1 AS x, i32a + 1 AS y, (i32a + 1) * 2 AS z FROM t"));
    }

    @BothAdaptiveModes
    void emptyAndOneRowPartitions(boolean adaptive, SparkSession spark) {
        // range(0, 5, 1, 8): three empty partitions and five of one row each.
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuRange", "GpuFilterProject");
        diff.assertGpuAndCpuEqual(s -> s.range(0, 5, 1, 8).selectExpr("id", "CAST(id AS INT) AS i",
                "CAST(id AS DOUBLE) / 2 AS h").filter("i % 2 = 0").selectExpr("i * 3 AS x", "h"));
        GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuRange", "GpuProject")
                .assertGpuAndCpuEqual(s -> s.range(0, 1, 1, 3).selectExpr("id * 2 AS x", "-id AS y"));
        GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuRange", "GpuFilter")
                .assertGpuAndCpuEqual(s -> s.range(0, 3, 1, 6).toDF().filter("id > 0"));
    }

    @BothAdaptiveModes
    void rangesInManySmallBatches(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.batchSizeBytes", "1k")
                .expectGpu("GpuRange", "GpuFilterProject")
                .assertGpuAndCpuEqual(s -> s.range(0, 10_000, 1, 3).filter("id % 7 = 3 OR id % 1000 = 0")
                        .selectExpr("id", "id * id AS sq", "CAST(id AS FLOAT) / 3 AS f"));
        assertThat(metric(run, "GpuFilterProject", "numOutputRows")).isEqualTo(1429 + 9);
    }

    @BothAdaptiveModes
    void longInListsArePlannedAsInSet(boolean adaptive, SparkSession spark) {
        String sql = "SELECT i32a FROM t WHERE f64a IN (double('NaN'), double('-0.0'), 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, "
                + "7.5, 8.5, 9.5, 10.5)";
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).expectGpu("GpuFilterProject")
                .assertGpuAndCpuEqual(s -> s.sql(sql));
        assertThat(node(run, "GpuFilterProject").toString()).contains("INSET");
        assertThat(run.rows()).as("NaN and 0.0 rows match").isNotEmpty();
    }

    /** The acceptance query: a Parquet file scanned, filtered and projected, all on the GPU. */
    @BothAdaptiveModes
    void parquetFilterAndProject(boolean adaptive, SparkSession spark, @TempDir Path dir) throws IOException {
        StructType schema = new StructType().add("a", DataTypes.IntegerType).add("b", DataTypes.LongType)
                .add("c", DataTypes.DoubleType).add("d", DataTypes.DateType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            rows.add(RowFactory.create(i % 11 == 0 ? null : i % 13, i % 5 == 0 ? null : (long) i * 1_000_003L,
                    i % 17 == 0 ? Double.NaN : i * 0.25, i % 7 == 0 ? null : Date.valueOf(
                            java.time.LocalDate.ofEpochDay(i * 37L - 20_000))));
        }
        String path = dir.resolve("acceptance.parquet").toString();
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
        assertThat(Files.list(Path.of(path)).filter(p -> p.toString().endsWith(".parquet")).count()).isEqualTo(3);
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive)
                .expectGpu("GpuFileSourceScan", "GpuFilterProject", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.read().parquet(path).filter("a > 5 AND b IS NOT NULL")
                        .selectExpr("a + b", "c * 2.0", "year(d)"));
        assertThat(run.rows()).isNotEmpty();
        System.out.println("[acceptance plan]\n" + run.plan().treeString());
    }
}
