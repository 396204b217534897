package dev.ember.spark.planning;

import dev.ember.spark.exec.join.GpuBroadcastNestedLoopJoinExec;
import dev.ember.spark.exec.join.GpuCartesianProductExec;
import dev.ember.spark.exec.join.NestedLoopJoinSpec;
import java.util.List;
import org.apache.spark.sql.catalyst.optimizer.BuildRight$;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.execution.joins.BroadcastNestedLoopJoinExec;
import org.apache.spark.sql.execution.joins.CartesianProductExec;

/**
 * The rules of Spark's joins without equi-keys: the broadcast nested loop join and the cartesian
 * product. Both run every candidate pair through the condition on the GPU ({@link NestedLoopJoinSpec}
 * says which join types; the others stay on the CPU with its reason).
 */
final class NestedLoopJoinRules {
    private static final String HOW = "candidate pairs in chunks of spark.ember.sql.batchSizeBytes, row maps from "
            + "a sequence, the pair columns gathered, the condition (any expression the GPU evaluates) evaluated and "
            + "the matching pairs compacted";

    private NestedLoopJoinRules() {}

    static ExecRule<BroadcastNestedLoopJoinExec> broadcastNestedLoopJoin() {
        return ExecRule.of(BroadcastNestedLoopJoinExec.class, "joins with any condition or none against a broadcast "
                        + "side uploaded by each task: inner and cross joins, and left outer, left semi, left anti "
                        + "and existence joins building the right side (right outer building the left); " + HOW,
                TypeSig.ALL,
                (p, children, conf) -> new GpuBroadcastNestedLoopJoinExec(children.get(0), children.get(1),
                        p.buildSide(), p.joinType(), p.condition(), conf.batchSizeBytes()))
                .evaluating(p -> p.condition().isDefined() ? List.of(p.condition().get()) : List.of())
                .withTagger((p, conf) -> NestedLoopJoinSpec.whyNot(p.joinType(), p.buildSide(), p.condition(),
                        p.left().output(), p.right().output(), conf))
                .ignoringOrdering();
    }

    static ExecRule<CartesianProductExec> cartesianProduct() {
        return ExecRule.of(CartesianProductExec.class, "inner joins without keys, with an optional condition: one "
                        + "task per pair of a left and a right partition, the right one concatenated on the device "
                        + "and the left one's batches streamed against it; " + HOW, TypeSig.ALL,
                (p, children, conf) -> new GpuCartesianProductExec(children.get(0), children.get(1), p.condition(),
                        conf.batchSizeBytes()))
                .evaluating(p -> p.condition().isDefined() ? List.of(p.condition().get()) : List.of())
                .withTagger((p, conf) -> NestedLoopJoinSpec.whyNot(Inner$.MODULE$, BuildRight$.MODULE$, p.condition(),
                        p.left().output(), p.right().output(), conf))
                .ignoringOrdering();
    }
}
