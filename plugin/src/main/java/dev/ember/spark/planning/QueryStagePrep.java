package dev.ember.spark.planning;

import dev.ember.spark.conf.EmberConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Adaptive execution's query-stage preparation rule: runs before the plan is cut into stages, sees
 * the whole query and records the neighbour decisions on its operators, so that the columnar rule,
 * which later sees one stage at a time, decides as it would on the whole plan. It changes nothing
 * else (in particular it never wraps the exchange that will become a stage's root).
 */
public final class QueryStagePrep extends Rule<SparkPlan> {
    private final SparkSession session;

    public QueryStagePrep(SparkSession session) {
        this.session = session;
    }

    @Override
    public SparkPlan apply(SparkPlan plan) {
        EmberConf conf = EmberConf.of(session.sessionState().conf());
        if (conf.sqlEnabled()) {
            PlanningContext context = Overrides.context(conf);
            if (!Overrides.nothingToPlan(context)) {
                Overrides.tag(plan, context).recordNeighbourDecisions();
            }
        }
        return plan;
    }
}
