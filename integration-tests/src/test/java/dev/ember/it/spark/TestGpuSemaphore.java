package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.spark.EmberRuntime;
import dev.ember.spark.GpuSemaphore;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Four task slots and one GPU permit: the tasks take turns on the GPU, none waits forever (a broadcast
 * build shared by the tasks, shuffles between GPU stages), the rows are Spark's, and no more than one
 * task ever held the GPU.
 */
@ExtendWith(SparkSessionExtension.class)
@SparkSessionExtension.Conf({"spark.master=local[4]", "spark.ember.sql.concurrentGpuTasks=1"})
class TestGpuSemaphore {
    @BothAdaptiveModes
    void tasksTakeTurnsOnTheGpu(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).expectGpu("GpuHashAggregate").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT id % 97 AS k, count(*) AS n, sum(id) AS s FROM range(0, 200000, 1, 12) GROUP BY id % 97"));
        diff(spark, adaptive).expectGpu("GpuBroadcastHashJoin", "GpuHashAggregate").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT /*+ BROADCAST(d) */ d.k, count(*) AS n FROM range(0, 100000, 1, 12) f "
                        + "JOIN (SELECT id AS k FROM range(0, 50)) d ON f.id % 50 = d.k GROUP BY d.k"));
        diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "-1").expectGpu("GpuShuffledHashJoin")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT a.id, b.id AS bid FROM range(0, 30000, 1, 12) a "
                        + "JOIN range(0, 30000, 3, 6) b ON a.id = b.id"));

        GpuSemaphore semaphore = EmberRuntime.get().semaphore();
        assertThat(semaphore.permits()).isEqualTo(1);
        assertThat(semaphore.peakHolders()).isEqualTo(1);
        assertThat(semaphore.holders()).isZero();
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.shuffle.partitions", "8")
                .conf("spark.ember.sql.batchSizeBytes", "64k");
    }
}
