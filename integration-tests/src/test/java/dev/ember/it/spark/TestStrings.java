package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * STRING columns through every GPU operator and transition, against Spark: random ASCII and 2-, 3-
 * and 4-byte UTF-8, empty strings, nulls and a row of more than 1 MiB; scans (local table, Parquet
 * on- and off-heap, host batches through the transition), filters and projections with string
 * comparisons and IN, limits, unions and coalescing. The session lowers the string byte limit of a
 * device batch to 64 KiB, so batches are split (and not concatenated) at it, and the 1 MiB row is a
 * batch of its own.
 */
@ExtendWith(SparkSessionExtension.class)
@SparkSessionExtension.Conf("spark.ember.sql.stringBatchMaxBytes=64k")
class TestStrings {
    static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType, false)
            .add("a", DataTypes.StringType, true).add("b", DataTypes.StringType, true);
    private static final List<String> COMMON = List.of("", "abc", "é", "日本", "𝄞", "abd", "ab", "zzz");
    private static Path dir;

    /** A random string: null, empty, a common value (so comparisons find equal rows) or 1- to 4-byte code points. */
    static String randomString(Random r) {
        int kind = r.nextInt(40);
        if (kind < 5) {
            return null;
        }
        if (kind < 15) {
            return COMMON.get(r.nextInt(COMMON.size()));
        }
        StringBuilder b = new StringBuilder();
        int length = r.nextInt(kind < 38 ? 10 : 300);
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(5)) {
                case 0 -> b.appendCodePoint(0x80 + r.nextInt(0x780));
                case 1 -> b.appendCodePoint(0x800 + r.nextInt(0xD000 - 0x800));
                case 2 -> b.appendCodePoint(0x10000 + r.nextInt(0x10000));
                default -> b.append((char) ('a' + r.nextInt(26)));
            }
        }
        return b.toString();
    }

    static List<Row> rows(int n, long seed) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create(i, randomString(r), randomString(r)));
        }
        return rows;
    }

    @BeforeAll
    static void register(SparkSession spark) throws Exception {
        List<Row> rows = rows(3000, 17);
        rows.set(1234, RowFactory.create(1234, "ü".repeat(600_000), "long"));
        spark.createDataFrame(rows, SCHEMA).createOrReplaceTempView("s");
        dir = Files.createTempDirectory("ember-strings");
        spark.createDataFrame(rows, SCHEMA).repartition(3).write().parquet(dir.resolve("dict").toString());
        spark.createDataFrame(rows, SCHEMA).repartition(2).write().option("parquet.enable.dictionary", "false")
                .parquet(dir.resolve("plain").toString());
    }

    @AfterAll
    static void clean() throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Filters and projections stay operators over the local table, in many small batches. */
    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "16k");
    }

    private static long metric(GpuDiff.Run run, String node, String metric) {
        return run.operators().stream().filter(o -> o.nodeName().equals(node)).findFirst().orElseThrow()
                .metrics().get(metric).get().value();
    }

    @BothAdaptiveModes
    void localTableRowsToTheDeviceAndBack(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = diff(spark, adaptive).expectGpu("GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.table("s"));
        assertThat(run.rows()).hasSize(3000);
        assertThat(run.rows()).anyMatch(r -> r.getString(1) != null && r.getString(1).length() == 600_000);
        // The 1.2 MB row passes the 64 KiB limit alone; the other rows (~150 KB) split too.
        assertThat(metric(run, "GpuLocalTableScan", "numOutputBatches")).isGreaterThan(4);
    }

    @BothAdaptiveModes
    void parquetScansOnAndOffHeap(boolean adaptive, SparkSession spark) {
        for (String offHeap : new String[] {"false", "true"}) {
            for (String table : new String[] {"dict", "plain"}) {
                String path = dir.resolve(table).toString();
                GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive)
                        .conf("spark.sql.columnVector.offheap.enabled", offHeap)
                        .conf("spark.sql.parquet.columnarReaderBatchSize", "100")
                        .expectGpu("GpuFileSourceScan", "GpuColumnarToRow")
                        .assertGpuAndCpuEqual(s -> s.read().parquet(path));
                assertThat(metric(run, "GpuFileSourceScan", "numOutputRows")).isEqualTo(3000);
            }
        }
    }

    @BothAdaptiveModes
    void stringComparisonsInFilters(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuFilter", "GpuLocalTableScan");
        for (String condition : List.of("a = b", "a <> b", "a < b", "a <= b", "a > b", "a >= b", "a <=> b",
                "NOT (a <=> b)", "a = 'abc'", "a <> 'abc'", "'日本' < a", "a >= '𝄞'", "a > ''", "a <= 'é'",
                "a <=> 'abc'", "a <=> NULL", "a IS NULL", "a IS NOT NULL OR b = ''",
                "a IN ('', 'abc', '日本')", "a IN ('ab', NULL)", "NOT a IN ('zzz', 'é')",
                "a = 'abc' AND b > a OR id < 3")) {
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM s WHERE " + condition));
        }
    }

    @BothAdaptiveModes
    void longInListsArePlannedAsInSet(boolean adaptive, SparkSession spark) {
        StringBuilder list = new StringBuilder("'abc'");
        for (int i = 0; i < 30; i++) {
            list.append(", 'v").append(i).append('\'');
        }
        diff(spark, adaptive).expectGpu("GpuFilter").conf("spark.sql.optimizer.inSetConversionThreshold", "5")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM s WHERE a IN (" + list + ", '日本')"));
    }

    @BothAdaptiveModes
    void projectionsPassStringsAndCompareThem(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).expectGpu("GpuFilterProject")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT b, id * 2 AS x, a < b AS lt, a <=> b AS nse, a IS NULL AS n, "
                        + "a IN ('abc', 'é') AS found, a FROM s WHERE id % 3 = 0 AND a >= 'a'"));
        diff(spark, adaptive).expectGpu("GpuProject")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT a AS renamed, a = b AS eq, b FROM s"));
    }

    @BothAdaptiveModes
    void aStringConstantOutputIsAConstantColumn(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = diff(spark, adaptive).expectGpu("GpuProject")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT id, 'const' AS c, CAST(NULL AS STRING) AS n FROM s"));
        assertThat(run.rows()).hasSize(3000).allMatch(r -> "const".equals(r.getString(1)) && r.isNullAt(2));
    }

    @BothAdaptiveModes
    void limitsAndUnions(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).allowCpu("ShuffleExchangeExec")
                .expectGpu("GpuLocalLimit", "GpuGlobalLimit", "GpuUnion")
                .assertGpuAndCpuEqual(s -> s.sql("(SELECT a, b FROM s WHERE id >= 1200 LIMIT 100) UNION ALL "
                        + "(SELECT b, a FROM s WHERE id < 50)"));
        GpuDiff.Run run = diff(spark, adaptive).expectGpu("GpuUnion", "GpuLocalTableScan")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT a FROM s UNION ALL SELECT b FROM s"));
        assertThat(run.rows()).hasSize(6000);
    }

    @BothAdaptiveModes
    void hostBatchesAreCoalescedWithinTheStringLimit(boolean adaptive, SparkSession spark) {
        String path = dir.resolve("plain").toString();
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.ember.sql.exec.FileSourceScanExec", "false")
                .conf("spark.sql.parquet.columnarReaderBatchSize", "64")
                .allowCpu("FileSourceScanExec")
                .expectGpu("HostColumnarToGpu", "GpuCoalesceBatches", "GpuFilter", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.read().parquet(path).where("a IS NOT NULL"));
        // Without the string limit a whole file would be one batch of the 256 MiB target.
        assertThat(metric(run, "GpuCoalesceBatches", "numOutputBatches")).isGreaterThan(3);
    }
}
