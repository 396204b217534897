package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.DATE;
import static dev.ember.spark.expressions.ExprSupport.INT;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.name;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.Reg;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.AddMonths;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Hour;
import org.apache.spark.sql.catalyst.expressions.MakeDate;
import org.apache.spark.sql.catalyst.expressions.Minute;
import org.apache.spark.sql.catalyst.expressions.Second;
import org.apache.spark.sql.catalyst.expressions.ToUnixTimestamp;
import org.apache.spark.sql.catalyst.expressions.TruncDate;
import org.apache.spark.sql.catalyst.expressions.TruncTimestamp;
import org.apache.spark.sql.catalyst.expressions.UnixTimestamp;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StringType;
import scala.Option;

/**
 * Timestamp functions in the session time zone ({@code spark.sql.session.timeZone}, which Spark copies
 * into each time-zone-aware expression): hour, minute, second, date_trunc, unix_timestamp of timestamps
 * and dates; and the date functions trunc, add_months and make_date. The zone's offsets reach the GPU as
 * a table built from java.time's ZoneRules ({@code dev.ember.cuda.expr.ZoneTable}), exact for every
 * instant. Formats must be constants; a format Spark does not know gives Spark's null.
 */
public final class TimestampRules {
    static final TypeSig TIMESTAMP = TypeSig.of(Kind.TIMESTAMP);
    private static final TypeSig TIMESTAMP_AND_FORMAT = TypeSig.of(Kind.TIMESTAMP, Kind.STRING);
    private static final TypeSig DATE_AND_FORMAT = TypeSig.of(Kind.DATE, Kind.STRING);
    private static final TypeSig UNIX_TIME_INPUT = TypeSig.of(Kind.TIMESTAMP, Kind.DATE, Kind.STRING);
    private static final TypeSig LONG = TypeSig.of(Kind.LONG);
    private static final TypeSig DATE_AND_INT = TypeSig.of(Kind.DATE, Kind.INT);

    private TimestampRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(Hour.class, "hour(ts) of a timestamp in the session time zone, 0 to 23", INT, TIMESTAMP,
                        e -> zoneProblem(e, e.timeZoneId()),
                        (e, c, ctx) -> builder(ctx).hour(reg(c.get(0)), zone(e.timeZoneId()))),
                rule(Minute.class, "minute(ts) of a timestamp in the session time zone, 0 to 59", INT, TIMESTAMP,
                        e -> zoneProblem(e, e.timeZoneId()),
                        (e, c, ctx) -> builder(ctx).minute(reg(c.get(0)), zone(e.timeZoneId()))),
                rule(Second.class, "second(ts) of a timestamp in the session time zone, 0 to 59", INT, TIMESTAMP,
                        e -> zoneProblem(e, e.timeZoneId()),
                        (e, c, ctx) -> builder(ctx).second(reg(c.get(0)), zone(e.timeZoneId()))),
                rule(TruncTimestamp.class, "date_trunc(format, ts) in the session time zone, for a constant format "
                        + "(YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND and "
                        + "their aliases; others give null)", TIMESTAMP, TIMESTAMP_AND_FORMAT,
                        e -> constantFormat(e, e.format()).or(() -> zoneProblem(e, e.timeZoneId())),
                        (e, c, ctx) -> builder(ctx).truncTimestamp(reg(c.get(1)), format(e.format()),
                                zone(e.timeZoneId()))),
                rule(TruncDate.class, "trunc(date, format) for a constant format (YEAR, QUARTER, MONTH, WEEK and their "
                        + "aliases; others give null)", DATE, DATE_AND_FORMAT, e -> constantFormat(e, e.format()),
                        (e, c, ctx) -> builder(ctx).truncDate(reg(c.get(0)), format(e.format()))),
                rule(AddMonths.class, "add_months(d, n): the day clamped to the last day of the month", DATE,
                        DATE_AND_INT, null, (e, c, ctx) -> builder(ctx).addMonths(reg(c.get(0)), reg(c.get(1)))),
                rule(MakeDate.class, "make_date(y, m, d): null for fields that are no date (ANSI off)", DATE, INT,
                        e -> e.failOnError() ? Optional.of(name(e) + " with failOnError=true (ANSI mode) raises errors "
                                + "on invalid dates; it stays on the CPU") : Optional.empty(),
                        (e, c, ctx) -> builder(ctx).makeDate(reg(c.get(0)), reg(c.get(1)), reg(c.get(2)))),
                rule(UnixTimestamp.class, "unix_timestamp(ts or date[, format]): seconds since the epoch, truncated "
                        + "(dates at midnight in the session time zone); strings stay on the CPU", LONG,
                        UNIX_TIME_INPUT, e -> unixTimeProblem(e, e.timeExp(), e.timeZoneId()),
                        (e, c, ctx) -> unixTime(builder(ctx), e.timeExp(), reg(c.get(0)), e.timeZoneId())),
                rule(ToUnixTimestamp.class, "to_unix_timestamp(ts or date[, format]), as unix_timestamp", LONG,
                        UNIX_TIME_INPUT, e -> unixTimeProblem(e, e.timeExp(), e.timeZoneId()),
                        (e, c, ctx) -> unixTime(builder(ctx), e.timeExp(), reg(c.get(0)), e.timeZoneId())));
    }

    /** The session zone Spark resolved for the expression, as Spark reads it. */
    static ZoneId zone(Option<String> timeZoneId) {
        return DateTimeUtils.getZoneId(timeZoneId.get());
    }

    static Optional<String> zoneProblem(Expression e, Option<String> timeZoneId) {
        if (timeZoneId.isEmpty()) {
            return Optional.of(name(e) + " has no time zone yet");
        }
        try {
            zone(timeZoneId);
            return Optional.empty();
        } catch (RuntimeException ex) {
            return Optional.of(name(e) + " in time zone " + timeZoneId.get() + ", which java.time does not know: "
                    + ex.getMessage());
        }
    }

    private static Optional<String> constantFormat(Expression e, Expression format) {
        return format.foldable() ? Optional.empty() : Optional.of(name(e) + " with a format that is not a constant ("
                + format.sql() + "); only constant formats run on the GPU");
    }

    private static String format(Expression format) {
        Object v = format.eval(null);
        return v == null ? null : v.toString();
    }

    private static Optional<String> unixTimeProblem(Expression e, Expression timeExp, Option<String> timeZoneId) {
        if (timeExp.resolved() && timeExp.dataType() instanceof StringType) {
            return Optional.of(name(e) + " of strings parses them with a datetime pattern; it stays on the CPU");
        }
        return timeExp.resolved() && timeExp.dataType() instanceof DateType ? zoneProblem(e, timeZoneId)
                : Optional.empty();
    }

    /** Spark's ToTimestamp of a timestamp or date: its microseconds divided by 10^6, truncating toward zero. */
    private static Reg unixTime(ProgramBuilder b, Expression timeExp, Reg value, Option<String> timeZoneId) {
        Reg ts = timeExp.dataType() instanceof DateType ? b.dateToTimestamp(value, zone(timeZoneId)) : value;
        return b.integralDivide(b.timestampMicros(ts), b.literal(1_000_000L));
    }
}
