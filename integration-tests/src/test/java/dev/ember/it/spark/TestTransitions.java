package dev.ember.it.spark;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Rows ↔ device batches and Spark's host batches → device, where CPU and GPU operators meet. */
@ExtendWith(SparkSessionExtension.class)
class TestTransitions {
    /** xxhash64() has no GPU kernel, so its projection stays on the CPU between the GPU range and union. */
    @BothAdaptiveModes
    void cpuOperatorBetweenGpuOperators(boolean adaptive, SparkSession spark) {
        GpuDiff.of(spark).adaptive(adaptive).allowCpu("ProjectExec")
                .expectGpu("GpuRange", "GpuColumnarToRow", "GpuRowToColumnar", "GpuUnion", "GpuLocalTableScan")
                .assertGpuAndCpuEqual(s -> s.range(0, 500, 1, 2).selectExpr("id", "xxhash64(id) AS hashed")
                        .union(s.sql("SELECT * FROM VALUES (1L, 2L), (-1L, NULL), (NULL, 3L) AS t(a, b)")));
    }

    @BothAdaptiveModes
    void rowsRoundTripEveryTypeInManyBatches(boolean adaptive, SparkSession spark) {
        // With the GPU shuffle switched off, the repartition puts a CPU exchange between the GPU scan and
        // the GPU union: rows of every type go to the host and back.
        GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.batchSizeBytes", "2k")
                .conf("spark.ember.sql.exec.ShuffleExchangeExec", "false")
                .allowCpu("ProjectExec", "ShuffleExchangeExec")
                .expectGpu("GpuRowToColumnar", "GpuColumnarToRow", "GpuUnion")
                .assertGpuAndCpuEqual(s -> {
                    Dataset<Row> t = RandomRows.table(s, RandomRows.ALL_TYPES, 1500, 11);
                    return t.repartition(3).union(RandomRows.table(s, RandomRows.ALL_TYPES, 10, 12));
                });
    }

    @BothAdaptiveModes
    void parquetHostBatchesToTheDevice(boolean adaptive, SparkSession spark, @TempDir Path dir) {
        String path = dir.resolve("all-types").toString();
        RandomRows.table(spark, RandomRows.ALL_TYPES, 3000, 21).repartition(3).write().parquet(path);
        // With the GPU scan switched off, the CPU scan's host batches go through the transition.
        GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.batchSizeBytes", "64k")
                .conf("spark.ember.sql.exec.FileSourceScanExec", "false")
                .allowCpu("FileSourceScanExec")
                .expectGpu("HostColumnarToGpu", "GpuCoalesceBatches", "GpuUnion", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.read().parquet(path).union(s.read().parquet(path))
                        .union(RandomRows.table(s, RandomRows.ALL_TYPES, 20, 22)));
    }
}
