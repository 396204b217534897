package dev.ember.it.spark.exchange;

import static dev.ember.it.spark.exchange.ExchangePlans.GPU_EXCHANGE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.RandomRows;
import dev.ember.it.spark.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every type the GPU shuffle exchange carries, with nulls and each type's specials, as payload (the
 * Arrow records written and read back) and as hash key (each row's partition must be Spark's, which
 * takes Spark's Murmur3 of every type); strings of one to four UTF-8 bytes a character, 100 KB rows
 * and batches far smaller than the data, so the map side splits many batches and the reduce side
 * coalesces them; -0.0, 0.0 and NaN keys, which Spark's aggregation normalizes (one group for the
 * zeros, one for NaN).
 */
@ExtendWith(SparkSessionExtension.class)
class TestShuffleExchangeTypes {
    private static final String[] KEYS = {"b", "i8", "i16", "i32", "i64", "f32", "f64", "d", "ts", "dec10", "dec38",
        "str"};
    private static final String[] CHARS = {"a", "Z", "0", " ", "\u00e9", "\u00df", "\u4e2d", "\u6587", "\u20ac",
        "\ud83d\ude00", "\ud834\udd1e"};

    @BeforeAll
    static void register(SparkSession spark) {
        StructType random = RandomRows.columns("b", "i8", "i16", "i32", "i64", "f32", "f64", "d", "ts", "dec10")
                .add("dec38", new DecimalType(38, 10), true);
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false);
        for (StructField f : random.fields()) {
            schema = schema.add(f);
        }
        schema = schema.add("str", DataTypes.StringType, true);
        Random r = new Random(23);
        List<Row> values = RandomRows.rows(random, 2500, 29);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Object[] cells = new Object[schema.size()];
            cells[0] = i;
            for (int c = 0; c < random.size(); c++) {
                cells[1 + c] = values.get(i).get(c);
            }
            // Few distinct strings (repeated keys), nulls and empty strings among them.
            cells[cells.length - 1] = r.nextInt(10) == 0 ? null : text(new Random(r.nextInt(300)), 12);
            rows.add(RowFactory.create(cells));
        }
        spark.createDataFrame(rows, schema).createOrReplaceTempView("typed");

        // Strings: short ones, and 40 rows of 100 KB, each larger than a batch.
        StructType strings = new StructType().add("id", DataTypes.IntegerType, false)
                .add("k", DataTypes.StringType, true).add("s", DataTypes.StringType, true);
        List<Row> stringRows = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            String k = i % 13 == 0 ? null : text(new Random(i % 200), 6);
            String s = i % 150 == 7 ? text(new Random(i), 100_000 / 3) : i % 11 == 0 ? null : text(r, 40);
            stringRows.add(RowFactory.create(i, k, s));
        }
        spark.createDataFrame(stringRows, strings).createOrReplaceTempView("strings");

        StructType zeros = new StructType().add("id", DataTypes.IntegerType, false)
                .add("f", DataTypes.FloatType, true).add("d", DataTypes.DoubleType, true);
        double[] specials = {0.0, -0.0, Double.NaN, 0.0 / 0.0, Double.POSITIVE_INFINITY, 1.0, -1.0};
        List<Row> zeroRows = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            double v = specials[i % specials.length];
            zeroRows.add(RowFactory.create(i, i % 10 == 3 ? null : (float) v, i % 9 == 4 ? null : v));
        }
        spark.createDataFrame(zeroRows, zeros).createOrReplaceTempView("zeros");
    }

    /** Up to {@code maxChars} characters of one to four UTF-8 bytes; empty strings too. */
    private static String text(Random r, int maxChars) {
        int n = r.nextInt(maxChars + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(CHARS[r.nextInt(CHARS.length)]);
        }
        return sb.toString();
    }

    static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.sql.autoBroadcastJoinThreshold", "-1")
                .conf("spark.sql.adaptive.coalescePartitions.enabled", "false")
                .conf("spark.ember.sql.batchSizeBytes", "16k")
                .expectGpu(GPU_EXCHANGE);
    }

    /** All columns as payload, under each partitioning, and through a shuffled self-join. */
    @BothAdaptiveModes
    void everyTypeAsPayload(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        diff.assertGpuAndCpuEqual(s -> s.table("typed").repartition(5, col("id")));
        diff.assertGpuAndCpuEqual(s -> s.table("typed").repartition(3));
        diff.assertGpuAndCpuEqual(s -> s.table("typed").repartitionByRange(4, col("id")));
        diff.assertGpuAndCpuEqual(s -> s.table("typed").repartitionByRange(4, col("ts"), col("dec38")));
        diff.expectGpu("GpuShuffledHashJoin").assertGpuAndCpuEqual(s -> s.sql("SELECT a.*, b.* FROM typed a "
                + "JOIN typed b ON a.id = b.id + 1"));
    }

    /** Each type as the hash key: every row lands in Spark's partition, every group is Spark's. */
    @BothAdaptiveModes
    void everyTypeAsHashKey(boolean adaptive, SparkSession spark) {
        GpuDiff withPid = diff(spark, adaptive).allowCpu("ProjectExec");
        GpuDiff grouped = diff(spark, adaptive).expectGpu("GpuHashAggregate");
        for (String key : KEYS) {
            withPid.assertGpuAndCpuEqual(s -> s.table("typed").select("id", key).repartition(7, col(key))
                    .withColumn("pid", spark_partition_id()));
            grouped.assertGpuAndCpuEqual(s -> s.sql("SELECT " + key + ", count(*), min(id) FROM typed GROUP BY " + key));
        }
        // Several keys of different types hashed together, in Spark's order.
        withPid.assertGpuAndCpuEqual(s -> s.table("typed").repartition(6, col("str"), col("dec38"), col("ts"),
                col("b"), col("f32")).withColumn("pid", spark_partition_id()));
        withPid.assertGpuAndCpuEqual(s -> s.table("typed").repartition(6, col("i8"), col("i16"), col("d"),
                col("dec10"), col("f64"), col("i64")).withColumn("pid", spark_partition_id()));
    }

    /**
     * Multi-byte strings and 100 KB rows in 64 KB batches: many batches on the map side (a large row
     * alone in one), coalesced again on the reduce side.
     */
    @BothAdaptiveModes
    void stringsAndLargeRowsInManyBatches(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "64k");
        diff.assertGpuAndCpuEqual(s -> s.table("strings").repartition(3));
        diff.assertGpuAndCpuEqual(s -> s.table("strings").repartitionByRange(5, col("k")));
        diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "64k").allowCpu("ProjectExec")
                .assertGpuAndCpuEqual(s -> s.table("strings").repartition(4, col("k"))
                        .withColumn("pid", spark_partition_id()));
        diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "64k").expectGpu("GpuHashAggregate")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(*), max(s), sum(length(s)) FROM strings GROUP BY k"));
        diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "64k").expectGpu("GpuShuffledHashJoin")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT a.id, a.s, b.id FROM strings a JOIN strings b "
                        + "ON a.k = b.k AND a.id = b.id"));
    }

    /**
     * -0.0 and 0.0 group together, every NaN in one group (Spark normalizes floating keys before
     * hashing them): the rows must be Spark's, which has exactly one group of each.
     */
    @BothAdaptiveModes
    void floatingZerosAndNaN(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuHashAggregate");
        for (String key : new String[] {"f", "d"}) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT " + key + ", count(*), min(id) FROM zeros "
                    + "GROUP BY " + key));
            // 0.0 (with -0.0), NaN, Infinity, 1.0, -1.0 and null.
            assertThat(run.rows()).as("groups of %s", key).hasSize(6);
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT count(*), count(DISTINCT " + key + ") FROM zeros"));
        }
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT f, d, count(*) FROM zeros GROUP BY f, d"));
        // repartition hashes the values without the aggregation's normalization: Spark's hash still puts
        // -0.0 with 0.0.
        diff(spark, adaptive).allowCpu("ProjectExec").assertGpuAndCpuEqual(s -> s.table("zeros")
                .repartition(5, col("d"), col("f")).withColumn("pid", spark_partition_id()));
    }
}
