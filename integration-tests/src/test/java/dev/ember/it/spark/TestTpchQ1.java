package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TPC-H Q1 over a Parquet {@code lineitem} with TPC-H's own column types: one-character string flags
 * and decimal(15,2) quantities, prices and discounts. The scan, the filter on the ship date, the
 * projection and both aggregation stages (string keys; decimal sums and averages with Spark's result
 * types) run on the GPU, the discounted price {@code l_extendedprice * (1 - l_discount)} (decimal(32,4))
 * and Q1's charge (that product times {@code 1 + l_tax}, decimal(38,6) with Spark's precision loss
 * rounding) included.
 */
@ExtendWith(SparkSessionExtension.class)
class TestTpchQ1 {
    private static final DecimalType MONEY = DataTypes.createDecimalType(15, 2);
    private static String path;

    @BeforeAll
    static void writeLineitem(SparkSession spark, @TempDir Path dir) {
        StructType schema = new StructType().add("l_quantity", MONEY).add("l_extendedprice", MONEY)
                .add("l_discount", MONEY).add("l_tax", MONEY).add("l_returnflag", DataTypes.StringType)
                .add("l_linestatus", DataTypes.StringType).add("l_shipdate", DataTypes.DateType);
        Random r = new Random(1);
        String[] flags = {"A", "N", "R"};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int quantity = 1 + r.nextInt(50);
            // TPC-H's extended price is quantity * part price, part prices 900.00 to 2,098.99.
            BigDecimal price = BigDecimal.valueOf((90_000L + r.nextInt(120_000)) * quantity, 2);
            LocalDate ship = LocalDate.of(1992, 1, 2).plusDays(r.nextInt(2526));
            rows.add(RowFactory.create(BigDecimal.valueOf(quantity, 0).setScale(2), price,
                    BigDecimal.valueOf(r.nextInt(11), 2), BigDecimal.valueOf(r.nextInt(9), 2),
                    ship.isAfter(LocalDate.of(1995, 6, 17)) ? "N" : flags[r.nextInt(3)],
                    ship.isAfter(LocalDate.of(1995, 6, 17)) ? "O" : "F", Date.valueOf(ship)));
        }
        path = dir.resolve("lineitem.parquet").toString();
        spark.createDataFrame(rows, schema).repartition(4).write().parquet(path);
        spark.read().parquet(path).createOrReplaceTempView("lineitem_q1");
    }

    @BothAdaptiveModes
    void q1(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).ordered()
                .conf("spark.sql.shuffle.partitions", "4")
                .conf("spark.ember.sql.batchSizeBytes", "64k")
                .allowCpu("ShuffleExchangeExec", "SortExec")
                .expectGpu("GpuFileSourceScan", "GpuFilterProject", "GpuHashAggregate");
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT l_returnflag, l_linestatus, "
                + "sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price, "
                + "sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, "
                + "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, "
                + "avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, "
                + "count(*) AS count_order FROM lineitem_q1 "
                + "WHERE l_shipdate <= date '1998-12-01' - interval '90' day "
                + "GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus"));
        assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count()).as("plan:\n%s", run.plan())
                .isEqualTo(2);
        assertThat(run.rows()).hasSize(4);
        // Spark's result types: sum of decimal(15,2) is decimal(25,2), of decimal(32,4) decimal(38,4), of
        // decimal(38,6) decimal(38,6), avg is decimal(19,6).
        assertThat(run.rows().get(0).getDecimal(2).scale()).isEqualTo(2);
        assertThat(run.rows().get(0).getDecimal(4).scale()).isEqualTo(4);
        assertThat(run.rows().get(0).getDecimal(5).scale()).isEqualTo(6);
        assertThat(run.rows().get(0).getDecimal(8).scale()).isEqualTo(6);
        assertThat(run.plan().schema().apply(5).dataType()).isEqualTo(DataTypes.createDecimalType(38, 6));
    }
}
