package dev.ember.spark.planning;

import dev.ember.shims.ShimLoader;
import dev.ember.spark.broadcast.GpuBroadcastSupport;
import dev.ember.spark.shuffle.GpuShuffleSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.RangePartitioning;
import org.apache.spark.sql.catalyst.plans.physical.RoundRobinPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.SinglePartition$;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import scala.jdk.javaapi.CollectionConverters;

/** The rules of Spark's exchanges. */
final class ExchangeRules {
    private ExchangeRules() {}

    static ExecRule<ShuffleExchangeExec> shuffleExchange() {
        return ExecRule.of(ShuffleExchangeExec.class, "the shuffle of device batches: partition ids computed on the "
                        + "GPU as Spark computes them (hash partitioning: Murmur3 with seed 42 and pmod; round robin; "
                        + "single; range partitioning over bounds sampled by Spark's RangePartitioner), rows split by "
                        + "partition on the GPU and copied to the host once per batch, written and read as Arrow IPC "
                        + "record batches through Spark's shuffle manager, coalesced to spark.ember.sql.batchSizeBytes "
                        + "on the host and copied to the device once", TypeSig.ALL,
                (p, children, conf) -> ShimLoader.current().columnarShuffleExchange(p, p.outputPartitioning(),
                        children.get(0), new GpuShuffleSupport(conf.batchSizeBytes())))
                .evaluating(p -> partitionExpressions(p.outputPartitioning()))
                .withTagger((p, conf) -> whyNot(p.outputPartitioning()).or(() -> GpuShuffleSupport.keysProblem(
                        partitionExpressions(p.outputPartitioning()), CollectionConverters.asJava(p.child().output()),
                        conf)))
                .onlyNextToGpuOperators();
    }

    static ExecRule<BroadcastExchangeExec> broadcastExchange() {
        return ExecRule.of(BroadcastExchangeExec.class, "the broadcast of device batches: each task copies its "
                        + "batches to the host once and serializes them as Arrow IPC record batches, the driver "
                        + "collects them within Spark's limits and broadcasts them; a GPU broadcast hash join copies "
                        + "them to the device and hashes them once per executor, and any CPU reader of the broadcast "
                        + "(a CPU join, dynamic partition pruning) still reads Spark's own relation, built from the "
                        + "rows on first use", TypeSig.ALL,
                (p, children, conf) -> ShimLoader.current().columnarBroadcastExchange(p.mode(), children.get(0),
                        new GpuBroadcastSupport()))
                .onlyNextToGpuOperators();
    }

    /** The expressions the GPU evaluates to partition: hash keys (without float normalization), sort keys. */
    static List<Expression> partitionExpressions(Partitioning partitioning) {
        if (partitioning instanceof HashPartitioning h) {
            return GpuShuffleSupport.hashKeys(h);
        }
        List<Expression> out = new ArrayList<>();
        if (partitioning instanceof RangePartitioning r) {
            for (SortOrder o : CollectionConverters.asJava(r.ordering())) {
                out.add(o.child());
            }
        }
        return out;
    }

    private static Optional<String> whyNot(Partitioning partitioning) {
        if (partitioning instanceof HashPartitioning || partitioning instanceof RoundRobinPartitioning
                || partitioning instanceof RangePartitioning || partitioning == SinglePartition$.MODULE$) {
            return Optional.empty();
        }
        return Optional.of("the GPU shuffle does not implement " + partitioning.getClass().getSimpleName()
                + " (hash, round-robin, range and single partitioning are supported)");
    }
}
