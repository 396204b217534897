package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.expr.Program;
import dev.ember.cuda.expr.ProgramEvaluator;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.Reg;
import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.expressions.ColumnValue;
import dev.ember.spark.expressions.PreStage;
import dev.ember.spark.expressions.StringScalar;
import dev.ember.spark.expressions.StringSteps;
import dev.ember.spark.planning.ExprMeta;
import dev.ember.spark.planning.ExprTranslationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.KnownFloatingPointNormalized;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.optimizer.NormalizeNaNAndZero;

/**
 * Spark expressions → a {@link PreStage} of column operations plus one GPU expression program
 * ({@link ProgramBuilder}), and the split of a projection into columns passed through and columns
 * computed.
 */
public final class ExprPrograms {
    /** The translation context: the input columns, the builder and the pre-stage. */
    private record Context(List<Attribute> input, ProgramBuilder programBuilder, PreStage preStage,
            boolean checkOnly) implements ExprTranslationContext {
        @Override
        public <B> B builder(Class<B> builderType) {
            if (!builderType.isInstance(programBuilder)) {
                throw new IllegalStateException("this context builds " + ProgramBuilder.class.getName() + ", not "
                        + builderType.getName());
            }
            return builderType.cast(programBuilder);
        }
    }

    /**
     * How a projection makes each output column: {@code passThrough[k] >= 0} is the input column it
     * passes on unchanged, otherwise output k is output {@code computedIndex[k]} of the program over
     * {@code computed}.
     */
    public record Projection(int[] passThrough, int[] computedIndex, List<Expression> computed)
            implements java.io.Serializable {}

    private static final EmberConf DEFAULTS = EmberConf.of(Map.of());

    private ExprPrograms() {}

    /**
     * Expressions compiled for one batch layout: a {@link PreStage} of column operations (string
     * sub-expressions), then one program reading the batch's columns and the pre-stage's results.
     * Expression k is program output {@code programOutput[k]}, or, when that is -1, the column
     * {@code columnOutput[k]} of the pre-stage's list (a column passed on or a step's result).
     */
    public record Compiled(PreStage preStage, Program program, int[] programOutput, int[] columnOutput) {
        /** Whether evaluating reads batch column {@code column}. */
        public boolean reads(int column) {
            if (preStage.reads(column) || (program != null && program.inputType(column) != null)) {
                return true;
            }
            for (int c : columnOutput) {
                if (c == column) {
                    return true;
                }
            }
            return false;
        }

        /**
         * One new column per expression over {@code batch} ({@code rows} rows; columns nothing reads
         * may be null); the caller closes them, the batch stays the caller's.
         */
        public List<Column> evaluate(Device device, List<Column> batch, long rows, Stream stream) {
            try (PreStage.Evaluated columns = preStage.evaluate(device, batch, rows, stream)) {
                List<Column> computed = program == null ? List.of()
                        : ProgramEvaluator.evaluate(device, program, columns.columns(), rows, stream);
                List<Column> out = new ArrayList<>();
                try {
                    for (int k = 0; k < programOutput.length; k++) {
                        out.add(programOutput[k] >= 0 ? computed.get(programOutput[k]).incRef()
                                : columns.columns().get(columnOutput[k]).incRef());
                    }
                    return out;
                } catch (RuntimeException | Error e) {
                    out.forEach(Column::close);
                    throw e;
                } finally {
                    computed.forEach(Column::close);
                }
            }
        }
    }

    /**
     * The expressions compiled over the columns of {@code input} (by position): the pre-stage and
     * one program with an output per fixed-width result.
     *
     * @throws IllegalStateException when an expression has no GPU translation or the program exceeds
     *     the engine's limits (the message says which)
     */
    public static Compiled compile(List<Expression> expressions, List<Attribute> input) {
        return compile(expressions, input, false);
    }

    private static Compiled compile(List<Expression> expressions, List<Attribute> input, boolean checkOnly) {
        requireNonNull(expressions, "expressions is null");
        ProgramBuilder builder = new ProgramBuilder();
        List<Attribute> columns = List.copyOf(requireNonNull(input, "input is null"));
        Context context = new Context(columns, builder, new PreStage(columns.size()), checkOnly);
        int[] programOutput = new int[expressions.size()];
        int[] columnOutput = new int[expressions.size()];
        int outputs = 0;
        for (int k = 0; k < expressions.size(); k++) {
            ExprMeta meta = ExprMeta.wrap(expressions.get(k));
            meta.tag(DEFAULTS);
            Object handle = meta.translate(context);
            programOutput[k] = -1;
            columnOutput[k] = -1;
            if (handle instanceof Reg reg) {
                programOutput[k] = builder.output(reg);
                outputs++;
            } else if (handle instanceof ColumnValue column) {
                columnOutput[k] = column.index();
            } else if (handle instanceof StringScalar constant) {
                columnOutput[k] = StringSteps.constant(context.preStage(), constant).index();
            } else {
                throw new IllegalStateException("the result of " + expressions.get(k).sql() + " (" + handle
                        + ") cannot be an output column on the GPU yet");
            }
        }
        return new Compiled(context.preStage(), outputs == 0 ? null : builder.build(), programOutput, columnOutput);
    }

    /**
     * Why {@code expressions}, each of which can run on the GPU under {@code conf}, do not compile into
     * one program (an engine limit), or empty. Expressions that cannot run are left to their own reasons.
     */
    public static Optional<String> compileProblem(List<Expression> expressions, List<Attribute> input, EmberConf conf) {
        if (expressions.isEmpty()) {
            return Optional.empty();
        }
        for (Expression e : expressions) {
            ExprMeta meta = ExprMeta.wrap(e);
            meta.tag(conf);
            if (!meta.canRunOnGpu()) {
                return Optional.empty();
            }
        }
        try {
            compile(expressions, input, true);
            return Optional.empty();
        } catch (IllegalStateException | IllegalArgumentException e) {
            return Optional.of("the expressions do not compile into one GPU program: " + e.getMessage());
        }
    }

    /**
     * {@code e} without Spark's float normalization ({@code NormalizeFloatingNumbers} wraps grouping and
     * join keys): Ember's hashing and key comparisons treat -0.0 as 0.0 and every NaN alike themselves.
     */
    public static Expression withoutFloatNormalization(Expression e) {
        if (e instanceof KnownFloatingPointNormalized k) {
            e = k.child();
        }
        if (e instanceof NormalizeNaNAndZero n) {
            e = n.child();
        }
        return e;
    }

    /** Splits {@code projectList} over {@code input} into pass-through and computed columns. */
    public static Projection plan(List<? extends NamedExpression> projectList, List<Attribute> input) {
        int[] passThrough = new int[projectList.size()];
        int[] computedIndex = new int[projectList.size()];
        List<Expression> computed = new ArrayList<>();
        for (int k = 0; k < projectList.size(); k++) {
            Expression e = (Expression) projectList.get(k);
            while (e instanceof Alias a) {
                e = a.child();
            }
            int index = e instanceof AttributeReference ref ? indexOf(input, ref) : -1;
            passThrough[k] = index;
            computedIndex[k] = -1;
            if (index < 0) {
                computedIndex[k] = computed.size();
                computed.add((Expression) projectList.get(k));
            }
        }
        return new Projection(passThrough, computedIndex, List.copyOf(computed));
    }

    /** The position of {@code ref} among {@code input} (by expression id), or -1. */
    public static int indexOf(List<Attribute> input, AttributeReference ref) {
        for (int i = 0; i < input.size(); i++) {
            if (input.get(i).exprId().equals(ref.exprId())) {
                return i;
            }
        }
        return -1;
    }
}
