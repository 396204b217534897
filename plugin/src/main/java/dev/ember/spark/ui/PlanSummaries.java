package dev.ember.spark.ui;

import dev.ember.shims.ColumnarBroadcastExchange;
import dev.ember.shims.ColumnarShuffleExchange;
import dev.ember.spark.exec.GpuCoalesceBatchesExec;
import dev.ember.spark.exec.GpuColumnarToRowExec;
import dev.ember.spark.exec.GpuRowToColumnarExec;
import dev.ember.spark.exec.HostColumnarToGpuExec;
import dev.ember.spark.planning.EmberTags;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.execution.BaseSubqueryExec;
import org.apache.spark.sql.execution.ColumnarToRowTransition;
import org.apache.spark.sql.execution.CommandResultExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ReusedSubqueryExec;
import org.apache.spark.sql.execution.RowToColumnarTransition;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.command.ExecutedCommandExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Counts the operators of an executed plan. What counts as an operator: every node of the final plan
 * (through adaptive execution's wrapper and its query stages, and into subquery plans) except
 * <ul>
 *   <li>plumbing that does no work of its own: whole-stage code generation and its input adapters,
 *       adaptive execution's shuffle reads, the subquery wrappers;</li>
 *   <li>transitions between rows, host columns and device columns, Spark's and Ember's, and Ember's
 *       batch coalescing: they move data between operators and would count the same work twice;</li>
 *   <li>reused exchanges and subqueries, which run once, where they first appear;</li>
 *   <li>commands the driver runs itself (creating a view, setting a value): they process no rows.
 *       Writes do count: {@code DataWritingCommandExec} and its input are operators.</li>
 * </ul>
 * An operator runs on the GPU when it is one of Ember's; any other stays on the CPU, with the reasons
 * the planner recorded on it ({@link EmberTags#NOT_ON_GPU}).
 */
public final class PlanSummaries {
    /** The reason shown for a CPU operator the planner left no reason on. */
    public static final String NO_REASON = "no reason recorded: Ember's planner did not see this operator "
            + "(spark.ember.sql.enabled=false, or a plan Spark builds outside its columnar rules)";

    private static final Set<Class<?>> MOVERS = Set.of(GpuColumnarToRowExec.class, GpuRowToColumnarExec.class,
            HostColumnarToGpuExec.class, GpuCoalesceBatchesExec.class);

    private PlanSummaries() {}

    /** The summary of {@code plan}, the executed plan of execution {@code executionId}. */
    public static PlanSummary of(long executionId, String description, SparkPlan plan) {
        Counter counter = new Counter();
        counter.visit(plan);
        return new PlanSummary(executionId, description, counter.gpu, counter.operators, counter.fallbacks,
                counter.transitions);
    }

    /** Whether {@code plan} counts as an operator. */
    public static boolean isOperator(SparkPlan plan) {
        return !(plan instanceof AdaptiveSparkPlanExec || plan instanceof QueryStageExec
                || plan instanceof WholeStageCodegenExec || plan instanceof InputAdapter
                || plan instanceof AQEShuffleReadExec || plan instanceof BaseSubqueryExec
                || plan instanceof ColumnarToRowTransition || plan instanceof RowToColumnarTransition
                || plan instanceof ReusedExchangeExec || plan instanceof ExecutedCommandExec
                || plan instanceof CommandResultExec || MOVERS.contains(plan.getClass()));
    }

    /** Whether {@code plan} converts between rows and columns (Spark's transitions and Ember's). */
    public static boolean isRowColumnarTransition(SparkPlan plan) {
        return plan instanceof ColumnarToRowTransition || plan instanceof RowToColumnarTransition
                || plan instanceof GpuColumnarToRowExec || plan instanceof GpuRowToColumnarExec;
    }

    /** Whether {@code plan} is one of Ember's operators (its exchanges are Scala classes in Spark's packages). */
    public static boolean isGpuOperator(SparkPlan plan) {
        return plan.getClass().getName().startsWith("dev.ember.") || plan instanceof ColumnarShuffleExchange
                || plan instanceof ColumnarBroadcastExchange;
    }

    private static final class Counter {
        private int operators;
        private int gpu;
        private int transitions;
        private final List<PlanSummary.Fallback> fallbacks = new ArrayList<>();

        void visit(SparkPlan plan) {
            if (plan instanceof ReusedExchangeExec || plan instanceof ReusedSubqueryExec) {
                return;
            }
            if (plan instanceof AdaptiveSparkPlanExec adaptive) {
                visit(adaptive.executedPlan());
                return;
            }
            if (plan instanceof QueryStageExec stage) {
                visit(stage.plan());
                return;
            }
            if (isRowColumnarTransition(plan)) {
                transitions++;
            }
            if (isOperator(plan)) {
                operators++;
                if (isGpuOperator(plan)) {
                    gpu++;
                } else {
                    String reason = plan.getTagValue(EmberTags.NOT_ON_GPU).getOrElse(() -> "");
                    fallbacks.add(new PlanSummary.Fallback(plan.nodeName(), reason.isEmpty() ? NO_REASON : reason));
                }
            }
            for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
                visit(child);
            }
            for (SparkPlan subquery : CollectionConverters.asJava(plan.subqueries())) {
                visit(subquery);
            }
        }
    }
}
