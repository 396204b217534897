package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.DATE;
import static dev.ember.spark.expressions.ExprSupport.INT;
import static dev.ember.spark.expressions.ExprSupport.binary;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.Reg;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.DateAdd;
import org.apache.spark.sql.catalyst.expressions.DateDiff;
import org.apache.spark.sql.catalyst.expressions.DateSub;
import org.apache.spark.sql.catalyst.expressions.DayOfMonth;
import org.apache.spark.sql.catalyst.expressions.DayOfWeek;
import org.apache.spark.sql.catalyst.expressions.DayOfYear;
import org.apache.spark.sql.catalyst.expressions.LastDay;
import org.apache.spark.sql.catalyst.expressions.Quarter;
import org.apache.spark.sql.catalyst.expressions.WeekDay;
import org.apache.spark.sql.catalyst.expressions.WeekOfYear;
import org.apache.spark.sql.catalyst.expressions.Month;
import org.apache.spark.sql.catalyst.expressions.Year;

/**
 * Date parts and day arithmetic on dates (days since 1970-01-01, proleptic Gregorian). Timestamps and
 * strings reach these only through a cast to date (timestamps in the session time zone, {@link
 * TimestampRules}).
 */
public final class DateRules {
    private static final TypeSig DATE_AND_DAYS = TypeSig.of(Kind.DATE, Kind.INT, Kind.SHORT, Kind.BYTE);

    private DateRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(Year.class, "year(d) of a date", INT, DATE, null, (e, c, ctx) -> builder(ctx).year(reg(c.get(0)))),
                rule(Month.class, "month(d) of a date, 1 to 12", INT, DATE, null,
                        (e, c, ctx) -> builder(ctx).month(reg(c.get(0)))),
                rule(DayOfMonth.class, "dayofmonth(d) of a date, 1 to 31", INT, DATE, null,
                        (e, c, ctx) -> builder(ctx).dayOfMonth(reg(c.get(0)))),
                rule(DayOfWeek.class, "dayofweek(d) of a date, 1 (Sunday) to 7 (Saturday)", INT, DATE, null,
                        (e, c, ctx) -> builder(ctx).dayOfWeek(reg(c.get(0)))),
                rule(WeekDay.class, "weekday(d) of a date, 0 (Monday) to 6 (Sunday)", INT, DATE, null,
                        (e, c, ctx) -> builder(ctx).weekday(reg(c.get(0)))),
                rule(DayOfYear.class, "dayofyear(d) of a date, 1 to 366", INT, DATE, null,
                        (e, c, ctx) -> builder(ctx).dayOfYear(reg(c.get(0)))),
                rule(Quarter.class, "quarter(d) of a date, 1 to 4", INT, DATE, null,
                        (e, c, ctx) -> builder(ctx).quarter(reg(c.get(0)))),
                rule(WeekOfYear.class, "weekofyear(d) of a date: the ISO-8601 week, 1 to 53", INT, DATE, null,
                        (e, c, ctx) -> builder(ctx).weekOfYear(reg(c.get(0)))),
                rule(LastDay.class, "last_day(d): the last day of the date's month", DATE, DATE, null,
                        (e, c, ctx) -> builder(ctx).lastDay(reg(c.get(0)))),
                // Spark accepts tinyint, smallint and int day counts and adds them as int (wrapping).
                rule(DateAdd.class, "date_add(d, n): n days later", DATE, DATE_AND_DAYS, null,
                        (e, c, ctx) -> builder(ctx).dateAdd(reg(c.get(0)), days(builder(ctx), reg(c.get(1))))),
                rule(DateSub.class, "date_sub(d, n): n days earlier", DATE, DATE_AND_DAYS, null,
                        (e, c, ctx) -> builder(ctx).dateSub(reg(c.get(0)), days(builder(ctx), reg(c.get(1))))),
                rule(DateDiff.class, "datediff(end, start) in days", INT, DATE, null, binary(ProgramBuilder::dateDiff)));
    }

    private static Reg days(ProgramBuilder b, Reg days) {
        return b.cast(days, DType.INT32);
    }
}
