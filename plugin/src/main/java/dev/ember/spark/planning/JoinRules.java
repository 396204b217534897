package dev.ember.spark.planning;

import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.exec.GpuBroadcastHashJoinExec;
import dev.ember.spark.exec.GpuShuffledHashJoinExec;
import dev.ember.spark.exec.HashJoinSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildRight$;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.RightOuter$;
import org.apache.spark.sql.catalyst.plans.physical.IdentityBroadcastMode$;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.sql.execution.joins.ShuffledHashJoinExec;
import org.apache.spark.sql.execution.joins.SortMergeJoinExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rules of Spark's equi-joins: shuffled and broadcast hash joins become their GPU versions, and
 * sort-merge joins GPU shuffled hash joins ({@code spark.ember.sql.replaceSortMergeJoin}) without the
 * sorts Spark put under them. What {@link HashJoinSpec#whyNot} names stays on the CPU (existence
 * joins, key types the device lacks, keys or conditions that do not compile). The GPU joins have no
 * output ordering, so a join whose ordering an operator above relies on stays on the CPU.
 */
final class JoinRules {
    private static final String WHAT = "inner, outer, semi and anti joins (the null-aware anti join of NOT IN "
            + "included) on keys of every device type, strings and expressions of them included, with extra "
            + "conditions evaluated over the candidate pairs; output in batches of spark.ember.sql.batchSizeBytes";

    private JoinRules() {}

    static ExecRule<ShuffledHashJoinExec> shuffledHashJoin() {
        return ExecRule.of(ShuffledHashJoinExec.class, "per partition, hashes the build side's rows on the GPU and "
                        + "probes them with the stream side's batches: " + WHAT, TypeSig.ALL,
                (p, children, conf) -> new GpuShuffledHashJoinExec(p.leftKeys(), p.rightKeys(), p.joinType(),
                        p.buildSide(), p.condition(), p.isSkewJoin(), conf.batchSizeBytes(), children.get(0),
                        children.get(1)))
                .evaluating(p -> HashJoinSpec.evaluated(p.leftKeys(), p.rightKeys(), p.condition()))
                .withTagger((p, conf) -> HashJoinSpec.whyNot(p.leftKeys(), p.rightKeys(), p.joinType(), p.buildSide(),
                        p.condition(), p.left().output(), p.right().output(), false, conf))
                .ignoringOrdering();
    }

    static ExecRule<SortMergeJoinExec> sortMergeJoin() {
        return ExecRule.of(SortMergeJoinExec.class, "the sort-merge join as a GPU shuffled hash join (the right "
                        + "side hashed, the left one for a right outer join), without the sorts of its inputs, when "
                        + "spark.ember.sql.replaceSortMergeJoin is on: " + WHAT, TypeSig.ALL,
                (p, children, conf) -> new GpuShuffledHashJoinExec(p.leftKeys(), p.rightKeys(), p.joinType(),
                        buildSide(p.joinType()), p.condition(), p.isSkewJoin(), conf.batchSizeBytes(),
                        withoutKeySort(p, children.get(0), 0), withoutKeySort(p, children.get(1), 1)))
                .evaluating(p -> HashJoinSpec.evaluated(p.leftKeys(), p.rightKeys(), p.condition()))
                .withTagger(JoinRules::whyNotSortMerge)
                .ignoringOrdering();
    }

    static ExecRule<BroadcastHashJoinExec> broadcastHashJoin() {
        return ExecRule.of(BroadcastHashJoinExec.class, "the broadcast rows converted and hashed on the GPU once "
                        + "per executor and broadcast, probed by every task's stream batches: " + WHAT, TypeSig.ALL,
                (p, children, conf) -> {
                    List<SparkPlan> c = new ArrayList<>(children);
                    int build = HashJoinSpec.isBuildLeft(p.buildSide()) ? 0 : 1;
                    c.set(build, asRowBroadcast(c.get(build)));
                    return new GpuBroadcastHashJoinExec(p.leftKeys(), p.rightKeys(), p.joinType(), p.buildSide(),
                            p.condition(), p.isNullAwareAntiJoin(), conf.batchSizeBytes(), c.get(0), c.get(1));
                })
                .evaluating(p -> HashJoinSpec.evaluated(p.leftKeys(), p.rightKeys(), p.condition()))
                .withTagger((p, conf) -> HashJoinSpec.whyNot(p.leftKeys(), p.rightKeys(), p.joinType(), p.buildSide(),
                        p.condition(), p.left().output(), p.right().output(), p.isNullAwareAntiJoin(), conf)
                        .or(() -> keepsBuildRows(p)))
                .ignoringOrdering();
    }

    /** A broadcast build is shared by every task, so no task may mark its rows as matched. */
    private static Optional<String> keepsBuildRows(BroadcastHashJoinExec p) {
        HashJoinSpec spec = HashJoinSpec.of(p.leftKeys(), p.rightKeys(), p.joinType(), p.buildSide(), p.condition(),
                p.left().output(), p.right().output(), p.isNullAwareAntiJoin());
        return spec.opType().keepsUnmatchedBuildRows()
                ? Optional.of("a broadcast join that outputs unmatched build rows needs every task's matches")
                : Optional.empty();
    }

    /**
     * Spark's broadcast of a hashed relation, asked for as plain rows instead: the GPU hashes them
     * itself. A broadcast that is already a query stage (adaptive execution) is read as it is.
     */
    private static SparkPlan asRowBroadcast(SparkPlan build) {
        if (build instanceof BroadcastExchangeExec exchange && exchange.mode() != IdentityBroadcastMode$.MODULE$) {
            return new BroadcastExchangeExec(IdentityBroadcastMode$.MODULE$, exchange.child());
        }
        return build;
    }

    private static Optional<String> whyNotSortMerge(SortMergeJoinExec p, EmberConf conf) {
        if (!conf.replaceSortMergeJoin()) {
            return Optional.of("replacing sort-merge joins is disabled by " + EmberConf.REPLACE_SORT_MERGE_JOIN.key()
                    + "=false");
        }
        return HashJoinSpec.whyNot(p.leftKeys(), p.rightKeys(), p.joinType(), buildSide(p.joinType()), p.condition(),
                p.left().output(), p.right().output(), false, conf);
    }

    /** The side a replaced sort-merge join hashes: the right one, the left one for a right outer join. */
    static BuildSide buildSide(JoinType joinType) {
        return joinType == RightOuter$.MODULE$ ? BuildLeft$.MODULE$ : BuildRight$.MODULE$;
    }

    /**
     * {@code child} without the sort by the join keys that Spark's EnsureRequirements put there for the
     * sort-merge join's required ordering of child {@code index}: the hash join needs no order.
     */
    static SparkPlan withoutKeySort(SortMergeJoinExec p, SparkPlan child, int index) {
        return SortRules.withoutSort(child, p.requiredChildOrdering().apply(index));
    }
}
