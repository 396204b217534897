package dev.ember.it.spark.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Expressions the GPU cannot run as Spark does: only their operator stays on the CPU, with the reason,
 * and the rows are Spark's.
 */
@ExtendWith(SparkSessionExtension.class)
class TestExpressionFallbacks {
    @BeforeAll
    static void register(SparkSession spark) {
        ExprTables.t(spark);
        spark.udf().register("plus1", (UDF1<Integer, Integer>) x -> x == null ? null : x + 1, DataTypes.IntegerType);
    }

    @BothAdaptiveModes
    void javaUdfKeepsOnlyItsProjectionOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).assertFallback(
                s -> s.table("t").filter("i32a > 0").selectExpr("plus1(i32a) AS u", "i64a"), "ProjectExec",
                "expression ScalaUDF has no GPU implementation");
        assertThat(run.nodeNames()).contains("GpuFilter", "GpuLocalTableScan", "GpuColumnarToRow");
    }

    @BothAdaptiveModes
    void regexpExtractKeepsOnlyItsProjectionOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).assertFallback(
                s -> s.table("t").filter("i16a IS NOT NULL")
                        .selectExpr("regexp_extract(CAST(i16a AS STRING), '([0-9]+)', 1) AS digits", "i16a"),
                "ProjectExec", "expression RegExpExtract has no GPU implementation");
        assertThat(run.nodeNames()).contains("GpuFilter", "GpuLocalTableScan");
    }

    @BothAdaptiveModes
    void ansiArithmeticStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        // Values that cannot overflow, so ANSI Spark returns rows instead of raising its error.
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true").assertFallback(
                s -> s.table("t").filter("i32a > 0").selectExpr("CAST(i8a AS INT) * 2 + 1 AS x", "i8a"),
                "ProjectExec", "Multiply with evalMode ANSI");
        assertThat(run.nodeNames()).contains("GpuFilter");
        ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true").assertFallback(
                s -> s.table("t").filter("i16a % 3 = 1"), "FilterExec", "Remainder with evalMode ANSI");
        ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true").assertFallback(
                s -> s.table("t").selectExpr("-(i16a % 1000) AS n"), "ProjectExec", "UnaryMinus with failOnError=true");
    }

    @BothAdaptiveModes
    void unsupportedCastsAndInListsStayOnTheCpu(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.table("t").selectExpr("CAST(ba AS TIMESTAMP) AS ts"),
                "ProjectExec", "Cast from boolean to timestamp is not supported on the GPU");
        ExprTables.diff(spark, adaptive).assertFallback(s -> s.table("t").filter("i32a IN (i32b, 1, 2)"),
                "FilterExec", "is not a constant; only IN lists of literals run on the GPU");
        ExprTables.diff(spark, adaptive).conf("spark.ember.sql.expression.Add", "false").assertFallback(
                s -> s.table("t").selectExpr("i32a + 1 AS x"), "ProjectExec",
                "expression Add is disabled by spark.ember.sql.expression.Add=false");
    }
}
