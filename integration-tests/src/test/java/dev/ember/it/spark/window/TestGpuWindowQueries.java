package dev.ember.it.spark.window;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A window query mix as ETL jobs write them, each on the GPU against Spark with every window, sort
 * and exchange on the GPU: running totals and counts, moving averages and extremes, whole-partition
 * aggregates, RANGE frames over ints, doubles (descending) and dates, rankings over dates, strings
 * and doubles (NaN and -0.0 in the keys), lag/lead over timestamps, windows without a partition
 * spec, long sums that wrap, and several window specs in one query.
 */
@ExtendWith(SparkSessionExtension.class)
class TestGpuWindowQueries {
    private static final String BY_ID = "(PARTITION BY k ORDER BY id ";

    static final List<String> QUERIES = List.of(
            "SELECT id, sum(l) OVER " + BY_ID + "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS t FROM w",
            "SELECT id, count(v) OVER (PARTITION BY k ORDER BY v) AS c, sum(v) OVER (PARTITION BY k ORDER BY v) AS t "
                    + "FROM w",
            "SELECT id, avg(x) OVER " + BY_ID + "ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS m FROM w",
            "SELECT id, min(f) OVER " + BY_ID + "ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS lo, "
                    + "max(f) OVER " + BY_ID + "ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS hi FROM w",
            "SELECT id, ks, sum(v) OVER (PARTITION BY ks) AS t, count(*) OVER (PARTITION BY ks) AS n FROM w",
            "SELECT id, max(dt) OVER " + BY_ID + "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS m FROM w",
            "SELECT id, sum(v) OVER (PARTITION BY k ORDER BY v RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS t FROM w",
            "SELECT id, count(*) OVER (PARTITION BY k ORDER BY dt RANGE BETWEEN 7 PRECEDING AND CURRENT ROW) AS c "
                    + "FROM w",
            "SELECT id, max(l) OVER (PARTITION BY ks ORDER BY x DESC RANGE BETWEEN 10.5 PRECEDING AND 2 FOLLOWING) "
                    + "AS m FROM w",
            "SELECT id, s, rank() OVER (PARTITION BY s ORDER BY dt DESC NULLS FIRST) AS r FROM w",
            "SELECT id, row_number() OVER (ORDER BY l, id) AS rn FROM w",
            "SELECT id, lead(ts, 3) OVER (PARTITION BY s ORDER BY ts, id) AS t, "
                    + "lag(dt, 1, dt) OVER (PARTITION BY s ORDER BY ts, id) AS p FROM w",
            "SELECT id, avg(v) OVER (PARTITION BY k ORDER BY ts) AS a FROM w",
            "SELECT id, kd, dense_rank() OVER (PARTITION BY kd ORDER BY f DESC) AS r FROM w",
            "SELECT id, ntile(3) OVER (ORDER BY x, id) AS t FROM w",
            "SELECT id, count(s) OVER " + BY_ID + "ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) AS c FROM w",
            "SELECT id, k, sum(l) OVER (PARTITION BY k) AS wrapped FROM w",
            "SELECT id, lag(v) OVER " + BY_ID + ") AS p, sum(x) OVER (PARTITION BY ks ORDER BY id ROWS BETWEEN "
                    + "UNBOUNDED PRECEDING AND CURRENT ROW) AS t, min(v) OVER (PARTITION BY kd) AS m FROM w",
            "SELECT k, id, v - lag(v, 1, 0) OVER " + BY_ID + ") AS delta, "
                    + "v * 100.0 / sum(v) OVER (PARTITION BY k) AS share FROM w");

    @BothAdaptiveModes
    void queryMix(boolean adaptive, SparkSession spark) {
        GpuDiff d = GpuDiff.of(spark).adaptive(adaptive).tolerance(1e-9).expectGpu("GpuWindow", "GpuSort");
        WindowData.table(spark, 700, 8, 91, 3).createOrReplaceTempView("w");
        for (String query : QUERIES) {
            d.assertGpuAndCpuEqual(s -> s.sql(query));
        }
    }
}
