package dev.ember.it.spark.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.math.BigDecimal;
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

/**
 * Products of decimal(15,2) money columns whose Spark types have more than 18 digits ({@code price *
 * (1 - discount)} is decimal(32,4), {@code price * discount} decimal(31,4)), computed exactly on the GPU
 * as 16-byte decimals: as projected columns and as inputs of sum, avg, min, max and count (TPC-H Q6 and
 * Q3 shapes), over nulls, zeros, negatives and ±9999999999999.99. Wide products feeding further
 * operations (a product of a product, rounded to Spark's decimal(38,6); a comparison in a filter; the
 * input of a sum) run on the GPU too.
 */
@ExtendWith(SparkSessionExtension.class)
class TestWideDecimalMultiply {
    private static final DecimalType MONEY = DataTypes.createDecimalType(15, 2);
    private static final BigDecimal MAX = new BigDecimal("9999999999999.99");

    @BeforeAll
    static void register(SparkSession spark) {
        StructType schema = new StructType().add("k", DataTypes.IntegerType).add("q", DataTypes.IntegerType)
                .add("price", MONEY).add("discount", MONEY).add("tax", MONEY);
        Random r = new Random(5);
        List<Row> rows = new ArrayList<>();
        for (int n = 0; n < 2500; n++) {
            rows.add(RowFactory.create(n % 19 == 0 ? null : n % 7, r.nextInt(50), money(r, n), discount(r, n + 1),
                    discount(r, n + 2)));
        }
        spark.createDataFrame(rows, schema).createOrReplaceTempView("w");
    }

    private static BigDecimal money(Random r, int n) {
        return switch (n % 10) {
            case 0 -> null;
            case 1 -> MAX;
            case 2 -> MAX.negate();
            case 3 -> BigDecimal.ZERO.setScale(2);
            case 4 -> BigDecimal.valueOf(r.nextInt(201) - 100, 2);
            default -> BigDecimal.valueOf((r.nextLong() >>> 1) % 1_000_000_000_000_000L
                    / (r.nextBoolean() ? 1 : 100_000_000L) * (r.nextInt(5) == 0 ? -1 : 1), 2);
        };
    }

    private static BigDecimal discount(Random r, int n) {
        return switch (n % 11) {
            case 0 -> null;
            case 1 -> MAX;
            case 2 -> MAX.negate();
            case 3 -> BigDecimal.ZERO.setScale(2);
            case 4 -> money(r, n + r.nextInt(10));
            default -> BigDecimal.valueOf(r.nextInt(11), 2);
        };
    }

    @BothAdaptiveModes
    void projectedProducts(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k, price * (1 - discount) AS charge, price * discount, "
                        + "price * price, discount * tax, price, (1 + tax) * discount FROM w"));
        assertThat(run.rows()).anyMatch(row -> row.isNullAt(1)).anyMatch(row -> !row.isNullAt(3)
                && row.getDecimal(3).equals(MAX.multiply(MAX)));
        assertThat(run.plan().schema().apply(1).dataType()).isEqualTo(DataTypes.createDecimalType(32, 4));
    }

    @BothAdaptiveModes
    void productsNextToFilterAndProgramColumns(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).expectGpu("GpuFilterProject", "GpuLocalTableScan")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k + 1, price * discount, (0 - price) * discount, "
                        + "discount - 0.01, price * (1 - discount), k FROM w WHERE q < 30 AND discount >= 0"));
        assertThat(run.rows()).isNotEmpty();
    }

    @BothAdaptiveModes
    void q6ShapedGlobalSum(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).allowCpu("ShuffleExchangeExec")
                .expectGpu("GpuHashAggregate")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT sum(price * discount) AS revenue, count(price * discount) "
                        + "FROM w WHERE discount BETWEEN 0.05 AND 0.07 AND q < 24"));
        assertThat(run.rows()).hasSize(1);
        assertThat(run.rows().get(0).isNullAt(0)).isFalse();
    }

    @BothAdaptiveModes
    void q3ShapedGroupedAggregates(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).allowCpu("ShuffleExchangeExec")
                .conf("spark.sql.shuffle.partitions", "3").expectGpu("GpuHashAggregate")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k, sum(price * (1 - discount)) AS revenue, "
                        + "avg(price * discount), min(price * (1 - discount)), max(price * discount), "
                        + "count(price * tax), sum(price) FROM w GROUP BY k"));
        assertThat(run.rows()).hasSize(8);
        // Spark's buffer for the sum of decimal(32,4) is decimal(38,4); the sums of ±max products pass
        // 10^34 but stay far below 10^38.
        assertThat(run.plan().schema().apply(1).dataType()).isEqualTo(DataTypes.createDecimalType(38, 4));
    }

    @BothAdaptiveModes
    void productsOfWideProductsRoundOnTheGpu(boolean adaptive, SparkSession spark) {
        // TPC-H Q1's charge: the product of a decimal(32,4) and a decimal(16,2) is decimal(38,6) with
        // Spark's precision loss adjustment, rounded HALF_UP from the exact decimal(49,6) product.
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k, price * (1 - discount) * (1 + tax) AS charge FROM w"));
        assertThat(run.plan().schema().apply(1).dataType()).isEqualTo(DataTypes.createDecimalType(38, 6));
        // ±max * (1 - ±max) * (1 + ±max) has about 39 digits: null, as Spark's overflow.
        assertThat(run.rows()).anyMatch(row -> row.isNullAt(1) && row.get(0) != null)
                .anyMatch(row -> !row.isNullAt(1) && row.getDecimal(1).signum() != 0);
    }

    @BothAdaptiveModes
    void wideProductsInFilterConditions(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).expectGpu("GpuFilterProject", "GpuLocalTableScan")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT k, price * discount FROM w WHERE price * discount > 100"));
        assertThat(run.rows()).isNotEmpty().allMatch(row -> row.getDecimal(1).compareTo(BigDecimal.valueOf(100)) > 0);
        assertThat(run.nodeNames()).doesNotContain("Filter", "Project");
    }

    @BothAdaptiveModes
    void q1ChargeSums(boolean adaptive, SparkSession spark) {
        GpuDiff diff = ExprTables.diff(spark, adaptive).allowCpu("ShuffleExchangeExec")
                .conf("spark.sql.shuffle.partitions", "3").expectGpu("GpuHashAggregate");
        for (String sql : List.of("SELECT k, sum(price * (1 - discount) * (1 + tax)) FROM w GROUP BY k",
                // Without the ±max discounts and taxes no charge overflows, so the sums have values.
                "SELECT k, sum(price * (1 - discount) * (1 + tax)) FROM w WHERE abs(discount) < 1 AND abs(tax) < 1 "
                        + "GROUP BY k")) {
            GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql(sql));
            assertThat(run.rows()).hasSize(8);
            assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count())
                    .as("%s:%n%s", sql, run.plan()).isEqualTo(2);
            assertThat(run.plan().schema().apply(1).dataType()).isEqualTo(DataTypes.createDecimalType(38, 6));
            if (sql.contains("WHERE")) {
                assertThat(run.rows()).anyMatch(row -> !row.isNullAt(1) && row.getDecimal(1).signum() != 0);
            }
        }
    }
}
