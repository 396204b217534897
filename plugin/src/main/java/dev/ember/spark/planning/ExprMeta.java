package dev.ember.spark.planning;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.conf.EmberConf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.jdk.javaapi.CollectionConverters;

/**
 * An expression tree wrapped for planning: each node with its rule (if any) and every reason it cannot
 * run on the GPU. {@link #tag} collects the reasons; {@link #translate} turns a tree that can run
 * into the GPU program, children first.
 */
public final class ExprMeta {
    private final Expression expression;
    private final ExprRule<?> rule;
    private final List<ExprMeta> children;
    private final List<String> reasons = new ArrayList<>();

    private ExprMeta(Expression expression, ExprRule<?> rule, List<ExprMeta> children) {
        this.expression = expression;
        this.rule = rule;
        this.children = children;
    }

    /** Wraps {@code expression} and its children with the rules of {@link ExprRules}. */
    public static ExprMeta wrap(Expression expression) {
        return wrap(expression, ExprRules::find);
    }

    /** Wraps {@code expression} and its children with the rules {@code rules} finds. */
    public static ExprMeta wrap(Expression expression, Function<Expression, Optional<ExprRule<?>>> rules) {
        requireNonNull(expression, "expression is null");
        List<ExprMeta> children = new ArrayList<>();
        ExprRule<?> rule = rules.apply(expression).orElse(null);
        // A fusing translator names the operands it translates (see FusingTranslator).
        List<Expression> operands = rule == null ? CollectionConverters.asJava(expression.children())
                : rule.operands(expression);
        for (Expression child : operands) {
            children.add(wrap(child, rules));
        }
        return new ExprMeta(expression, rule, List.copyOf(children));
    }

    /** Collects the reasons of this node and its children. */
    public void tag(EmberConf conf) {
        children.forEach(c -> c.tag(conf));
        String name = expression.getClass().getSimpleName();
        if (rule == null) {
            reasons.add("expression " + name + " has no GPU implementation"
                    + CpuOnlyExpressions.why(expression).map(why -> ": " + why).orElse(""));
            return;
        }
        if (!conf.isEnabled(rule)) {
            reasons.add("expression " + name + " is disabled by " + rule.confEntry().key() + "=false");
        }
        if (expression.resolved()) {
            rule.types().check(expression.dataType()).ifPresent(r -> reasons.add("expression " + name + ": " + r));
        }
        rule.extraCheck(expression).ifPresent(reasons::add);
        if (rule.translator().isEmpty()) {
            reasons.add("expression " + name + " has no GPU translation yet");
        }
    }

    public Expression expression() {
        return expression;
    }

    public List<ExprMeta> children() {
        return children;
    }

    /** This node's own reasons (not its children's). */
    public List<String> reasons() {
        return Collections.unmodifiableList(reasons);
    }

    /** Whether this node and every descendant can run on the GPU. */
    public boolean canRunOnGpu() {
        return reasons.isEmpty() && children.stream().allMatch(ExprMeta::canRunOnGpu);
    }

    /** The reasons of the whole tree, each prefixed with its expression's SQL. */
    public List<String> allReasons() {
        List<String> all = new ArrayList<>();
        collect(all);
        return all;
    }

    private void collect(List<String> all) {
        for (String r : reasons) {
            all.add(r + " (in " + expression.sql() + ")");
        }
        children.forEach(c -> c.collect(all));
    }

    /**
     * Translates the tree into the program of {@code context}'s builder: children first, then this node.
     *
     * @return the builder's handle of this expression's result
     * @throws IllegalStateException when the tree cannot run on the GPU (tag it first)
     */
    public Object translate(ExprTranslationContext context) {
        if (!canRunOnGpu()) {
            throw new IllegalStateException("cannot translate " + expression.sql() + " for the GPU: "
                    + String.join("; ", allReasons()));
        }
        List<Object> handles = new ArrayList<>();
        for (ExprMeta child : children) {
            handles.add(child.translate(context));
        }
        return rule.translate(expression, handles, context);
    }

    /** Lines for the explanation, indented under an operator. */
    void explain(StringBuilder out, String indent, boolean onlyNotOnGpu) {
        boolean ok = reasons.isEmpty();
        if (!(onlyNotOnGpu && ok)) {
            out.append(indent).append(ok ? "*" : "!").append("Expression <")
                    .append(expression.getClass().getSimpleName()).append("> ").append(expression.sql())
                    .append(ok ? " will run on the GPU" : " cannot run on the GPU because " + String.join("; ", reasons))
                    .append('\n');
        }
        children.forEach(c -> c.explain(out, indent + "  ", onlyNotOnGpu));
    }
}
