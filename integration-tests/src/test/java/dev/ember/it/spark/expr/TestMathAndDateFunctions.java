package dev.ember.it.spark.expr;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.RandomRows;
import dev.ember.it.spark.SparkSessionExtension;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * floor, ceil, signum, sqrt, greatest, least and the calendar fields (dayofweek, weekday, dayofyear,
 * quarter, weekofyear, last_day) on the GPU against Spark, over random rows with nulls, NaN, -0.0 and
 * extremes, and over every day around month ends, leap days and ISO week-year boundaries; in ANSI mode
 * too (none of them raises errors). Functions computed by Java's math library stay on the CPU.
 */
@ExtendWith(SparkSessionExtension.class)
class TestMathAndDateFunctions {
    private static final StructType MATH = new StructType()
            .add("x", DataTypes.DoubleType, true)
            .add("y", DataTypes.DoubleType, true)
            .add("l", DataTypes.LongType, true)
            .add("i", DataTypes.IntegerType, true)
            .add("f", DataTypes.FloatType, true)
            .add("p", new DecimalType(10, 2), true)
            .add("q", new DecimalType(18, 6), true)
            .add("z", new DecimalType(7, 0), true)
            .add("w", new DecimalType(30, 5), true)
            .add("d", DataTypes.DateType, true)
            .add("e", DataTypes.DateType, true);

    @BeforeAll
    static void register(SparkSession spark) {
        List<Row> rows = new ArrayList<>(RandomRows.rows(MATH, 1500, 7));
        double[] specials = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 9.3e18,
            -9.3e18, 4.5, -4.5, 0.49999999999999994, -1e-300, Double.MIN_VALUE, Double.MAX_VALUE, 2.0, -1.0};
        for (int k = 0; k < specials.length; k++) {
            double v = specials[k];
            double other = specials[(k + 3) % specials.length];
            rows.add(RowFactory.create(v, other, Long.MIN_VALUE + k, Integer.MAX_VALUE - k, (float) v,
                    new BigDecimal("-12345678.99").add(BigDecimal.valueOf(k)), new BigDecimal("-999999999999.999999"),
                    BigDecimal.valueOf(-k), new BigDecimal("1234567890123456789012345.12345"),
                    Date.valueOf(LocalDate.of(2000, 2, 29)), null));
        }
        rows.add(RowFactory.create(null, null, null, null, null, null, null, null, null, null, null));
        spark.createDataFrame(rows, MATH).createOrReplaceTempView("m");

        // Every day from late December to early March of 1999..2005 and 2099..2101, month ends of 1900/2000.
        List<Row> days = new ArrayList<>();
        for (int year : new int[] {1899, 1900, 1999, 2000, 2003, 2004, 2008, 2015, 2020, 2099, 2100}) {
            for (LocalDate d = LocalDate.of(year, 12, 20); d.isBefore(LocalDate.of(year + 1, 3, 5)); d = d.plusDays(1)) {
                days.add(RowFactory.create(Date.valueOf(d)));
            }
            for (int month = 1; month <= 12; month++) {
                LocalDate end = LocalDate.of(year, month, 1).plusMonths(1).minusDays(1);
                days.add(RowFactory.create(Date.valueOf(end)));
                days.add(RowFactory.create(Date.valueOf(end.minusDays(1))));
            }
        }
        days.add(RowFactory.create((Object) null));
        spark.createDataFrame(days, new StructType().add("d", DataTypes.DateType, true)).createOrReplaceTempView("days");
    }

    @BothAdaptiveModes
    void floorAndCeil(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT floor(x) AS a, ceil(x) AS b, floor(y) AS c, ceil(-y) AS c2, "
                        + "floor(l) AS e, ceil(l) AS g, floor(i) AS h, ceil(f) AS k, floor(p) AS n, ceil(p) AS o, "
                        + "floor(q) AS r, ceil(q) AS s, floor(z) AS u, ceil(-p) AS v, floor(w) AS w1, ceil(w) AS w2, "
                        + "floor(-w) AS w3, i FROM m"));
    }

    @BothAdaptiveModes
    void signumSqrtGreatestLeast(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT signum(x) AS a, sqrt(x) AS b, sqrt(y * y) AS c, "
                        + "signum(l) AS e, sqrt(i) AS g, greatest(x, y) AS h, least(x, y, 0.0D) AS k, "
                        + "greatest(i, l) AS n, least(i, 5, l) AS o, greatest(p, q) AS r, least(p, z) AS s, "
                        + "greatest(d, e) AS u, least(d, e, DATE'2000-01-01') AS v, greatest(w, p) AS w2, "
                        + "least(f, CAST(NULL AS FLOAT)) AS z2, i FROM m"));
    }

    @BothAdaptiveModes
    void calendarFields(boolean adaptive, SparkSession spark) {
        String fields = "dayofweek(d) AS a, weekday(d) AS b, dayofyear(d) AS c, quarter(d) AS e, weekofyear(d) AS g, "
                + "last_day(d) AS h, d";
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT " + fields + " FROM days"));
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT " + fields + ", last_day(e) AS k FROM m"));
    }

    @BothAdaptiveModes
    void ansiModeKeepsThemOnTheGpu(boolean adaptive, SparkSession spark) {
        // None of these raises an error in ANSI mode, so they run on the GPU with the same results.
        ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true")
                .expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT floor(x) AS a, ceil(p) AS b, sqrt(y) AS c, signum(x) AS e, "
                        + "greatest(x, y) AS g, least(d, e) AS h, weekofyear(d) AS k, last_day(e) AS n FROM m"));
    }

    @BothAdaptiveModes
    void whatTheGpuCannotReproduceStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT exp(x) AS a FROM m"), "ProjectExec",
                "expression Exp has no GPU implementation");
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT pow(x, y) AS a FROM m"), "ProjectExec",
                "expression Pow has no GPU implementation");
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT sin(x) AS a FROM m"), "ProjectExec",
                "expression Sin has no GPU implementation");
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT cbrt(x) AS a FROM m"), "ProjectExec",
                "expression Cbrt has no GPU implementation: Spark computes it with java.lang.Math/StrictMath");
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT log10(y) AS a, atan2(x, y) AS b FROM m"),
                "ProjectExec", "expression Log10 has no GPU implementation: Spark computes it with java.lang.Math");
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT xxhash64(i, x) AS a FROM m"),
                "ProjectExec", "expression XxHash64 has no GPU implementation: xxhash64 has no GPU kernel yet");
    }
}
