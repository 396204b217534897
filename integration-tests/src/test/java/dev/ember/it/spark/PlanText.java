package dev.ember.it.spark;

import org.apache.spark.sql.execution.SparkPlan;

/** A plan's text with what differs between two plannings of the same query (expression ids, plan ids) removed. */
final class PlanText {
    private PlanText() {}

    static String normalized(SparkPlan plan) {
        return plan.treeString().replaceAll("#\\d+L?", "#").replaceAll("plan_id=\\d+", "plan_id=");
    }
}
