package dev.ember.it.spark.exchange;

import static dev.ember.it.spark.exchange.ExchangePlans.GPU_EXCHANGE;
import static dev.ember.it.spark.exchange.ExchangePlans.assertGpuExchange;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioning;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The GPU shuffle exchange at its edges: no rows, empty partitions, one and 2,000 partitions, a
 * skewed key (split by adaptive execution's skew join), partitions coalesced by adaptive execution, a
 * shuffle read locally once adaptive execution turned the join into a broadcast join, and a join whose
 * sides are shuffled one on the GPU and one on the CPU (rows meet only if both compute Spark's
 * partitions).
 */
@ExtendWith(SparkSessionExtension.class)
class TestShuffleExchangeEdgeCases {
    @BeforeAll
    static void register(SparkSession spark) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("k", DataTypes.IntegerType, true).add("s", DataTypes.StringType, true)
                .add("x", DataTypes.LongType, true).add("d", DataTypes.DoubleType, true)
                .add("v", DataTypes.IntegerType, false);
        Random r = new Random(17);
        spark.createDataFrame(rows(r, 2000, 40, 0), schema).createOrReplaceTempView("t");
        spark.createDataFrame(rows(r, 600, 50, 0), schema).createOrReplaceTempView("u");
        // Skewed: 85% of the rows have key 0.
        spark.createDataFrame(rows(r, 3000, 100, 0.85), schema).createOrReplaceTempView("skewed");
    }

    private static List<Row> rows(Random r, int n, int keys, double skew) {
        double[] doubles = {0.0, -0.0, Double.NaN, 2.5, -7.0};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = r.nextDouble() < skew ? 0 : r.nextInt(keys);
            rows.add(RowFactory.create(i, r.nextInt(20) == 0 ? null : k,
                    r.nextInt(10) == 0 ? null : "key-" + (k % 17) + (k % 3 == 0 ? "\u00fc" : ""),
                    r.nextInt(10) == 0 ? null : r.nextLong(),
                    r.nextInt(8) == 0 ? null : doubles[k % doubles.length],
                    r.nextInt(1000)));
        }
        return rows;
    }

    static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.sql.autoBroadcastJoinThreshold", "-1")
                .conf("spark.ember.sql.batchSizeBytes", "16k");
    }

    /**
     * A filter that removes every row: the exchanges get empty batches or none. With adaptive
     * execution on, Spark may replace what is above an empty stage by an empty relation, so the plan is
     * checked without it.
     */
    @BothAdaptiveModes
    void emptyInputs(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        if (adaptive) {
            // What replaces the empty side: an empty local table and a projection of null literals.
            diff.allowCpu("LocalTableScanExec", "ProjectExec");
        } else {
            diff.expectGpu(GPU_EXCHANGE);
        }
        String empty = "(SELECT * FROM t WHERE v < 0)";
        for (String q : new String[] {
            "SELECT k, count(*), sum(x) FROM " + empty + " GROUP BY k",
            "SELECT count(*), sum(x), max(s) FROM " + empty,
            "SELECT * FROM " + empty + " ORDER BY k",
            "SELECT e.id, u.id FROM " + empty + " e JOIN u ON e.k = u.k",
            "SELECT e.id, u.id FROM " + empty + " e RIGHT JOIN u ON e.k = u.k"}) {
            diff.assertGpuAndCpuEqual(s -> s.sql(q));
        }
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM " + empty).repartition(5));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM " + empty).repartitionByRange(5, col("k")));
    }

    /** Three keys over 64 partitions: most partitions get no rows, on the map side and the reduce side. */
    @BothAdaptiveModes
    void emptyPartitions(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).conf("spark.sql.shuffle.partitions", "64")
                .conf("spark.sql.adaptive.coalescePartitions.enabled", "false").expectGpu(GPU_EXCHANGE);
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k % 3, count(*), sum(x), min(s) FROM t "
                + "GROUP BY k % 3"));
        assertGpuExchange(run, HashPartitioning.class, 64);
        diff.allowCpu("ProjectExec").assertGpuAndCpuEqual(s -> s.table("t").repartition(64, col("v").mod(3))
                .withColumn("pid", spark_partition_id()));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT t.id, u.id FROM t JOIN u ON t.k % 3 = u.k % 3 AND t.v = u.v"));
    }

    /** One shuffle partition: every row goes to partition 0. */
    @BothAdaptiveModes
    void onePartition(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).conf("spark.sql.shuffle.partitions", "1").expectGpu(GPU_EXCHANGE);
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(*), sum(x) FROM t GROUP BY k"));
        assertThat(ExchangePlans.gpuExchanges(run)).as("exchanges:\n%s", run.plan())
                .allSatisfy(e -> assertThat(e.outputPartitioning().numPartitions()).isEqualTo(1));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT t.id, u.id, t.s FROM t JOIN u ON t.k = u.k"));
        diff.allowCpu("ProjectExec").assertGpuAndCpuEqual(s -> s.table("t").repartition(1, col("k"))
                .withColumn("pid", spark_partition_id()));
    }

    /**
     * 2,000 partitions, most of them small or empty: without adaptive execution {@code
     * repartition(2000, id)} with each row's partition (2,000 reduce tasks); with it, a GROUP BY over
     * 2,000 shuffle partitions, which adaptive execution reads as a few coalesced ranges of them.
     */
    @BothAdaptiveModes
    void twoThousandPartitions(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu(GPU_EXCHANGE);
        if (!adaptive) {
            GpuDiff.Run run = diff.allowCpu("ProjectExec").assertGpuAndCpuEqual(s -> s.table("t")
                    .repartition(2000, col("id")).withColumn("pid", spark_partition_id()));
            assertGpuExchange(run, HashPartitioning.class, 2000);
        } else {
            GpuDiff.Run grouped = diff.conf("spark.sql.shuffle.partitions", "2000")
                    .assertGpuAndCpuEqual(s -> s.sql("SELECT id % 500, count(*), max(s) FROM t GROUP BY id % 500"));
            assertGpuExchange(grouped, HashPartitioning.class, 2000);
        }
    }

    /**
     * A join whose key 0 holds 85% of one side's rows. With adaptive execution on and thresholds far
     * below that partition's size, Spark splits it (the skew join) into several reads of the GPU
     * stage's map outputs.
     */
    @BothAdaptiveModes
    void skewedJoin(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu(GPU_EXCHANGE)
                .conf("spark.sql.shuffle.partitions", "8")
                .conf("spark.sql.adaptive.skewJoin.enabled", "true")
                .conf("spark.sql.adaptive.coalescePartitions.enabled", "false")
                .conf("spark.sql.adaptive.advisoryPartitionSizeInBytes", "2k")
                .conf("spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes", "4k")
                .conf("spark.sql.adaptive.skewJoin.skewedPartitionFactor", "2");
        for (String type : new String[] {"JOIN", "LEFT JOIN"}) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT a.id, a.s, a.x, b.id, b.d FROM skewed a "
                    + type + " u b ON a.k = b.k"));
            if (adaptive) {
                List<AQEShuffleReadExec> reads = ExchangePlans.shuffleReads(run.plan());
                assertThat(reads).as("a skew read of a GPU stage (%s):\n%s", type, run.plan())
                        .anyMatch(r -> r.hasSkewedPartition() && ExchangePlans.readsGpuExchange(r));
            }
        }
        // Grouping by the skewed key: one partition gets most rows (no split, but all of them).
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, count(*), sum(x), min(s) FROM skewed GROUP BY k"));
    }

    /** 50 small shuffle partitions, coalesced by adaptive execution into a few reads of ranges of them. */
    @BothAdaptiveModes
    void coalescedPartitions(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu(GPU_EXCHANGE)
                .conf("spark.sql.shuffle.partitions", "50")
                .conf("spark.sql.adaptive.coalescePartitions.enabled", "true")
                .conf("spark.sql.adaptive.advisoryPartitionSizeInBytes", "8k");
        for (String q : new String[] {"SELECT k, count(*), sum(x), max(s) FROM t GROUP BY k",
            "SELECT t.id, t.s, u.id FROM t JOIN u ON t.k = u.k AND t.s = u.s",
            "SELECT * FROM t DISTRIBUTE BY k"}) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(q));
            if (adaptive) {
                assertThat(ExchangePlans.shuffleReads(run.plan())).as("a coalesced read of a GPU stage:\n%s", run.plan())
                        .anyMatch(r -> r.hasCoalescedPartition() && ExchangePlans.readsGpuExchange(r));
            }
        }
    }

    /**
     * A join Spark plans as a shuffled join (the filtered side's estimate is the whole table's), which
     * adaptive execution turns into a broadcast join once the filtered side's stage is small; the other
     * side's stage has run already and is read locally (each task reads one map task's output).
     */
    @BothAdaptiveModes
    void localShuffleRead(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu(GPU_EXCHANGE)
                .conf("spark.sql.autoBroadcastJoinThreshold", "24k")
                .allowCpu("BroadcastExchangeExec");
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT t.id, t.s, f.id, f.x FROM t "
                + "JOIN (SELECT * FROM t WHERE v < 8) f ON t.k = f.k"));
        if (adaptive) {
            assertThat(run.nodeNames()).as("the join became a broadcast join:\n%s", run.plan())
                    .contains("GpuBroadcastHashJoin");
            assertThat(ExchangePlans.shuffleReads(run.plan())).as("a local read of a GPU stage:\n%s", run.plan())
                    .anyMatch(r -> r.isLocalRead() && ExchangePlans.readsGpuExchange(r));
        }
    }

    /**
     * One side of a join shuffled on the GPU, the other on the CPU: the right side's aggregate
     * (collect_list) has no GPU version, so it and its exchange stay on the CPU, and its output is
     * already partitioned by the join key; the left side is shuffled on the GPU to meet it. Rows
     * match only where both exchanges put a key in the same partition.
     */
    @BothAdaptiveModes
    void gpuAndCpuShuffledSides(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu(GPU_EXCHANGE, "GpuShuffledHashJoin")
                .allowCpu("ShuffleExchangeExec", "ObjectHashAggregateExec", "SortAggregateExec", "SortExec",
                        "ProjectExec");
        for (String key : new String[] {"k", "s", "d", "x"}) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT t.id, t." + key + ", a.n FROM t JOIN "
                    + "(SELECT " + key + ", size(collect_list(v)) AS n FROM u GROUP BY " + key + ") a ON t." + key
                    + " = a." + key));
            assertThat(ExchangePlans.gpuExchanges(run)).as("a GPU exchange:\n%s", run.plan()).isNotEmpty();
            assertThat(ExchangePlans.cpuExchanges(run)).as("a CPU exchange:\n%s", run.plan()).isNotEmpty();
        }
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT t.id, a.n FROM t LEFT JOIN (SELECT k, s, size(collect_list(v)) "
                + "AS n FROM u GROUP BY k, s) a ON t.k = a.k AND t.s = a.s"));
    }
}
