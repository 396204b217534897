package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A TPC-H Q3-style query: customer, orders and lineitem joined on int keys, filtered on a string
 * segment and dates, revenue (double) summed per order and the top ten ordered. Both joins, the
 * filters and both aggregation stages run on the GPU, through shuffled hash joins (sort-merge joins
 * replaced) and through broadcast hash joins.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashJoinTpchQ3 {
    private static final String Q3 = "SELECT l_orderkey, sum(l_extendedprice * (1 - l_discount)) AS revenue, "
            + "o_orderdate, o_shippriority FROM customer, orders, lineitem WHERE c_mktsegment = 'BUILDING' "
            + "AND c_custkey = o_custkey AND l_orderkey = o_orderkey AND o_orderdate < date '1995-03-15' "
            + "AND l_shipdate > date '1995-03-15' GROUP BY l_orderkey, o_orderdate, o_shippriority "
            + "ORDER BY revenue DESC, o_orderdate, l_orderkey LIMIT 10";

    @BeforeAll
    static void register(SparkSession spark) {
        Random r = new Random(5);
        String[] segments = {"BUILDING", "AUTOMOBILE", "MACHINERY", "HOUSEHOLD", "FURNITURE"};
        List<Row> customers = new ArrayList<>();
        for (int c = 1; c <= 300; c++) {
            customers.add(RowFactory.create(c, "Customer#" + c, segments[r.nextInt(segments.length)]));
        }
        List<Row> orders = new ArrayList<>();
        List<Row> lineitems = new ArrayList<>();
        LocalDate start = LocalDate.of(1992, 1, 1);
        for (int o = 1; o <= 3000; o++) {
            LocalDate ordered = start.plusDays(r.nextInt(2400));
            orders.add(RowFactory.create(o, 1 + r.nextInt(300), Date.valueOf(ordered), r.nextInt(2)));
            for (int l = 0, n = 1 + r.nextInt(7); l < n; l++) {
                lineitems.add(RowFactory.create(o, Math.round(r.nextDouble() * 1e7) / 100.0, r.nextInt(11) / 100.0,
                        Date.valueOf(ordered.plusDays(1 + r.nextInt(120)))));
            }
        }
        spark.createDataFrame(customers, new StructType().add("c_custkey", DataTypes.IntegerType, false)
                .add("c_name", DataTypes.StringType).add("c_mktsegment", DataTypes.StringType))
                .createOrReplaceTempView("customer");
        spark.createDataFrame(orders, new StructType().add("o_orderkey", DataTypes.IntegerType, false)
                .add("o_custkey", DataTypes.IntegerType, false).add("o_orderdate", DataTypes.DateType)
                .add("o_shippriority", DataTypes.IntegerType)).createOrReplaceTempView("orders");
        spark.createDataFrame(lineitems, new StructType().add("l_orderkey", DataTypes.IntegerType, false)
                .add("l_extendedprice", DataTypes.DoubleType).add("l_discount", DataTypes.DoubleType)
                .add("l_shipdate", DataTypes.DateType)).createOrReplaceTempView("lineitem");
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive).ordered().tolerance(1e-9)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.sql.shuffle.partitions", "4")
                .conf("spark.ember.sql.batchSizeBytes", "64k")
                .allowCpu("ShuffleExchangeExec", "BroadcastExchangeExec", "TakeOrderedAndProjectExec")
                .expectGpu("GpuFilterProject", "GpuHashAggregate");
    }

    private static void check(GpuDiff.Run run, String join) {
        assertThat(run.nodeNames().stream().filter(join::equals).count()).as("plan:\n%s", run.plan()).isEqualTo(2);
        assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count()).isEqualTo(2);
        assertThat(run.rows()).hasSize(10);
    }

    @BothAdaptiveModes
    void q3Shuffled(boolean adaptive, SparkSession spark) {
        check(diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "-1")
                .assertGpuAndCpuEqual(s -> s.sql(Q3)), "GpuShuffledHashJoin");
    }

    @BothAdaptiveModes
    void q3Broadcast(boolean adaptive, SparkSession spark) {
        check(diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "100m")
                .assertGpuAndCpuEqual(s -> s.sql(Q3)), "GpuBroadcastHashJoin");
    }
}
