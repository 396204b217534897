package dev.ember.it.spark.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decimals of up to 38 digits in GPU expression programs, against Spark's rows: +, -, * and / between
 * every pair of decimal(38,10), decimal(20,0), decimal(32,4), decimal(15,2), decimal(38,0) and
 * decimal(38,38) with and without {@code spark.sql.decimalOperations.allowPrecisionLoss} (overflow to
 * null, HALF_UP rounding, division by zero), comparisons, conditionals, IN and NOT IN, casts, negation
 * and abs, TPC-H-shaped money expressions and aggregates over them, and Spark's scalar subqueries as
 * constants of GPU filters and projections. The columns hold nulls, 0, ±1 unit, ±(10^p - 1), values
 * around 2^63 and 2^64, and ties (a 5 followed by zeros) of both signs.
 */
@ExtendWith(SparkSessionExtension.class)
class TestWideDecimalExpressions {
    /** The decimal columns of {@code wd}: name, precision, scale. */
    private static final List<String> COLUMNS = List.of("d38_10", "d20", "d32_4", "d15_2", "d38_0", "d38_38");
    private static final int[][] TYPES = {{38, 10}, {20, 0}, {32, 4}, {15, 2}, {38, 0}, {38, 38}};
    private static final String[] NATIONS = {"BRAZIL", "PERU", "CHILE", "ARGENTINA", "BOLIVIA"};
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    /** The rows of {@code wd}. */
    private static final int ROWS = 1600;

    @BeforeAll
    static void register(SparkSession spark) {
        StructType schema = new StructType().add("k", DataTypes.IntegerType).add("i", DataTypes.IntegerType)
                .add("l", DataTypes.LongType);
        for (int c = 0; c < COLUMNS.size(); c++) {
            schema = schema.add(COLUMNS.get(c), DataTypes.createDecimalType(TYPES[c][0], TYPES[c][1]));
        }
        DataType money = DataTypes.createDecimalType(15, 2);
        schema = schema.add("nation", DataTypes.StringType).add("quantity", money).add("price", money)
                .add("discount", money).add("tax", money);
        Random r = new Random(38);
        List<Row> rows = new ArrayList<>();
        for (int n = 0; n < ROWS; n++) {
            List<Object> cells = new ArrayList<>();
            cells.add(n % 19 == 0 ? null : n % 7);
            cells.add(n % 11 == 0 ? null : switch (n % 5) {
                case 0 -> r.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
                case 1 -> r.nextInt(21) - 10;
                default -> r.nextInt();
            });
            cells.add(n % 13 == 0 ? null : switch (n % 6) {
                case 0 -> r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
                case 1 -> (long) r.nextInt(2001) - 1000;
                case 2 -> r.nextLong() >> r.nextInt(64);
                default -> r.nextLong();
            });
            for (int[] type : TYPES) {
                cells.add(decimal(r, type[0], type[1]));
            }
            int quantity = 1 + r.nextInt(50);
            cells.add(n % 17 == 0 ? null : NATIONS[r.nextInt(NATIONS.length)]);
            cells.add(n % 23 == 0 ? null : BigDecimal.valueOf(quantity).setScale(2));
            cells.add(n % 29 == 0 ? null : BigDecimal.valueOf((90_000L + r.nextInt(120_000)) * quantity, 2));
            cells.add(n % 31 == 0 ? null : BigDecimal.valueOf(r.nextInt(11), 2));
            cells.add(BigDecimal.valueOf(r.nextInt(9), 2));
            rows.add(RowFactory.create(cells.toArray()));
        }
        spark.createDataFrame(rows, schema).createOrReplaceTempView("wd");

        // The same decimal columns with values of at most 34 significant digits: Spark 3.5 negates a
        // decimal through a Scala BigDecimal that rounds to 34 digits (longer values are not exact there,
        // and may even fail), so Ember leaves negation of types over 34 digits on the CPU.
        StructType narrowSchema = new StructType().add("k", DataTypes.IntegerType);
        for (int c = 0; c < COLUMNS.size(); c++) {
            narrowSchema = narrowSchema.add(COLUMNS.get(c), DataTypes.createDecimalType(TYPES[c][0], TYPES[c][1]));
        }
        List<Row> narrow = new ArrayList<>();
        for (int n = 0; n < 1000; n++) {
            List<Object> cells = new ArrayList<>();
            cells.add(n % 19 == 0 ? null : n % 7);
            for (int[] type : TYPES) {
                int digits = Math.min(type[0], 34);
                BigDecimal value = decimal(r, digits, Math.min(type[1], digits));
                cells.add(value == null ? null : value.setScale(type[1]));
            }
            narrow.add(RowFactory.create(cells.toArray()));
        }
        spark.createDataFrame(narrow, narrowSchema).createOrReplaceTempView("wd34");

        // Hand-picked pairs whose results are known: rounding ties, overflow, division by zero.
        StructType edgeSchema = new StructType().add("id", DataTypes.IntegerType)
                .add("x", DataTypes.createDecimalType(38, 10)).add("y", DataTypes.createDecimalType(38, 10))
                .add("z", DataTypes.createDecimalType(38, 0)).add("s", DataTypes.createDecimalType(38, 38));
        String max38 = "9".repeat(38);
        String max38x10 = "9".repeat(28) + "." + "9".repeat(10);
        List<Row> edge = List.of(
                edgeRow(1, "0.0000005", "1", "1", "0.5"),
                edgeRow(2, "-0.0000005", "1", "-1", "-0.5"),
                edgeRow(3, "0.0000004999", "1", "3", "0.00000000000000000000000000000000000001"),
                edgeRow(4, max38x10, "0.0000000001", max38, "0." + "9".repeat(38)),
                edgeRow(5, "1", "0", "0", "0"),
                edgeRow(6, max38x10, max38x10, "-" + max38, "-0." + "9".repeat(38)),
                edgeRow(7, "2", "3", "2", "0.25"),
                edgeRow(8, "-2", "3", "18446744073709551616", "-0.125"),
                edgeRow(9, "1.0000000005", "-2", "-18446744073709551617", "0.00000000000000000000000000000000000005"),
                edgeRow(10, null, "1", null, null));
        spark.createDataFrame(edge, edgeSchema).createOrReplaceTempView("wd_edge");
    }

    private static Row edgeRow(int id, String x, String y, String z, String s) {
        return RowFactory.create(id, x == null ? null : new BigDecimal(x).setScale(10),
                y == null ? null : new BigDecimal(y).setScale(10), z == null ? null : new BigDecimal(z),
                s == null ? null : new BigDecimal(s).setScale(38));
    }

    /** A decimal(precision, scale) value, the interesting ones often. */
    private static BigDecimal decimal(Random r, int precision, int scale) {
        BigInteger max = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
        BigInteger one = precision > scale ? BigInteger.TEN.pow(scale) : BigInteger.TEN.pow(scale - 1).multiply(
                BigInteger.valueOf(5));
        BigInteger unscaled = switch (r.nextInt(16)) {
            case 0 -> null;
            case 1 -> max;
            case 2 -> max.negate();
            case 3 -> BigInteger.ZERO;
            case 4 -> BigInteger.ONE;
            case 5 -> BigInteger.ONE.negate();
            case 6 -> one;
            case 7 -> one.multiply(BigInteger.valueOf(r.nextBoolean() ? -2 : 8));
            // Around 2^64 and 2^63 (where they fit).
            case 8 -> TWO_64.add(BigInteger.valueOf(r.nextInt(3) - 1));
            case 9 -> TWO_64.negate().subtract(BigInteger.valueOf(r.nextInt(2)));
            case 10 -> BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(r.nextInt(3) - 1))
                    .multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1));
            // Ties: random digits, a 5, then zeros.
            case 11, 12 -> {
                int zeros = r.nextInt(precision);
                BigInteger head = new BigInteger(4 * (precision - zeros), r).mod(BigInteger.TEN.pow(precision - zeros
                        - 1).max(BigInteger.ONE));
                BigInteger tie = head.multiply(BigInteger.TEN).add(BigInteger.valueOf(5))
                        .multiply(BigInteger.TEN.pow(zeros));
                yield r.nextBoolean() ? tie : tie.negate();
            }
            // Random, of any number of digits.
            case 13 -> new BigInteger(4 * (1 + r.nextInt(precision)), r).mod(max.add(BigInteger.ONE))
                    .multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1));
            default -> new BigInteger(4 * precision, r).mod(max.add(BigInteger.ONE))
                    .multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1));
        };
        if (unscaled == null) {
            return null;
        }
        if (unscaled.abs().compareTo(max) > 0) {
            unscaled = unscaled.mod(max.add(BigInteger.ONE));
        }
        return new BigDecimal(unscaled, scale);
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return ExprTables.diff(spark, adaptive).conf("spark.ember.sql.batchSizeBytes", "32k")
                .conf("spark.sql.shuffle.partitions", "2");
    }

    /**
     * Runs {@code sql} both ways, expecting {@code node} in the GPU plan; failures name the query. (The
     * projections and filters of the local table have no exchange or subquery, so adaptive execution
     * leaves them alone: those tests run once.)
     */
    private static GpuDiff.Run check(GpuDiff diff, String node, String sql) {
        try {
            return diff.expectGpu(node).assertGpuAndCpuEqual(s -> s.sql(sql));
        } catch (AssertionError e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    @ParameterizedTest(name = "allowPrecisionLoss={0}")
    @ValueSource(booleans = {true, false})
    void arithmeticBetweenEveryPairOfTypes(boolean allowPrecisionLoss, SparkSession spark) {
        GpuDiff diff = diff(spark, false).conf("spark.sql.decimalOperations.allowPrecisionLoss",
                String.valueOf(allowPrecisionLoss));
        for (String left : COLUMNS) {
            StringBuilder sql = new StringBuilder("SELECT k");
            for (String right : COLUMNS) {
                sql.append(", ").append(left).append(" + ").append(right).append(", ").append(left).append(" - ")
                        .append(right).append(", ").append(left).append(" * ").append(right).append(", ")
                        .append(left).append(" / ").append(right);
            }
            GpuDiff.Run run = check(diff, "GpuProject", sql.append(" FROM wd").toString());
            assertThat(run.nodeNames()).doesNotContain("Project");
            for (int c = 1; c < run.plan().schema().size(); c++) {
                int column = c;
                assertThat(run.rows()).as("%s, column %s", sql, c).anyMatch(row -> !row.isNullAt(column));
            }
        }
        // Spark's result types follow the setting, and so do the GPU's.
        GpuDiff.Run types = check(diff, "GpuProject", "SELECT d38_10 * d38_10, d38_10 / d38_10, d15_2 / d38_38, "
                + "d38_0 + d38_38 FROM wd");
        List<DataType> expected = allowPrecisionLoss
                ? List.of(DataTypes.createDecimalType(38, 6), DataTypes.createDecimalType(38, 6),
                        DataTypes.createDecimalType(38, 6), DataTypes.createDecimalType(38, 6))
                : List.of(DataTypes.createDecimalType(38, 20), DataTypes.createDecimalType(38, 18),
                        DataTypes.createDecimalType(38, 18), DataTypes.createDecimalType(38, 38));
        for (int c = 0; c < expected.size(); c++) {
            assertThat(types.plan().schema().apply(c).dataType()).isEqualTo(expected.get(c));
        }
    }

    @ParameterizedTest(name = "allowPrecisionLoss={0}")
    @ValueSource(booleans = {true, false})
    void arithmeticWithLiteralsAndNestedExpressions(boolean allowPrecisionLoss, SparkSession spark) {
        GpuDiff diff = diff(spark, false).conf("spark.sql.decimalOperations.allowPrecisionLoss",
                String.valueOf(allowPrecisionLoss));
        check(diff, "GpuProject", "SELECT k, d38_10 + 1, d38_10 * 0.5, d20 / 3, d20 * 18446744073709551616, "
                + "d38_0 - 99999999999999999999999999999999999999, d38_38 * 2, "
                + "d38_38 + 0.00000000000000000000000000000000000001, d32_4 / 7.0, (d38_10 + d32_4) * d15_2, "
                + "(d20 - d38_0) / (d15_2 + 1), d38_10 * d20 / d32_4, i * d38_10, l + d20, l * d38_0, "
                + "d15_2 * 100 / d20 FROM wd");
        check(diff(spark, false).conf("spark.sql.decimalOperations.allowPrecisionLoss",
                String.valueOf(allowPrecisionLoss)), "GpuFilterProject", "SELECT k, d38_10 - d32_4, d20 * d15_2 "
                + "FROM wd WHERE d38_10 * d15_2 > d20 / 7 AND d32_4 + d38_38 <> 0");
    }

    @ParameterizedTest(name = "allowPrecisionLoss={0}")
    @ValueSource(booleans = {true, false})
    void roundingOverflowAndDivisionByZero(boolean allowPrecisionLoss, SparkSession spark) {
        GpuDiff diff = diff(spark, false).conf("spark.sql.decimalOperations.allowPrecisionLoss",
                String.valueOf(allowPrecisionLoss));
        GpuDiff.Run run = check(diff, "GpuProject", "SELECT id, x / y, x * y, x + y, x - y, z / 2, z * s, s * s, "
                + "z / s, x / z, s / y, 0 - x, z - s FROM wd_edge");
        Map<Integer, Row> byId = new HashMap<>();
        run.rows().forEach(row -> byId.put(row.getInt(0), row));
        if (allowPrecisionLoss) {
            // x / y is decimal(38,6): ties round HALF_UP (away from zero).
            assertThat(byId.get(1).getDecimal(1)).isEqualTo(new BigDecimal("0.000001"));
            assertThat(byId.get(2).getDecimal(1)).isEqualTo(new BigDecimal("-0.000001"));
            assertThat(byId.get(3).getDecimal(1)).isEqualTo(new BigDecimal("0.000000"));
            assertThat(byId.get(7).getDecimal(1)).isEqualTo(new BigDecimal("0.666667"));
            assertThat(byId.get(8).getDecimal(1)).isEqualTo(new BigDecimal("-0.666667"));
            assertThat(byId.get(9).getDecimal(1)).isEqualTo(new BigDecimal("-0.500000"));
        }
        // Overflow and division by zero give null.
        assertThat(byId.get(4).isNullAt(1)).isTrue();
        assertThat(byId.get(5).isNullAt(1)).isTrue();
        assertThat(byId.get(6).isNullAt(2)).isTrue();
        if (allowPrecisionLoss) {
            // decimal(38,9): 2 * (10^28 - 10^-10) rounds up to 2 * 10^28, which has 29 integer digits.
            assertThat(byId.get(6).getDecimal(3)).isEqualTo(new BigDecimal("2E+28").setScale(9));
        } else {
            // decimal(38,10) holds 28 integer digits.
            assertThat(byId.get(6).isNullAt(3)).isTrue();
        }
        assertThat(byId.get(5).isNullAt(8)).isTrue();
        assertThat(byId.get(10).isNullAt(1)).isTrue();

        GpuDiff.Run zero = check(diff(spark, false), "GpuProject", "SELECT d38_10 / 0, d20 / (d38_0 - d38_0), "
                + "d38_38 / CAST(0 AS DECIMAL(38,38)), d15_2 / (d15_2 * 0) FROM wd");
        assertThat(zero.rows()).allMatch(row -> row.isNullAt(0) && row.isNullAt(1) && row.isNullAt(2)
                && row.isNullAt(3));
    }

    @Test
    void comparisons(SparkSession spark) {
        GpuDiff diff = diff(spark, false);
        check(diff, "GpuProject", "SELECT k, d38_10 = d20, d38_10 < d32_4, d38_10 <= d15_2, d38_0 > d20, "
                + "d38_0 >= d38_10, d38_38 <> d15_2, d38_10 <=> d32_4, d38_0 <=> d38_38, d20 <=> d20, d38_38 < d38_38, "
                + "d32_4 = d15_2, d38_0 = d38_0 FROM wd");
        check(diff, "GpuProject", "SELECT k, d38_10 > 12345678901234567890.0123456789, d20 = 18446744073709551616, "
                + "d20 < -18446744073709551616, d38_0 >= 99999999999999999999999999999999999999, "
                + "d38_0 <= -9223372036854775808, d38_38 > 0.5, d38_38 <=> 0.00000000000000000000000000000000000001, "
                + "d32_4 <> 0, d15_2 = 0.01, d38_10 <=> NULL, d38_10 IS NULL, d20 IS NOT NULL, d38_38 = -0.5 FROM wd");
        GpuDiff.Run filtered = check(diff(spark, false), "GpuFilter", "SELECT * FROM wd WHERE d38_10 > d20 "
                + "AND d38_0 < 18446744073709551616 AND d38_38 >= -0.5");
        assertThat(filtered.rows()).isNotEmpty();
    }

    @Test
    void conditionalsAndInLists(SparkSession spark) {
        GpuDiff diff = diff(spark, false);
        check(diff, "GpuProject", "SELECT k, CASE WHEN k = 1 THEN d38_10 WHEN k = 2 THEN d20 ELSE d32_4 END, "
                + "IF(k > 3, d38_0, d38_38), IF(d38_10 > 0, d38_10, 0 - d38_10), coalesce(d38_0, d20, 0), "
                + "coalesce(d38_38, -0.5), nvl(d38_10, d15_2), "
                + "CASE WHEN d20 > 18446744073709551615 THEN 99999999999999999999999999999999999999 ELSE -1 END, "
                + "CASE d15_2 WHEN 0 THEN d38_10 WHEN 0.01 THEN NULL END, CAST(NULL AS DECIMAL(38,10)) FROM wd");
        check(diff, "GpuProject", "SELECT k, d38_10 IN (0, 1, -0.0000000001, 9999999999999999999999999999.9999999999), "
                + "d20 IN (18446744073709551616, -18446744073709551616, 0, NULL), "
                + "d38_0 IN (99999999999999999999999999999999999999, -1), "
                + "d38_38 IN (0.5, -0.00000000000000000000000000000000000001, NULL), "
                + "d38_10 NOT IN (0, 1), d20 NOT IN (1, NULL), d32_4 NOT IN (0.0001, -0.0001, 1), "
                // Longer lists become InSet.
                + "d20 IN (0, 1, -1, 2, -2, 8, -8, 18446744073709551615, 18446744073709551616, "
                + "18446744073709551617, -18446744073709551616, -18446744073709551617, 9223372036854775808), "
                + "d38_38 NOT IN (0, 0.5, -0.5, 0.25, 0.125, 0.0625, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, NULL) "
                + "FROM wd");
        GpuDiff.Run in = check(diff(spark, false), "GpuFilter",
                "SELECT * FROM wd WHERE d38_0 IN (0, 1, -1, 99999999999999999999999999999999999999) "
                        + "OR d20 NOT IN (0, 18446744073709551616)");
        assertThat(in.rows()).isNotEmpty();
    }

    @Test
    void casts(SparkSession spark) {
        GpuDiff diff = diff(spark, false);
        check(diff, "GpuProject", "SELECT k, CAST(i AS DECIMAL(15,2)), CAST(i AS DECIMAL(20,0)), "
                + "CAST(i AS DECIMAL(38,10)), CAST(l AS DECIMAL(15,2)), CAST(l AS DECIMAL(20,0)), "
                + "CAST(l AS DECIMAL(38,10)), CAST(l AS DECIMAL(38,38)), CAST(i AS DECIMAL(38,0)), "
                + "CAST(k > 2 AS DECIMAL(38,10)) FROM wd");
        // Decimal to integral types truncates and (ANSI off) keeps the low bits, as Spark's toLong.
        check(diff, "GpuProject", "SELECT k, CAST(d15_2 AS INT), CAST(d15_2 AS BIGINT), CAST(d20 AS INT), "
                + "CAST(d20 AS BIGINT), CAST(d38_10 AS INT), CAST(d38_10 AS BIGINT), CAST(d38_0 AS BIGINT), "
                + "CAST(d38_38 AS INT), CAST(d32_4 AS SMALLINT), CAST(d20 AS TINYINT), CAST(d38_10 AS BOOLEAN), "
                + "CAST(d38_38 AS BOOLEAN) FROM wd");
        // Between decimals: HALF_UP to the new scale, null on overflow.
        check(diff, "GpuProject", "SELECT k, CAST(d15_2 AS DECIMAL(20,0)), CAST(d15_2 AS DECIMAL(38,10)), "
                + "CAST(d20 AS DECIMAL(15,2)), CAST(d20 AS DECIMAL(38,10)), CAST(d38_10 AS DECIMAL(15,2)), "
                + "CAST(d38_10 AS DECIMAL(20,0)), CAST(d32_4 AS DECIMAL(38,10)), CAST(d32_4 AS DECIMAL(15,2)), "
                + "CAST(d38_0 AS DECIMAL(38,10)), CAST(d38_38 AS DECIMAL(15,2)), CAST(d38_38 AS DECIMAL(38,37)), "
                + "CAST(d38_10 AS DECIMAL(38,9)), CAST(d38_10 AS DECIMAL(10,9)), CAST(d20 AS DECIMAL(18,0)) FROM wd");
        GpuDiff.Run rounded = check(diff(spark, false), "GpuProject",
                "SELECT id, CAST(x AS DECIMAL(15,2)), CAST(s AS DECIMAL(15,0)), CAST(x AS DECIMAL(38,6)), "
                        + "CAST(z AS DECIMAL(20,0)), CAST(z AS INT) FROM wd_edge");
        Map<Integer, Row> byId = new HashMap<>();
        rounded.rows().forEach(row -> byId.put(row.getInt(0), row));
        assertThat(byId.get(1).getDecimal(2)).isEqualTo(new BigDecimal("1"));
        assertThat(byId.get(2).getDecimal(2)).isEqualTo(new BigDecimal("-1"));
        assertThat(byId.get(1).getDecimal(3)).isEqualTo(new BigDecimal("0.000001"));
        assertThat(byId.get(2).getDecimal(3)).isEqualTo(new BigDecimal("-0.000001"));
        assertThat(byId.get(4).isNullAt(1)).isTrue();
        assertThat(byId.get(4).isNullAt(4)).isTrue();
        assertThat(byId.get(8).getDecimal(4)).isEqualTo(new BigDecimal("18446744073709551616"));
    }

    @Test
    void negationAndAbs(SparkSession spark) {
        GpuDiff.Run run = check(diff(spark, false), "GpuProject", "SELECT k, -d20, abs(d20), +d32_4, "
                + "-(d15_2 + d20), abs(d32_4 - d20), -abs(d32_4), -d15_2, abs(-d32_4) FROM wd");
        assertThat(run.rows()).anyMatch(row -> !row.isNullAt(1) && row.getDecimal(1).signum() > 0)
                .anyMatch(row -> !row.isNullAt(2) && row.getDecimal(2).signum() > 0);
    }

    @Test
    void negationAndAbsOfMoreThan34DigitsStayOnTheCpu(SparkSession spark) {
        // Spark negates through a Scala BigDecimal rounding to 34 digits: an exact GPU result would differ.
        GpuDiff diff = diff(spark, false);
        diff.assertFallback(s -> s.sql("SELECT k, -d38_10 FROM wd34"), "ProjectExec",
                "UnaryMinus of decimal(38,10): Spark rounds the result to 34 significant digits");
        diff.assertFallback(s -> s.sql("SELECT k, abs(d38_0) FROM wd34"), "ProjectExec",
                "Abs of decimal(38,0): Spark rounds the result to 34 significant digits");
    }

    @BothAdaptiveModes
    void tpchShapedMoneyExpressions(boolean adaptive, SparkSession spark) {
        GpuDiff projection = diff(spark, adaptive);
        // Q1's charge, decimal(38,6).
        GpuDiff.Run charge = check(projection, "GpuProject", "SELECT k, price * (1 - discount) * (1 + tax) AS charge, "
                + "price * (1 - discount) AS volume, 100.00 * price / quantity FROM wd");
        assertThat(charge.plan().schema().apply(1).dataType()).isEqualTo(DataTypes.createDecimalType(38, 6));

        GpuDiff aggregate = diff(spark, adaptive).allowCpu("ShuffleExchangeExec")
                .conf("spark.sql.shuffle.partitions", "3");
        List<String> queries = List.of(
                // Q1
                "SELECT k, sum(price * (1 - discount) * (1 + tax)), sum(price * (1 - discount)), avg(quantity) "
                        + "FROM wd GROUP BY k",
                // Q8
                "SELECT k, sum(CASE WHEN nation = 'BRAZIL' THEN volume ELSE 0 END) / sum(volume) AS mkt_share "
                        + "FROM (SELECT k, nation, price * (1 - discount) AS volume FROM wd) GROUP BY k",
                // Q14
                "SELECT 100.00 * sum(CASE WHEN nation LIKE 'B%' THEN price * (1 - discount) ELSE 0 END) "
                        + "/ sum(price * (1 - discount)) AS promo_revenue FROM wd",
                // Q17's final division
                "SELECT k, sum(price) / 7.0 AS avg_yearly FROM wd GROUP BY k");
        for (String sql : queries) {
            GpuDiff.Run run = check(aggregate, "GpuHashAggregate", sql);
            assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count())
                    .as("%s:%n%s", sql, run.plan()).isEqualTo(2);
            assertThat(run.rows()).as(sql).isNotEmpty().anyMatch(row -> !row.isNullAt(1 % row.length()));
        }
    }

    @BothAdaptiveModes
    void tpchQ17ShapedComparisonWithAnAverage(boolean adaptive, SparkSession spark) {
        // quantity < 0.2 * avg(quantity) per key, as Spark decorrelates Q17's subquery: a join with the
        // aggregate, then the filter comparing decimal(15,2) with decimal(21,7).
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuHashAggregate");
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT sum(w.price) / 7.0 AS avg_yearly, count(*) "
                + "FROM wd w JOIN (SELECT k, 0.2 * avg(quantity) AS lim FROM wd GROUP BY k) a ON w.k = a.k "
                + "WHERE w.quantity < a.lim"));
        assertThat(run.rows()).hasSize(1);
        assertThat(run.rows().get(0).getLong(1)).isPositive();
        // The comparison is the join's condition (it reads both sides).
        assertThat(run.nodeNames()).as("plan:\n%s", run.plan()).doesNotContain("Filter", "Project")
                .anyMatch(n -> n.startsWith("Gpu") && n.endsWith("HashJoin"));
    }

    /** Whether the plan filters on the GPU (a filter alone or fused with its projection). */
    private static void assertGpuFilter(GpuDiff.Run run) {
        assertThat(run.nodeNames()).as("plan:\n%s", run.plan()).containsAnyOf("GpuFilter", "GpuFilterProject")
                .doesNotContain("Filter");
    }

    @BothAdaptiveModes
    void scalarSubqueriesInFilters(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).allowCpu("ShuffleExchangeExec");
        // Q22: above the average.
        GpuDiff.Run above = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, nation, price FROM wd "
                + "WHERE price > (SELECT avg(price) FROM wd WHERE price > 0.00 AND nation IN ('BRAZIL', 'PERU'))"));
        assertGpuFilter(above);
        assertThat(above.rows()).isNotEmpty().hasSizeLessThan(ROWS);
        // Q15: equal to the maximum, a wide decimal.
        GpuDiff.Run max = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, d38_10 FROM wd "
                + "WHERE d38_10 = (SELECT max(d38_10) FROM wd)"));
        assertGpuFilter(max);
        assertThat(max.rows()).isNotEmpty().allMatch(row -> row.getDecimal(1).compareTo(
                new BigDecimal("9".repeat(28) + "." + "9".repeat(10))) == 0);
        // Q15 over an aggregate: the revenue of each supplier, decimal(38,4), against the largest.
        GpuDiff.Run revenue = diff.assertGpuAndCpuEqual(s -> s.sql("WITH revenue AS (SELECT k AS supplier_no, "
                + "sum(price * (1 - discount)) AS total_revenue FROM wd GROUP BY k) SELECT supplier_no, "
                + "total_revenue FROM revenue WHERE total_revenue = (SELECT max(total_revenue) FROM revenue)"));
        assertGpuFilter(revenue);
        assertThat(revenue.rows()).hasSize(1);
        // Q11: a HAVING against a fraction of the total.
        GpuDiff.Run q11 = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, sum(price * quantity) AS value FROM wd "
                + "GROUP BY k HAVING sum(price * quantity) > (SELECT sum(price * quantity) * 0.125 FROM wd)"));
        assertGpuFilter(q11);
        assertThat(q11.rows()).isNotEmpty().hasSizeLessThan(8);
    }

    /**
     * A diff whose optimizer keeps scalar subqueries apart: Spark's MergeScalarSubqueries otherwise
     * merges those over the same relation into one struct-valued subquery (see below).
     */
    private static GpuDiff unmerged(SparkSession spark, boolean adaptive) {
        return diff(spark, adaptive).conf("spark.sql.optimizer.excludedRules",
                "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation,"
                        + "org.apache.spark.sql.catalyst.optimizer.MergeScalarSubqueries");
    }

    @BothAdaptiveModes
    void scalarSubqueriesInProjections(boolean adaptive, SparkSession spark) {
        GpuDiff diff = unmerged(spark, adaptive).allowCpu("ShuffleExchangeExec").expectGpu("GpuProject");
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, price - (SELECT avg(price) FROM wd) AS dev, "
                + "d38_10 / (SELECT max(d15_2) FROM wd), d20 + (SELECT min(d20) FROM wd WHERE d20 > 0), "
                + "(SELECT count(*) FROM wd) AS n, price + (SELECT avg(price) FROM wd) FROM wd"));
        assertThat(run.nodeNames()).doesNotContain("Project");
        if (adaptive) {
            // The second avg(price) reuses the first. (Without AQE the GPU plan runs it twice: the final
            // GpuHashAggregate's canonical form keeps its attribute ids, so the two plans differ.)
            assertThat(run.plan().toString()).contains("ReusedSubquery");
        }
        assertThat(run.rows()).hasSize(ROWS).allMatch(row -> row.getLong(4) == ROWS);
    }

    @BothAdaptiveModes
    void scalarSubqueriesInAggregateResults(boolean adaptive, SparkSession spark) {
        GpuDiff diff = unmerged(spark, adaptive).allowCpu("ShuffleExchangeExec").expectGpu("GpuHashAggregate");
        GpuDiff.Run run = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, sum(price) / (SELECT count(*) FROM wd), "
                + "max(d38_10) - (SELECT min(d38_10) FROM wd WHERE k = 3), "
                + "sum(price - (SELECT min(price) FROM wd)) FROM wd GROUP BY k"));
        assertThat(run.rows()).hasSize(8).anyMatch(row -> !row.isNullAt(1));
        assertThat(run.nodeNames().stream().filter("GpuHashAggregate"::equals).count()).as("plan:\n%s", run.plan())
                .isEqualTo(2);
    }

    @BothAdaptiveModes
    void mergedScalarSubqueriesStayOnTheCpu(boolean adaptive, SparkSession spark) {
        // Merged, the subqueries become fields of one struct value, a type programs do not hold.
        GpuDiff.Run run = diff(spark, adaptive).allowCpu("ShuffleExchangeExec").assertFallback(s -> s.sql(
                "SELECT k, price - (SELECT avg(price) FROM wd), d38_10 / (SELECT max(d15_2) FROM wd) FROM wd"),
                "ProjectExec", "expression GetStructField has no GPU implementation");
        assertThat(run.nodeNames()).contains("GpuLocalTableScan");
    }

    @BothAdaptiveModes
    void scalarSubqueriesReturningNull(boolean adaptive, SparkSession spark) {
        GpuDiff diff = unmerged(spark, adaptive).allowCpu("ShuffleExchangeExec");
        GpuDiff.Run none = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, price FROM wd "
                + "WHERE price > (SELECT max(price) FROM wd WHERE k > 100)"));
        assertGpuFilter(none);
        assertThat(none.rows()).isEmpty();
        GpuDiff.Run projected = diff.expectGpu("GpuProject").assertGpuAndCpuEqual(s -> s.sql("SELECT k, "
                + "coalesce((SELECT max(d38_10) FROM wd WHERE k > 100), d20) AS c, "
                + "(SELECT avg(d38_0) FROM wd WHERE k > 100) IS NULL AS empty FROM wd"));
        assertThat(projected.nodeNames()).doesNotContain("Project");
        assertThat(projected.rows()).hasSize(ROWS).allMatch(row -> row.getBoolean(2));
    }

    @Test
    void scalarSubqueriesOfTheOtherEngineTypes(SparkSession spark) {
        ExprTables.t(spark);
        String condition = String.join(" OR ", ExprTables.TYPES.stream()
                .map(c -> c + "a >= (SELECT max(" + c + "b) FROM t)").toList());
        GpuDiff.Run filtered = unmerged(spark, true).allowCpu("ShuffleExchangeExec")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM t WHERE " + condition));
        assertGpuFilter(filtered);
        assertThat(filtered.rows()).isNotEmpty();
    }

    @BothAdaptiveModes
    void stringScalarSubqueries(boolean adaptive, SparkSession spark) {
        GpuDiff diff = unmerged(spark, adaptive).allowCpu("ShuffleExchangeExec");
        GpuDiff.Run filtered = diff.assertGpuAndCpuEqual(s -> s.sql("SELECT k, nation FROM wd "
                + "WHERE nation = (SELECT max(nation) FROM wd)"));
        assertGpuFilter(filtered);
        assertThat(filtered.rows()).isNotEmpty().allMatch(row -> row.getString(1).equals("PERU"));
        GpuDiff.Run projected = diff.expectGpu("GpuProject").assertGpuAndCpuEqual(s -> s.sql("SELECT k, "
                + "nation < (SELECT min(nation) FROM wd WHERE k = 2) AS before, "
                + "(SELECT max(nation) FROM wd WHERE k > 100) AS none FROM wd"));
        assertThat(projected.nodeNames()).doesNotContain("Project");
    }
}
