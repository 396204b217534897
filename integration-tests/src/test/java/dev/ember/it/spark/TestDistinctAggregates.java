package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

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
 * DISTINCT aggregates and aggregate FILTER clauses on the GPU. Spark plans a query with one group of
 * distinct arguments as four aggregates (AggUtils.planAggregateWithOneDistinct): Partial and
 * PartialMerge grouped by the keys and the distinct arguments, then one mixing PartialMerge (the
 * other functions) with Partial (the distinct ones), then Final; all four must run on the GPU.
 * Several groups of distinct arguments (Spark's Expand rewrite) run the Expand on the GPU too.
 */
@ExtendWith(SparkSessionExtension.class)
class TestDistinctAggregates {
    private static final int ROWS = 5000;

    @BeforeAll
    static void register(SparkSession spark) {
        double[] specials = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L), 1.5, -2.25,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        Random random = new Random(5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create((long) i,
                    i % 23 == 0 ? null : i % 7,
                    i % 1500,
                    i % 11 == 0 ? null : random.nextInt(40) - 20,
                    i % 13 == 0 ? null : (long) random.nextInt(1000),
                    i % 9 == 0 ? null : specials[random.nextInt(specials.length)],
                    i % 17 == 0 ? null : (random.nextInt(2000) - 1000) / 8.0,
                    i % 19 == 0 ? null : (float) specials[random.nextInt(specials.length)],
                    i % 5 == 0 ? null : "s" + i % 4));
        }
        spark.createDataFrame(rows, new StructType()
                .add("id", DataTypes.LongType, false)
                .add("k", DataTypes.IntegerType, true)
                .add("k1500", DataTypes.IntegerType, false)
                .add("v", DataTypes.IntegerType, true)
                .add("x", DataTypes.LongType, true)
                .add("d", DataTypes.DoubleType, true)
                .add("w", DataTypes.DoubleType, true)
                .add("f", DataTypes.FloatType, true)
                .add("s", DataTypes.StringType, true)).createOrReplaceTempView("dt");
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "8k")
                .conf("spark.sql.shuffle.partitions", "4")
                .expectGpu("GpuHashAggregate");
    }

    /** Rows equal Spark's and {@code stages} aggregates run on the GPU. */
    private static GpuDiff.Run check(GpuDiff diff, String sql, int stages) {
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(sql));
        assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count()).as("plan:\n%s", run.plan())
                .isEqualTo(stages);
        return run;
    }

    @BothAdaptiveModes
    void distinctMixedWithOtherAggregates(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        assertThat(check(diff, "SELECT k, count(DISTINCT v), sum(x), max(w), min(x) FROM dt GROUP BY k", 4).rows())
                .hasSize(8);
        check(diff, "SELECT k, count(DISTINCT v), sum(DISTINCT v), count(*) FROM dt GROUP BY k", 4);
        check(diff.tolerance(1e-9), "SELECT k, avg(DISTINCT v), avg(w), sum(DISTINCT v) FROM dt GROUP BY k", 4);
        check(diff.tolerance(1e-9), "SELECT count(DISTINCT x), sum(DISTINCT x), avg(DISTINCT x), sum(w), count(*) "
                + "FROM dt", 4);
        // Only distinct aggregates: the first two stages only group.
        check(diff, "SELECT k, count(DISTINCT x) FROM dt GROUP BY k", 4);
        check(diff, "SELECT count(DISTINCT k) FROM dt", 4);
    }

    @BothAdaptiveModes
    void distinctFloatingPointValuesGroupNaNAndZeros(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        // -0.0 and 0.0 are one distinct value, as are all NaNs; the sums see each once.
        GpuDiff.Run run = check(diff, "SELECT k, count(DISTINCT d), sum(DISTINCT d), avg(DISTINCT d) FROM dt "
                + "GROUP BY k", 4);
        assertThat(run.rows()).allSatisfy(r -> assertThat(r.getLong(1)).isLessThanOrEqualTo(6));
        check(diff, "SELECT k, count(DISTINCT f), sum(DISTINCT f), min(x) FROM dt GROUP BY k", 4);
        check(diff, "SELECT count(DISTINCT d), sum(DISTINCT d) FROM dt", 4);
        check(diff, "SELECT k, count(DISTINCT d), max(d), min(w) FROM dt WHERE d IS NULL OR d <> 0 GROUP BY k", 4);
    }

    @BothAdaptiveModes
    void countOfSeveralDistinctColumns(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        check(diff, "SELECT k, count(DISTINCT v, x), sum(w) FROM dt GROUP BY k", 4);
        check(diff, "SELECT k, count(DISTINCT v, x, d) FROM dt GROUP BY k", 4);
        check(diff, "SELECT count(DISTINCT k, v), sum(x) FROM dt", 4);
    }

    @BothAdaptiveModes
    void distinctOverEmptyInputEmptyPartitionsAndManyGroups(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        GpuDiff.Run global = check(diff, "SELECT count(DISTINCT v), sum(DISTINCT v), sum(w) FROM dt WHERE id < 0", 4);
        assertThat(global.rows()).hasSize(1);
        assertThat(global.rows().get(0).getLong(0)).isZero();
        GpuDiff keepEmpty = diff(spark, adaptive).conf("spark.sql.adaptive.optimizer.excludedRules",
                "org.apache.spark.sql.execution.adaptive.AQEPropagateEmptyRelation");
        assertThat(check(keepEmpty, "SELECT k, count(DISTINCT v), sum(x) FROM dt WHERE id < 0 GROUP BY k", 4).rows())
                .isEmpty();
        GpuDiff ranges = diff(spark, adaptive).expectGpu("GpuRange");
        check(ranges, "SELECT count(DISTINCT id % 3), sum(id) FROM range(0, 5, 1, 8)", 4);
        check(ranges, "SELECT id % 2 AS m, count(DISTINCT id), max(id) FROM range(0, 5, 1, 8) GROUP BY id % 2", 4);
        assertThat(check(diff, "SELECT k1500, count(DISTINCT v), sum(DISTINCT v), count(*) FROM dt GROUP BY k1500", 4)
                .rows()).hasSize(1500);
        check(diff, "SELECT count(DISTINCT k1500, k), max(v) FROM dt", 4);
    }

    @BothAdaptiveModes
    void filterClauses(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).tolerance(1e-9);
        check(diff, "SELECT k, count(*) FILTER (WHERE v > 0), count(x) FILTER (WHERE v > 0), "
                + "sum(x) FILTER (WHERE w > 0), avg(v) FILTER (WHERE x % 2 = 0), max(w) FILTER (WHERE v < 5), "
                + "min(x) FILTER (WHERE d IS NULL), count(*) FROM dt GROUP BY k", 2);
        // Filters that are null (v is null) or never true.
        GpuDiff.Run global = check(diff, "SELECT count(*) FILTER (WHERE v > 100), sum(x) FILTER (WHERE v > 100), "
                + "avg(w) FILTER (WHERE v > 100), count(*) FILTER (WHERE v IS NULL), count(s) FILTER (WHERE v = 1) "
                + "FROM dt", 2);
        assertThat(global.rows().get(0).getLong(0)).isZero();
        assertThat(global.rows().get(0).isNullAt(1)).isTrue();
        // A filter next to a DISTINCT aggregate over other columns.
        check(diff, "SELECT k, count(DISTINCT v), sum(x) FILTER (WHERE w > 0) FROM dt GROUP BY k", 4);
    }

    @BothAdaptiveModes
    void severalDistinctGroupsRunTheExpandOnTheGpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuExpand");
        // Spark's rewrite counts through If(gid = n, column, null): the expand and the aggregates run on the GPU.
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(DISTINCT v), count(DISTINCT x), "
                + "sum(DISTINCT d) FROM dt GROUP BY k"));
        assertThat(run.nodeNames()).doesNotContain("Expand");
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(DISTINCT v), count(DISTINCT x) FROM dt GROUP BY k"));
        // With other aggregates the rewrite keeps them as first(..) ignore nulls, on the GPU too.
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(DISTINCT v), count(DISTINCT x), sum(w) FROM dt "
                + "GROUP BY k"));
        // A DISTINCT aggregate with a FILTER clause is rewritten with Expand too.
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(DISTINCT v) FILTER (WHERE x > 10) FROM dt "
                + "GROUP BY k"));
    }

    @BothAdaptiveModes
    void distinctFallbacks(boolean adaptive, SparkSession spark) {
        GpuDiff plain = GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation");
        // Distinct strings: every stage groups by the string on the GPU.
        GpuDiff.Run run = diff(spark, adaptive).assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(DISTINCT s), sum(x) "
                + "FROM dt GROUP BY k"));
        assertThat(run.nodeNames()).doesNotContain("HashAggregate");
        plain.assertFallback(s -> s.sql("SELECT k, count(DISTINCT v), collect_list(x) FROM dt GROUP BY k"),
                "ObjectHashAggregateExec", "aggregate function collect_list");
    }
}
