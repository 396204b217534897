package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.name;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.DecimalMultiply;
import dev.ember.spark.planning.ExprTranslationContext;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.DecimalType;

/**
 * Decimal results wider than the expression engine's 18-digit registers: the product of two decimals
 * of up to 18 digits whose Spark type is decimal(p1 + p2 + 1, s1 + s2) with more than 18 digits. Such a
 * product is exact (its magnitude is below 10^(p1 + p2)) and never null for valid operands, so Spark
 * rounds nothing and never overflows; {@code spark.sql.decimalOperations.allowPrecisionLoss} changes
 * the type only past 38 digits, which two 18-digit operands cannot reach (at most 37).
 *
 * <p>The product is a {@link PreStage} step: each operand becomes a column (an input column, or the
 * output of a small program of its own, {@link StringSteps#fixedWidth}), {@link DecimalMultiply}
 * computes the DECIMAL128 column, and the step's result is a column handle. Programs cannot read
 * DECIMAL128 values, so the product can only be an output column (of a projection, or an aggregate's
 * input); every other operation rejects a decimal of more than 18 digits by its operand types and
 * stays on the CPU with that reason.
 */
final class WideDecimals {
    /** The key of a product step: equal operands and precision compute once. */
    private record ProductKey(int left, int right, int precision) {}

    private WideDecimals() {}

    /** Whether {@code type} is a decimal of more than 18 digits. */
    static boolean isWide(org.apache.spark.sql.types.DataType type) {
        return type instanceof DecimalType d && d.precision() > DType.MAX_DECIMAL64_PRECISION;
    }

    /**
     * Why the multiply {@code e} of two decimals of up to 18 digits with a result of more than 18 digits
     * cannot be computed exactly, or empty.
     */
    static Optional<String> checkMultiply(Expression e) {
        DecimalType result = (DecimalType) e.dataType();
        DecimalType a = (DecimalType) e.children().apply(0).dataType();
        DecimalType b = (DecimalType) e.children().apply(1).dataType();
        int precision = a.precision() + b.precision() + 1;
        int scale = a.scale() + b.scale();
        if (result.precision() != precision || result.scale() != scale) {
            return Optional.of(name(e) + " of " + a.simpleString() + " and " + b.simpleString() + " is "
                    + result.simpleString() + " here, not the exact decimal(" + precision + "," + scale + ") the "
                    + "GPU computes; it stays on the CPU");
        }
        return Optional.empty();
    }

    /** The translation of such a multiply: a DECIMAL128 column handle. */
    static ColumnValue multiply(Expression e, List<Object> children, ExprTranslationContext ctx) {
        ColumnValue left = StringSteps.fixedWidth(ctx, e.children().apply(0), children.get(0));
        ColumnValue right = StringSteps.fixedWidth(ctx, e.children().apply(1), children.get(1));
        DecimalType result = (DecimalType) e.dataType();
        int precision = result.precision();
        int l = left.index();
        int r = right.index();
        return ctx.preStage().addOnce(new ProductKey(l, r, precision), DType.decimal128(precision, result.scale()),
                new int[] {l, r}, (device, columns, rows, stream) ->
                        DecimalMultiply.multiply(device, columns.get(l), columns.get(r), precision, stream));
    }
}
