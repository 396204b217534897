package dev.ember.it.spark.exchange;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkSessionExtension.class)
class TestShuffleExchangeSmoke {
    @BothAdaptiveModes
    void groupBy(boolean adaptive, SparkSession spark) {
        GpuDiff.of(spark).adaptive(adaptive).expectGpu("GpuShuffleExchange", "GpuHashAggregate")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT id % 7 AS k, count(*), sum(id) FROM range(0, 10000, 1, 3) GROUP BY id % 7"));
    }
}
