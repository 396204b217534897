package dev.ember.it.spark.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.math.BigDecimal;
import java.math.BigInteger;
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
 * Filters over tables with 16-byte decimals (more than 18 digits): the selected rows of those columns
 * are gathered on the GPU by the 16-byte gather kernels.
 */
@ExtendWith(SparkSessionExtension.class)
class TestDecimal128Filter {
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
            .add("d38", DataTypes.createDecimalType(38, 10)).add("d20", DataTypes.createDecimalType(20, 0))
            .add("x", DataTypes.DoubleType);

    @BeforeAll
    static void register(SparkSession spark) {
        spark.createDataFrame(rows(3000, 7), SCHEMA).createOrReplaceTempView("dec");
    }

    /** Random rows with nulls, negatives, both precisions' extremes and values across the 64-bit boundary. */
    static List<Row> rows(int count, long seed) {
        BigInteger max38 = BigInteger.TEN.pow(38).subtract(BigInteger.ONE);
        BigInteger max20 = BigInteger.TEN.pow(20).subtract(BigInteger.ONE);
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(RowFactory.create(i % 13 == 0 ? null : i, decimal(r, i, max38, 10), decimal(r, i + 3, max20, 0),
                    i % 11 == 0 ? Double.NaN : i * -0.5));
        }
        return rows;
    }

    private static BigDecimal decimal(Random r, int i, BigInteger max, int scale) {
        BigInteger unscaled = switch (i % 8) {
            case 0 -> null;
            case 1 -> max;
            case 2 -> max.negate();
            case 3 -> BigInteger.ZERO;
            case 4 -> BigInteger.ONE.shiftLeft(64).negate();
            case 5 -> BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE);
            default -> new BigInteger(max.bitLength() + 1, r).mod(max.shiftLeft(1).add(BigInteger.ONE)).subtract(max);
        };
        return unscaled == null ? null : new BigDecimal(unscaled, scale);
    }

    @BothAdaptiveModes
    void filterKeepsSixteenByteDecimalColumns(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).expectGpu("GpuFilter", "GpuLocalTableScan")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM dec WHERE id % 3 = 1 OR x IS NULL"));
        assertThat(run.rows()).hasSize(spark.sql("SELECT * FROM dec WHERE id % 3 = 1").collectAsList().size());
        assertThat(run.rows()).anyMatch(row -> row.isNullAt(1)).anyMatch(row -> !row.isNullAt(1)
                && row.getDecimal(1).unscaledValue().equals(BigInteger.TEN.pow(38).subtract(BigInteger.ONE)));
    }

    @BothAdaptiveModes
    void filterAndProjectPassSixteenByteDecimalsThrough(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).expectGpu("GpuFilterProject", "GpuLocalTableScan")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT d20, id * 2 AS twice, d38 FROM dec WHERE x < -100"));
        assertThat(run.rows()).isNotEmpty().anyMatch(row -> !row.isNullAt(0) && row.getDecimal(0).signum() < 0);
    }

    @BothAdaptiveModes
    void selectiveFilterOverManySmallBatches(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = ExprTables.diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "1k")
                .expectGpu("GpuFilter").assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM dec WHERE id % 97 = 5"));
        assertThat(run.rows()).as("ids 5 + 97k below 3000, less the two multiples of 13").hasSize(29);
    }
}
