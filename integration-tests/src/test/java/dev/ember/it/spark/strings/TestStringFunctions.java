package dev.ember.it.spark.strings;

import static org.assertj.core.api.Assertions.assertThat;

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
 * instr, locate, lpad, rpad, replace, reverse, repeat, substring_index, initcap and concat_ws on the GPU against Spark
 * itself: random ASCII and 2-, 3- and 4-byte UTF-8 with the delimiters and search strings the
 * queries use, empty strings, nulls and a row of more than 1 MiB, in many small batches (table
 * {@code f}); a table of three rows spread over eight partitions, most of them empty (table {@code
 * e}); and the expressions that stay on the CPU with their reasons.
 */
@ExtendWith(SparkSessionExtension.class)
class TestStringFunctions {
    private static final StructType STRINGS = new StructType().add("id", DataTypes.IntegerType, false)
            .add("a", DataTypes.StringType, true).add("b", DataTypes.StringType, true);
    private static final List<String> COMMON = List.of("", " ", "a", "aa", "aaa", "abc", "a.b.c", "..", ".a.",
            "é", "日本", "𝄞", "𝄞a𝄞", "www.apache.org", "foobarbar", "SparkSQL", "a b  c ");

    @BeforeAll
    static void register(SparkSession spark) {
        Random r = new Random(17);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            rows.add(RowFactory.create(i, randomString(r), randomString(r)));
        }
        rows.set(777, RowFactory.create(777, "é." + "日a".repeat(300_000) + ".𝄞", "long"));
        spark.createDataFrame(rows, STRINGS).createOrReplaceTempView("f");
        List<Row> few = List.of(RowFactory.create(1, "a.b", null), RowFactory.create(2, null, "x"),
                RowFactory.create(3, "日本.𝄞", ""));
        spark.createDataFrame(few, STRINGS).repartition(8).createOrReplaceTempView("e");
    }

    /** Null, a common value, or random characters among a, b, '.', spaces and 2-, 3- and 4-byte code points. */
    private static String randomString(Random r) {
        int kind = r.nextInt(40);
        if (kind < 4) {
            return null;
        }
        if (kind < 14) {
            return COMMON.get(r.nextInt(COMMON.size()));
        }
        StringBuilder b = new StringBuilder();
        int length = r.nextInt(kind < 38 ? 12 : 300);
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(8)) {
                case 0 -> b.append('é');
                case 1 -> b.append(r.nextBoolean() ? '日' : (char) (0x800 + r.nextInt(0xD000 - 0x800)));
                case 2 -> b.append(r.nextBoolean() ? "𝄞" : new String(Character.toChars(0x10000 + r.nextInt(0x10000))));
                case 3 -> b.append(" .".charAt(r.nextInt(2)));
                default -> b.append((char) ('a' + r.nextInt(3)));
            }
        }
        return b.toString();
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "16k");
    }

    /** The expressions in projections of a few at a time, over table f and over the mostly empty table e. */
    private static void projections(GpuDiff diff, List<String> expressions) {
        for (int i = 0; i < expressions.size(); i += 6) {
            String list = String.join(", ", expressions.subList(i, Math.min(expressions.size(), i + 6)));
            for (String table : List.of("f", "e")) {
                diff.assertGpuAndCpuEqual(s -> s.sql("SELECT id, " + list + " FROM " + table));
            }
        }
    }

    @BothAdaptiveModes
    void instrAndLocate(boolean adaptive, SparkSession spark) {
        projections(diff(spark, adaptive).expectGpu("GpuProject"), List.of("instr(a, 'a')", "instr(a, '')",
                "instr(a, 'é')", "instr(a, '𝄞')", "instr(a, 'ab')", "instr(a, '.𝄞')", "instr(a, 'bar')",
                "locate('a', a)", "locate('a', a, 3)", "locate('b', a, 0)", "locate('b', a, -1)", "locate('', a, 5)",
                "locate('', a, 0)", "locate('日', a, 2)", "locate('a', a, 100)", "locate('bar', a, 5)",
                "locate('a', a, 2147483647)", "position('.' IN a)", "instr(a, CAST(NULL AS STRING))",
                "locate('a', a, CAST(NULL AS INT))", "instr(upper(a), 'A') + locate('.', b)"));
        diff(spark, adaptive).expectGpu("GpuFilter").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT * FROM f WHERE instr(a, 'a') > 2 OR locate('.', b, 2) = 3"));
    }

    @BothAdaptiveModes
    void padding(boolean adaptive, SparkSession spark) {
        projections(diff(spark, adaptive).expectGpu("GpuProject"), List.of("lpad(a, 5, 'xy')", "rpad(a, 5, 'xy')",
                "lpad(a, 0, 'x')", "rpad(a, -2, 'x')", "lpad(a, 3, '')", "rpad(a, 3, '')", "lpad(a, 10, 'é𝄞')",
                "rpad(a, 9, '日本.')", "lpad(a, 3)", "rpad(a, 4)", "rpad(a, 1000, 'ab')", "lpad(a, 1, 'x')",
                "lpad(a, 2147483647, '')", "lpad(a, CAST(NULL AS INT), 'x')", "rpad(a, 3, CAST(NULL AS STRING))",
                "length(lpad(b, 20, '𝄞'))"));
    }

    @BothAdaptiveModes
    void replaceReverseAndRepeat(boolean adaptive, SparkSession spark) {
        projections(diff(spark, adaptive).expectGpu("GpuProject"), List.of("replace(a, 'a', 'XYZ')",
                "replace(a, '', 'x')", "replace(a, 'é', '')", "replace(a, 'aa', 'a')", "replace(a, 'b')",
                "replace(a, ' ', '𝄞')", "replace(a, '.𝄞', '日')", "replace(a, CAST(NULL AS STRING), 'x')",
                "reverse(a)", "reverse(b)", "reverse(concat(a, '𝄞'))", "repeat(a, 3)", "repeat(a, 0)", "repeat(a, -1)",
                "repeat(a, 1)", "repeat(b, CAST(NULL AS INT))", "upper(reverse(repeat(a, 2)))"));
    }

    @BothAdaptiveModes
    void substringIndex(boolean adaptive, SparkSession spark) {
        projections(diff(spark, adaptive).expectGpu("GpuProject"), List.of("substring_index(a, '.', 1)",
                "substring_index(a, '.', 2)", "substring_index(a, '.', -1)", "substring_index(a, '.', -2)",
                "substring_index(a, '', 1)", "substring_index(a, '.', 0)", "substring_index(a, 'a', 2)",
                "substring_index(a, 'aa', 2)", "substring_index(a, 'aa', -2)", "substring_index(a, 'é', 1)",
                "substring_index(a, ' ', -1)", "substring_index(a, '𝄞', -1)", "substring_index(a, '.', 2147483647)",
                "substring_index(a, '.', -2147483647)", "substring_index(a, CAST(NULL AS STRING), 1)",
                "substring_index(b, '.', CAST(NULL AS INT))"));
        diff(spark, adaptive).expectGpu("GpuFilter").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT * FROM f WHERE substring_index(a, '.', 1) = 'a' OR reverse(b) = 'cba'"));
    }

    @BothAdaptiveModes
    void initcapAndConcatWs(boolean adaptive, SparkSession spark) {
        projections(diff(spark, adaptive).expectGpu("GpuProject"), List.of("initcap(a)", "initcap(b)",
                "initcap(concat(a, ' x', b))", "initcap('hello wORLD')", "initcap(upper(a))",
                "concat_ws(',', a, b)", "concat_ws('', a, b)", "concat_ws('日𝄞', a, 'lit', b)", "concat_ws(',', a)",
                "concat_ws(',', a, CAST(NULL AS STRING), b, '')", "concat_ws(CAST(NULL AS STRING), a, b)",
                "length(concat_ws('-', b, a, b))"));
        diff(spark, adaptive).expectGpu("GpuProject").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT id, initcap(a) AS x FROM VALUES (1, 'ǆungla straße'), (2, 'éCOLE été'), (3, 'ABC 😀abc'), "
                        + "(4, 'İSTANBUL'), (5, ' a  b '), (6, 'o''neil mc-donald'), (7, NULL) AS t(id, a)"));
    }

    @BothAdaptiveModes
    void longRowsAndAnsiMode(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true").expectGpu("GpuFilterProject")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT id, reverse(a) AS r, repeat(a, 2) AS p, "
                        + "replace(a, '日', '𝄞𝄞') AS x, instr(a, '𝄞') AS i, rpad(a, 600010, '-') AS q, "
                        + "substring_index(a, '.', -1) AS s FROM f WHERE id BETWEEN 740 AND 800"));
        assertThat(run.rows()).anyMatch(r -> r.getString(2) != null && r.getString(2).length() > 1_000_000);
    }

    @BothAdaptiveModes
    void elementsOfSplit(boolean adaptive, SparkSession spark) {
        projections(diff(spark, adaptive).expectGpu("GpuProject"), List.of("split(a, '\\\\.')[0]", "split(a, '\\\\.')[1]",
                "split(a, 'a')[2]", "split(a, ' ')[-1]", "split(a, 'aa')[0]", "split(a, '日')[1]", "split(a, 'a𝄞', 2)[1]", "split(a, '𝄞', 2)[1]",
                "split(a, ',', 0)[0]", "split(a, 'a', 1)[0]", "split(a, 'a', 2)[1]", "split(a, 'a')[100]",
                "element_at(split(a, '\\\\.'), 1)", "element_at(split(a, '\\\\.'), -1)", "element_at(split(a, 'a'), -2)",
                "element_at(split(a, 'a', 3), 3)", "element_at(split(a, 'é'), 5)", "element_at(split(a, 'b'), -100)",
                "split(a, CAST(NULL AS STRING))[0]", "element_at(split(b, ' '), CAST(NULL AS INT))",
                "upper(split(concat(a, '.', b), '\\\\.')[1])"));
        diff(spark, adaptive).expectGpu("GpuFilter").assertGpuAndCpuEqual(s -> s.sql(
                "SELECT * FROM f WHERE split(a, 'a')[1] = 'b' OR element_at(split(b, ' '), -1) = ''"));
    }

    /** Arrays are not supported: other uses of split, a regex pattern, ANSI mode and element_at's index 0 stay on the CPU. */
    @BothAdaptiveModes
    void otherSplitsStayOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        diff.assertFallback(s -> s.sql("SELECT id, size(split(a, ',')) AS x FROM f"), "ProjectExec",
                "expression StringSplit has no GPU implementation");
        diff.assertFallback(s -> s.sql("SELECT id, split(a, '[ab]')[0] AS x FROM f"), "ProjectExec",
                "the pattern is a regular expression (or empty); arrays are not supported on the GPU");
        diff.assertFallback(s -> s.sql("SELECT id, split(a, '')[0] AS x FROM f"), "ProjectExec",
                "the pattern is a regular expression (or empty)");
        diff.assertFallback(s -> s.sql("SELECT id, split(a, b)[0] AS x FROM f"), "ProjectExec",
                "arrays are not supported on the GPU; an element of split runs there only with a literal pattern");
        diff.assertFallback(s -> s.sql("SELECT id, split(a, ' ')[id % 3] AS x FROM f"), "ProjectExec",
                "only with a literal pattern, limit and index");
        diff.assertFallback(s -> s.sql("SELECT id, sort_array(array(a, b))[1] AS x FROM f"), "ProjectExec",
                "GetArrayItem: arrays are not supported on the GPU");
        // Spark fails on index 0 for any non-null array: null rows keep the query runnable on both sides.
        diff.assertFallback(s -> s.sql("SELECT id, element_at(split(a, ' '), 0) AS x FROM f WHERE a IS NULL"),
                "ProjectExec", "ElementAt: index 0 fails in Spark");
        diff.conf("spark.sql.ansi.enabled", "true").assertFallback(s -> s.sql(
                "SELECT id, split(a, ' ')[0] AS x FROM f WHERE id < 0"), "ProjectExec",
                "GetArrayItem with failOnError=true (ANSI mode)");
    }

    @BothAdaptiveModes
    void nonLiteralOperandsStayOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = diff(spark, adaptive);
        diff.assertFallback(s -> s.sql("SELECT id, instr(a, b) AS x FROM f"), "ProjectExec",
                "StringInstr: the operand f.b is not a literal");
        diff.assertFallback(s -> s.sql("SELECT id, locate(b, a) AS x FROM f"), "ProjectExec",
                "StringLocate: the operand f.b is not a literal");
        diff.assertFallback(s -> s.sql("SELECT id, locate('a', a, id % 4) AS x FROM f"), "ProjectExec",
                "StringLocate: the operand");
        diff.assertFallback(s -> s.sql("SELECT id, lpad(a, id % 5, 'x') AS x FROM f"), "ProjectExec",
                "StringLPad: the operand");
        diff.assertFallback(s -> s.sql("SELECT id, rpad(a, 5, b) AS x FROM f"), "ProjectExec",
                "StringRPad: the operand f.b is not a literal");
        diff.assertFallback(s -> s.sql("SELECT id, replace(a, b, 'x') AS x FROM f"), "ProjectExec",
                "StringReplace: the operand f.b is not a literal");
        diff.assertFallback(s -> s.sql("SELECT id, repeat(a, id % 3) AS x FROM f"), "ProjectExec",
                "StringRepeat: the operand");
        diff.assertFallback(s -> s.sql("SELECT id, concat_ws(b, a, 'x') AS x FROM f"), "ProjectExec",
                "ConcatWs: the operand f.b is not a literal");
        diff.assertFallback(s -> s.sql("SELECT id, concat_ws(',', a, array(b, 'x')) AS x FROM f"), "ProjectExec",
                "ConcatWs: the argument array(f.b, 'x') is an array; arrays are not supported");
        diff.assertFallback(s -> s.sql("SELECT id, substring_index(a, b, 1) AS x FROM f"), "ProjectExec",
                "SubstringIndex: the operand f.b is not a literal");
        // Spark fails on such a count for any non-null row: null rows keep the query runnable on both sides.
        diff.assertFallback(s -> s.sql("SELECT id, substring_index(a, '.', -2147483648) AS x FROM f WHERE a IS NULL"),
                "ProjectExec", "SubstringIndex: count -2147483648 fails in Spark");
    }
}
