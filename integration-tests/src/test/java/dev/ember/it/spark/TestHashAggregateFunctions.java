package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GPU hash aggregation of string and decimal keys, decimal sums and averages (Spark's result types,
 * null on overflow), first/last with and without ignoreNulls, and min/max of strings and wide
 * decimals, against Spark's rows, with both aggregation stages on the GPU.
 *
 * <p>First and last depend on the order rows reach the aggregate; the table they read is one
 * partition ({@code coalesce(1)}), so each group has one partial result and both engines see the
 * same order.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashAggregateFunctions {
    private static final int ROWS = 6000;
    private static final StructType VALUES =
            RandomRows.columns("b", "i8", "i16", "i32", "i64", "f32", "f64", "d", "ts", "dec10", "dec30", "dec38");

    @BeforeAll
    static void register(SparkSession spark) {
        List<Row> values = RandomRows.rows(VALUES, ROWS, 17);
        StructType schema = new StructType().add("k10", DataTypes.IntegerType, true)
                .add("sk", DataTypes.StringType, true).add("s", DataTypes.StringType, true)
                .add("sv", DataTypes.StringType, false).add("svn", DataTypes.StringType, true)
                .add("m", DataTypes.createDecimalType(15, 2), true);
        for (StructField f : VALUES.fields()) {
            schema = schema.add(f);
        }
        Random random = new Random(5);
        String[] words = {"", "a", "ab", "abc", "b", "ä", "日本", "a\u0000", "Z", "longer string value " + "x".repeat(40)};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Object[] cells = new Object[schema.size()];
            cells[0] = i % 23 == 0 ? null : i % 10;
            cells[1] = i % 31 == 0 ? null : words[random.nextInt(words.length)];
            cells[2] = i % 7 == 0 ? null : words[random.nextInt(words.length)] + random.nextInt(50);
            // One string per key (first and last of strings are compared where their order cannot matter).
            cells[3] = cells[0] == null ? "none" : words[(Integer) cells[0]] + cells[0];
            cells[4] = i % 3 == 0 ? null : cells[3];
            long cents = i % 97 == 0 ? 99_999_999_999_999L : i % 89 == 0 ? -99_999_999_999_999L
                    : random.nextLong() % 1_000_000_000_000L;
            cells[5] = i % 13 == 0 ? null : BigDecimal.valueOf(cents, 2);
            Row v = values.get(i);
            for (int c = 0; c < v.length(); c++) {
                cells[6 + c] = v.get(c);
            }
            rows.add(RowFactory.create(cells));
        }
        spark.createDataFrame(rows, schema).createOrReplaceTempView("fa");

        // Decimal(38,0) sums at the edge: group 1 overflows (9e37 + 9e37), group 2 cancels, group 3 is
        // all null (sum null, average null), group 4 holds the largest value alone.
        BigDecimal big = new BigDecimal("9" + "0".repeat(37));
        BigDecimal max = new BigDecimal("9".repeat(38));
        List<Row> edge = List.of(RowFactory.create(1, big), RowFactory.create(1, big), RowFactory.create(2, big),
                RowFactory.create(2, big.negate()), RowFactory.create(3, null), RowFactory.create(3, null),
                RowFactory.create(4, max), RowFactory.create(5, max.negate()), RowFactory.create(5, BigDecimal.ONE));
        spark.createDataFrame(edge, new StructType().add("k", DataTypes.IntegerType)
                .add("v", DataTypes.createDecimalType(38, 0))).createOrReplaceTempView("edge");
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "16k")
                .conf("spark.sql.shuffle.partitions", "4")
                .expectGpu("GpuHashAggregate");
    }

    private static GpuDiff.Run check(GpuDiff diff, String sql) {
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(sql));
        assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count()).as("plan:\n%s", run.plan())
                .isEqualTo(2);
        return run;
    }

    @BothAdaptiveModes
    void stringAndDecimalKeys(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        assertThat(check(diff, "SELECT sk, count(*), sum(i32), max(i64) FROM fa GROUP BY sk").rows()).hasSize(11);
        check(diff, "SELECT s, count(*), min(i16) FROM fa GROUP BY s");
        check(diff, "SELECT sk, k10, b, count(*), sum(i8) FROM fa GROUP BY sk, k10, b");
        check(diff, "SELECT dec30, count(*) FROM fa GROUP BY dec30");
        check(diff, "SELECT dec38, dec10, count(*), max(i32) FROM fa GROUP BY dec38, dec10");
        GpuDiff.Run global = check(diff, "SELECT count(*), min(s), max(s), min(dec38), max(dec30), sum(dec10), "
                + "avg(dec30) FROM fa WHERE k10 = 99");
        assertThat(global.rows()).hasSize(1);
        assertThat(global.rows().get(0).isNullAt(1)).isTrue();
    }

    @BothAdaptiveModes
    void decimalSumsAndAverages(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        GpuDiff.Run run = check(diff, "SELECT k10, sum(m), avg(m), sum(dec10), sum(dec30), avg(dec30), count(dec30) "
                + "FROM fa GROUP BY k10");
        assertThat(run.rows()).hasSize(11);
        check(diff, "SELECT sk, sum(m), avg(m), sum(dec10) FROM fa GROUP BY sk");
        check(diff, "SELECT sum(m), avg(m), sum(dec10), sum(dec30), avg(dec30) FROM fa");
        GpuDiff.Run edge = check(diff, "SELECT k, sum(v), avg(v), count(v) FROM edge GROUP BY k");
        assertThat(edge.rows()).hasSize(5);
        check(diff, "SELECT sum(v), avg(v) FROM edge WHERE k IN (2, 5)");
        // Average of decimal(38,0) is decimal(38,4): a sum of 38 digits cannot take 4 more, so it is null.
        check(diff, "SELECT k10, avg(dec38) FROM fa GROUP BY k10");
    }

    @BothAdaptiveModes
    void firstAndLastOfEveryType(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).allowCpu("CoalesceExec");
        spark.table("fa").coalesce(1).createOrReplaceTempView("fa1");
        for (String c : List.of("b", "i8", "i16", "i32", "i64", "f32", "f64", "d", "ts", "dec10", "dec30", "dec38",
                "m")) {
            String sql = "SELECT k10, first(" + c + "), last(" + c + "), first(" + c + ", true), last(" + c + ", true) "
                    + "FROM fa1 GROUP BY k10";
            try {
                check(diff, sql);
            } catch (AssertionError e) {
                throw new AssertionError(sql + ": " + e.getMessage(), e);
            }
        }
        // Spark aggregates string buffers after sorting by the keys, a sort that does not keep the order
        // of equal keys: strings are compared where each group has one non-null value.
        check(diff, "SELECT k10, first(sv), last(sv), first(svn, true), last(svn, true) FROM fa1 GROUP BY k10");
        check(diff, "SELECT first(i64), last(i64, true), first(dec38, true), last(i32) FROM fa1");
    }

    @BothAdaptiveModes
    void minAndMaxOfStringsAndDecimals(boolean adaptive, SparkSession spark) {
        // Spark aggregates string buffers with a sort aggregate, which the GPU hash aggregate replaces.
        GpuDiff diff = diff(spark, adaptive);
        check(diff, "SELECT k10, min(s), max(s), min(sk), max(sk) FROM fa GROUP BY k10");
        check(diff, "SELECT k10, min(dec38), max(dec38), min(dec30), max(dec30) FROM fa GROUP BY k10");
        check(diff, "SELECT sk, min(s), max(dec38), min(dec10) FROM fa GROUP BY sk");
        check(diff, "SELECT min(s), max(s), min(dec38), max(dec38) FROM fa");
    }

    @BothAdaptiveModes
    void remainingFallbacks(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation");
        diff.assertFallback(s -> s.sql("SELECT k10, first(i32) FILTER (WHERE i8 > 0) FROM fa GROUP BY k10"),
                "HashAggregateExec", "with an aggregate FILTER clause");
        diff.assertFallback(s -> s.sql("SELECT k10, stddev(f64) FROM fa GROUP BY k10"), "HashAggregateExec",
                "aggregate function stddev");
        // Spark's optimizer turns the average of a decimal of up to 11 digits into a double average of
        // UnscaledValue cast back to a decimal, a double-to-decimal cast the GPU does not compute.
        diff.assertFallback(s -> s.sql("SELECT k10, avg(dec10) FROM fa GROUP BY k10"), "HashAggregateExec",
                "Double.toString");
        diff.conf("spark.sql.ansi.enabled", "true").assertFallback(s -> s.sql("SELECT k10, sum(dec10) FROM fa "
                + "GROUP BY k10"), "HashAggregateExec", "evaluation mode ANSI");
    }
}
