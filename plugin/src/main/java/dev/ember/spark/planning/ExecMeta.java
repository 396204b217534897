package dev.ember.spark.planning;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A Spark plan wrapped for planning (spark-rapids' wrap → tag → convert): each operator with its rule
 * (if any), its evaluated expressions and EVERY reason it cannot run on the GPU. Tagging happens in
 * three passes: {@link #tag} collects each operator's own reasons; {@link #tagOrdering} keeps
 * operators whose GPU version has no output ordering on the CPU where an operator above relies on
 * theirs; {@link #tagNeighbours} then keeps cheap operators whose neighbours all stay on the CPU off
 * the GPU ({@code @}).
 */
public final class ExecMeta {
    /** How the reason that no device can run the query begins. */
    static final String NO_DEVICE = "no GPU device: ";
    private final SparkPlan plan;
    private final ExecRule<?> rule;
    private final List<ExecMeta> children;
    private final List<ExprMeta> expressions;
    private final Set<String> reasons = new LinkedHashSet<>();
    private String neighbourReason;
    private boolean explainOnly;

    private ExecMeta(SparkPlan plan, ExecRule<?> rule, List<ExecMeta> children, List<ExprMeta> expressions) {
        this.plan = plan;
        this.rule = rule;
        this.children = children;
        this.expressions = expressions;
    }

    /** Wraps {@code plan} and its descendants with the rules of {@link ExecRules}. */
    public static ExecMeta wrap(SparkPlan plan) {
        requireNonNull(plan, "plan is null");
        List<ExecMeta> children = new ArrayList<>();
        for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
            children.add(wrap(child));
        }
        ExecRule<?> rule = ExecRules.find(plan).orElse(null);
        List<ExprMeta> expressions = new ArrayList<>();
        if (rule != null) {
            rule.evaluatedExpressions(plan).forEach(e -> expressions.add(ExprMeta.wrap(e)));
        }
        return new ExecMeta(plan, rule, List.copyOf(children), List.copyOf(expressions));
    }

    /** First pass: every operator's own reasons, children first. */
    public void tag(PlanningContext context) {
        children.forEach(c -> c.tag(context));
        explainOnly = context.explainOnly();
        String name = ExecRules.operand(plan).nodeName();
        if (!context.conf().sqlEnabled()) {
            reasons.add("Ember is disabled by spark.ember.sql.enabled=false");
        }
        if (rule == null) {
            reasons.add("no GPU implementation of " + plan.getClass().getSimpleName()
                    + CpuOnlyOperators.why(plan).map(why -> ": " + why).orElse(""));
            return;
        }
        if (!context.conf().isEnabled(rule)) {
            reasons.add(name + " is disabled by " + rule.confEntry().key() + "=false");
        }
        reasons.addAll(checkTypes("output column", plan.output()));
        for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
            reasons.addAll(checkTypes("input column", child.output()));
        }
        rule.extraCheck(plan, context.conf()).ifPresent(reasons::add);
        for (ExprMeta e : expressions) {
            e.tag(context.conf());
            reasons.addAll(e.allReasons());
        }
        context.deviceProblem().ifPresent(p -> reasons.add(NO_DEVICE + p));
    }

    private List<String> checkTypes(String what, scala.collection.immutable.Seq<Attribute> attributes) {
        List<String> out = new ArrayList<>();
        for (Attribute a : CollectionConverters.asJava(attributes)) {
            rule.types().check(a.dataType()).ifPresent(r -> out.add(what + " " + a.name() + ": " + r));
        }
        return out;
    }

    /**
     * Second pass, from the root down: an operator whose GPU version ignores orderings ({@link
     * ExecRule#ignoresOrdering}) stays on the CPU when an operator above relies on its output ordering
     * (Spark then planned no sort in between). An operator uses its child's ordering when it requires
     * one of it, or when it has an ordering of its own (which may come from the child) that is used
     * further up; a sort makes its own, and an operator that moves to the GPU ignoring orderings uses
     * none.
     *
     * @param orderingUsedAbove whether an operator above relies on this operator's output ordering
     */
    public void tagOrdering(boolean orderingUsedAbove) {
        boolean ignoresOrdering = rule != null && rule.ignoresOrdering();
        if (ignoresOrdering && orderingUsedAbove && canRunOnGpu() && !plan.outputOrdering().isEmpty()) {
            reasons.add("an operator above relies on its output ordering " + plan.outputOrdering().mkString("[", ", ",
                    "]") + ", which its GPU version does not produce");
        }
        boolean replacedWithoutOrdering = ignoresOrdering && canRunOnGpu();
        List<scala.collection.immutable.Seq<SortOrder>> required =
                CollectionConverters.asJava(plan.requiredChildOrdering());
        boolean passesOrdering = orderingUsedAbove && !replacedWithoutOrdering && !(plan instanceof SortExec)
                && !plan.outputOrdering().isEmpty();
        for (int i = 0; i < children.size(); i++) {
            boolean requires = !replacedWithoutOrdering && i < required.size() && !required.get(i).isEmpty();
            children.get(i).tagOrdering(passesOrdering || requires);
        }
    }

    /**
     * Third pass: a cheap operator ({@link ExecRule#needsGpuNeighbour}) that could run, but whose parent
     * and children all stay on the CPU, stays there too. Where the query-stage preparation rule already
     * decided this for the whole query, its decision is reused.
     *
     * @param parentOnGpu whether this operator's parent can run on the GPU
     */
    public void tagNeighbours(boolean parentOnGpu) {
        scala.Option<String> tagged = plan.getTagValue(EmberTags.PREPARED_NEIGHBOUR);
        Optional<String> prepared = tagged.isDefined() ? Optional.of(tagged.get()) : Optional.empty();
        if (prepared.isPresent()) {
            neighbourReason = prepared.get().isEmpty() ? null : prepared.get();
        } else if (canRunOnGpu() && rule.needsGpuNeighbour() && !parentOnGpu
                && children.stream().noneMatch(ExecMeta::canRunOnGpu)) {
            neighbourReason = "its parent and children stay on the CPU, and two transitions would cost more than "
                    + plan.nodeName() + " saves";
        }
        boolean selfOnGpu = canRunOnGpu();
        children.forEach(c -> c.tagNeighbours(selfOnGpu));
    }

    /** Records the neighbour decisions on the plan for the per-stage rule (query-stage preparation only). */
    public void recordNeighbourDecisions() {
        plan.setTagValue(EmberTags.PREPARED_NEIGHBOUR, neighbourReason == null ? "" : neighbourReason);
        children.forEach(ExecMeta::recordNeighbourDecisions);
    }

    /** Whether this operator itself has no reason to stay on the CPU (neighbours aside). */
    public boolean canRunOnGpu() {
        return reasons.isEmpty();
    }

    /** Whether this operator will be converted: it can run and no neighbour prevents it. */
    public boolean willRunOnGpu() {
        return canRunOnGpu() && neighbourReason == null && !explainOnly;
    }

    public SparkPlan plan() {
        return plan;
    }

    public List<ExecMeta> children() {
        return children;
    }

    public List<ExprMeta> expressions() {
        return expressions;
    }

    /** This operator's own reasons to stay on the CPU, in the order found. */
    public List<String> reasons() {
        return Collections.unmodifiableList(new ArrayList<>(reasons));
    }

    public Optional<String> neighbourReason() {
        return Optional.ofNullable(neighbourReason);
    }

    /**
     * Converts the operators that will run on the GPU, bottom-up, and records on every operator that
     * stays on the CPU why ({@link EmberTags#NOT_ON_GPU}).
     */
    public SparkPlan convert(PlanningContext context) {
        List<SparkPlan> newChildren = new ArrayList<>();
        boolean changed = false;
        for (ExecMeta c : children) {
            SparkPlan converted = c.convert(context);
            changed |= converted != c.plan;
            newChildren.add(converted);
        }
        if (willRunOnGpu()) {
            return rule.convert(plan, newChildren, context.conf());
        }
        String why = String.join("; ", cpuReasons());
        plan.setTagValue(EmberTags.NOT_ON_GPU, why);
        SparkPlan operand = ExecRules.operand(plan);
        if (operand != plan) {
            // The scan inside a table cache stage is the operator a reader of the plan looks at.
            operand.setTagValue(EmberTags.NOT_ON_GPU, why);
        }
        return changed ? plan.withNewChildren(CollectionConverters.asScala(newChildren).toSeq()) : plan;
    }

    /** Every reason this operator stays on the CPU, including a neighbour's and explainOnly mode. */
    public List<String> cpuReasons() {
        List<String> all = new ArrayList<>(reasons);
        if (all.isEmpty() && neighbourReason != null) {
            all.add(neighbourReason);
        }
        if (all.isEmpty() && explainOnly) {
            all.add("spark.ember.sql.mode=explainOnly: planned for the GPU, left on the CPU");
        }
        return all;
    }

    /** Whether the explanation should leave this node out: wrappers that are not operators of their own. */
    private boolean isTransparent() {
        return plan instanceof AdaptiveSparkPlanExec || plan instanceof QueryStageExec && rule == null;
    }

    /** The marked plan: {@code *} on the GPU, {@code !} stays on the CPU because …, {@code @} a neighbour prevents it. */
    public String explain(boolean onlyNotOnGpu) {
        StringBuilder out = new StringBuilder();
        explain(out, "", onlyNotOnGpu);
        return out.toString();
    }

    private void explain(StringBuilder out, String indent, boolean onlyNotOnGpu) {
        if (!isTransparent()) {
            String name = ExecRules.operand(plan).getClass().getSimpleName();
            if (!reasons.isEmpty()) {
                out.append(indent).append("!Exec <").append(name).append("> cannot run on the GPU because ")
                        .append(String.join("; ", reasons)).append('\n');
            } else if (neighbourReason != null) {
                out.append(indent).append("@Exec <").append(name).append("> could run on the GPU but stays on the CPU because ")
                        .append(neighbourReason).append('\n');
            } else if (!onlyNotOnGpu) {
                out.append(indent).append("*Exec <").append(name).append("> will run on the GPU")
                        .append(explainOnly ? " (explainOnly: left on the CPU)" : "").append('\n');
            }
            expressions.forEach(e -> e.explain(out, indent + "  ", onlyNotOnGpu));
        }
        children.forEach(c -> c.explain(out, indent + "  ", onlyNotOnGpu));
    }
}
