package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
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
 * TPC-H Q5- and Q10-style queries over generated tables: Q5 joins six tables (five joins, one of them
 * on two keys, {@code l_suppkey = s_suppkey AND c_nationkey = s_nationkey}), filters on a region name
 * and a year of order dates and sums revenue per nation; Q10 joins four tables for a quarter's
 * returned items and groups revenue by seven customer columns (int, strings, a decimal, with nulls)
 * for the top twenty. Some customers and suppliers share a key (duplicate build keys), and addresses,
 * phones, balances, comments, discounts and order dates have nulls. Every join and both aggregation
 * stages run on the GPU, through shuffled hash joins (sort-merge joins replaced) and through
 * broadcast hash joins.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashJoinTpchQ5Q10 {
    private static final String Q5 = "SELECT n_name, sum(l_extendedprice * (1 - l_discount)) AS revenue "
            + "FROM customer, orders, lineitem, supplier, nation, region WHERE c_custkey = o_custkey "
            + "AND l_orderkey = o_orderkey AND l_suppkey = s_suppkey AND c_nationkey = s_nationkey "
            + "AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND r_name = 'ASIA' "
            + "AND o_orderdate >= date '1994-01-01' AND o_orderdate < date '1994-01-01' + interval '1' year "
            + "GROUP BY n_name ORDER BY revenue DESC";
    private static final String Q10 = "SELECT c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) AS revenue, "
            + "c_acctbal, n_name, c_address, c_phone, c_comment FROM customer, orders, lineitem, nation "
            + "WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND o_orderdate >= date '1993-10-01' "
            + "AND o_orderdate < date '1993-10-01' + interval '3' month AND l_returnflag = 'R' "
            + "AND c_nationkey = n_nationkey "
            + "GROUP BY c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment "
            + "ORDER BY revenue DESC, c_custkey LIMIT 20";
    private static final String[] NATIONS = {"ALGERIA", "ARGENTINA", "BRAZIL", "CANADA", "EGYPT", "ETHIOPIA",
        "FRANCE", "GERMANY", "INDIA", "INDONESIA", "IRAN", "IRAQ", "JAPAN", "JORDAN", "KENYA", "MOROCCO",
        "MOZAMBIQUE", "PERU", "CHINA", "ROMANIA", "SAUDI ARABIA", "VIETNAM", "RUSSIA", "UNITED KINGDOM",
        "UNITED STATES"};
    private static final String[] REGIONS = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};
    private static final int CUSTOMERS = 400;
    /** Three suppliers per nation: supplier s is in nation s % 25, customer c in nation c % 25. */
    private static final int SUPPLIERS = 75;

    @BeforeAll
    static void register(SparkSession spark) {
        Random r = new Random(10);
        List<Row> regions = new ArrayList<>();
        for (int i = 0; i < REGIONS.length; i++) {
            regions.add(RowFactory.create(i, REGIONS[i]));
        }
        List<Row> nations = new ArrayList<>();
        for (int i = 0; i < NATIONS.length; i++) {
            nations.add(RowFactory.create(i, NATIONS[i], i % REGIONS.length));
        }
        List<Row> suppliers = new ArrayList<>();
        for (int s = 1; s <= SUPPLIERS; s++) {
            suppliers.add(RowFactory.create(s, s % NATIONS.length, "Supplier#" + s));
            if (s % 17 == 0) {
                // A second supplier row with the same key: lineitems of s match both.
                suppliers.add(RowFactory.create(s, s % NATIONS.length, "Supplier#" + s + "b"));
            }
        }
        List<Row> customers = new ArrayList<>();
        for (int c = 1; c <= CUSTOMERS; c++) {
            customers.add(customer(r, c, ""));
            if (c % 37 == 0) {
                customers.add(customer(r, c, "-dup"));
            }
        }
        List<Row> orders = new ArrayList<>();
        List<Row> lineitems = new ArrayList<>();
        LocalDate start = LocalDate.of(1992, 1, 1);
        String[] flags = {"R", "A", "N"};
        for (int o = 1; o <= 4000; o++) {
            LocalDate ordered = start.plusDays(r.nextInt(2400));
            int customer = 1 + r.nextInt(CUSTOMERS);
            orders.add(RowFactory.create(o, customer, r.nextInt(50) == 0 ? null : Date.valueOf(ordered), r.nextInt(2)));
            for (int l = 0, n = 1 + r.nextInt(7); l < n; l++) {
                // Half the items come from a supplier of the customer's nation, which Q5 asks for.
                int supplier = r.nextBoolean() ? 1 + r.nextInt(SUPPLIERS)
                        : customer % NATIONS.length + NATIONS.length * (1 + r.nextInt(2));
                lineitems.add(RowFactory.create(o, supplier, Math.round(r.nextDouble() * 1e7) / 100.0,
                        r.nextInt(40) == 0 ? null : r.nextInt(11) / 100.0, flags[r.nextInt(flags.length)],
                        Date.valueOf(ordered.plusDays(1 + r.nextInt(120)))));
            }
        }
        spark.createDataFrame(regions, new StructType().add("r_regionkey", DataTypes.IntegerType, false)
                .add("r_name", DataTypes.StringType)).createOrReplaceTempView("region");
        spark.createDataFrame(nations, new StructType().add("n_nationkey", DataTypes.IntegerType, false)
                .add("n_name", DataTypes.StringType).add("n_regionkey", DataTypes.IntegerType, false))
                .createOrReplaceTempView("nation");
        spark.createDataFrame(suppliers, new StructType().add("s_suppkey", DataTypes.IntegerType, false)
                .add("s_nationkey", DataTypes.IntegerType, false).add("s_name", DataTypes.StringType))
                .createOrReplaceTempView("supplier");
        spark.createDataFrame(customers, new StructType().add("c_custkey", DataTypes.IntegerType, false)
                .add("c_name", DataTypes.StringType).add("c_address", DataTypes.StringType)
                .add("c_nationkey", DataTypes.IntegerType, false).add("c_phone", DataTypes.StringType)
                .add("c_acctbal", DataTypes.createDecimalType(15, 2)).add("c_comment", DataTypes.StringType))
                .createOrReplaceTempView("customer");
        spark.createDataFrame(orders, new StructType().add("o_orderkey", DataTypes.IntegerType, false)
                .add("o_custkey", DataTypes.IntegerType, false).add("o_orderdate", DataTypes.DateType)
                .add("o_shippriority", DataTypes.IntegerType)).createOrReplaceTempView("orders");
        spark.createDataFrame(lineitems, new StructType().add("l_orderkey", DataTypes.IntegerType, false)
                .add("l_suppkey", DataTypes.IntegerType, false).add("l_extendedprice", DataTypes.DoubleType)
                .add("l_discount", DataTypes.DoubleType).add("l_returnflag", DataTypes.StringType)
                .add("l_shipdate", DataTypes.DateType)).createOrReplaceTempView("lineitem");
    }

    private static Row customer(Random r, int key, String suffix) {
        int nation = key % NATIONS.length;
        String phone = (10 + nation) + "-" + (100 + r.nextInt(900)) + "-" + (1000 + r.nextInt(9000));
        return RowFactory.create(key, "Customer#" + key + suffix,
                r.nextInt(15) == 0 ? null : "Street " + r.nextInt(1000) + (r.nextBoolean() ? " \u00e9st" : ""), nation,
                r.nextInt(20) == 0 ? null : phone,
                r.nextInt(25) == 0 ? null : BigDecimal.valueOf(r.nextInt(1_100_000) - 100_000, 2),
                r.nextInt(4) == 0 ? null : "comment " + r.nextInt(50));
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive).ordered().tolerance(1e-9)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.sql.shuffle.partitions", "4")
                .conf("spark.ember.sql.batchSizeBytes", "64k")
                .expectGpu("GpuFilterProject", "GpuHashAggregate");
    }

    private static GpuDiff shuffled(SparkSession spark, boolean adaptive) {
        return diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "-1");
    }

    private static GpuDiff broadcast(SparkSession spark, boolean adaptive) {
        return diff(spark, adaptive).conf("spark.sql.autoBroadcastJoinThreshold", "100m");
    }

    /** Every join is {@code join}, every aggregation on the GPU, and the query has {@code rows} rows. */
    private static void check(GpuDiff.Run run, String join, int joins, int rows) {
        List<String> names = run.nodeNames();
        assertThat(names.stream().filter(n -> n.contains("Join")).toList()).as("plan:\n%s", run.plan())
                .isEqualTo(java.util.Collections.nCopies(joins, join));
        assertThat(names.stream().filter(n -> n.contains("Aggregate")).toList()).as("plan:\n%s", run.plan())
                .isEqualTo(List.of("GpuHashAggregate", "GpuHashAggregate"));
        assertThat(run.rows()).hasSize(rows);
    }

    @BothAdaptiveModes
    void q5Shuffled(boolean adaptive, SparkSession spark) {
        check(shuffled(spark, adaptive).assertGpuAndCpuEqual(s -> s.sql(Q5)), "GpuShuffledHashJoin", 5, 5);
    }

    @BothAdaptiveModes
    void q5Broadcast(boolean adaptive, SparkSession spark) {
        check(broadcast(spark, adaptive).assertGpuAndCpuEqual(s -> s.sql(Q5)), "GpuBroadcastHashJoin", 5, 5);
    }

    @BothAdaptiveModes
    void q10Shuffled(boolean adaptive, SparkSession spark) {
        check(shuffled(spark, adaptive).assertGpuAndCpuEqual(s -> s.sql(Q10)), "GpuShuffledHashJoin", 3, 20);
    }

    @BothAdaptiveModes
    void q10Broadcast(boolean adaptive, SparkSession spark) {
        check(broadcast(spark, adaptive).assertGpuAndCpuEqual(s -> s.sql(Q10)), "GpuBroadcastHashJoin", 3, 20);
    }
}
