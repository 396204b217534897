package dev.ember.spark.expressions;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.Reg;
import dev.ember.cuda.ops.StringCompare;
import dev.ember.cuda.ops.StringFunctions;
import dev.ember.spark.expressions.ExprSupport.Op2;
import dev.ember.spark.planning.ExprTranslationContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Comparisons, null tests and IN over strings, through the {@link PreStage}: each string comparison
 * is a {@link StringCompare} step (column vs column, or column vs constant) giving an INT8 column of
 * -1, 0 or 1 (null where an operand is null, Spark's {@code UTF8String.compareTo} order), which the
 * program reads as an input and compares with 0. A null test reads the comparison with the empty
 * string, whose result is null exactly where the string is. IN over strings is one
 * {@link StringFunctions#in} step.
 */
final class StringPredicates {
    /** Keys of the steps, so a comparison used twice in one program is computed once. */
    private record ColumnsKey(int a, int b) {}

    private record ScalarKey(int a, StringScalar scalar) {}

    private record InKey(int a, List<StringScalar> values) {}

    private static final StringScalar EMPTY = new StringScalar(new byte[0]);

    private StringPredicates() {}

    /** Whether a translation handle is a string (a string column or constant) rather than a register. */
    static boolean isString(Object handle) {
        return handle instanceof StringScalar || handle instanceof ColumnValue c && c.type().id() == DType.TypeId.STRING;
    }

    /** {@code op(a, b)} where the operands may be strings: {@code op(compare(a, b), 0)}. */
    static Reg compare(ExprTranslationContext ctx, Object a, Object b, Op2 op) {
        ProgramBuilder builder = ExprSupport.builder(ctx);
        Reg zero = builder.literal((byte) 0);
        if (a instanceof StringScalar sa && b instanceof StringScalar sb) {
            return op.apply(builder, constantCompare(builder, sa, sb), zero);
        }
        if (a instanceof ColumnValue ca && b instanceof ColumnValue cb) {
            return op.apply(builder, columns(ctx, ca, cb), zero);
        }
        if (a instanceof ColumnValue ca && b instanceof StringScalar sb) {
            return op.apply(builder, scalar(ctx, ca, sb), zero);
        }
        if (a instanceof StringScalar sa && b instanceof ColumnValue cb) {
            // compare(a, b) = -compare(b, a), so op(compare(a, b), 0) = op(0, compare(b, a)).
            return op.apply(builder, zero, scalar(ctx, cb, sa));
        }
        throw new IllegalStateException("cannot compare " + a + " with " + b + " on the GPU");
    }

    /** {@code a <=> b}: true when both are null, false when one is, else {@code compare(a, b) == 0}. */
    static Reg nullSafeEqual(ExprTranslationContext ctx, Object a, Object b) {
        ProgramBuilder builder = ExprSupport.builder(ctx);
        if (a instanceof StringScalar && b instanceof ColumnValue) {
            return nullSafeEqual(ctx, b, a);
        }
        if (a instanceof StringScalar sa && b instanceof StringScalar sb) {
            boolean equal = sa.isNull() || sb.isNull() ? sa.isNull() && sb.isNull()
                    : UTF8String.fromBytes(sa.utf8()).equals(UTF8String.fromBytes(sb.utf8()));
            return builder.literal(equal);
        }
        Reg zero = builder.literal((byte) 0);
        if (a instanceof ColumnValue ca && b instanceof StringScalar sb) {
            if (sb.isNull()) {
                return builder.isNull(scalar(ctx, ca, EMPTY));
            }
            return builder.coalesce(builder.equal(scalar(ctx, ca, sb), zero), builder.literal(false));
        }
        if (a instanceof ColumnValue ca && b instanceof ColumnValue cb) {
            // The comparison is null when either is; then the result is whether both are.
            Reg bothNull = builder.and(builder.isNull(scalar(ctx, ca, EMPTY)), builder.isNull(scalar(ctx, cb, EMPTY)));
            return builder.coalesce(builder.equal(columns(ctx, ca, cb), zero), bothNull);
        }
        throw new IllegalStateException("cannot compare " + a + " with " + b + " on the GPU");
    }

    /** {@code a IS NULL} ({@code negate}: IS NOT NULL) of a string. */
    static Reg isNull(ExprTranslationContext ctx, Object a, boolean negate) {
        ProgramBuilder builder = ExprSupport.builder(ctx);
        if (a instanceof StringScalar s) {
            return builder.literal(s.isNull() != negate);
        }
        Reg indicator = scalar(ctx, (ColumnValue) a, EMPTY);
        return negate ? builder.isNotNull(indicator) : builder.isNull(indicator);
    }

    /**
     * {@code a IN (literals)} for a string column, with Spark's nulls: null when {@code a} is null,
     * true on a match, else null when the list holds a null, else false. One {@link StringFunctions#in}
     * step, whatever the list's length.
     */
    static Reg in(ExprTranslationContext ctx, Object value, List<?> literals) {
        if (!(value instanceof ColumnValue column)) {
            throw new IllegalStateException("IN over a string constant is not translated for the GPU (Spark folds it)");
        }
        requireStrings(column);
        Set<StringScalar> distinct = new LinkedHashSet<>();
        for (Object literal : literals) {
            distinct.add(literal == null ? StringScalar.NULL : new StringScalar(((UTF8String) literal).getBytes()));
        }
        List<byte[]> list = new ArrayList<>();
        distinct.forEach(s -> list.add(s.utf8()));
        int index = column.index();
        ColumnValue result = ctx.preStage().addOnce(new InKey(index, List.copyOf(distinct)), DType.BOOL8,
                new int[] {index}, (device, columns, rows, stream) -> StringFunctions.in(device, columns.get(index),
                        list, stream));
        return result.asInput(ExprSupport.builder(ctx));
    }

    /** The INT8 column that is null exactly where string column {@code a} is (its comparison with ""). */
    static ColumnValue nullIndicator(ExprTranslationContext ctx, ColumnValue a) {
        requireStrings(a);
        int ia = a.index();
        return ctx.preStage().addOnce(new ScalarKey(ia, EMPTY), DType.INT8, new int[] {ia},
                (device, columns, rows, stream) -> StringCompare.compare(device, columns.get(ia), EMPTY.utf8(), stream));
    }

    private static Reg constantCompare(ProgramBuilder builder, StringScalar a, StringScalar b) {
        if (a.isNull() || b.isNull()) {
            return builder.nullLiteral(DType.INT8);
        }
        int c = UTF8String.fromBytes(a.utf8()).compareTo(UTF8String.fromBytes(b.utf8()));
        return builder.literal((byte) Integer.signum(c));
    }

    private static Reg columns(ExprTranslationContext ctx, ColumnValue a, ColumnValue b) {
        requireStrings(a);
        requireStrings(b);
        int ia = a.index();
        int ib = b.index();
        ColumnValue result = ctx.preStage().addOnce(new ColumnsKey(ia, ib), DType.INT8, new int[] {ia, ib},
                (device, columns, rows, stream) -> StringCompare.compare(device, columns.get(ia), columns.get(ib),
                        stream));
        return result.asInput(ExprSupport.builder(ctx));
    }

    private static Reg scalar(ExprTranslationContext ctx, ColumnValue a, StringScalar s) {
        requireStrings(a);
        int ia = a.index();
        byte[] utf8 = s.utf8();
        ColumnValue result = ctx.preStage().addOnce(new ScalarKey(ia, s), DType.INT8, new int[] {ia},
                (device, columns, rows, stream) -> StringCompare.compare(device, columns.get(ia), utf8, stream));
        return result.asInput(ExprSupport.builder(ctx));
    }

    private static void requireStrings(ColumnValue c) {
        if (c.type().id() != DType.TypeId.STRING) {
            throw new IllegalStateException("a string comparison operand is a " + c.type() + " column");
        }
    }
}
