package dev.ember.it.spark.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A limit at the root ({@code LIMIT n}, {@code Dataset.limit(n).collect()}, {@code show()}) is Spark's
 * CollectLimitExec, which stays on the CPU with its reason: it runs on the driver and takes rows
 * from the child's partitions in order. Its child runs on the GPU, so the plan has no CPU operator
 * but the limit above the transition; the rows equal Spark's, in order (partitions are read in order
 * and the GPU scans keep Spark's partitions).
 */
@ExtendWith(SparkSessionExtension.class)
class TestCollectLimit {
    private static final String REASON = "no GPU implementation of CollectLimitExec: it runs on the driver";

    private static void assertLimitOnlyOnTheCpu(boolean adaptive, SparkSession spark,
            Function<SparkSession, Dataset<Row>> query) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).ordered().conf("spark.ember.sql.batchSizeBytes", "1k")
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation");
        GpuDiff.Run run = diff.assertFallback(query, "CollectLimitExec", REASON);
        assertThat(run.nodeNames()).as("plan:\n%s", run.plan()).contains("GpuColumnarToRow");
        for (SparkPlan p : run.operators()) {
            if (!p.nodeName().startsWith("Gpu")) {
                assertThat(p.getClass().getSimpleName()).as("plan:\n%s", run.plan()).isEqualTo("CollectLimitExec");
            }
        }
    }

    /** Limits below the range's 1,000 rows (Spark drops a limit its input cannot reach), up to past the 667 kept. */
    @BothAdaptiveModes
    void limitOverScansFiltersAndProjections(boolean adaptive, SparkSession spark) {
        for (int n : new int[] {1, 25, 400, 667, 999}) {
            assertLimitOnlyOnTheCpu(adaptive, spark, s -> s.range(0, 1000, 1, 4).filter("id % 3 <> 1")
                    .selectExpr("id", "id * 2 AS x", "CAST(id AS STRING) AS s").limit(n));
        }
    }

    @BothAdaptiveModes
    void limitWithOffset(boolean adaptive, SparkSession spark) {
        assertLimitOnlyOnTheCpu(adaptive, spark, s -> s.sql("SELECT id, id % 7 AS m FROM range(0, 500, 1, 3) "
                + "WHERE id % 2 = 0 LIMIT 20 OFFSET 7"));
        assertLimitOnlyOnTheCpu(adaptive, spark, s -> s.sql("SELECT id FROM range(0, 50, 1, 3) LIMIT 20 OFFSET 45"));
    }
}
