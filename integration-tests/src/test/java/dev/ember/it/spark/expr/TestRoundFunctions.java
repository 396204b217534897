package dev.ember.it.spark.expr;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.RandomRows;
import dev.ember.it.spark.SparkSessionExtension;
import java.math.BigDecimal;
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
 * round and bround on the GPU against Spark: the integral types (negative scales, wrapping past the
 * type's range), decimals of 10 to 38 digits to positive, zero and negative scales (ties x.5 both
 * ways, extremes, nulls), the TPC-H-style {@code round(avg(x), 4)} of a final aggregate, ANSI mode, and
 * what stays on the CPU with its reason (doubles and floats, a decimal(38,0) to a negative scale).
 */
@ExtendWith(SparkSessionExtension.class)
class TestRoundFunctions {
    private static final StructType ROUND = new StructType()
            .add("k", DataTypes.IntegerType, true)
            .add("i8", DataTypes.ByteType, true)
            .add("i16", DataTypes.ShortType, true)
            .add("i32", DataTypes.IntegerType, true)
            .add("i64", DataTypes.LongType, true)
            .add("p", new DecimalType(10, 2), true)
            .add("q", new DecimalType(18, 6), true)
            .add("m", new DecimalType(15, 2), true)
            .add("w", new DecimalType(30, 5), true)
            .add("z", new DecimalType(38, 10), true)
            .add("n", new DecimalType(38, 0), true)
            .add("x", DataTypes.DoubleType, true)
            .add("f", DataTypes.FloatType, true);

    @BeforeAll
    static void register(SparkSession spark) {
        List<Row> rows = new ArrayList<>();
        for (Row r : RandomRows.rows(ROUND, 2000, 11)) {
            // Group keys 0..9 (nulls too) for the aggregates.
            Object k = r.isNullAt(0) ? null : Math.floorMod(r.getInt(0), 10);
            Object[] values = new Object[r.length()];
            for (int c = 0; c < values.length; c++) {
                values[c] = c == 0 ? k : r.get(c);
            }
            rows.add(RowFactory.create(values));
        }
        String[] ties = {"2.5", "-2.5", "3.5", "-3.5", "0.5", "-0.5", "0.05", "-0.15", "1.25", "-1.35", "125", "-135",
            "99999999.99", "-99999999.99", "49.99", "150", "-250", "0"};
        for (int j = 0; j < ties.length; j++) {
            BigDecimal t = new BigDecimal(ties[j]);
            long integral = t.setScale(0, java.math.RoundingMode.DOWN).longValue();
            rows.add(RowFactory.create(j % 10, (byte) (integral % 128), (short) (integral * 10 + 5),
                    (int) (integral * 100 + 50), integral * 1000 + 500, t, t.movePointLeft(3),
                    t.movePointLeft(1).setScale(2, java.math.RoundingMode.DOWN), t.movePointRight(15),
                    t.movePointRight(20), new BigDecimal(integral).movePointRight(30), t.doubleValue(),
                    t.floatValue()));
        }
        rows.add(RowFactory.create(1, Byte.MAX_VALUE, Short.MIN_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE,
                new BigDecimal("-99999999.99"), new BigDecimal("999999999999.999999"),
                new BigDecimal("9999999999999.99"), new BigDecimal("-9999999999999999999999999.99999"),
                new BigDecimal("9999999999999999999999999999.9999999999"), new BigDecimal("9".repeat(38)), 1.0, 1.0f));
        rows.add(RowFactory.create(2, Byte.MIN_VALUE, Short.MAX_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE,
                new BigDecimal("99999999.95"), new BigDecimal("-999999999999.999995"),
                new BigDecimal("-9999999999999.95"), new BigDecimal("9999999999999999999999999.99995"),
                new BigDecimal("-9999999999999999999999999999.9999999995"), new BigDecimal("-" + "9".repeat(38)),
                -1.0, -1.0f));
        rows.add(RowFactory.create(null, null, null, null, null, null, null, null, null, null, null, null, null));
        spark.createDataFrame(rows, ROUND).createOrReplaceTempView("r");
    }

    @BothAdaptiveModes
    void integralTypes(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT round(i8, -1) AS a, bround(i8, -1) AS b, round(i8, -2) AS c, "
                        + "round(i8, -3) AS c2, round(i16, -1) AS e, bround(i16, -3) AS g, round(i32, -1) AS h, "
                        + "bround(i32, -2) AS h2, round(i32, -9) AS o, bround(i32, -10) AS o2, round(i64, -1) AS s, "
                        + "bround(i64, -3) AS u, round(i64, -18) AS v, bround(i64, -19) AS v2, round(i64, -20) AS v3, "
                        + "round(i64, -100) AS v4, round(i32, 2) AS y, bround(i64) AS y2, round(i8) AS y3, k FROM r"));
    }

    @BothAdaptiveModes
    void decimals(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT round(p) AS a, bround(p) AS a2, round(p, 1) AS b, "
                        + "bround(p, 1) AS c, round(p, -2) AS e, bround(p, -3) AS g, round(p, 5) AS h, "
                        + "round(p, -12) AS o, round(q, 4) AS s, bround(q, 3) AS u, round(q, -5) AS u2, "
                        + "round(m, 1) AS v, bround(m, -1) AS v2, k FROM r"));
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT round(w, 2) AS a, bround(w, 2) AS b, round(w, -10) AS c, "
                        + "bround(w) AS e, round(w, 7) AS e2, round(z, 5) AS g, bround(z, 9) AS h, round(z) AS o, "
                        + "round(z, -20) AS s, bround(z, -27) AS u, round(z, -40) AS v, round(n) AS y, "
                        + "round(n, 3) AS y2, round(p, -25) AS y3, k FROM r"));
    }

    @BothAdaptiveModes
    void roundOfAnAverageInTheFinalAggregate(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuHashAggregate")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k, round(avg(m), 4) AS a, count(*) AS h FROM r GROUP BY k"));
        // avg(p) of a decimal(10,2) is not used: Spark rewrites it through a double (avg of the unscaled
        // values, cast back to decimal), a cast that stays on the CPU.
        ExprTables.diff(spark, adaptive).expectGpu("GpuHashAggregate")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k, round(avg(q), 2) AS b, "
                        + "bround(avg(w), 3) AS c, round(sum(m), -2) AS e, round(max(i32), -3) AS g, count(*) AS h "
                        + "FROM r GROUP BY k"));
        ExprTables.diff(spark, adaptive).assertGpuAndCpuEqual(s -> s.sql("SELECT round(avg(m), 4) AS a, "
                + "round(avg(z), 2) AS b FROM r"));
    }

    @BothAdaptiveModes
    void ansiModeKeepsDecimalsAndNonNegativeScalesOnTheGpu(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true")
                .expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT round(p, 1) AS a, bround(w, -3) AS b, round(i32, 2) AS c, "
                        + "round(z, 4) AS e FROM r"));
        ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true")
                .assertFallback(s -> s.sql("SELECT round(i32, -1) AS a FROM r WHERE i32 BETWEEN -1000000 AND 1000000"), "ProjectExec",
                        "raises an error on overflow");
    }

    @BothAdaptiveModes
    void whatTheGpuCannotReproduceStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT round(x, 2) AS a FROM r"), "ProjectExec",
                "Double.toString");
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT bround(f, 1) AS a FROM r"), "ProjectExec",
                "Double.toString");
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT round(n, -1) AS a FROM r WHERE n BETWEEN -1000 AND 1000"),
                "ProjectExec", "39 digits");
    }
}
