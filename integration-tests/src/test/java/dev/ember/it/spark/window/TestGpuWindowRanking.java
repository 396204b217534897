package dev.ember.it.spark.window;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ranking and offset window functions on the GPU against Spark: row_number, rank, dense_rank,
 * percent_rank, cume_dist, ntile, lag and lead with and without defaults, over int, string and
 * double partition keys (nulls, NaN, -0.0), ties in the order keys, one window spec and several,
 * no partition spec, and groups spanning many batches.
 */
@ExtendWith(SparkSessionExtension.class)
class TestGpuWindowRanking {
    static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuWindow", "GpuSort");
    }

    @BothAdaptiveModes
    void rankings(boolean adaptive, SparkSession spark) {
        GpuDiff d = diff(spark, adaptive);
        d.assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 600, 9, 1, 3).createOrReplaceTempView("w");
            return s.sql("SELECT id, k, v, row_number() OVER (PARTITION BY k ORDER BY v, id) AS rn, "
                    + "rank() OVER (PARTITION BY k ORDER BY v) AS r, dense_rank() OVER (PARTITION BY k ORDER BY v) AS dr, "
                    + "percent_rank() OVER (PARTITION BY k ORDER BY v) AS pr, cume_dist() OVER (PARTITION BY k ORDER BY v) AS cd "
                    + "FROM w");
        });
        // Descending, nulls last, string keys with long values, several order keys.
        d.assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 500, 7, 2, 2).createOrReplaceTempView("w");
            return s.sql("SELECT id, ks, rank() OVER (PARTITION BY ks ORDER BY x DESC NULLS LAST, f) AS r, "
                    + "dense_rank() OVER (PARTITION BY ks ORDER BY x DESC NULLS LAST, f) AS dr, "
                    + "ntile(4) OVER (PARTITION BY ks ORDER BY id) AS nt FROM w");
        });
    }

    @BothAdaptiveModes
    void lagAndLead(boolean adaptive, SparkSession spark) {
        GpuDiff d = diff(spark, adaptive);
        d.assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 500, 6, 3, 3).createOrReplaceTempView("w");
            return s.sql("SELECT id, k, lag(v) OVER (PARTITION BY k ORDER BY id) AS a, "
                    + "lead(v, 2) OVER (PARTITION BY k ORDER BY id) AS b, lag(dt, 1) OVER (PARTITION BY k ORDER BY id) AS c, "
                    + "lead(s, 1) OVER (PARTITION BY k ORDER BY id) AS e, lag(x, 3, -1.5) OVER (PARTITION BY k ORDER BY id) AS g, "
                    + "lead(v, 1, v * 10) OVER (PARTITION BY k ORDER BY id) AS h FROM w");
        });
    }

    @BothAdaptiveModes
    void offsetsOverDatesAndStringsAndSeveralSpecs(boolean adaptive, SparkSession spark) {
        GpuDiff d = diff(spark, adaptive);
        // String defaults, date defaults computed from the row, offsets beyond the group.
        d.assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 400, 5, 4, 3).createOrReplaceTempView("w");
            return s.sql("SELECT id, ks, lead(s, 1, 'none') OVER (PARTITION BY ks ORDER BY id) AS a, "
                    + "lag(dt, 2, date_add(dt, 1)) OVER (PARTITION BY ks ORDER BY id) AS b, "
                    + "lag(ts, 1) OVER (PARTITION BY ks ORDER BY id) AS c, lead(v, 50) OVER (PARTITION BY ks ORDER BY id) AS e, "
                    + "lag(kd, 1, 0.5) OVER (PARTITION BY ks ORDER BY id) AS g FROM w");
        });
        // Different specs in one query: one window operator each, sorted in between.
        d.assertGpuAndCpuEqual(s -> {
            WindowData.table(s, 500, 6, 5, 3).createOrReplaceTempView("w");
            return s.sql("SELECT id, row_number() OVER (PARTITION BY k ORDER BY id) AS a, "
                    + "rank() OVER (PARTITION BY kd ORDER BY x) AS b, dense_rank() OVER (ORDER BY v DESC) AS c, "
                    + "ntile(3) OVER (PARTITION BY ks ORDER BY f, id) AS e, lag(v) OVER (PARTITION BY k ORDER BY dt, id) AS g "
                    + "FROM w");
        });
    }
}
