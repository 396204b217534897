package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spark's hash aggregate on the GPU: both stages ({@code Partial} below the shuffle, {@code Final}
 * above it) must be {@code GpuHashAggregate}, the rows equal Spark's. Sums and averages of floating
 * point values are compared with a relative tolerance of 1e-9 ({@link #SUM_TOLERANCE}): the GPU adds
 * them in another order than Spark, so their last bits may differ; they are taken over bounded values
 * only, where the order cannot turn a finite sum infinite. Everything else is compared exactly.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashAggregate {
    /** Relative tolerance of floating-point sums and averages (summation order differs). */
    static final double SUM_TOLERANCE = 1e-9;
    private static final int ROWS = 6000;

    /** Random value columns of every type, with nulls and specials. */
    private static final StructType VALUES =
            RandomRows.columns("b", "i8", "i16", "i32", "i64", "f32", "f64", "d", "ts", "dec10");

    @BeforeAll
    static void register(SparkSession spark) {
        List<Row> values = RandomRows.rows(VALUES, ROWS, 7);
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("k1", DataTypes.IntegerType, false)
                .add("k10", DataTypes.ByteType, true)
                .add("k1000", DataTypes.IntegerType, false)
                .add("skew", DataTypes.IntegerType, false)
                .add("nk", DataTypes.IntegerType, true)
                .add("x", DataTypes.DoubleType, true)
                .add("xf", DataTypes.FloatType, true)
                .add("s", DataTypes.StringType, true);
        for (StructField f : VALUES.fields()) {
            schema = schema.add(f);
        }
        Random random = new Random(11);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Object[] cells = new Object[schema.size()];
            cells[0] = (long) i;
            cells[1] = 1;
            cells[2] = i % 17 == 0 ? null : (byte) (i % 10);
            cells[3] = i % 1000;
            cells[4] = random.nextInt(10) < 9 ? 0 : random.nextInt(50);
            cells[5] = null;
            cells[6] = i % 13 == 0 ? null : (random.nextInt(200_000) - 100_000) / 100.0;
            cells[7] = i % 11 == 0 ? null : (float) (random.nextInt(2000) / 8.0);
            cells[8] = i % 19 == 0 ? null : "s" + i % 7;
            Row v = values.get(i);
            for (int c = 0; c < v.length(); c++) {
                cells[9 + c] = v.get(c);
            }
            rows.add(RowFactory.create(cells));
        }
        spark.createDataFrame(rows, schema).createOrReplaceTempView("g");

        List<Row> specials = new ArrayList<>();
        double[] doubles = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L),
            Double.longBitsToDouble(0xfff8000000000000L), 1.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < 400; i++) {
            double dk = doubles[i % doubles.length];
            // Spark's min and max keep whichever of -0.0 and 0.0 (equal to them) comes first, an order the
            // GPU does not follow, so the values have no -0.0; the keys do.
            specials.add(RowFactory.create(i % 9 == 0 ? null : dk, i % 7 == 0 ? null : (float) dk, i,
                    dk == 0.0 ? 0.0 : dk));
        }
        spark.createDataFrame(specials, new StructType().add("dk", DataTypes.DoubleType, true)
                .add("fk", DataTypes.FloatType, true).add("v", DataTypes.IntegerType, false)
                .add("dv", DataTypes.DoubleType, true)).createOrReplaceTempView("nan");

        List<Row> lineitem = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 5000; i++) {
            lineitem.add(RowFactory.create((byte) r.nextInt(3), (byte) r.nextInt(2), (double) (1 + r.nextInt(50)),
                    Math.round(r.nextDouble() * 1e7) / 100.0, r.nextInt(11) / 100.0, r.nextInt(9) / 100.0,
                    Date.valueOf(java.time.LocalDate.of(1992, 1, 1).plusDays(r.nextInt(2500)))));
        }
        spark.createDataFrame(lineitem, new StructType().add("l_returnflag", DataTypes.ByteType)
                .add("l_linestatus", DataTypes.ByteType).add("l_quantity", DataTypes.DoubleType)
                .add("l_extendedprice", DataTypes.DoubleType).add("l_discount", DataTypes.DoubleType)
                .add("l_tax", DataTypes.DoubleType).add("l_shipdate", DataTypes.DateType))
                .createOrReplaceTempView("lineitem");
    }

    /** Local tables scanned on the GPU, in small batches so every partition merges many partial results. */
    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "4k")
                .conf("spark.sql.shuffle.partitions", "4")
                .expectGpu("GpuHashAggregate");
    }

    /** Asserts that both aggregation stages ran on the GPU. */
    private static void bothStagesOnGpu(GpuDiff.Run run) {
        assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count()).as("plan:\n%s", run.plan())
                .isEqualTo(2);
    }

    private static GpuDiff.Run check(GpuDiff diff, String sql) {
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(sql));
        bothStagesOnGpu(run);
        return run;
    }

    @BothAdaptiveModes
    void groupCountsOneTenThousand(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        assertThat(check(diff, "SELECT k1, count(*), sum(i32), min(i64), max(id) FROM g GROUP BY k1").rows())
                .hasSize(1);
        assertThat(check(diff, "SELECT k10, count(*), count(i16), sum(i64) FROM g GROUP BY k10").rows())
                .hasSize(11);
        GpuDiff.Run thousand = check(diff, "SELECT k1000, count(*), sum(id), max(i8) FROM g GROUP BY k1000");
        assertThat(thousand.rows()).hasSize(1000);
        // The partial stage merges the many scan batches of each partition; the final stage (first in the
        // plan, above the shuffle) outputs its 250 or so rows per shuffle partition in 4k batches, two each.
        List<SparkPlan> aggregates = thousand.operators().stream()
                .filter(o -> o.nodeName().equals("GpuHashAggregate")).toList();
        long scanBatches = metric(thousand, "GpuLocalTableScan", "numOutputBatches");
        assertThat(aggregates.get(0).metrics().get("numOutputRows").get().value()).isEqualTo(1000);
        assertThat(aggregates.get(0).metrics().get("numOutputBatches").get().value()).isBetween(5L, 12L);
        assertThat(aggregates.get(1).metrics().get("numOutputBatches").get().value())
                .isLessThan(scanBatches).isPositive();
    }

    private static long metric(GpuDiff.Run run, String node, String metric) {
        return run.operators().stream().filter(o -> o.nodeName().equals(node)).findFirst().orElseThrow().metrics()
                .get(metric).get().value();
    }

    @BothAdaptiveModes
    void skewedAllNullAndMultiColumnKeys(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        check(diff, "SELECT skew, count(*), sum(i32), min(f64), max(f32) FROM g GROUP BY skew");
        assertThat(check(diff, "SELECT nk, count(*), count(i32), sum(i16) FROM g GROUP BY nk").rows()).hasSize(1);
        check(diff, "SELECT k10, skew, b, count(*), sum(i8), min(d), max(ts) FROM g GROUP BY k10, skew, b");
        check(diff, "SELECT d, dec10, count(*), max(i32) FROM g GROUP BY d, dec10");
        check(diff, "SELECT ts, i64, count(*) FROM g GROUP BY ts, i64");
        check(diff, "SELECT k10, count(s), count(dec10), count(*) FROM g GROUP BY k10");
    }

    @BothAdaptiveModes
    void everyFunctionOverEveryType(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        for (String c : List.of("b", "i8", "i16", "i32", "i64", "f32", "f64", "d", "ts", "dec10")) {
            check(diff, "SELECT k10, count(" + c + "), min(" + c + "), max(" + c + ") FROM g GROUP BY k10");
        }
        GpuDiff tolerant = diff(spark, adaptive).tolerance(SUM_TOLERANCE);
        for (String c : List.of("i8", "i16", "i32", "i64")) {
            check(diff, "SELECT k10, sum(" + c + ") FROM g GROUP BY k10");
            // avg adds the values as doubles, so a bigint average depends on the order too.
            check(tolerant, "SELECT k10, avg(" + c + ") FROM g GROUP BY k10");
        }
        check(tolerant, "SELECT k1000, sum(x), avg(x), sum(xf), avg(xf) FROM g GROUP BY k1000");
        check(tolerant, "SELECT count(*), count(x), sum(x), avg(xf), min(f64), max(f32), sum(i64), min(ts), max(dec10) "
                + "FROM g");
    }

    @BothAdaptiveModes
    void emptyInputAndEmptyPartitions(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        GpuDiff.Run global = check(diff, "SELECT count(*), count(i32), sum(i32), avg(x), min(f64), max(i64) FROM g "
                + "WHERE id < 0");
        assertThat(global.rows()).hasSize(1);
        assertThat(global.rows().get(0).getLong(0)).isZero();
        assertThat(global.rows().get(0).isNullAt(2)).isTrue();
        // Adaptive execution would replace the aggregates over an empty stage by an empty relation.
        GpuDiff keepEmpty = diff(spark, adaptive).conf("spark.sql.adaptive.optimizer.excludedRules",
                "org.apache.spark.sql.execution.adaptive.AQEPropagateEmptyRelation");
        assertThat(check(keepEmpty, "SELECT k10, count(*), sum(i32) FROM g WHERE id < 0 GROUP BY k10").rows())
                .isEmpty();
        GpuDiff ranges = diff(spark, adaptive).expectGpu("GpuRange");
        check(ranges, "SELECT count(*), sum(id), min(id), avg(id) FROM range(0, 5, 1, 8)");
        check(ranges, "SELECT id % 2 AS m, count(*), sum(id) FROM range(0, 5, 1, 8) GROUP BY id % 2");
        check(diff, "SELECT k10, count(*), sum(i64) FROM g WHERE id % 1000 = 3 GROUP BY k10");
    }

    @BothAdaptiveModes
    void nanAndNegativeZeroKeysGroupAsSpark(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        assertThat(check(diff, "SELECT dk, count(*), sum(v), min(dv), max(dv) FROM nan GROUP BY dk").rows())
                .hasSize(6);
        check(diff, "SELECT fk, dk, count(*), sum(v) FROM nan GROUP BY fk, dk");
    }

    @BothAdaptiveModes
    void tpchQ1WithSmallIntFlags(boolean adaptive, SparkSession spark) {
        // TPC-H's flags are strings and its prices decimals; string keys and decimal sums stay on the CPU
        // for now, so this Q1 has tinyint flags and double prices.
        GpuDiff diff = diff(spark, adaptive).tolerance(SUM_TOLERANCE).expectGpu("GpuFilterProject");
        GpuDiff.Run run = check(diff, "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, "
                + "sum(l_extendedprice) AS sum_base_price, "
                + "sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, "
                + "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, "
                + "avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, "
                + "count(*) AS count_order FROM lineitem "
                + "WHERE l_shipdate <= date '1998-12-01' - interval 90 days GROUP BY l_returnflag, l_linestatus");
        assertThat(run.rows()).hasSize(6);
    }

    @BothAdaptiveModes
    void whatStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation");
        // Decimal sums, string keys, first/last and string min/max run on the GPU (TestHashAggregateFunctions).
        diff.assertFallback(s -> s.sql("SELECT k10, collect_list(i32) FROM g GROUP BY k10"), "ObjectHashAggregateExec",
                "aggregate function collect_list");
        diff.conf("spark.sql.ansi.enabled", "true").assertFallback(s -> s.sql("SELECT k10, sum(i8) FROM g "
                + "GROUP BY k10"), "HashAggregateExec", "evaluation mode ANSI");
        diff.conf("spark.ember.sql.exec.HashAggregateExec", "false").conf("spark.sql.ansi.enabled", "false")
                .assertFallback(s -> s.sql("SELECT k10, sum(i8) FROM g GROUP BY k10"), "HashAggregateExec",
                        "spark.ember.sql.exec.HashAggregateExec=false");
    }
}
