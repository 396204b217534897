package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GPU hash aggregation at high cardinality: 1,000,000 groups over 2,000,000 rows generated on the
 * GPU, in batches of a few thousand rows, so every partition's partial stage merges hundreds of
 * partial tables whose hash tables grow, and the final stage merges a million groups per run. Rows
 * and plans are compared with Spark's.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashAggregateManyGroups {
    private static final long ROWS = 2_000_000;
    private static final long GROUPS = 1_000_000;

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.shuffle.partitions", "3")
                .conf("spark.ember.sql.batchSizeBytes", "256k")
                .expectGpu("GpuRange", "GpuHashAggregate");
    }

    private static GpuDiff.Run check(GpuDiff diff, String sql) {
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(sql));
        assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count()).as("plan:\n%s", run.plan())
                .isEqualTo(2);
        return run;
    }

    @BothAdaptiveModes
    void oneMillionGroups(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = check(diff(spark, adaptive), "SELECT id % " + GROUPS + " AS k, count(*), sum(id), "
                + "min(id * 3 % 1000003), max(CAST(id AS int) % 77), count(CASE WHEN id % 3 = 0 THEN id END) "
                + "FROM range(0, " + ROWS + ", 1, 4) GROUP BY id % " + GROUPS);
        assertThat(run.rows().size()).isEqualTo((int) GROUPS);
    }

    // One adaptive mode: the million single-key groups above run in both already.
    @Test
    void oneMillionGroupsOfTwoKeysWithNullsAndFloats(SparkSession spark) {
        boolean adaptive = false;
        // Keys: a nullable int (a % 1000 = 7 is null) and a double that is 0.0 or 1.0, with -0.0 (grouping
        // with 0.0) for a third of the zeros, and NaN for a = 3: (500,000 - 500) * 2 - 1 groups with a key
        // and two with a null key.
        GpuDiff.Run run = check(diff(spark, adaptive), "SELECT a, b, count(*), sum(v), min(v) FROM (SELECT "
                + "CASE WHEN id % 1000 = 7 THEN NULL ELSE CAST(id % 500000 AS int) END AS a, "
                + "CASE WHEN id % 500000 = 3 THEN CAST('NaN' AS double) WHEN id % 1000000 >= 500000 THEN 1.0D "
                + "WHEN id % 3 = 0 THEN CAST('-0.0' AS double) ELSE 0.0D END AS b, id AS v "
                + "FROM range(0, " + ROWS + ", 1, 4)) GROUP BY a, b");
        assertThat(run.rows().size()).isEqualTo(999_001);
    }
}
