package dev.ember.it.spark.expr;

import static dev.ember.it.spark.expr.ExprTables.INTEGRAL;
import static dev.ember.it.spark.expr.ExprTables.NUMERIC;
import static dev.ember.it.spark.expr.ExprTables.TYPES;

import dev.ember.it.spark.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every translated expression over every type it takes, against Spark (ANSI off), with adaptive
 * execution off and on. Each case projects the expression next to a passed-through column
 * ({@code GpuProject}); a predicate is also used as a filter under a projection ({@code
 * GpuFilterProject}), so null conditions drop rows. No CPU operator may remain.
 */
@ExtendWith(SparkSessionExtension.class)
class TestExpressionMatrix {
    /** One expression; {@code predicate} when it is boolean and also serves as a filter. */
    record Case(String sql, boolean predicate) {
        @Override
        public String toString() {
            return sql;
        }
    }

    @BeforeAll
    static void register(SparkSession spark) {
        ExprTables.t(spark);
    }

    static Stream<Arguments> cases() {
        List<Case> all = new ArrayList<>();
        arithmetic(all);
        predicates(all);
        casts(all);
        conditionals(all);
        dates(all);
        List<Arguments> args = new ArrayList<>();
        for (Case c : all) {
            args.add(Arguments.of(c, false));
            args.add(Arguments.of(c, true));
        }
        return args.stream();
    }

    private static void value(List<Case> all, String sql) {
        all.add(new Case(sql, false));
    }

    private static void predicate(List<Case> all, String sql) {
        all.add(new Case(sql, true));
    }

    private static void arithmetic(List<Case> all) {
        for (String t : NUMERIC) {
            String a = t + "a";
            String b = t + "b";
            for (String op : List.of("+", "-", "*", "/", "%")) {
                value(all, a + " " + op + " " + b);
            }
            value(all, "pmod(" + a + ", " + b + ")");
            value(all, "-" + a);
            value(all, "+" + a);
            value(all, "abs(" + a + ")");
        }
        for (String t : INTEGRAL) {
            value(all, t + "a div " + t + "b");
        }
        for (String sql : List.of("i8a + i32b", "i32a * 3", "i64a - 1", "f32a + f64b", "i32a / 7", "f64a * 2.0",
                "i16a % 0", "f64a / 0.0", "pmod(i32a, -3)", "i64a div 0", "f32a % 0.0", "pmod(f64a, 2.5)",
                "i16a * i16b + i8a", "-(i64a * i64b)")) {
            value(all, sql);
        }
    }

    private static void predicates(List<Case> all) {
        for (String t : TYPES) {
            for (String op : List.of("=", "<=>", "<", "<=", ">", ">=", "!=")) {
                predicate(all, t + "a " + op + " " + t + "b");
            }
            predicate(all, t + "a IS NULL");
            predicate(all, t + "b IS NOT NULL");
        }
        for (String sql : List.of("i32a > 5", "f64a = 0.0", "f64a = double('NaN')", "f32a < float('-0.0')",
                "f64a <=> double('-0.0')", "da >= DATE'2000-01-01'", "ba = true", "isnan(f32a)", "isnan(f64b)",
                "ba AND bb", "ba OR bb", "NOT ba", "i32a > 0 AND f64a < 0", "i32a > 0 OR ba",
                "NOT (i8a = i8b) OR ba IS NULL", "NOT (f32a < f32b AND bb)",
                "ba IN (true, NULL)", "i8a IN (0, 127, -128, 5)", "i16a IN (0, 32767, NULL)",
                "i32a IN (0, 2147483647, -2147483648)", "i64a IN (0, 9223372036854775807, -1)",
                "f32a IN (float('NaN'), float('-0.0'), float('-Infinity'))",
                "f64a IN (double('NaN'), double('-0.0'), NULL)", "da IN (DATE'2000-01-01', DATE'1970-01-01')",
                "f64a IN (double('NaN'), double('-0.0'), 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, NULL)",
                "f32a IN (float('NaN'), float('0.0'), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, float('Infinity'))",
                "i32a IN (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -2147483648)",
                "i8a IN (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, NULL)",
                "da IN (DATE'2000-01-01', DATE'1970-01-01', DATE'1999-12-31', DATE'2001-02-03', DATE'1950-05-05', "
                        + "DATE'2020-02-29', DATE'1900-01-01', DATE'2100-12-31', DATE'1969-12-31', DATE'2038-01-19', "
                        + "DATE'1980-06-15')")) {
            predicate(all, sql);
        }
    }

    private static void casts(List<Case> all) {
        List<String> names = List.of("boolean", "tinyint", "smallint", "int", "bigint", "float", "double");
        for (int from = 0; from < names.size(); from++) {
            for (int to = 0; to < names.size(); to++) {
                if (from != to) {
                    value(all, "CAST(" + TYPES.get(from) + "a AS " + names.get(to) + ")");
                }
            }
        }
    }

    private static void conditionals(List<Case> all) {
        for (String t : TYPES) {
            value(all, "IF(ba, " + t + "a, " + t + "b)");
            value(all, "CASE WHEN i32a > 0 THEN " + t + "a WHEN bb THEN " + t + "b END");
            value(all, "coalesce(" + t + "a, " + t + "b)");
        }
        value(all, "CASE WHEN ba THEN 1 WHEN bb THEN 2 ELSE 3 END");
        value(all, "coalesce(i32a, i32b, 7)");
        value(all, "IF(f64a > f64b, f64a - f64b, NULL)");
    }

    private static void dates(List<Case> all) {
        for (String sql : List.of("year(da)", "month(da)", "dayofmonth(db)", "date_add(da, i32a % 1000000)", "date_add(da, i8a)",
                "date_sub(da, i16a)", "date_sub(da, 30)", "date_add(db, 1)", "datediff(da, db)")) {
            value(all, sql);
        }
        predicate(all, "date_add(da, i16b) > db");
        predicate(all, "year(da) = 2000 OR month(db) = 2");
    }

    @ParameterizedTest(name = "{0} adaptive={1}")
    @MethodSource("cases")
    void matchesSpark(Case c, boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT " + c.sql() + " AS r, i32a FROM t"));
        if (c.predicate()) {
            ExprTables.diff(spark, adaptive).expectGpu("GpuFilterProject", "GpuLocalTableScan")
                    .assertGpuAndCpuEqual(s -> s.sql("SELECT f64a, da, i8a FROM t WHERE " + c.sql()));
        }
    }
}
