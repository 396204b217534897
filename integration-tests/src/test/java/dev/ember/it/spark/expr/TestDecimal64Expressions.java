package dev.ember.it.spark.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.math.BigDecimal;
import java.math.BigInteger;
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
 * Decimals of up to 18 digits computed by GPU expression programs, against Spark's rows: comparisons,
 * IN, conditionals, casts, +, -, * and / (results of up to 38 digits), and the UnscaledValue/MakeDecimal
 * that Spark's optimizer puts around sums of small decimals, over nulls, negative values, ±(10^p - 1),
 * zero scale and scale 18.
 */
@ExtendWith(SparkSessionExtension.class)
class TestDecimal64Expressions {
    private static final int[][] TYPES = {{7, 2}, {10, 2}, {3, 2}, {18, 0}, {18, 18}, {1, 0}, {15, 4}};
    private static final String[] NAMES = {"d7", "d10", "d3", "d18", "d18s", "d1", "d15"};

    @BeforeAll
    static void register(SparkSession spark) {
        StructType schema = new StructType().add("k", DataTypes.IntegerType).add("i", DataTypes.IntegerType)
                .add("l", DataTypes.LongType).add("x", DataTypes.DoubleType);
        for (int c = 0; c < TYPES.length; c++) {
            schema = schema.add(NAMES[c], DataTypes.createDecimalType(TYPES[c][0], TYPES[c][1]));
        }
        Random r = new Random(11);
        List<Row> rows = new ArrayList<>();
        for (int n = 0; n < 3000; n++) {
            Object[] cells = new Object[4 + TYPES.length];
            cells[0] = n % 17 == 0 ? null : n % 6;
            cells[1] = n % 11 == 0 ? null : n % 5 == 0 ? (r.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE)
                    : r.nextInt(200_000) - 100_000;
            cells[2] = n % 13 == 0 ? null : r.nextLong() >> r.nextInt(64);
            cells[3] = n % 7 == 0 ? null : r.nextGaussian() * 1000;
            for (int c = 0; c < TYPES.length; c++) {
                cells[4 + c] = decimal(r, n + c, TYPES[c][0], TYPES[c][1]);
            }
            rows.add(RowFactory.create(cells));
        }
        spark.createDataFrame(rows, schema).createOrReplaceTempView("dt");
    }

    private static BigDecimal decimal(Random r, int n, int precision, int scale) {
        BigInteger max = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
        BigInteger unscaled = switch (n % 9) {
            case 0 -> null;
            case 1 -> max;
            case 2 -> max.negate();
            case 3 -> BigInteger.ZERO;
            case 4 -> BigInteger.valueOf(r.nextInt(11) - 5);
            default -> BigInteger.valueOf((r.nextLong() >>> 1) % max.longValueExact() * (r.nextBoolean() ? 1 : -1)
                    / (r.nextBoolean() ? 1 : BigInteger.TEN.pow(r.nextInt(precision)).longValueExact()));
        };
        return unscaled == null ? null : new BigDecimal(unscaled, scale);
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return ExprTables.diff(spark, adaptive);
    }

    private static void projects(GpuDiff diff, String sql) {
        try {
            diff.expectGpu("GpuProject").assertGpuAndCpuEqual(s -> s.sql(sql));
        } catch (AssertionError e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    @BothAdaptiveModes
    void comparisonsInAndConditionals(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        projects(diff, "SELECT k, d10 > 5.5, d10 = d10, d7 < 100, d7 <= -99999.99, d10 >= d7, d10 != 0, "
                + "d10 <=> d7, d18 <=> null, d18s > 0.5, d1 = -9, d10 > 5.555, d15 IS NULL, d3 IS NOT NULL FROM dt");
        projects(diff, "SELECT k, d10 IN (0, 5.5, 99999999.99, -99999999.99), d7 IN (1.25, NULL), d1 IN (9, -9), "
                + "d18s IN (0.999999999999999999, -0.999999999999999999, 0) FROM dt");
        projects(diff, "SELECT k, IF(k > 2, d10, d7), CASE WHEN k = 1 THEN d3 WHEN k = 2 THEN 1.5 ELSE NULL END, "
                + "coalesce(d18, 42), coalesce(d7, d3, -0.01), d10, CAST(NULL AS DECIMAL(10,2)), 12.34 FROM dt");
        GpuDiff.Run filtered = diff(spark, adaptive).expectGpu("GpuFilter").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT * FROM dt WHERE d10 > 5.5 AND d7 < 1000"));
        assertThat(filtered.rows()).isNotEmpty();
    }

    @BothAdaptiveModes
    void casts(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        projects(diff, "SELECT k, CAST(d10 AS DOUBLE), CAST(d15 AS DOUBLE), CAST(d18 AS DOUBLE), CAST(d7 AS FLOAT), "
                + "CAST(d3 AS FLOAT), CAST(d1 AS FLOAT), CAST(d18 AS FLOAT) FROM dt");
        projects(diff, "SELECT k, CAST(d10 AS INT), CAST(d10 AS TINYINT), CAST(d7 AS SMALLINT), CAST(d18 AS BIGINT), "
                + "CAST(d18 AS INT), CAST(d18s AS BIGINT), CAST(d10 AS BOOLEAN), CAST(d18s AS BOOLEAN) FROM dt");
        projects(diff, "SELECT k, CAST(i AS DECIMAL(12,2)), CAST(i AS DECIMAL(5,2)), CAST(l AS DECIMAL(18,0)), "
                + "CAST(l AS DECIMAL(18,3)), CAST(CAST(i AS SMALLINT) AS DECIMAL(4,0)), CAST(k > 2 AS DECIMAL(1,0)) "
                + "FROM dt");
        projects(diff, "SELECT k, CAST(d10 AS DECIMAL(8,1)), CAST(d10 AS DECIMAL(18,6)), CAST(d18s AS DECIMAL(3,2)), "
                + "CAST(d18 AS DECIMAL(18,2)), CAST(d7 AS DECIMAL(7,0)), CAST(d15 AS DECIMAL(12,1)), "
                + "CAST(d3 AS DECIMAL(18,18)) FROM dt");
    }

    @BothAdaptiveModes
    void arithmetic(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        projects(diff, "SELECT k, d7 + d3, d7 - d10, d7 * d3, d10 + d15, d3 * d3 * d3, d3 - d1, d15 - d10, d10 + 1, "
                + "d7 * 2, d1 * d1 FROM dt");
        // Results wider than 18 digits and quotients (decimal(p,s) with Spark's scale of at least 6).
        projects(diff, "SELECT k, d15 * d10 + d7, d10 / d7, d7 / d3, d18 / d1, d18s / d10, d1 / d18s, d3 / 7, "
                + "d18 * d18, d18s * d18s - d18, -d18, abs(d7) FROM dt");
        diff(spark, adaptive).expectGpu("GpuFilterProject").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT k, (d7 + d3) * d3 > d10, CAST(d7 * d3 AS DOUBLE) FROM dt WHERE d7 * d3 > 0"));
    }

    @BothAdaptiveModes
    void whatStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        diff.assertFallback(s -> s.sql("SELECT k, CAST(d18s AS DOUBLE) FROM dt"), "ProjectExec",
                "precisions up to 15");
        diff.assertFallback(s -> s.sql("SELECT k, CAST(d10 AS FLOAT) FROM dt"), "ProjectExec", "precisions up to 7");
        diff.assertFallback(s -> s.sql("SELECT k, CAST(x AS DECIMAL(10,2)) FROM dt"), "ProjectExec",
                "Double.toString");
        // Decimal remainders run on the GPU (TestDecimalRemainder), so do wider results (d15 * d10 + d7 is
        // decimal(26,6)) and division (arithmetic, TestWideDecimalExpressions).
        // d18 * d18 is decimal(37,0): to double only up to 18 digits.
        diff.assertFallback(s -> s.sql("SELECT k, CAST(d18 * d18 AS DOUBLE) FROM dt"), "ProjectExec",
                "Cast from decimal(37,0) to double is not supported on the GPU");
        diff.conf("spark.sql.ansi.enabled", "true").assertFallback(s -> s.sql("SELECT k, d7 + d3 FROM dt"),
                "ProjectExec", "evalMode ANSI");
    }

    @BothAdaptiveModes
    void smallDecimalSumsRunOnTheGpu(boolean adaptive, SparkSession spark) {
        // DecimalAggregates: sum(decimal(7,2)) is MakeDecimal(sum(UnscaledValue(d7)), 17, 2).
        GpuDiff diff = diff(spark, adaptive).conf("spark.sql.shuffle.partitions", "3")
                .allowCpu("ShuffleExchangeExec").expectGpu("GpuHashAggregate");
        for (String sql : List.of("SELECT k, sum(d7), sum(d3), count(d7) FROM dt GROUP BY k",
                "SELECT sum(d7), sum(d1) FROM dt", "SELECT k, sum(d7 * d3) FROM dt GROUP BY k")) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(sql));
            assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count())
                    .as("%s:%n%s", sql, run.plan()).isEqualTo(2);
        }
    }

    @BothAdaptiveModes
    void smallDecimalAverageKeepsItsFinalStageOnTheCpu(boolean adaptive, SparkSession spark) {
        // avg(decimal(10,2)) is CAST(avg(UnscaledValue(d10)) / 100.0 AS DECIMAL(14,6)): the partial stage
        // runs on the GPU, the final stage's double-to-decimal cast does not.
        GpuDiff diff = diff(spark, adaptive).conf("spark.sql.shuffle.partitions", "3");
        GpuDiff.Run run = diff.assertFallback(s -> s.sql("SELECT k, sum(d7), avg(d10) FROM dt GROUP BY k"),
                "HashAggregateExec", "Double.toString");
        assertThat(run.nodeNames()).as("plan:\n%s", run.plan()).containsOnlyOnce("GpuHashAggregate");
    }
}
