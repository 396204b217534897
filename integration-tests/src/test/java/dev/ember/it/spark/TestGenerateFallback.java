package dev.ember.it.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;

/** Generators (explode, posexplode, inline) read array columns, which the device layer lacks: Spark's operator stays. */
@ExtendWith(SparkSessionExtension.class)
class TestGenerateFallback {
    private static final String REASON = "array columns are not supported by the device layer yet";

    @BothAdaptiveModes
    void explodeStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive);
        diff.assertFallback(s -> s.sql("SELECT id, explode(array(id, id + 1, NULL)) AS x FROM range(0, 20, 1, 2)"),
                "GenerateExec", REASON);
        diff.assertFallback(s -> s.sql("SELECT id, posexplode(sequence(0, id % 4)) FROM range(0, 20, 1, 2)"),
                "GenerateExec", REASON);
        diff.assertFallback(s -> s.sql("SELECT id, explode_outer(IF(id % 2 = 0, array(id), array())) AS x "
                + "FROM range(0, 20, 1, 2)"), "GenerateExec", REASON);
    }
}
