package dev.ember.spark.planning;

import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.GpuHashAggregateExec;
import dev.ember.spark.exec.HashAggregatePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rule of Spark's hash aggregate: modes Partial, Final and Complete of count, sum, avg, min and
 * max over the key and value types of the GPU hash aggregation kernels; everything else
 * ({@link HashAggregatePlan#whyNot} names it) stays on the CPU.
 */
final class AggregateRules {
    private AggregateRules() {}

    static ExecRule<HashAggregateExec> hashAggregate() {
        return ExecRule.of(HashAggregateExec.class, "GROUP BY with count, sum, avg, min and max (modes Partial, "
                        + "Final, Complete): each batch aggregated by the GPU hash aggregation kernels, the partial "
                        + "results concatenated and merged into one batch per partition", TypeSig.ALL,
                        (p, children, conf) -> GpuHashAggregateExec.of(p, children.get(0)))
                .evaluating(AggregateRules::evaluated)
                .withTagger((p, conf) -> {
                    Optional<String> why = HashAggregatePlan.whyNot(p.groupingExpressions(), p.aggregateExpressions(),
                            p.aggregateAttributes(), p.resultExpressions());
                    if (why.isPresent()) {
                        return why;
                    }
                    HashAggregatePlan plan = plan(p);
                    List<Attribute> input = new ArrayList<>(CollectionConverters.asJava(p.child().output()));
                    Optional<String> problem = compileProblem(plan.inputs(), input, conf);
                    if (problem.isEmpty() && plan.mode() == HashAggregatePlan.Mode.PARTIAL) {
                        problem = compileProblem(plan.partialOutput(), plan.bufferAttributes(), conf);
                    } else if (problem.isEmpty()) {
                        List<Expression> evaluated = new ArrayList<>(plan.bufferAttributes().subList(0,
                                plan.keyCount()));
                        evaluated.addAll(plan.evaluated());
                        problem = compileProblem(evaluated, plan.bufferAttributes(), conf)
                                .or(() -> compileProblem(plan.results(), plan.resultInput(), conf));
                    }
                    if (problem.isEmpty() && plan.keyCount() == 0) {
                        problem = ExprPrograms.compileProblem(plan.initialValues().stream()
                                .filter(e -> !HashAggregatePlan.isNullLiteral(e)).toList(), List.of(), conf);
                    }
                    return problem;
                });
    }

    /** Why the computed (not passed-through) columns of {@code expressions} do not compile, or empty. */
    private static Optional<String> compileProblem(List<Expression> expressions, List<Attribute> input,
            dev.ember.spark.conf.EmberConf conf) {
        return ExprPrograms.compileProblem(HashAggregatePlan.split(expressions, input).computed(), input, conf);
    }

    private static HashAggregatePlan plan(HashAggregateExec p) {
        return HashAggregatePlan.of(p.groupingExpressions(), p.aggregateExpressions(), p.aggregateAttributes(),
                p.resultExpressions());
    }

    /** The expressions the GPU operator evaluates; none when the aggregate itself cannot run (its reason says why). */
    private static List<Expression> evaluated(HashAggregateExec p) {
        if (HashAggregatePlan.whyNot(p.groupingExpressions(), p.aggregateExpressions(), p.aggregateAttributes(),
                p.resultExpressions()).isPresent()) {
            return List.of();
        }
        return plan(p).engineExpressions();
    }
}
