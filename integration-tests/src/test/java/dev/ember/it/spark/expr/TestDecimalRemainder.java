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
 * Decimal {@code %} and {@code pmod} on the GPU against Spark: decimals of 5 to 38 digits of mixed
 * scales, both signs, zero divisors (null), extremes and nulls, many batches; operand pairs that need
 * more than 38 digits at their common scale, and ANSI mode, stay on the CPU with the reason.
 */
@ExtendWith(SparkSessionExtension.class)
class TestDecimalRemainder {
    private static final StructType SCHEMA = new StructType()
            .add("k", DataTypes.IntegerType, true)
            .add("a", new DecimalType(10, 2), true)
            .add("b", new DecimalType(7, 4), true)
            .add("c", new DecimalType(30, 5), true)
            .add("e", new DecimalType(20, 2), true)
            .add("z", new DecimalType(38, 10), true)
            .add("y", new DecimalType(38, 10), true)
            .add("n", new DecimalType(38, 0), true)
            .add("s", new DecimalType(5, 5), true);

    @BeforeAll
    static void register(SparkSession spark) {
        List<Row> rows = new ArrayList<>(RandomRows.rows(SCHEMA, 2000, 17));
        String[][] specials = {
            {"7.50", "-2.5000", "-12345.67891", "3.00", "-7.5", "2.5", "5", "-0.5"},
            {"-7.50", "2.5000", "12345.67891", "-3.00", "7.5", "-2.5", "-5", "0.5"},
            {"-7.50", "-2.5000", "0", "0", "0", "0", "0", "0"},
            {"99999999.99", "0.0001", "-9999999999999999999999999.99999", "0.01",
                "9999999999999999999999999999.9999999999", "-0.0000000001", "99999999999999999999999999999999999999", "0.00001"},
            {"-99999999.99", "-999.9999", "9999999999999999999999999.99999", "-999999999999999999.99",
                "-9999999999999999999999999999.9999999999", "9999999999999999999999999999.9999999999",
                "-99999999999999999999999999999999999999", "-0.99999"}};
        for (int j = 0; j < specials.length; j++) {
            Object[] values = new Object[SCHEMA.length()];
            values[0] = j;
            for (int c = 0; c < specials[j].length; c++) {
                values[c + 1] = new BigDecimal(specials[j][c]);
            }
            rows.add(RowFactory.create(values));
        }
        rows.add(RowFactory.create(null, null, null, null, null, null, null, null, null));
        spark.createDataFrame(rows, SCHEMA).createOrReplaceTempView("rm");
    }

    @BothAdaptiveModes
    void remainderAndPmod(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT a % b AS r1, pmod(a, b) AS p1, b % a AS r2, pmod(b, -a) AS p2, "
                        + "c % e AS r3, pmod(c, e) AS p3, e % c AS r4, z % y AS r5, pmod(z, y) AS p5, pmod(y, s) AS p6, "
                        + "c % s AS r7, a % 0 AS r8, pmod(e, 0.00) AS p8, n % k AS r9, pmod(k, a) AS p9, "
                        + "a % 3 AS r10, pmod(-c, 7) AS p10, k FROM rm"));
    }

    @BothAdaptiveModes
    void inFiltersAndOverFinalAggregates(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuFilterProject")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k, a, b FROM rm WHERE pmod(a, b) > 0.5 OR c % e < 0"));
        ExprTables.diff(spark, adaptive).expectGpu("GpuHashAggregate")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k % 4 AS g, sum(a) % 7 AS r, pmod(max(c), 1000) AS p FROM rm "
                        + "GROUP BY k % 4"));
    }

    @BothAdaptiveModes
    void whatStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        // decimal(38,0) % decimal(10,2): the dividend at scale 2 has 40 digits.
        // (Rows of n limited: Spark itself raises "Division impossible" where the quotient passes 39 digits.)
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT n % a AS r FROM rm "
                + "WHERE n BETWEEN -1000 AND 1000"), "ProjectExec", "more than the 38");
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.sql("SELECT pmod(n, s) AS r FROM rm "
                + "WHERE n BETWEEN -1000 AND 1000"), "ProjectExec", "more than the 38");
        ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true")
                .assertFallback(s -> s.sql("SELECT a % b AS r FROM rm WHERE b <> 0"), "ProjectExec", "evalMode ANSI");
    }
}
