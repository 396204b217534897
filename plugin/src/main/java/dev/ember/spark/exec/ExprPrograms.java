package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.expr.Program;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.Reg;
import dev.ember.spark.conf.EmberConf;
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
import org.apache.spark.sql.catalyst.expressions.NamedExpression;

/**
 * Spark expressions → one GPU expression program ({@link ProgramBuilder}), and the split of a
 * projection into columns passed through and columns computed by the program.
 */
public final class ExprPrograms {
    /** The translation context: the input columns and the builder. */
    private record Context(List<Attribute> input, ProgramBuilder programBuilder) implements ExprTranslationContext {
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
     * One program with one output per expression, reading the columns of {@code input} by position.
     *
     * @throws IllegalStateException when an expression has no GPU translation or the program exceeds
     *     the engine's limits (the message says which)
     */
    public static Program compile(List<Expression> expressions, List<Attribute> input) {
        requireNonNull(expressions, "expressions is null");
        ProgramBuilder builder = new ProgramBuilder();
        Context context = new Context(List.copyOf(requireNonNull(input, "input is null")), builder);
        for (Expression e : expressions) {
            ExprMeta meta = ExprMeta.wrap(e);
            meta.tag(DEFAULTS);
            builder.output((Reg) meta.translate(context));
        }
        return builder.build();
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
            compile(expressions, input);
            return Optional.empty();
        } catch (IllegalStateException | IllegalArgumentException e) {
            return Optional.of("the expressions do not compile into one GPU program: " + e.getMessage());
        }
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

    private static int indexOf(List<Attribute> input, AttributeReference ref) {
        for (int i = 0; i < input.size(); i++) {
            if (input.get(i).exprId().equals(ref.exprId())) {
                return i;
            }
        }
        return -1;
    }
}
