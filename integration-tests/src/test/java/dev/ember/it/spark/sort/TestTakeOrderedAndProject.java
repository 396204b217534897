package dev.ember.it.spark.sort;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.RandomRows;
import dev.ember.it.spark.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ORDER BY … LIMIT [OFFSET]} (Spark's {@code TakeOrderedAndProjectExec}) on the GPU against
 * Spark: limits below, at and above the row count, offsets, projections of computed columns, many
 * partitions and batches, ties and specials in the keys.
 */
@ExtendWith(SparkSessionExtension.class)
class TestTakeOrderedAndProject {
    private static Dataset<Row> allTypes(SparkSession s, int rows, long seed, int partitions) {
        return RandomRows.table(s, RandomRows.ALL_TYPES, rows, seed).repartition(partitions);
    }

    /**
     * Random rows of every type with a unique {@code id} first: the last sort key of queries whose
     * limit must pick the same rows as Spark (rows that tie at the limit may be any of the tied ones).
     */
    private static Dataset<Row> withId(SparkSession s, int rows, long seed, int partitions) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false);
        for (StructField f : RandomRows.ALL_TYPES.fields()) {
            schema = schema.add(f);
        }
        List<Row> out = new ArrayList<>();
        List<Row> random = RandomRows.rows(RandomRows.ALL_TYPES, rows, seed);
        for (int i = 0; i < random.size(); i++) {
            Object[] values = new Object[schema.size()];
            values[0] = (i * 7919) % rows;
            for (int c = 1; c < values.length; c++) {
                values[c] = random.get(i).get(c - 1);
            }
            out.add(RowFactory.create(values));
        }
        return s.createDataFrame(out, schema).repartition(partitions);
    }

    @BothAdaptiveModes
    void limitsOffsetsAndProjections(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).ordered().expectGpu("GpuTakeOrderedAndProject");
        for (int limit : new int[] {1, 7, 100, 2999}) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> withId(s, 3000, 51, 4)
                    .orderBy(col("i64").desc(), col("f64"), col("id")).limit(limit));
            assertThat(TestGpuSort.metric(run, "GpuTakeOrderedAndProject", "numOutputRows")).isEqualTo(limit);
        }
        // A limit of at least the table's rows is dropped by Spark's optimizer: a plain sort remains.
        GpuDiff.of(spark).adaptive(adaptive).ordered().expectGpu("GpuSort").assertGpuAndCpuEqual(s ->
                withId(s, 3000, 51, 4).orderBy(col("i64").desc(), col("f64"), col("id")).limit(5000));
        withId(spark, 3000, 52, 4).createOrReplaceTempView("t");
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT i32 % 10 AS m, f32, i16 * 3 AS x, d, id FROM t "
                + "ORDER BY m DESC NULLS FIRST, f32, id LIMIT 25"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT dec30, i8 FROM t ORDER BY dec30 NULLS LAST, id LIMIT 40 OFFSET 13"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT ts, b FROM t ORDER BY ts DESC, id LIMIT 10 OFFSET 2995"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT dec38, dec10 FROM t ORDER BY dec38, id LIMIT 10 OFFSET 4000"));
        // Ties at the limit: any of the tied rows may be kept, so only the keys are selected.
        GpuDiff.of(spark).adaptive(adaptive).ordered().expectGpu("GpuTakeOrderedAndProject")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT b, i8 FROM t ORDER BY b DESC, i8 LIMIT 1500"));
    }

    @BothAdaptiveModes
    void manyBatchesSinglePartitionAndTies(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.batchSizeBytes", "1k")
                .expectGpu("GpuTakeOrderedAndProject");
        diff.ordered().assertGpuAndCpuEqual(s -> allTypes(s, 4000, 61, 1)
                .selectExpr("i32 % 4 AS k").orderBy(col("k")).limit(600));
        diff.ordered().assertGpuAndCpuEqual(s -> withId(s, 4000, 62, 5)
                .select("f32", "b", "id").orderBy(col("f32").desc_nulls_first(), col("b"), col("id")).limit(333));
        // Every partition but one empty.
        diff.assertGpuAndCpuEqual(s -> withId(s, 3, 63, 6).select("i16", "d", "id")
                .orderBy(col("i16").desc(), col("id")).limit(2));
    }
}
