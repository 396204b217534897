package dev.ember.it.spark.window;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * count, sum, avg, min and max over windows on the GPU against Spark: whole groups (no ORDER BY),
 * running totals (ROWS and RANGE, whose peers share the running value), bounded ROWS frames (moving
 * averages), RANGE frames with value offsets over ints, doubles, dates and timestamps, computed inputs,
 * nulls, NaN, -0.0 and wrapping long sums. Double sums over running frames may differ in the last bits
 * (a different association of the additions), hence the tolerance.
 */
@ExtendWith(SparkSessionExtension.class)
class TestGpuWindowAggregates {
    static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive).tolerance(1e-9).expectGpu("GpuWindow");
    }

    static Dataset<Row> query(SparkSession s, int rows, int groups, long seed, String sql) {
        WindowData.table(s, rows, groups, seed, 3).createOrReplaceTempView("w");
        return s.sql(sql);
    }

    @BothAdaptiveModes
    void wholeGroupsWithoutOrder(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).assertGpuAndCpuEqual(s -> query(s, 600, 8, 11,
                "SELECT id, k, count(*) OVER (PARTITION BY k) AS c, count(v) OVER (PARTITION BY k) AS cv, "
                        + "sum(v) OVER (PARTITION BY k) AS sv, sum(l) OVER (PARTITION BY k) AS sl, "
                        + "sum(x) OVER (PARTITION BY k) AS sx, avg(v) OVER (PARTITION BY k) AS av, "
                        + "avg(f) OVER (PARTITION BY k) AS af, min(x) OVER (PARTITION BY k) AS mnx, "
                        + "max(dt) OVER (PARTITION BY k) AS mxd, min(ts) OVER (PARTITION BY k) AS mnt, "
                        + "max(f) OVER (PARTITION BY k) AS mxf FROM w"));
        // Double partition keys: NaN equals NaN, -0.0 equals 0.0.
        diff(spark, adaptive).assertGpuAndCpuEqual(s -> query(s, 400, 8, 12,
                "SELECT id, kd, sum(v) OVER (PARTITION BY kd) AS sv, max(x) OVER (PARTITION BY kd) AS mx, "
                        + "row_number() OVER (PARTITION BY kd ORDER BY id) AS rn FROM w"));
    }

    @BothAdaptiveModes
    void runningTotals(boolean adaptive, SparkSession spark) {
        // ROWS: the row's own running value; RANGE (the default frame with ORDER BY): its last peer's.
        diff(spark, adaptive).assertGpuAndCpuEqual(s -> query(s, 600, 5, 13,
                "SELECT id, k, v, sum(v) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND "
                        + "CURRENT ROW) AS rs, sum(x) OVER (PARTITION BY k ORDER BY id ROWS UNBOUNDED PRECEDING) AS rx, "
                        + "sum(v) OVER (PARTITION BY k ORDER BY v) AS range_sum, count(x) OVER (PARTITION BY k "
                        + "ORDER BY v) AS range_count, max(x) OVER (PARTITION BY k ORDER BY v DESC) AS range_max, "
                        + "min(l) OVER (PARTITION BY k ORDER BY id) AS rmin, avg(x) OVER (PARTITION BY k ORDER BY v) "
                        + "AS range_avg, sum(l) OVER (PARTITION BY k ORDER BY id) AS wrapping FROM w"));
    }

    @BothAdaptiveModes
    void boundedRowsFrames(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).assertGpuAndCpuEqual(s -> query(s, 600, 6, 14,
                "SELECT id, k, avg(v) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS ma, "
                        + "sum(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS sx, "
                        + "min(f) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS mf, "
                        + "max(x) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS mx, "
                        + "count(s) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) AS cs, "
                        + "sum(l) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 5 PRECEDING AND 2 PRECEDING) AS sl, "
                        + "sum(v) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED "
                        + "FOLLOWING) AS total FROM w"));
    }

    @BothAdaptiveModes
    void rangeFramesWithOffsets(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).assertGpuAndCpuEqual(s -> query(s, 600, 4, 15,
                "SELECT id, k, v, sum(l) OVER (PARTITION BY k ORDER BY v RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING) AS a, "
                        + "count(*) OVER (PARTITION BY k ORDER BY v DESC RANGE BETWEEN 5 PRECEDING AND CURRENT ROW) AS b, "
                        + "max(x) OVER (PARTITION BY k ORDER BY v NULLS LAST RANGE BETWEEN CURRENT ROW AND 4 FOLLOWING) "
                        + "AS c, min(v) OVER (PARTITION BY k ORDER BY v RANGE BETWEEN CURRENT ROW AND UNBOUNDED "
                        + "FOLLOWING) AS e FROM w"));
        // Double and date order columns.
        diff(spark, adaptive).assertGpuAndCpuEqual(s -> query(s, 500, 4, 16,
                "SELECT id, k, x, sum(v) OVER (PARTITION BY k ORDER BY x RANGE BETWEEN 10.5 PRECEDING AND 10.5 FOLLOWING) "
                        + "AS a, count(v) OVER (PARTITION BY k ORDER BY dt RANGE BETWEEN 7 PRECEDING AND CURRENT ROW) AS b, "
                        + "avg(v) OVER (PARTITION BY k ORDER BY dt DESC RANGE BETWEEN 3 PRECEDING AND 3 FOLLOWING) AS c "
                        + "FROM w"));
        // Day-time intervals over timestamps.
        diff(spark, adaptive).assertGpuAndCpuEqual(s -> query(s, 500, 4, 17,
                "SELECT id, k, count(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL 12 HOURS PRECEDING AND "
                        + "CURRENT ROW) AS a, sum(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL 26 HOURS "
                        + "PRECEDING AND INTERVAL 2 HOURS FOLLOWING) AS b FROM w"));
    }

    @BothAdaptiveModes
    void computedInputsAndSeveralSpecs(boolean adaptive, SparkSession spark) {
        // Spark plans one Window per spec (partition and order): three here, with sorts between them.
        diff(spark, adaptive).assertGpuAndCpuEqual(s -> query(s, 500, 5, 18,
                "SELECT id, k, sum(v * l) OVER (PARTITION BY k ORDER BY id) AS a, "
                        + "rank() OVER (PARTITION BY ks ORDER BY v) AS b, avg(v + 1) OVER (PARTITION BY v % 3) AS c, "
                        + "max(x * 2) OVER (PARTITION BY k ORDER BY id ROWS 2 PRECEDING) AS e FROM w"));
    }
}
