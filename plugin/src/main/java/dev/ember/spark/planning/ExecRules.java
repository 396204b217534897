package dev.ember.spark.planning;

import dev.ember.spark.exec.GpuFileSourceScanExec;
import dev.ember.spark.exec.GpuGlobalLimitExec;
import dev.ember.spark.exec.GpuInMemoryTableScanExec;
import dev.ember.spark.exec.GpuLocalLimitExec;
import dev.ember.spark.exec.GpuLocalTableScanExec;
import dev.ember.spark.exec.GpuRangeExec;
import dev.ember.spark.exec.GpuUnionExec;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.GlobalLimitExec;
import org.apache.spark.sql.execution.LocalLimitExec;
import org.apache.spark.sql.execution.LocalTableScanExec;
import org.apache.spark.sql.execution.RangeExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnionExec;
import org.apache.spark.sql.execution.adaptive.TableCacheQueryStageExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import scala.jdk.javaapi.CollectionConverters;

/** The operator rules, one per Spark operator class Ember can run on the GPU. */
public final class ExecRules {
    private static final List<ExecRule<?>> ALL = List.of(
            ExecRule.of(RangeExec.class, "generates a range of longs with the sequence kernel", TypeSig.ALL_FIXED_WIDTH,
                    (p, children, conf) -> new GpuRangeExec(p.range(), conf.batchSizeBytes())),
            ExecRule.of(LocalTableScanExec.class, "copies the rows of a driver-side local table to the device",
                    TypeSig.ALL,
                    (p, children, conf) -> new GpuLocalTableScanExec(p.output(), p.rows(), conf.batchSizeBytes())),
            ExecRule.of(LocalLimitExec.class, "the first rows of each partition, by slicing device batches",
                    TypeSig.ALL, (p, children, conf) -> new GpuLocalLimitExec(p.limit(), children.get(0)))
                    .onlyNextToGpuOperators(),
            ExecRule.of(GlobalLimitExec.class, "the first rows (after an offset) of a single partition, by slicing",
                    TypeSig.ALL,
                    (p, children, conf) -> new GpuGlobalLimitExec(p.limit(), children.get(0), p.offset()))
                    .onlyNextToGpuOperators(),
            ExecRule.of(UnionExec.class, "the partitions of all children, batches passed through unchanged",
                    TypeSig.ALL,
                    (p, children, conf) -> new GpuUnionExec(CollectionConverters.asScala(children).toSeq()))
                    .onlyNextToGpuOperators(),
            ExecRule.of(FileSourceScanExec.class, "reads Parquet files with Spark's vectorized reader on the CPU, "
                    + "concatenates its batches on the host and copies them to the device", TypeSig.ALL,
                    (p, children, conf) -> GpuFileSourceScanExec.of(p, conf.batchSizeBytes()))
                    .withTagger(GpuFileSourceScanExec::whyNot),
            ExecRule.of(InMemoryTableScanExec.class, "reads a cached relation with Spark's scan on the CPU (batch "
                    + "pruning by cached statistics, column batches of the default cache serializer), concatenates "
                    + "its batches on the host and copies them to the device", TypeSig.ALL_FIXED_WIDTH,
                    (p, children, conf) -> new GpuInMemoryTableScanExec(p, conf.batchSizeBytes()))
                    .withTagger(GpuInMemoryTableScanExec::whyNot)
                    .onlyNextToGpuOperators(),
            FilterProjectRules.filter(),
            FilterProjectRules.project(),
            ExpandRules.expand(),
            AggregateRules.hashAggregate(),
            AggregateRules.sortAggregate(),
            AggregateRules.objectHashAggregate(),
            JoinRules.shuffledHashJoin(),
            JoinRules.sortMergeJoin(),
            JoinRules.broadcastHashJoin(),
            SortRules.sort(),
            SortRules.takeOrderedAndProject(),
            WindowRules.window(),
            ExchangeRules.shuffleExchange(),
            ExchangeRules.broadcastExchange(),
            NestedLoopJoinRules.broadcastNestedLoopJoin(),
            NestedLoopJoinRules.cartesianProduct(),
            SampleRules.sample());

    private ExecRules() {}

    /**
     * The operator a rule applies to: {@code plan} itself, or for a table cache query stage (adaptive
     * execution makes one of each in-memory scan, materializes it first and leaves the scan inside
     * unconverted, as no columnar rule runs on that stage) the scan it wraps. Converting the stage
     * replaces it in its parent's plan by the GPU scan, which runs the materialized scan.
     */
    static SparkPlan operand(SparkPlan plan) {
        return plan instanceof TableCacheQueryStageExec stage && stage.plan() instanceof InMemoryTableScanExec
                ? stage.plan() : plan;
    }

    public static List<ExecRule<?>> all() {
        return ALL;
    }

    /**
     * The rule for {@code plan}'s exact class, if Ember has one. With adaptive execution a cached
     * relation's scan is hidden in a {@code TableCacheQueryStageExec}: that stage gets the rule of the
     * scan it wraps ({@link #operand}).
     */
    public static Optional<ExecRule<?>> find(SparkPlan plan) {
        SparkPlan target = operand(plan);
        for (ExecRule<?> rule : ALL) {
            if (rule.planClass() == target.getClass()) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }
}
