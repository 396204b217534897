package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.ENGINE_AND_STRING;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.dtype;
import static dev.ember.spark.expressions.ExprSupport.legacyOnly;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.ops.StringCasts;
import dev.ember.spark.columnar.SparkTypes;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprTranslationContext;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Casts among boolean, tinyint, smallint, int, bigint, float and double with Spark's legacy rules
 * (integral narrowing wraps, floating to integral saturates with NaN as 0, to tinyint and smallint
 * through int, x != 0 to boolean); a date to date is the value itself. Between strings and tinyint,
 * smallint, int, bigint and date, and from strings to float and double, a {@link PreStage} step of
 * {@link StringCasts} (invalid input gives null; string to float/double parses the rows the GPU cannot
 * prove on the host with Java's parser); a computed operand of a cast to string is evaluated by a
 * program of its own in the pre-stage. Decimals of up to 38 digits cast to and from boolean and the
 * integral types and to other decimals (HALF_UP, null on overflow); decimals of up to 18 digits also
 * to float and double where the division by 10^scale is exact enough to round as Spark's BigDecimal
 * does ({@code ProgramBuilder#decimalCastProblem} says which). Everything else (float and double to
 * strings or to decimals, wider decimals to float and double, booleans to or from strings, timestamps
 * to or from strings and decimals, dates to or from numbers) stays on the CPU with the reason. Timestamps
 * cast to and from the integral and floating types as seconds since the epoch (to integral types by
 * floorDiv, from floats null for NaN and infinities), to boolean as {@code ts != 0}, and between dates
 * and timestamps in the session time zone (a date at its midnight, or the gap's end where midnight does
 * not exist).
 */
public final class CastRules {
    private static final TypeSig CASTABLE = TypeSig.of(Kind.BOOLEAN, Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG,
            Kind.FLOAT, Kind.DOUBLE);
    /** The types strings are cast to on the GPU. */
    private static final TypeSig FROM_STRING = TypeSig.of(Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG, Kind.DATE,
            Kind.FLOAT, Kind.DOUBLE);
    /** The types cast to strings on the GPU. */
    private static final TypeSig TO_STRING = TypeSig.of(Kind.BOOLEAN, Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG, Kind.DATE);

    /** The types timestamps are cast to (seconds since the epoch; the date in the session time zone). */
    private static final TypeSig TIMESTAMP_TO = TypeSig.of(Kind.BOOLEAN, Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG,
            Kind.FLOAT, Kind.DOUBLE, Kind.DATE);
    /** The types cast to timestamps (seconds since the epoch; a date's midnight in the session time zone). */
    private static final TypeSig TO_TIMESTAMP = TypeSig.of(Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG, Kind.FLOAT,
            Kind.DOUBLE, Kind.DATE);

    private record Key(String op, int column, DType type) {}

    private CastRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(rule(Cast.class, "CAST among boolean and the numeric types (decimals: from and to boolean, "
                + "integral types and other decimals, HALF_UP and null on overflow; to float/double up to 18 digits "
                + "where exact enough), and between "
                + "strings and tinyint, smallint, int, bigint and date, from boolean to string, and from strings to float and double "
                + "(ANSI off); timestamps to and from the numeric types as seconds since the epoch and to boolean "
                + "(ANSI off), and between dates and timestamps in the session time zone", ENGINE_AND_STRING,
                ENGINE_AND_STRING, CastRules::check, CastRules::translate));
    }

    private static Object translate(Cast e, List<Object> c, ExprTranslationContext ctx) {
        DataType from = e.child().dataType();
        DataType to = e.dataType();
        if (from.sameType(to)) {
            return c.get(0);
        }
        if (from instanceof StringType) {
            ColumnValue in = StringSteps.strings(ctx, c.get(0));
            DType target = dtype(to);
            return StringSteps.result(ctx, StringSteps.unary(ctx, new Key("fromString", in.index(), target), in,
                    target, (device, column, stream) -> switch (target.id()) {
                        case DATE32 -> StringCasts.toDate(device, column, stream);
                        case FLOAT32, FLOAT64 -> StringCasts.toFloating(device, column, target, stream);
                        default -> StringCasts.toIntegral(device, column, target, stream);
                    }));
        }
        if (from instanceof TimestampType && to instanceof DateType) {
            return builder(ctx).timestampToDate(reg(c.get(0)), TimestampRules.zone(e.timeZoneId()));
        }
        if (from instanceof DateType && to instanceof TimestampType) {
            return builder(ctx).dateToTimestamp(reg(c.get(0)), TimestampRules.zone(e.timeZoneId()));
        }
        if (to instanceof StringType && from instanceof BooleanType) {
            return StringConditionals.booleanToString(ctx, e.child(), c.get(0));
        }
        if (to instanceof StringType) {
            ColumnValue in = StringSteps.fixedWidth(ctx, e.child(), c.get(0));
            boolean date = in.type().id() == DType.TypeId.DATE32;
            return StringSteps.unary(ctx, new Key("toString", in.index(), in.type()), in, DType.STRING,
                    (device, column, stream) -> date ? StringCasts.fromDate(device, column, stream)
                            : StringCasts.fromIntegral(device, column, stream));
        }
        return builder(ctx).cast(reg(c.get(0)), dtype(to));
    }

    private static Optional<String> check(Cast cast) {
        if (!cast.child().resolved()) {
            return Optional.empty();
        }
        DataType from = cast.child().dataType();
        DataType to = cast.dataType();
        if ((from instanceof DecimalType || to instanceof DecimalType) && !from.sameType(to)
                && !(from instanceof StringType) && !(to instanceof StringType)) {
            Optional<DType> source = SparkTypes.toDType(from);
            Optional<DType> target = SparkTypes.toDType(to);
            Optional<String> problem = source.isPresent() && target.isPresent()
                    ? ProgramBuilder.decimalCastProblem(source.get(), target.get())
                    : Optional.of(from.simpleString() + " or " + to.simpleString() + " has no device type");
            return problem.map(p -> "Cast from " + from.simpleString() + " to " + to.simpleString()
                    + " is not supported on the GPU: " + p).or(() -> legacyOnly(cast, cast.evalMode()));
        }
        boolean same = from.sameType(to) && (to instanceof StringType || !CASTABLE.isSupported(to));
        boolean numeric = CASTABLE.isSupported(from) && CASTABLE.isSupported(to);
        if (to instanceof StringType && (from instanceof FloatType || from instanceof DoubleType)) {
            return Optional.of("Cast from " + from.simpleString() + " to string is not supported on the GPU: "
                    + "Java's Float.toString/Double.toString formatting (shortest round-trip digits, scientific "
                    + "notation outside 1e-3..1e7) is not reproduced there");
        }
        boolean string = from instanceof StringType && FROM_STRING.isSupported(to)
                || to instanceof StringType && TO_STRING.isSupported(from);
        if (from instanceof TimestampType && to instanceof DateType
                || from instanceof DateType && to instanceof TimestampType) {
            // In the session time zone; no evaluation mode changes the result (Spark raises an error where
            // a date's microseconds overflow in every mode).
            return TimestampRules.zoneProblem(cast, cast.timeZoneId());
        }
        boolean timestamp = from instanceof TimestampType && TIMESTAMP_TO.isSupported(to)
                || to instanceof TimestampType && TO_TIMESTAMP.isSupported(from);
        if (!same && !numeric && !string && !timestamp) {
            return Optional.of("Cast from " + from.simpleString() + " to " + to.simpleString() + " is not supported "
                    + "on the GPU (supported: among " + CASTABLE.describe() + ", from string to " + FROM_STRING.describe()
                    + ", to string from " + TO_STRING.describe() + ", from timestamp to " + TIMESTAMP_TO.describe()
                    + ", and to timestamp from " + TO_TIMESTAMP.describe() + ")");
        }
        return legacyOnly(cast, cast.evalMode());
    }
}
