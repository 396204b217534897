package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.ENGINE;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.dtype;
import static dev.ember.spark.expressions.ExprSupport.legacyOnly;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Cast;

/**
 * Casts among boolean, tinyint, smallint, int, bigint, float and double with Spark's legacy rules
 * (integral narrowing wraps, floating to integral saturates with NaN as 0, to tinyint and smallint
 * through int, x != 0 to boolean); a date to date is the value itself. Everything else (strings,
 * timestamps, decimals, dates to or from numbers) stays on the CPU.
 */
public final class CastRules {
    private static final TypeSig CASTABLE = TypeSig.of(Kind.BOOLEAN, Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG,
            Kind.FLOAT, Kind.DOUBLE);

    private CastRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(rule(Cast.class, "CAST among boolean and the numeric types except decimal (ANSI off)", ENGINE,
                ENGINE, CastRules::check, (e, c, ctx) -> e.child().dataType().sameType(e.dataType()) ? c.get(0)
                        : builder(ctx).cast(reg(c.get(0)), dtype(e.dataType()))));
    }

    private static Optional<String> check(Cast cast) {
        if (!cast.child().resolved()) {
            return Optional.empty();
        }
        boolean sameDate = cast.child().dataType().sameType(cast.dataType()) && !CASTABLE.isSupported(cast.dataType());
        if (!sameDate && (!CASTABLE.isSupported(cast.child().dataType()) || !CASTABLE.isSupported(cast.dataType()))) {
            return Optional.of("Cast from " + cast.child().dataType().simpleString() + " to "
                    + cast.dataType().simpleString() + " is not supported on the GPU (supported: among "
                    + CASTABLE.describe() + ")");
        }
        return legacyOnly(cast, cast.evalMode());
    }
}
