package dev.ember.bench.tpch;

import dev.ember.spark.planning.EmberTags;
import dev.ember.spark.ui.PlanSummaries;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.execution.BaseSubqueryExec;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ReusedSubqueryExec;
import org.apache.spark.sql.execution.RowToColumnarExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What ran where in one executed plan. Operators are the nodes of the final plan — through adaptive
 * execution's query stages and into every subquery's plan — without plumbing: whole-stage codegen
 * wrappers and their inputs, AQE shuffle reads, query-stage and subquery wrappers, reused exchanges
 * and subqueries (their plan is counted once where it runs) and the row/columnar transitions, which
 * exist only because of where the other operators run. GPU operators are Ember's {@code Gpu*} nodes;
 * every other operator, exchanges included, is a CPU operator. Row↔columnar transitions are counted
 * (Spark's and Ember's), and exchanges by where they run. Fallback reasons are the
 * {@link EmberTags#NOT_ON_GPU} reasons of the CPU operators, as {@code Operator: reason}, each once.
 */
public record PlanSummary(int gpuOperators, int cpuOperators, List<String> fallbackReasons, int transitions,
        int gpuExchanges, List<String> cpuExchanges) {
    public PlanSummary {
        fallbackReasons = List.copyOf(fallbackReasons);
        cpuExchanges = List.copyOf(cpuExchanges);
    }

    /** A summary without transition or exchange counts. */
    public PlanSummary(int gpuOperators, int cpuOperators, List<String> fallbackReasons) {
        this(gpuOperators, cpuOperators, fallbackReasons, 0, 0, List.of());
    }

    public static PlanSummary of(SparkPlan executedPlan) {
        Counter c = new Counter();
        c.visit(executedPlan);
        return new PlanSummary(c.gpu, c.cpu, List.copyOf(c.reasons), c.transitions, c.gpuExchanges,
                List.copyOf(c.cpuExchanges));
    }

    /** All exchanges, GPU and CPU. */
    public int exchanges() {
        return gpuExchanges + cpuExchanges.size();
    }

    /** GPU operators over all operators (0 when there are none). */
    public double gpuShare() {
        int all = gpuOperators + cpuOperators;
        return all == 0 ? 0 : (double) gpuOperators / all;
    }

    /**
     * The reasons of one tag, shortened so that equal reasons of different nodes compare equal: the tag
     * joins reasons with "; " (a reason's own "; it stays on the CPU" is kept with it), and each loses the
     * expression it quotes ("(in …)"), the list of supported types and expression ids.
     */
    static List<String> reasons(String tag) {
        List<String> out = new java.util.ArrayList<>();
        for (String part : tag.split("; ")) {
            String r = part.trim();
            if (r.isEmpty()) {
                continue;
            }
            if (r.startsWith("it stays on the CPU") && !out.isEmpty()) {
                out.set(out.size() - 1, out.get(out.size() - 1) + "; it stays on the CPU");
                continue;
            }
            int in = r.lastIndexOf(" (in ");
            if (in > 0 && r.endsWith(")")) {
                r = r.substring(0, in);
            }
            int supported = r.indexOf(" (supported: ");
            if (supported > 0) {
                r = r.substring(0, supported);
            }
            out.add(r.replaceAll("#\\d+L?", ""));
        }
        return out;
    }

    private static final class Counter {
        private final Set<SparkPlan> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<String> reasons = new LinkedHashSet<>();
        private int gpu;
        private int cpu;
        private int transitions;
        private int gpuExchanges;
        private final List<String> cpuExchanges = new java.util.ArrayList<>();

        void visit(SparkPlan p) {
            if (!seen.add(p) || p instanceof ReusedExchangeExec || p instanceof ReusedSubqueryExec) {
                return;
            }
            if (p instanceof AdaptiveSparkPlanExec a) {
                visit(a.executedPlan());
                return;
            }
            if (p instanceof QueryStageExec q) {
                visit(q.plan());
                return;
            }
            if (isRowColumnarTransition(p)) {
                transitions++;
            }
            if (p instanceof Exchange) {
                if (isGpu(p)) {
                    gpuExchanges++;
                } else {
                    cpuExchanges.add(p.getClass().getSimpleName());
                }
            }
            if (!isPlumbing(p)) {
                if (isGpu(p)) {
                    gpu++;
                } else {
                    cpu++;
                    for (String reason : reasons(p.getTagValue(EmberTags.NOT_ON_GPU).getOrElse(() -> ""))) {
                        this.reasons.add(p.nodeName() + ": " + reason);
                    }
                }
            }
            for (SparkPlan s : CollectionConverters.asJava(p.subqueries())) {
                visit(s);
            }
            for (SparkPlan child : CollectionConverters.asJava(p.children())) {
                visit(child);
            }
        }

        private static boolean isGpu(SparkPlan p) {
            return PlanSummaries.isGpuOperator(p);
        }

        /** A conversion between rows and columns, Spark's or Ember's (host-to-device copies of batches are not). */
        private static boolean isRowColumnarTransition(SparkPlan p) {
            String name = p.getClass().getSimpleName();
            return p instanceof ColumnarToRowExec || p instanceof RowToColumnarExec
                    || name.equals("GpuColumnarToRowExec") || name.equals("GpuRowToColumnarExec");
        }

        private static boolean isPlumbing(SparkPlan p) {
            if (p instanceof WholeStageCodegenExec || p instanceof InputAdapter || p instanceof AQEShuffleReadExec
                    || p instanceof BaseSubqueryExec || p instanceof ColumnarToRowExec || p instanceof RowToColumnarExec) {
                return true;
            }
            String name = p.getClass().getSimpleName();
            return name.equals("GpuColumnarToRowExec") || name.equals("GpuRowToColumnarExec")
                    || name.equals("HostColumnarToGpuExec") || name.equals("GpuCoalesceBatchesExec");
        }
    }
}
