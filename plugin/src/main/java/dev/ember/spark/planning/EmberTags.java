package dev.ember.spark.planning;

import org.apache.spark.sql.catalyst.trees.TreeNodeTag;

/** What the planner records on Spark's plan nodes. Spark copies tags when it copies a node. */
public final class EmberTags {
    /** Why an operator stays on the CPU, reasons joined by "; " (absent on operators that run on the GPU). */
    public static final TreeNodeTag<String> NOT_ON_GPU = new TreeNodeTag<>("ember.notOnGpu");
    /**
     * Set by the query-stage preparation rule on every operator of the whole query: the neighbour
     * reason ({@code @}) it found, or "" when none. The per-stage columnar rule, which sees only one
     * stage, reuses it so both agree.
     */
    static final TreeNodeTag<String> PREPARED_NEIGHBOUR = new TreeNodeTag<>("ember.preparedNeighbour");

    private EmberTags() {}
}
