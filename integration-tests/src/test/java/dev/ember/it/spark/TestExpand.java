package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spark's expand on the GPU: ROLLUP, CUBE and GROUPING SETS (the projections pass the keys through or
 * replace them by nulls of their type, strings and decimals included, and add the grouping id) and
 * several groups of DISTINCT aggregates (Spark's Expand rewrite), with the aggregates around the
 * expand on the GPU and the rows equal Spark's.
 */
@ExtendWith(SparkSessionExtension.class)
class TestExpand {
    private static final int ROWS = 3000;

    @BeforeAll
    static void register(SparkSession spark) {
        Random random = new Random(17);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create((long) i,
                    i % 23 == 0 ? null : i % 6,
                    i % 7 == 0 ? null : "s" + i % 5,
                    i % 11 == 0 ? null : Date.valueOf("2024-01-0" + (1 + i % 4)),
                    i % 13 == 0 ? null : random.nextInt(200) - 100,
                    i % 9 == 0 ? null : (random.nextInt(2000) - 1000) / 8.0,
                    i % 5 == 0 ? null : BigDecimal.valueOf(random.nextInt(100000) - 50000, 2),
                    i % 17 == 0 ? null : (long) random.nextInt(1000)));
        }
        spark.createDataFrame(rows, new StructType()
                .add("id", DataTypes.LongType, false)
                .add("k", DataTypes.IntegerType, true)
                .add("s", DataTypes.StringType, true)
                .add("d", DataTypes.DateType, true)
                .add("v", DataTypes.IntegerType, true)
                .add("w", DataTypes.DoubleType, true)
                .add("m", DataTypes.createDecimalType(10, 2), true)
                .add("x", DataTypes.LongType, true)).createOrReplaceTempView("ex");
        List<Row> timed = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            timed.add(RowFactory.create(i % 4, new Timestamp(1_700_000_000_000L + (i % 3) * 60_000L)));
        }
        spark.createDataFrame(timed, new StructType()
                .add("k", DataTypes.IntegerType, true)
                .add("ts", DataTypes.TimestampType, true)).createOrReplaceTempView("ex_ts");
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "16k")
                .conf("spark.sql.shuffle.partitions", "4")
                .allowCpu("ShuffleExchangeExec")
                .expectGpu("GpuExpand", "GpuHashAggregate")
                .tolerance(1e-9);
    }

    @BothAdaptiveModes
    void rollupAndCube(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        GpuDiff.Run rollup = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, s, sum(v), count(*), min(w), max(m), "
                + "avg(x) FROM ex GROUP BY ROLLUP(k, s)"));
        // 7 keys k (null included) by 6 strings, plus 7 subtotals and the grand total.
        assertThat(rollup.rows()).hasSize(7 * 6 + 7 + 1);
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, d, sum(m), min(m), avg(w), max(v), count(x) FROM ex "
                + "GROUP BY CUBE(k, d)"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT s, d, m, count(*), sum(w) FROM ex WHERE k = 1 "
                + "GROUP BY ROLLUP(s, d, m)"));
    }

    @BothAdaptiveModes
    void groupingSetsWithGroupingIds(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, s, d, grouping_id(), sum(v), min(m), max(w), count(v) "
                + "FROM ex GROUP BY GROUPING SETS ((k, s), (d), ())"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k + 1 AS k1, upper(s) AS u, avg(v), sum(x) FROM ex "
                + "GROUP BY CUBE(k + 1, upper(s))"));
        // grouping(..) and grouping_id(..) shift and mask bits of the grouping id.
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, s, grouping(k), "
                + "grouping(s), grouping_id(k, s), count(*) FROM ex GROUP BY ROLLUP(k, s)"));
    }

    @BothAdaptiveModes
    void severalDistinctAggregates(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(DISTINCT v), count(DISTINCT s) FROM ex GROUP BY k"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT count(DISTINCT v % 5), count(DISTINCT d), sum(x), max(w) "
                + "FROM ex"));
    }

    @BothAdaptiveModes
    void emptyInputAndManyBatches(boolean adaptive, SparkSession spark) {
        GpuDiff keepEmpty = diff(spark, adaptive).conf("spark.sql.adaptive.optimizer.excludedRules",
                "org.apache.spark.sql.execution.adaptive.AQEPropagateEmptyRelation");
        keepEmpty.assertGpuAndCpuEqual(s -> s.sql("SELECT k, s, sum(v), count(*) FROM ex WHERE id < 0 "
                + "GROUP BY ROLLUP(k, s)"));
        GpuDiff small = diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "1k");
        small.assertGpuAndCpuEqual(s -> s.sql("SELECT k, s, d, sum(m), count(*), avg(w) FROM ex "
                + "GROUP BY CUBE(k, s, d)"));
        small.assertGpuAndCpuEqual(s -> s.sql("SELECT s, count(DISTINCT k), count(DISTINCT x) FROM ex GROUP BY s"));
    }

    @BothAdaptiveModes
    void fallback(boolean adaptive, SparkSession spark) {
        GpuDiff plain = GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation");
        // A rolled-up array key is a null array constant, which expression programs do not hold.
        plain.assertFallback(s -> s.sql("SELECT k, a, count(*) FROM (SELECT k, array(k) AS a FROM ex_ts) "
                + "GROUP BY ROLLUP(k, a)"), "ExpandExec", "array");
        // A rolled-up timestamp key is a null timestamp constant, which expression programs hold.
        plain.expectGpu("GpuExpand").assertGpuAndCpuEqual(
                s -> s.sql("SELECT k, ts, count(*) FROM ex_ts GROUP BY ROLLUP(k, ts)"));
    }
}
