package dev.ember.it.spark.sort;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.RandomRows;
import dev.ember.it.spark.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ORDER BY} and {@code sortWithinPartitions} on the GPU against Spark: every column type in both
 * directions and null placements, several keys, computed keys, many batches, empty and single-row
 * partitions, and partitions merged from runs kept on the host. Rows are compared as multisets and the
 * sort keys row by row (rows that tie may come in any order, in Spark as in Ember).
 */
@ExtendWith(SparkSessionExtension.class)
class TestGpuSort {
    private static Dataset<Row> allTypes(SparkSession s, int rows, long seed, int partitions) {
        return RandomRows.table(s, RandomRows.ALL_TYPES, rows, seed).repartition(partitions);
    }

    static long metric(GpuDiff.Run run, String node, String metric) {
        return run.operators().stream().filter(o -> o.nodeName().equals(node))
                .mapToLong(p -> p.metrics().get(metric).get().value()).sum();
    }

    @BothAdaptiveModes
    void everyTypeEveryDirection(boolean adaptive, SparkSession spark) {
        for (StructField f : RandomRows.ALL_TYPES.fields()) {
            int key = RandomRows.ALL_TYPES.fieldIndex(f.name());
            Column c = col(f.name());
            // Both directions for every type, Spark's default null placement and the other one in turn.
            Column[] orders = key % 2 == 0 ? new Column[] {c.asc(), c.desc()}
                    : new Column[] {c.asc_nulls_last(), c.desc_nulls_first()};
            for (Column order : orders) {
                GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).orderedBy(key)
                        .expectGpu("GpuSort", "GpuShuffleExchange")
                        .assertGpuAndCpuEqual(s -> allTypes(s, 700, 11 + key, 3).orderBy(order));
                assertThat(metric(run, "GpuSort", "numOutputRows")).isEqualTo(700);
            }
        }
    }

    @BothAdaptiveModes
    void severalKeysAndComputedKeys(boolean adaptive, SparkSession spark) {
        int b = RandomRows.ALL_TYPES.fieldIndex("b");
        int i8 = RandomRows.ALL_TYPES.fieldIndex("i8");
        int f64 = RandomRows.ALL_TYPES.fieldIndex("f64");
        int dec30 = RandomRows.ALL_TYPES.fieldIndex("dec30");
        int i64 = RandomRows.ALL_TYPES.fieldIndex("i64");
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuSort");
        diff.orderedBy(b, i8, f64, i64).assertGpuAndCpuEqual(s -> allTypes(s, 3000, 21, 4)
                .orderBy(col("b").desc(), col("i8").asc_nulls_last(), col("f64").desc(), col("i64")));
        diff.orderedBy(dec30, i8).assertGpuAndCpuEqual(s -> allTypes(s, 3000, 22, 2)
                .orderBy(col("dec30").desc_nulls_first(), col("i8")));
        // Keys the GPU computes: the rows come out in the order of the computed values.
        GpuDiff.of(spark).adaptive(adaptive).orderedBy(0, 1).expectGpu("GpuSort")
                .assertGpuAndCpuEqual(s -> allTypes(s, 2000, 23, 3)
                        .selectExpr("i32 % 7 AS m", "i16 * 2 + 1 AS t", "i64", "f32")
                        .orderBy(col("m").desc(), col("t").asc_nulls_last()));
        GpuDiff.of(spark).adaptive(adaptive).orderedBy(0).expectGpu("GpuSort")
                .assertGpuAndCpuEqual(s -> allTypes(s, 1000, 24, 3).sort(col("i32").plus(col("i16")).desc())
                        .selectExpr("i32 + i16", "f64"));
    }

    @BothAdaptiveModes
    void withinPartitionsManyBatchesAndTinyPartitions(boolean adaptive, SparkSession spark) {
        int i32 = RandomRows.ALL_TYPES.fieldIndex("i32");
        int f32 = RandomRows.ALL_TYPES.fieldIndex("f32");
        // One input partition: sorted within it is sorted; 1k batches make the sorted rows many slices.
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.batchSizeBytes", "4k")
                .orderedBy(i32, f32).expectGpu("GpuSort")
                .assertGpuAndCpuEqual(s -> allTypes(s, 5000, 31, 1).sortWithinPartitions(col("i32").desc(),
                        col("f32")));
        assertThat(metric(run, "GpuSort", "numOutputBatches")).as("sorted partitions handed out in slices")
                .isGreaterThan(3);
        GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuSort")
                .assertGpuAndCpuEqual(s -> allTypes(s, 3000, 35, 3).sortWithinPartitions(col("dec38")));
        // One row per partition and empty partitions, a two-row table (Spark's optimizer drops
        // the sort of one row or none).
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).orderedBy(i32).expectGpu("GpuSort");
        diff.assertGpuAndCpuEqual(s -> allTypes(s, 5, 32, 8).orderBy(col("i32")));
        diff.assertGpuAndCpuEqual(s -> allTypes(s, 2, 33, 1).orderBy(col("i32").desc()));
    }

    @BothAdaptiveModes
    void partitionsLargerThanARunAreMergedFromTheHost(boolean adaptive, SparkSession spark) {
        int i64 = RandomRows.ALL_TYPES.fieldIndex("i64");
        int f64 = RandomRows.ALL_TYPES.fieldIndex("f64");
        // 8k-byte runs of 1k-byte batches: a partition of 6,000 rows is sorted in many runs and merged.
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).orderedBy(i64, f64)
                .conf("spark.ember.sql.batchSizeBytes", "1k").conf("spark.ember.sql.sort.runBytes", "8k")
                .expectGpu("GpuSort")
                .assertGpuAndCpuEqual(s -> allTypes(s, 6000, 41, 1).orderBy(col("i64").desc_nulls_first(),
                        col("f64")));
        assertThat(metric(run, "GpuSort", "numHostRuns")).as("runs kept on the host").isGreaterThan(4);
        assertThat(metric(run, "GpuSort", "numOutputRows")).isEqualTo(6000);
        // Many equal keys across runs: ties from every run come out together.
        GpuDiff.Run ties = GpuDiff.of(spark).adaptive(adaptive).orderedBy(0)
                .conf("spark.ember.sql.batchSizeBytes", "1k").conf("spark.ember.sql.sort.runBytes", "4k")
                .expectGpu("GpuSort")
                .assertGpuAndCpuEqual(s -> allTypes(s, 4000, 42, 1).selectExpr("i32 % 3 AS k", "i64", "d")
                        .orderBy(col("k")));
        assertThat(metric(ties, "GpuSort", "numHostRuns")).isGreaterThan(4);
    }

    /**
     * Strings for sort keys: nulls, empty, multi-byte UTF-8, bytes past 0x7f, long shared prefixes (up
     * to 300 bytes, so ranks need many rounds), strings that are prefixes of others.
     */
    static Dataset<Row> strings(SparkSession s, int rows, long seed, int partitions) {
        Random r = new Random(seed);
        String[] stems = {"", "a", "ab", "abc", "Z", "\u00e9t\u00e9", "\u65e5\u672c", "\ud83d\ude00",
            "x".repeat(300), "x".repeat(299) + "y", "prefix-" + "q".repeat(40)};
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            String v = null;
            if (r.nextInt(12) != 0) {
                StringBuilder sb = new StringBuilder(stems[r.nextInt(stems.length)]);
                int extra = r.nextInt(4);
                for (int k = 0; k < extra; k++) {
                    sb.append((char) (r.nextBoolean() ? 'a' + r.nextInt(3) : 0x7f + r.nextInt(200)));
                }
                v = sb.toString();
            }
            out.add(RowFactory.create(v, r.nextInt(5), i));
        }
        StructType schema = new StructType().add("s", DataTypes.StringType, true)
                .add("k", DataTypes.IntegerType, false).add("id", DataTypes.IntegerType, false);
        return s.createDataFrame(out, schema).repartition(partitions);
    }

    @BothAdaptiveModes
    void stringKeys(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuSort");
        diff.orderedBy(0).assertGpuAndCpuEqual(s -> strings(s, 3000, 71, 3).orderBy(col("s")));
        diff.orderedBy(0).assertGpuAndCpuEqual(s -> strings(s, 3000, 72, 3).orderBy(col("s").desc()));
        diff.orderedBy(1, 0).assertGpuAndCpuEqual(s -> strings(s, 3000, 73, 2)
                .orderBy(col("k").desc(), col("s").asc_nulls_last()));
        diff.orderedBy(0, 1).assertGpuAndCpuEqual(s -> strings(s, 3000, 74, 2)
                .orderBy(col("s").desc_nulls_first(), col("k")));
        // Computed string keys, and string runs merged from the host.
        GpuDiff.of(spark).adaptive(adaptive).orderedBy(0).expectGpu("GpuSort")
                .assertGpuAndCpuEqual(s -> strings(s, 2000, 75, 2).selectExpr("substring(s, 2, 5) AS t", "id")
                        .orderBy(col("t")));
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).orderedBy(0, 1)
                .conf("spark.ember.sql.batchSizeBytes", "1k").conf("spark.ember.sql.sort.runBytes", "16k")
                .expectGpu("GpuSort")
                .assertGpuAndCpuEqual(s -> strings(s, 4000, 76, 1).orderBy(col("s"), col("k")));
        assertThat(metric(run, "GpuSort", "numHostRuns")).isGreaterThan(2);
    }

    @BothAdaptiveModes
    void sortKeysWithoutAGpuTranslationKeepTheSortOnTheCpu(boolean adaptive, SparkSession spark) {
        // The key expression itself: a projection below would compute it on the CPU and hand the sort a column.
        GpuDiff.of(spark).adaptive(adaptive).orderedBy(0).assertFallback(s -> strings(s, 500, 81, 2)
                .orderBy(functions.xxhash64(col("s"))).select(functions.xxhash64(col("s")), col("k")), "SortExec",
                "expression XxHash64 has no GPU implementation");
        GpuDiff.of(spark).adaptive(adaptive).orderedBy(0).conf("spark.ember.sql.exec.TakeOrderedAndProjectExec",
                "false").assertFallback(s -> strings(s, 500, 82, 2).select("s").orderBy(col("s")).limit(20),
                "TakeOrderedAndProjectExec", "disabled by spark.ember.sql.exec.TakeOrderedAndProjectExec=false");
    }

    @BothAdaptiveModes
    void sortsOfSortMergeJoinsAreDroppedWithTheJoin(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "-1")
                .expectGpu("GpuShuffledHashJoin")
                .assertGpuAndCpuEqual(s -> s.range(0, 2000, 1, 3).selectExpr("id % 97 AS k", "id AS v")
                        .join(s.range(0, 500, 1, 2).selectExpr("id % 89 AS k", "id * 2 AS w"), "k"));
        assertThat(run.nodeNames()).as("no sort left below the replaced sort-merge join").noneMatch(
                n -> n.equals("GpuSort") || n.equals("Sort"));
        for (SparkPlan p : run.operators()) {
            assertThat(p.nodeName()).isNotEqualTo("SortMergeJoin");
        }
    }
}
