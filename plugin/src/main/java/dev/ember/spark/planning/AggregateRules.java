package dev.ember.spark.planning;

import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.GpuHashAggregateExec;
import dev.ember.spark.exec.HashAggregatePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.BaseAggregateExec;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import org.apache.spark.sql.execution.aggregate.ObjectHashAggregateExec;
import org.apache.spark.sql.execution.aggregate.SortAggregateExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rules of Spark's aggregates: hash, sort and object hash aggregates whose functions {@link
 * HashAggregatePlan} runs (count, sum, avg, min, max, first and last over the key and value types of
 * the GPU hash aggregation kernels, strings and decimals included, every mode, DISTINCT aggregates as Spark plans them, FILTER clauses) all become
 * {@link GpuHashAggregateExec}; everything else ({@link HashAggregatePlan#whyNot} names it) stays on
 * the CPU. A sort aggregate moved to the GPU leaves behind the sort Spark put under it for its
 * required ordering, and stays on the CPU when an operator above relies on its output ordering.
 */
final class AggregateRules {
    private static final String WHAT = "count, sum, avg (decimals exactly, null on overflow), min, max, first and "
            + "last (with ignoreNulls), keys of every fixed-width type and strings (every mode, DISTINCT aggregates as "
            + "Spark plans them, FILTER clauses): each batch aggregated by the GPU hash aggregation kernels, the partial "
            + "results concatenated and merged, the result output in batches of spark.ember.sql.batchSizeBytes";

    private AggregateRules() {}

    static ExecRule<HashAggregateExec> hashAggregate() {
        return rule(HashAggregateExec.class, "GROUP BY with " + WHAT,
                (p, children, conf) -> GpuHashAggregateExec.of(p, children.get(0), conf.batchSizeBytes()));
    }

    static ExecRule<ObjectHashAggregateExec> objectHashAggregate() {
        return rule(ObjectHashAggregateExec.class, "the object hash aggregate (planned when a function keeps an "
                        + "object buffer) as the GPU hash aggregate, when all its functions are " + WHAT,
                (p, children, conf) -> GpuHashAggregateExec.of(p, children.get(0), conf.batchSizeBytes()));
    }

    static ExecRule<SortAggregateExec> sortAggregate() {
        return rule(SortAggregateExec.class, "the sort aggregate as the GPU hash aggregate, without the sort of its "
                        + "input by the grouping keys, when all its functions are " + WHAT,
                (p, children, conf) -> GpuHashAggregateExec.of(p, withoutKeySort(p, children.get(0)),
                        conf.batchSizeBytes()))
                .ignoringOrdering();
    }

    /**
     * {@code child} without the sort by the grouping keys that Spark's EnsureRequirements put there for
     * the sort aggregate's required ordering (a non-global sort in exactly that ordering): the hash
     * aggregate needs no order and nothing else reads the sort.
     */
    static SparkPlan withoutKeySort(SortAggregateExec p, SparkPlan child) {
        return SortRules.withoutSort(child, p.requiredChildOrdering().head());
    }

    /** A rule of one of Spark's aggregate classes ({@code P} is a {@code BaseAggregateExec}). */
    private static <P extends SparkPlan> ExecRule<P> rule(Class<P> planClass, String doc,
            ExecRule.Converter<P> converter) {
        return ExecRule.of(planClass, doc, TypeSig.ALL, converter)
                .evaluating(p -> evaluated((BaseAggregateExec) p))
                .withTagger((p, conf) -> whyNot((BaseAggregateExec) p, conf));
    }

    private static Optional<String> whyNot(BaseAggregateExec p, EmberConf conf) {
        Optional<String> why = HashAggregatePlan.whyNot(p.groupingExpressions(), p.aggregateExpressions(),
                p.aggregateAttributes(), p.resultExpressions());
        if (why.isPresent()) {
            return why;
        }
        HashAggregatePlan plan = plan(p);
        List<Attribute> input = new ArrayList<>(CollectionConverters.asJava(p.inputAttributes()));
        Optional<String> problem = compileProblem(plan.inputs(), input, conf);
        if (problem.isEmpty() && plan.mode() == HashAggregatePlan.Mode.PARTIAL) {
            problem = compileProblem(plan.partialOutput(), plan.bufferAttributes(), conf);
        } else if (problem.isEmpty()) {
            List<Expression> evaluated = new ArrayList<>(plan.bufferAttributes().subList(0, plan.keyCount()));
            evaluated.addAll(plan.evaluated());
            problem = compileProblem(evaluated, plan.evaluationInput(), conf)
                    .or(() -> compileProblem(plan.results(), plan.resultInput(), conf));
        }
        if (problem.isEmpty() && plan.keyCount() == 0) {
            problem = ExprPrograms.compileProblem(plan.initialValues().stream()
                    .filter(e -> !HashAggregatePlan.isConstantColumn(e)).toList(), List.of(), conf);
        }
        return problem;
    }

    /** Why the computed (not passed-through) columns of {@code expressions} do not compile, or empty. */
    private static Optional<String> compileProblem(List<Expression> expressions, List<Attribute> input,
            EmberConf conf) {
        return ExprPrograms.compileProblem(HashAggregatePlan.split(expressions, input).computed(), input, conf);
    }

    private static HashAggregatePlan plan(BaseAggregateExec p) {
        return HashAggregatePlan.of(p.groupingExpressions(), p.aggregateExpressions(), p.aggregateAttributes(),
                p.resultExpressions());
    }

    /** The expressions the GPU operator evaluates; none when the aggregate itself cannot run (its reason says why). */
    private static List<Expression> evaluated(BaseAggregateExec p) {
        if (HashAggregatePlan.whyNot(p.groupingExpressions(), p.aggregateExpressions(), p.aggregateAttributes(),
                p.resultExpressions()).isPresent()) {
            return List.of();
        }
        return plan(p).engineExpressions();
    }
}
