package dev.ember.it.spark.window;

import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Window operators that stay on the CPU, each with its reason, and Spark's rows either way. */
@ExtendWith(SparkSessionExtension.class)
class TestGpuWindowFallbacks {
    private static void fallback(SparkSession spark, String sql, String reason) {
        GpuDiff.of(spark).tolerance(1e-9).assertFallback(s -> {
            WindowData.table(s, 200, 5, 31, 2).selectExpr("*", "CAST(v AS DECIMAL(30, 2)) AS dec")
                    .createOrReplaceTempView("w");
            return s.sql(sql);
        }, "WindowExec", reason);
    }

    @Test
    void decimalSumAndAverage(SparkSession spark) {
        fallback(spark, "SELECT id, sum(dec) OVER (PARTITION BY k ORDER BY id) AS a FROM w", "sum of decimals");
        fallback(spark, "SELECT id, avg(dec) OVER (PARTITION BY k) AS a FROM w", "avg of decimals");
    }

    @Test
    void smallDecimalAverage(SparkSession spark) {
        // Spark's optimizer rewrites avg of a DECIMAL(10, 2) into CAST(avg(unscaledvalue(d)) / 100.0 AS
        // DECIMAL(14, 6)): the window runs the long average, but the cast back has no GPU version.
        GpuDiff.of(spark).assertFallback(s -> {
            WindowData.table(s, 200, 5, 33, 2).selectExpr("*", "CAST(v AS DECIMAL(10, 2)) AS dec")
                    .createOrReplaceTempView("w");
            return s.sql("SELECT id, avg(dec) OVER (PARTITION BY k) AS a FROM w");
        }, "WindowExec", "Cast from double to decimal(14,6)");
    }

    @Test
    void stringMinMax(SparkSession spark) {
        fallback(spark, "SELECT id, min(s) OVER (PARTITION BY k ORDER BY id) AS a FROM w", "min of type string");
    }

    @Test
    void unsupportedFunctions(SparkSession spark) {
        fallback(spark, "SELECT id, first(v) OVER (PARTITION BY k ORDER BY id) AS a FROM w",
                "aggregate first over a window");
        fallback(spark, "SELECT id, nth_value(v, 2) OVER (PARTITION BY k ORDER BY id) AS a FROM w",
                "window function nth_value");
        fallback(spark, "SELECT id, lag(v) IGNORE NULLS OVER (PARTITION BY k ORDER BY id) AS a FROM w",
                "IGNORE NULLS");
    }

    @Test
    void unsupportedFrames(SparkSession spark) {
        fallback(spark, "SELECT id, count(v) OVER (PARTITION BY k ORDER BY dt RANGE BETWEEN INTERVAL 1 MONTH "
                + "PRECEDING AND CURRENT ROW) AS a FROM w", "RANGE frame bound");
    }

    @Test
    void ansiMode(SparkSession spark) {
        GpuDiff.of(spark).conf("spark.sql.ansi.enabled", "true").assertFallback(s -> {
            WindowData.table(s, 200, 5, 32, 2).where("l > -1000000 AND l < 1000000").createOrReplaceTempView("w");
            return s.sql("SELECT id, sum(l) OVER (PARTITION BY k ORDER BY id) AS a FROM w");
        }, "WindowExec", "spark.sql.ansi.enabled=true");
    }
}
