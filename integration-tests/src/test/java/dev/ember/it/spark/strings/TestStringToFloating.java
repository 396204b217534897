package dev.ember.it.spark.strings;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
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
 * CAST(string AS DOUBLE / FLOAT) on the GPU against Spark: plain decimals the GPU parses itself and
 * rows it hands to Java's parser (many digits, large exponents, subnormals, overflow, suffixes, hex
 * floats, non-ASCII text), Java's and Spark's special literals, padding, invalid text and nulls
 * (table {@code f}).
 */
@ExtendWith(SparkSessionExtension.class)
class TestStringToFloating {
    private static final StructType TEXTS = new StructType().add("id", DataTypes.IntegerType, false)
            .add("a", DataTypes.StringType, true);
    private static final List<String> SPECIAL = List.of("0", "-0", "+0", "0.0", "-0.0", ".5", "5.", ".", "", "  ",
            "e5", "1e", "1.5d", "1.5F", "0x1p3", "-0x1.8P-2", "NaN", "-NaN", "nan", "-nan", "Infinity", "-Infinity",
            "+inf", "INF", "-INFINITY", "infinit", " \t1.25\n", "1 2", "1..2", "--1", "１", "1\u00a0", "4.9e-324",
            "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623159e308", "1e309", "-1e309",
            "3.4028235e38", "3.4028236e38", "1.4e-45", "7.0e-46", "9007199254740993", "0.1", "1e22", "1e23",
            "16777217", "0e999999999", "00000000000000000000001.5", "abc", "x1", "é");

    @BeforeAll
    static void register(SparkSession spark) {
        Random r = new Random(11);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            String v = i % 13 == 0 ? null : i % 5 == 0 ? SPECIAL.get(r.nextInt(SPECIAL.size())) : decimal(r);
            rows.add(RowFactory.create(i, v));
        }
        spark.createDataFrame(rows, TEXTS).createOrReplaceTempView("f");
    }

    /** A decimal: a sign, 1..25 digits (mostly at most 15), a '.', an exponent up to ±350, padding. */
    private static String decimal(Random r) {
        StringBuilder s = new StringBuilder(r.nextInt(10) == 0 ? " " : "");
        s.append(r.nextInt(3) == 0 ? "-" : r.nextInt(6) == 0 ? "+" : "");
        int digits = r.nextInt(4) == 0 ? 1 + r.nextInt(25) : 1 + r.nextInt(15);
        int dot = r.nextInt(3) == 0 ? -1 : r.nextInt(digits);
        for (int k = 0; k < digits; k++) {
            s.append(k == dot ? "." : "").append((char) ('0' + r.nextInt(10)));
        }
        if (r.nextBoolean()) {
            s.append(r.nextBoolean() ? 'e' : 'E').append(r.nextBoolean() ? "-" : "")
                    .append(r.nextInt(4) == 0 ? r.nextInt(351) : r.nextInt(23));
        }
        return s.toString();
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "16k");
    }

    @BothAdaptiveModes
    void castsInProjections(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuProject");
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT id, CAST(a AS DOUBLE) AS d, CAST(a AS FLOAT) AS f FROM f"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT id, CAST(a AS DOUBLE) * 2 + 1 AS d, "
                + "isnan(CAST(a AS FLOAT)) AS n, CAST(CAST(a AS DOUBLE) AS BIGINT) AS l FROM f"));
    }

    @BothAdaptiveModes
    void castsInFilters(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive).expectGpu("GpuFilter").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT * FROM f WHERE CAST(a AS DOUBLE) > 1.5 OR CAST(a AS FLOAT) IS NULL"));
    }
}
