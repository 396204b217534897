package dev.ember.spark.planning;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.conf.ConfEntry;
import dev.ember.spark.conf.EmberConf;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * How one Spark operator class runs on the GPU: its switch ({@code spark.ember.sql.exec.<Name>}),
 * documentation, the column types it supports (of its output and of its children's output), the
 * expressions it evaluates (each must have a GPU translation), an optional extra check, and the
 * conversion into its {@code Gpu*Exec}.
 *
 * @param <P> the Spark operator class
 */
public final class ExecRule<P extends SparkPlan> {
    /** An extra check: returns why this particular operator cannot run on the GPU, or empty. */
    @FunctionalInterface
    public interface Tagger<P extends SparkPlan> {
        Optional<String> check(P plan, EmberConf conf);
    }

    /** Builds the GPU operator for {@code plan}, whose children are replaced by {@code children}. */
    @FunctionalInterface
    public interface Converter<P extends SparkPlan> {
        SparkPlan convert(P plan, List<SparkPlan> children, EmberConf conf);
    }

    private final Class<P> planClass;
    private final String doc;
    private final TypeSig types;
    private final Function<P, List<Expression>> evaluated;
    private final Tagger<P> tagger;
    private final Converter<P> converter;
    private final boolean needsGpuNeighbour;
    private final boolean ignoresOrdering;
    private final ConfEntry<Boolean> confEntry;

    private ExecRule(Class<P> planClass, String doc, TypeSig types, Function<P, List<Expression>> evaluated,
            Tagger<P> tagger, Converter<P> converter, boolean needsGpuNeighbour, boolean ignoresOrdering) {
        this.planClass = requireNonNull(planClass, "planClass is null");
        this.doc = requireNonNull(doc, "doc is null");
        this.types = requireNonNull(types, "types is null");
        this.evaluated = requireNonNull(evaluated, "evaluated is null");
        this.tagger = tagger;
        this.converter = requireNonNull(converter, "converter is null");
        this.needsGpuNeighbour = needsGpuNeighbour;
        this.ignoresOrdering = ignoresOrdering;
        this.confEntry = ConfEntry.bool("spark.ember.sql.exec." + name(), true, false,
                "Enables " + name() + " on the GPU: " + doc);
    }

    /** A rule converting {@code planClass} with {@code converter}; it evaluates no expressions. */
    public static <P extends SparkPlan> ExecRule<P> of(Class<P> planClass, String doc, TypeSig types,
            Converter<P> converter) {
        return new ExecRule<>(planClass, doc, types, p -> List.of(), null, converter, false, false);
    }

    /** This rule, evaluating the expressions {@code evaluated} returns (each must run on the GPU). */
    public ExecRule<P> evaluating(Function<P, List<Expression>> evaluated) {
        return new ExecRule<>(planClass, doc, types, evaluated, tagger, converter, needsGpuNeighbour,
                ignoresOrdering);
    }

    /** This rule with an extra check. */
    public ExecRule<P> withTagger(Tagger<P> tagger) {
        return new ExecRule<>(planClass, doc, types, evaluated, requireNonNull(tagger, "tagger is null"), converter,
                needsGpuNeighbour, ignoresOrdering);
    }

    /**
     * This rule for an operator too cheap to be worth two transitions: it runs on the GPU only when a
     * child or its parent does.
     */
    public ExecRule<P> onlyNextToGpuOperators() {
        return new ExecRule<>(planClass, doc, types, evaluated, tagger, converter, true, ignoresOrdering);
    }

    /**
     * This rule for an operator whose GPU version neither needs its input ordered nor produces the CPU
     * operator's output ordering: it stays on the CPU where an operator above relies on that ordering
     * (Spark planned no sort there), and when it moves to the GPU its children's orderings are unused.
     */
    public ExecRule<P> ignoringOrdering() {
        return new ExecRule<>(planClass, doc, types, evaluated, tagger, converter, needsGpuNeighbour, true);
    }

    public Class<P> planClass() {
        return planClass;
    }

    /** The operator class's simple name, as used in the config key and the docs. */
    public String name() {
        return planClass.getSimpleName();
    }

    public String doc() {
        return doc;
    }

    public TypeSig types() {
        return types;
    }

    public ConfEntry<Boolean> confEntry() {
        return confEntry;
    }

    public boolean needsGpuNeighbour() {
        return needsGpuNeighbour;
    }

    public boolean ignoresOrdering() {
        return ignoresOrdering;
    }

    List<Expression> evaluatedExpressions(SparkPlan plan) {
        return evaluated.apply(planClass.cast(ExecRules.operand(plan)));
    }

    Optional<String> extraCheck(SparkPlan plan, EmberConf conf) {
        return tagger == null ? Optional.empty() : tagger.check(planClass.cast(ExecRules.operand(plan)), conf);
    }

    SparkPlan convert(SparkPlan plan, List<SparkPlan> children, EmberConf conf) {
        return converter.convert(planClass.cast(ExecRules.operand(plan)), children, conf);
    }

    @Override
    public String toString() {
        return "ExecRule[" + name() + "]";
    }
}
