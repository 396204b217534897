package dev.ember.spark.expressions;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.Program;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.ProgramEvaluator;
import dev.ember.cuda.expr.Reg;
import dev.ember.cuda.ops.Fill;
import dev.ember.cuda.ops.StringFunctions;
import dev.ember.cuda.ops.Strings;
import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.planning.ExprMeta;
import dev.ember.spark.planning.ExprTranslationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Pre-stage steps the string rules share: string operands as columns (a constant string becomes a
 * constant column), fixed-width values as columns (a value the program would compute is computed by
 * a small program of its own inside the pre-stage, since the main program runs after every step),
 * and keyed steps so an operation used twice runs once.
 */
public final class StringSteps {
    private static final EmberConf DEFAULTS = EmberConf.of(Map.of());

    /** The key of a constant string column. */
    private record ConstantKey(StringScalar value) {}

    /** The key of a sub-expression evaluated by a program of its own. */
    private record ProgramKey(Expression canonical) {}

    /** A translation context sharing the input and the pre-stage of another, with a builder of its own. */
    private record SubContext(List<Attribute> input, ProgramBuilder programBuilder, PreStage preStage)
            implements ExprTranslationContext {
        @Override
        public <B> B builder(Class<B> builderType) {
            if (!builderType.isInstance(programBuilder)) {
                throw new IllegalStateException("this context builds " + ProgramBuilder.class.getName() + ", not "
                        + builderType.getName());
            }
            return builderType.cast(programBuilder);
        }
    }

    private StringSteps() {}

    /**
     * The STRING column of a translation handle: a string column, or a constant column for a string
     * constant (Spark folds most functions of constants, but not every operand is folded).
     */
    static ColumnValue strings(ExprTranslationContext ctx, Object handle) {
        if (handle instanceof StringScalar s) {
            return constant(ctx.preStage(), s);
        }
        if (handle instanceof ColumnValue c && c.type().id() == DType.TypeId.STRING) {
            return c;
        }
        throw new IllegalStateException("a string operation's operand is " + handle + ", not a string");
    }

    /** A STRING column holding {@code value} in every row (null rows for a null constant). */
    public static ColumnValue constant(PreStage preStage, StringScalar value) {
        requireNonNull(value, "value is null");
        byte[] utf8 = value.utf8();
        return preStage.addOnce(new ConstantKey(value), DType.STRING, new int[0], (device, columns, rows, stream) -> {
            if (utf8 == null) {
                return StringFunctions.allNullStrings(device, rows, stream);
            }
            // One row uploaded, gathered into every row by an all-zero map.
            try (Column one = upload(device, utf8);
                    DeviceBuffer map = device.allocate(rows * Integer.BYTES, stream)) {
                Fill.fill(device, map.address(), rows, Integer.BYTES, 0, stream);
                return Strings.gather(device, one, map, rows, stream);
            }
        });
    }

    private static Column upload(dev.ember.cuda.Device device, byte[] utf8) {
        DeviceBuffer offsets = DeviceArrays.upload(device, new int[] {0, utf8.length});
        DeviceBuffer data;
        try {
            data = DeviceArrays.upload(device, utf8);
        } catch (RuntimeException | Error e) {
            offsets.close();
            throw e;
        }
        return Column.createStrings(1, offsets, data, utf8.length, null, 0);
    }

    /** A column operation on one column. */
    @FunctionalInterface
    interface UnaryOp {
        Column apply(dev.ember.cuda.Device device, Column input, dev.ember.cuda.Stream stream);
    }

    /** A step over one input column, under {@code key} so equal operations run once. */
    static ColumnValue unary(ExprTranslationContext ctx, Object key, ColumnValue input, DType result, UnaryOp op) {
        int index = input.index();
        return ctx.preStage().addOnce(key, result, new int[] {index},
                (device, columns, rows, stream) -> op.apply(device, columns.get(index), stream));
    }

    /** A fixed-width step result as a program value, or a STRING one as its column. */
    static Object result(ExprTranslationContext ctx, ColumnValue value) {
        return value.type().isFixedWidth() ? value.asInput(ExprSupport.builder(ctx)) : value;
    }

    /**
     * The column holding the fixed-width value of {@code expression} (whose translation handle is
     * {@code handle}): the column itself for an input column or a step result, otherwise the single
     * output of a program of its own, evaluated in the pre-stage over the columns available so far.
     */
    static ColumnValue fixedWidth(ExprTranslationContext ctx, Expression expression, Object handle) {
        if (handle instanceof ColumnValue c) {
            return c;
        }
        Expression e = expression;
        while (e instanceof Alias a) {
            e = a.child();
        }
        if (e instanceof AttributeReference ref) {
            List<Attribute> input = ctx.input();
            for (int i = 0; i < input.size(); i++) {
                if (input.get(i).exprId().equals(ref.exprId())) {
                    return new ColumnValue(i, ExprSupport.dtype(ref.dataType()));
                }
            }
        }
        PreStage preStage = ctx.preStage();
        ProgramKey key = new ProgramKey(e.canonicalized());
        ProgramBuilder builder = new ProgramBuilder();
        ExprMeta meta = ExprMeta.wrap(e);
        meta.tag(DEFAULTS);
        Object sub = meta.translate(new SubContext(ctx.input(), builder, preStage));
        if (sub instanceof ColumnValue c) {
            return c;
        }
        builder.output(ExprSupport.reg(sub));
        Program program = builder.build();
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < program.inputCount(); i++) {
            if (program.inputType(i) != null) {
                reads.add(i);
            }
        }
        DType type = program.outputTypes().get(0);
        return preStage.addOnce(key, type, reads.stream().mapToInt(Integer::intValue).toArray(),
                (device, columns, rows, stream) -> {
                    List<Column> out = ProgramEvaluator.evaluate(device, program, columns, rows, stream);
                    return out.get(0);
                });
    }

    /** The int32 row selection of a program value: {@code value} where non-null, else -1 (a null row). */
    static Reg selection(ProgramBuilder builder, Reg value) {
        return builder.coalesce(value, builder.literal(-1));
    }
}
