package dev.ember.spark.planning;

import dev.ember.spark.EmberRuntime;
import dev.ember.spark.conf.EmberConf;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The columnar pre-transition rule: wraps the plan in {@link ExecMeta}s, tags every reason an operator
 * cannot run on the GPU, logs the marked plan ({@code spark.ember.sql.explain}) and converts the
 * operators that can run. With adaptive execution it sees one query stage at a time (the outer call
 * on the {@code AdaptiveSparkPlanExec} is left alone) and reuses the whole-query decisions of
 * {@link QueryStagePrep}.
 */
public final class Overrides extends Rule<SparkPlan> {
    private static final Logger LOG = LoggerFactory.getLogger(Overrides.class);

    private final SparkSession session;

    public Overrides(SparkSession session) {
        this.session = session;
    }

    @Override
    public SparkPlan apply(SparkPlan plan) {
        EmberConf conf = EmberConf.of(session.sessionState().conf());
        if (!conf.sqlEnabled() || plan instanceof AdaptiveSparkPlanExec) {
            return plan;
        }
        PlanningContext context = context(conf);
        EmberConf.ExplainLevel level = conf.explain();
        if (nothingToPlan(context)) {
            // Nothing can run on the GPU and nobody asked for the explanation: wrapping and tagging every
            // operator and expression would only cost planning time; the one reason is recorded instead.
            recordEverywhere(plan, ExecMeta.NO_DEVICE + context.deviceProblem().get());
            return plan;
        }
        ExecMeta meta = tag(plan, context);
        if (level != EmberConf.ExplainLevel.NONE) {
            String text = meta.explain(level == EmberConf.ExplainLevel.NOT_ON_GPU);
            if (!text.isEmpty()) {
                LOG.warn("Ember plan ({}):\n{}", context.explainOnly() ? "explainOnly, nothing converted" : "executeOnGpu",
                        text);
            }
        }
        return meta.convert(context);
    }

    private static void recordEverywhere(SparkPlan plan, String why) {
        plan.setTagValue(EmberTags.NOT_ON_GPU, why);
        ExecRules.operand(plan).setTagValue(EmberTags.NOT_ON_GPU, why);
        for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
            recordEverywhere(child, why);
        }
    }

    /** Whether {@code context} can put nothing on the GPU and no explanation is logged. */
    static boolean nothingToPlan(PlanningContext context) {
        return context.deviceProblem().isPresent() && context.conf().explain() == EmberConf.ExplainLevel.NONE;
    }

    static PlanningContext context(EmberConf conf) {
        Optional<String> deviceProblem = conf.mode() == EmberConf.Mode.EXPLAIN_ONLY
                ? Optional.empty()
                : EmberRuntime.deviceProblemForPlanning(conf.device());
        return new PlanningContext(conf, deviceProblem);
    }

    /**
     * Wraps and tags {@code plan} (all passes); the root's parent is taken to be on the CPU and not to
     * use the root's ordering.
     */
    static ExecMeta tag(SparkPlan plan, PlanningContext context) {
        ExecMeta meta = ExecMeta.wrap(plan);
        meta.tag(context);
        meta.tagOrdering(false);
        meta.tagNeighbours(false);
        return meta;
    }
}
