package dev.ember.it.spark.exchange;

import static dev.ember.it.spark.exchange.ExchangePlans.GPU_EXCHANGE;
import static dev.ember.it.spark.exchange.ExchangePlans.assertGpuExchange;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import dev.ember.it.spark.exchange.ExchangePlans.Key;
import dev.ember.spark.exec.sort.GpuSortExec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.RangePartitioning;
import org.apache.spark.sql.catalyst.plans.physical.RoundRobinPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.SinglePartition$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The GPU shuffle exchange under each of Spark's partitionings: hash (aggregations, {@code
 * repartition(n, cols)}, {@code DISTRIBUTE BY}, shuffled joins), round robin, single and range
 * ({@code repartitionByRange}, {@code ORDER BY}). Rows must equal Spark's; for hash and round robin so
 * must each row's partition: {@code spark_partition_id()} projected above the exchange (on the CPU)
 * is part of the compared rows, so the GPU's partition ids must be Spark's. Range partitioning's
 * bounds are sampled, so its check is on the partitions' key ranges: disjoint and in order.
 */
@ExtendWith(SparkSessionExtension.class)
class TestShuffleExchange {
    private static final int ROWS = 3000;

    @BeforeAll
    static void register(SparkSession spark) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("k", DataTypes.IntegerType, true).add("s", DataTypes.StringType, true)
                .add("x", DataTypes.LongType, true).add("d", DataTypes.DoubleType, true)
                .add("v", DataTypes.IntegerType, true);
        double[] doubles = {0.0, -0.0, Double.NaN, 1.5, -2.25, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        Random r = new Random(5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            int k = r.nextInt(60) - 10;
            rows.add(RowFactory.create(i, r.nextInt(15) == 0 ? null : k,
                    r.nextInt(12) == 0 ? null : k % 9 == 0 ? "" : "s" + (k % 23) + (k % 4 == 0 ? "\u00e9\u4e2d" : ""),
                    r.nextInt(10) == 0 ? null : r.nextLong() >> r.nextInt(64),
                    r.nextInt(9) == 0 ? null : r.nextInt(3) == 0 ? doubles[r.nextInt(doubles.length)]
                            : (r.nextInt(2000) - 1000) / 8.0,
                    r.nextInt(11) == 0 ? null : r.nextInt(1000)));
        }
        spark.createDataFrame(rows, schema).createOrReplaceTempView("t");
        List<Row> other = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            int k = r.nextInt(70) - 15;
            other.add(RowFactory.create(i, r.nextInt(13) == 0 ? null : k,
                    r.nextInt(10) == 0 ? null : k % 9 == 0 ? "" : "s" + (k % 23) + (k % 4 == 0 ? "\u00e9\u4e2d" : ""),
                    (long) r.nextInt(), null, r.nextInt(50)));
        }
        spark.createDataFrame(other, schema).createOrReplaceTempView("u");
    }

    /**
     * Local tables stay scans (Spark would fold filters and projections over them into new local
     * tables); joins are shuffled; with adaptive execution on, partitions are not coalesced, as the
     * coalescing follows the shuffle's byte sizes, which differ between Spark's rows and Ember's Arrow
     * batches, and would renumber the partitions the ids are compared on.
     */
    static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.sql.autoBroadcastJoinThreshold", "-1")
                .conf("spark.sql.adaptive.coalescePartitions.enabled", "false")
                .conf("spark.ember.sql.batchSizeBytes", "16k")
                .expectGpu(GPU_EXCHANGE);
    }

    /** {@code query} with each row's partition id (Spark's {@code spark_partition_id()}) as column {@code pid}. */
    static Function<SparkSession, Dataset<Row>> withPid(Function<SparkSession, Dataset<Row>> query) {
        return s -> query.apply(s).withColumn("pid", spark_partition_id());
    }

    /** Aggregations shuffle by their grouping keys; the partition of each group is Spark's. */
    @BothAdaptiveModes
    void hashPartitionedAggregations(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuHashAggregate");
        for (String keys : new String[] {"k, s", "d"}) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT " + keys + ", count(*), sum(x), min(s), "
                    + "max(v) FROM t GROUP BY " + keys));
            assertGpuExchange(run, HashPartitioning.class, 4);
        }
        // Spark computes the partition id in the final aggregate's output, which keeps that aggregate on the
        // CPU, reading the GPU shuffle in the same task.
        GpuDiff withPid = diff(spark, adaptive).expectGpu("GpuHashAggregate").allowCpu("HashAggregateExec");
        for (String keys : new String[] {"k", "s", "k, s", "d", "x % 7, v % 3"}) {
            withPid.assertGpuAndCpuEqual(s -> s.sql("SELECT *, spark_partition_id() AS pid FROM (SELECT " + keys
                    + ", count(*) AS c FROM t GROUP BY " + keys + ")"));
        }
    }

    /** {@code repartition(n, cols)} and {@code DISTRIBUTE BY}: every row in Spark's partition. */
    @BothAdaptiveModes
    void hashRepartition(boolean adaptive, SparkSession spark) {
        GpuDiff withPid = diff(spark, adaptive).allowCpu("ProjectExec");
        List<Function<SparkSession, Dataset<Row>>> queries = List.of(
                s -> s.table("t").repartition(7, col("k")),
                s -> s.table("t").repartition(5, col("s"), col("k")),
                s -> s.table("t").repartition(9, col("d")),
                s -> s.table("t").repartition(3, col("x"), col("d"), col("s")),
                // Keys that are expressions, evaluated on the GPU before hashing.
                s -> s.table("t").repartition(6, expr("k % 5"), expr("x + v")),
                s -> s.sql("SELECT * FROM t DISTRIBUTE BY s"),
                s -> s.sql("SELECT id, k, v FROM t DISTRIBUTE BY k, v"),
                // Three map tasks of a GPU range.
                s -> s.range(0, 6000, 1, 3).selectExpr("id", "id % 11 AS k").repartition(5, col("k")));
        for (Function<SparkSession, Dataset<Row>> q : queries) {
            GpuDiff.Run run = withPid.assertGpuAndCpuEqual(withPid(q));
            assertGpuExchange(run, HashPartitioning.class, -1);
        }
    }

    /** Shuffled joins: both sides hash partitioned on the GPU, matching rows meet in Spark's partition. */
    @BothAdaptiveModes
    void shuffledJoins(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuShuffledHashJoin").allowCpu("ProjectExec");
        for (String join : new String[] {"JOIN u ON t.k = u.k", "JOIN u ON t.s = u.s",
            "LEFT JOIN u ON t.k = u.k AND t.s = u.s", "FULL JOIN u ON t.v = u.v"}) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT t.id, t.k, t.s, u.id, u.v, "
                    + "spark_partition_id() AS pid FROM t " + join));
            assertThat(ExchangePlans.gpuExchanges(run)).as("both sides shuffled on the GPU:\n%s", run.plan())
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(e -> assertThat(e.outputPartitioning()).isInstanceOf(HashPartitioning.class));
        }
    }

    /** {@code repartition(n)}: the rows, dealt round robin (Spark sorting each task's rows first, by default). */
    @BothAdaptiveModes
    void roundRobin(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = diff(spark, adaptive).assertGpuAndCpuEqual(s -> s.table("t").repartition(5));
        assertGpuExchange(run, RoundRobinPartitioning.class, 5);
    }

    /**
     * Each row's round-robin partition: Spark deals each map task's rows from a start drawn from the
     * task's partition index, in the order of the rows in the task once spark.sql.execution.
     * sortBeforeRepartition is off (on, Spark sorts them first).
     */
    @BothAdaptiveModes
    void roundRobinPartitionIds(boolean adaptive, SparkSession spark) {
        GpuDiff withPid = diff(spark, adaptive).conf("spark.sql.execution.sortBeforeRepartition", "false")
                .allowCpu("ProjectExec");
        for (int n : new int[] {2, 16}) {
            GpuDiff.Run run = withPid.assertGpuAndCpuEqual(withPid(s -> s.table("t").repartition(n)));
            assertGpuExchange(run, RoundRobinPartitioning.class, n);
        }
        withPid.assertGpuAndCpuEqual(withPid(s -> s.table("t").where("v > 100").repartition(5)));
    }

    /** Global aggregates gather their partial results into one partition. */
    @BothAdaptiveModes
    void singlePartition(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuHashAggregate");
        for (String q : new String[] {"SELECT count(*), sum(x) FROM t",
            "SELECT count(*), sum(x), min(s), max(d), avg(v), count(DISTINCT k) FROM t",
            "SELECT count(s), max(k) FROM t WHERE v < 500"}) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(q));
            assertGpuExchange(run, SinglePartition$.class, 1);
        }
    }

    /**
     * {@code repartitionByRange}: rows equal Spark's, and on the GPU run each partition holds one range
     * of the keys, the ranges in partition order.
     */
    @BothAdaptiveModes
    void rangeRepartition(boolean adaptive, SparkSession spark) {
        record Case(Function<SparkSession, Dataset<Row>> query, List<Key> keys) {}
        // Column indexes of t: id 0, k 1, s 2, x 3, d 4, v 5.
        List<Case> cases = List.of(
                new Case(s -> s.table("t").repartitionByRange(6, col("k")), List.of(new Key(1, true, true))),
                new Case(s -> s.table("t").repartitionByRange(4, col("s").desc()), List.of(new Key(2, false, false))),
                new Case(s -> s.table("t").repartitionByRange(5, col("d").asc_nulls_last()),
                        List.of(new Key(4, true, false))),
                new Case(s -> s.table("t").repartitionByRange(8, col("x").desc_nulls_first()),
                        List.of(new Key(3, false, true))),
                new Case(s -> s.table("t").repartitionByRange(7, col("v"), col("s").desc()),
                        List.of(new Key(5, true, true), new Key(2, false, false))));
        GpuDiff diff = diff(spark, adaptive);
        GpuDiff withPid = diff(spark, adaptive).allowCpu("ProjectExec");
        for (Case c : cases) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(c.query());
            assertGpuExchange(run, RangePartitioning.class, -1);
            GpuDiff.Run gpu = withPid.run(withPid(c.query()), true);
            assertThat(gpu.nodeNames()).as("GPU plan:\n%s", gpu.plan()).contains(GPU_EXCHANGE);
            assertThat(gpu.rows()).hasSize(ROWS);
            ExchangePlans.assertRangePartitioned(gpu.rows(), 6, c.keys());
        }
    }

    /**
     * {@code ORDER BY}: the global sort runs on the GPU above a range exchange on the GPU; the sorted rows
     * must come out in Spark's order.
     */
    @BothAdaptiveModes
    void orderBy(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).ordered().expectGpu("GpuSort");
        for (String order : new String[] {"k, id", "s DESC NULLS LAST, id", "d, id DESC"}) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM t ORDER BY " + order));
            assertGpuExchange(run, RangePartitioning.class, 4);
            SparkPlan sort = run.operators().stream().filter(p -> p instanceof GpuSortExec).findFirst().orElseThrow();
            assertThat(((GpuSortExec) sort).global()).as("the global sort").isTrue();
        }
        // A filter and a projection between the scan and the exchange run on the GPU too.
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT id, v * 2 AS w, s FROM t WHERE k > 3 ORDER BY w, id"));
    }
}
