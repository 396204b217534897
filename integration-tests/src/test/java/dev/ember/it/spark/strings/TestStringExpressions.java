package dev.ember.it.spark.strings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.RandomRows;
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
 * Spark's string expressions on the GPU against Spark itself, in projections and filters: random
 * ASCII and 2-, 3- and 4-byte UTF-8, LIKE wildcards and escapes, spaces and the characters of trim
 * strings, empty strings, nulls and a row of more than 1 MiB (table {@code s}); casts between
 * strings and integers and dates over invalid, padded, signed and overflowing input (table {@code
 * c}); integers and dates with their extremes cast to strings (table {@code n}).
 */
@ExtendWith(SparkSessionExtension.class)
class TestStringExpressions {
    private static final StructType STRINGS = new StructType().add("id", DataTypes.IntegerType, false)
            .add("a", DataTypes.StringType, true).add("b", DataTypes.StringType, true);
    private static final StructType NUMBERS = new StructType().add("i8", DataTypes.ByteType, true)
            .add("i16", DataTypes.ShortType, true).add("i32", DataTypes.IntegerType, true)
            .add("i64", DataTypes.LongType, true).add("d", DataTypes.DateType, true);
    private static final List<String> COMMON = List.of("", " ", "abc", "ABC", "é", "É", "日本", "𝄞", "a_c", "a%c",
            "a\\c", " abc ", "xxabcxx", "ab", "İ", "ß");
    private static final List<String> CASTS = List.of("0", "12", " 12 ", "\t7\n", "+5", "-0", "-12", "1.9", "1.", ".",
            "-.5", "1e3", "0x10", "abc", "", " ", "127", "128", "-128", "-129", "32767", "32768", "2147483647",
            "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "１２", "1 2", "--1", "+", "-", "00012",
            "2024-02-29", "2023-02-29", "2024", "2024-3", "2024-03-5", "2024-03-05T10:00", "2024-03-05 junk",
            " 2024-01-01 ", "+2024-01-01", "-0001-01-01", "12345-01-01", "2024-13-01", "2024-1-1x", "20240101",
            "0000-01-01", "9999-12-31", "2024-02-30", "1582-10-10", "999-01-01", "2024-01-01T", "2024-01-",
            "9999999-12-31", "+9999999-12-31", "-9999999-01-01", "5881580-07-12", "-5877641-06-22");

    @BeforeAll
    static void register(SparkSession spark) {
        Random r = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            rows.add(RowFactory.create(i, randomString(r), randomString(r)));
        }
        rows.set(1234, RowFactory.create(1234, " Ü" + "ü".repeat(600_000) + "xa ", "long"));
        spark.createDataFrame(rows, STRINGS).createOrReplaceTempView("s");
        List<Row> casts = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String v = i % 10 == 0 ? null : CASTS.get(r.nextInt(CASTS.size()));
            casts.add(RowFactory.create(i, v, i % 7 == 0 ? null : CASTS.get(i % CASTS.size())));
        }
        spark.createDataFrame(casts, STRINGS).createOrReplaceTempView("c");
        RandomRows.table(spark, NUMBERS, 1500, 11).createOrReplaceTempView("n");
    }

    /** Null, a common value, or random characters among ASCII letters, spaces, wildcards and 2-, 3- and 4-byte code points. */
    private static String randomString(Random r) {
        int kind = r.nextInt(40);
        if (kind < 4) {
            return null;
        }
        if (kind < 14) {
            return COMMON.get(r.nextInt(COMMON.size()));
        }
        StringBuilder b = new StringBuilder();
        int length = r.nextInt(kind < 38 ? 10 : 200);
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(8)) {
                case 0 -> b.appendCodePoint(0x80 + r.nextInt(0x780));
                case 1 -> b.appendCodePoint(0x800 + r.nextInt(0xD000 - 0x800));
                case 2 -> b.appendCodePoint(0x10000 + r.nextInt(0x10000));
                case 3 -> b.append(" _%\\x".charAt(r.nextInt(5)));
                case 4 -> b.append((char) ('A' + r.nextInt(26)));
                default -> b.append((char) ('a' + r.nextInt(3)));
            }
        }
        return b.toString();
    }

    /** Filters and projections stay operators over the local tables, in many small batches. */
    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "16k");
    }

    private static void projections(GpuDiff diff, String table, List<String> expressions) {
        for (String e : expressions) {
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT id, " + e + " AS x FROM " + table));
        }
    }

    @BothAdaptiveModes
    void functionsInProjections(boolean adaptive, SparkSession spark) {
        projections(diff(spark, adaptive).expectGpu("GpuProject"), "s", List.of("length(a)", "upper(a)", "lower(a)",
                "upper(b) = upper(a)", "startswith(a, 'a')", "endswith(a, 'c')", "contains(a, 'b')",
                "contains(a, '')", "startswith(a, 'é')", "endswith(a, '𝄞')", "contains(a, '日')", "trim(a)", "ltrim(a)",
                "rtrim(a)", "trim(BOTH 'xa' FROM a)", "trim(LEADING 'x ' FROM a)", "trim(TRAILING 'ü ' FROM a)",
                "trim(BOTH '' FROM a)", "concat(a, b)", "concat(a, '-', b, '日')", "concat('>', a)", "a || b",
                "'constant'", "''", "'日本 𝄞'", "CAST(NULL AS STRING)", "length(concat(upper(a), lower(b)))",
                "upper(substring(a, 2, 3))", "concat(trim(a), CAST(length(b) AS STRING))"));
    }

    @BothAdaptiveModes
    void manyOutputsInOneProjection(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = diff(spark, adaptive).expectGpu("GpuProject").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT id, a, upper(a) AS u, lower(a) AS l, length(a) AS n, upper(a) = 'ABC' AS eq, "
                        + "substring(a, -2) AS tail, concat(a, b) AS ab, 'k' AS k, trim(b) AS t FROM s"));
        assertThat(run.rows()).anyMatch(r -> r.getString(2) != null && r.getString(2).length() > 600_000);
    }

    @BothAdaptiveModes
    void substringEdgePositions(boolean adaptive, SparkSession spark) {
        List<String> all = new ArrayList<>();
        for (int pos : new int[] {0, 1, 2, 3, -1, -2, -5, 100, -100, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            for (int len : new int[] {0, -1, 1, 2, 5, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                all.add("substring(a, " + pos + ", " + len + ")");
            }
            all.add("substring(a, " + pos + ")");
        }
        // One projection per position keeps the number of queries small.
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuProject");
        for (int i = 0; i < all.size(); i += 9) {
            String list = String.join(", ", all.subList(i, Math.min(all.size(), i + 9)));
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT id, " + list + " FROM s"));
        }
    }

    @BothAdaptiveModes
    void likePatterns(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuProject");
        List<String> patterns = List.of("'_'", "'__'", "'a_c'", "'_é%'", "'%日_'", "'%𝄞_%'", "'_%_'", "'a%b%c'",
                "'%a\\\\_c%'", "'a\\\\%c'", "'%\\\\\\\\%'", "'%'", "''", "'abc'", "'ab%'", "'%c'", "'%b%'", "'% %'",
                "'É%'", "'a#_c' ESCAPE '#'", "'%#%%' ESCAPE '#'", "'##%' ESCAPE '#'", "'a_c' ESCAPE '/'");
        List<String> list = new ArrayList<>();
        for (String p : patterns) {
            list.add("a LIKE " + p);
        }
        for (int i = 0; i < list.size(); i += 8) {
            String exprs = String.join(", ", list.subList(i, Math.min(list.size(), i + 8)));
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT id, " + exprs + " FROM s"));
        }
    }

    @BothAdaptiveModes
    void functionsInFilters(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuFilter");
        for (String condition : List.of("length(a) > 3", "upper(a) = 'ABC'", "lower(a) = 'é'", "startswith(a, 'a')",
                "a LIKE 'ab%'", "a LIKE '%c'", "a LIKE '%b%'", "a LIKE 'a_c'", "a LIKE '_'", "a LIKE 'a%b%c'",
                "a NOT LIKE '%\\\\%%'", "trim(a) = 'abc'", "ltrim(a) <> a", "rtrim(a) < a", "substring(a, 2, 2) = 'bc'",
                "concat(a, b) = 'abcab'", "length(trim(BOTH 'x' FROM a)) = 3", "upper(a) LIKE 'A_C'",
                "CAST(length(a) AS STRING) = '3'", "coalesce(a, b) IS NULL")) {
            diff.assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM s WHERE " + condition));
        }
        diff(spark, adaptive).expectGpu("GpuFilterProject").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT upper(a) AS u, concat(b, '!') AS e FROM s WHERE a LIKE '%a%' AND length(b) < 5"));
    }

    @BothAdaptiveModes
    void conditionalsWithStringResults(boolean adaptive, SparkSession spark) {
        projections(diff(spark, adaptive).expectGpu("GpuProject"), "s", List.of("if(id % 2 = 0, a, b)",
                "if(a < b, upper(a), 'neither')", "if(length(a) > 2, NULL, b)", "if(a IS NULL, 'null', a)",
                "CASE WHEN id % 3 = 0 THEN a WHEN b LIKE 'a%' THEN 'starts' WHEN a = b THEN NULL ELSE lower(b) END",
                "CASE WHEN a > 'm' THEN b END", "CASE WHEN contains(a, 'b') THEN 'b' WHEN id > 10 THEN 'id' END",
                "coalesce(a, b)", "coalesce(a, b, '-')", "coalesce(NULL, a, upper(b))", "nvl(a, 'x')",
                "concat(coalesce(a, ''), if(id > 100, b, 'small'))"));
        diff(spark, adaptive).expectGpu("GpuFilter").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT * FROM s WHERE coalesce(a, b, 'z') LIKE '%a%' OR if(id > 5, a, b) = 'abc'"));
    }

    @BothAdaptiveModes
    void castsFromStrings(boolean adaptive, SparkSession spark) {
        projections(diff(spark, adaptive).expectGpu("GpuProject"), "c", List.of("CAST(a AS TINYINT)",
                "CAST(a AS SMALLINT)", "CAST(a AS INT)", "CAST(a AS BIGINT)", "CAST(a AS DATE)",
                "CAST(b AS INT) + 1", "year(CAST(a AS DATE))", "CAST(CAST(a AS BIGINT) AS STRING)"));
        diff(spark, adaptive).expectGpu("GpuFilter").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT * FROM c WHERE CAST(a AS INT) > 10 OR CAST(b AS DATE) < DATE'2024-03-01'"));
    }

    @BothAdaptiveModes
    void castsToStrings(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuProject");
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT CAST(i8 AS STRING) AS a, CAST(i16 AS STRING) AS b, "
                + "CAST(i32 AS STRING) AS c, CAST(i64 AS STRING) AS e, CAST(d AS STRING) AS f FROM n"));
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT CAST(i32 * 3 AS STRING) AS a, concat(CAST(d AS STRING), '/', "
                + "CAST(i8 + 1 AS STRING)) AS b, length(CAST(i64 AS STRING)) AS c, CAST(date_add(d, 1) AS STRING) AS e "
                + "FROM n"));
        diff(spark, adaptive).expectGpu("GpuFilter").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT * FROM n WHERE CAST(i32 AS STRING) LIKE '%7%' OR CAST(d AS STRING) LIKE '19%'"));
        // Booleans: "true", "false", and null for a null boolean (i32 > 0 is null where i32 is).
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT CAST(i32 > 0 AS STRING) AS a, concat(CAST(i8 IS NULL AS STRING), "
                + "'/', CAST(i64 % 2 = 0 AS STRING)) AS b, CAST(CAST(NULL AS BOOLEAN) AS STRING) AS c, "
                + "length(CAST(i16 < 0 AS STRING)) AS e, i32 FROM n"));
    }

    @BothAdaptiveModes
    void longInListsOfStrings(boolean adaptive, SparkSession spark) {
        StringBuilder list = new StringBuilder("'abc', 'é', NULL, '𝄞'");
        for (int i = 0; i < 100; i++) {
            list.append(", 'v").append(i).append('\'');
        }
        GpuDiff diff = diff(spark, adaptive).expectGpu("GpuFilter");
        diff.assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM s WHERE a IN (" + list + ")"));
        diff.conf("spark.sql.optimizer.inSetConversionThreshold", "1000")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT * FROM s WHERE upper(a) IN (" + list + ", 'ABC')"));
    }

    @BothAdaptiveModes
    void unsupportedStringExpressionsStayOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        diff.assertFallback(s -> s.sql("SELECT id, CAST(CAST(id AS DOUBLE) / 3 AS STRING) AS x FROM c"), "ProjectExec",
                "Double.toString formatting");
        diff.assertFallback(s -> s.sql("SELECT id, CAST(CAST(id AS FLOAT) AS STRING) AS x FROM c"), "ProjectExec",
                "Cast from float to string is not supported on the GPU");
        diff.assertFallback(s -> s.sql("SELECT * FROM s WHERE a RLIKE 'a.c'"), "FilterExec",
                "expression RLike has no GPU implementation");
        diff.assertFallback(s -> s.sql("SELECT id, substring(a, id % 5, 2) AS x FROM s"), "ProjectExec",
                "Substring: the position");
        diff.assertFallback(s -> s.sql("SELECT * FROM s WHERE a LIKE CAST(id AS STRING)"), "FilterExec",
                "Like: the pattern CAST(s.id AS STRING) is not a literal");
        diff.assertFallback(s -> s.sql("SELECT * FROM s WHERE startswith(a, b)"), "FilterExec", "StartsWith: the pattern");
        diff.assertFallback(s -> s.sql("SELECT id, try_cast(a AS INT) AS x FROM c"), "ProjectExec",
                "Cast with evalMode TRY");
    }
}
