package dev.ember.spark.planning;

import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.exec.GpuBroadcastHashJoinExec;
import dev.ember.spark.exec.GpuCoalesceBatchesExec;
import dev.ember.spark.exec.GpuColumnarToRowExec;
import dev.ember.spark.exec.GpuExec;
import dev.ember.spark.exec.GpuRowToColumnarExec;
import dev.ember.spark.exec.HostColumnarToGpuExec;
import dev.ember.spark.exec.join.GpuBroadcastNestedLoopJoinExec;
import dev.ember.shims.ColumnarBroadcastExchange;
import dev.ember.shims.ColumnarShuffleExchange;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.RowToColumnarExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnionExec;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.ShuffleQueryStageExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The columnar post-transition rule: replaces Spark's generic transitions next to GPU operators by
 * Ember's. Under a GPU operator: {@code RowToColumnarExec} → {@link GpuRowToColumnarExec}, and a
 * host-columnar child (Parquet's vectorized reader, the in-memory cache) gets a {@link
 * HostColumnarToGpuExec} followed by a {@link GpuCoalesceBatchesExec}. Above one: {@code
 * ColumnarToRowExec} → {@link GpuColumnarToRowExec}. The root is never wrapped. A GPU broadcast hash
 * join reads its build side as a broadcast of rows, so the row-to-columnar transition Spark put above
 * that child is removed.
 */
public final class Transitions extends Rule<SparkPlan> {
    private final SparkSession session;

    public Transitions(SparkSession session) {
        this.session = session;
    }

    @Override
    public SparkPlan apply(SparkPlan plan) {
        EmberConf conf = EmberConf.of(session.sessionState().conf());
        if (!conf.sqlEnabled() || plan instanceof AdaptiveSparkPlanExec) {
            return plan;
        }
        SparkPlan out = rewrite(plan, conf.batchSizeBytes());
        // Adaptive execution plans a GPU exchange at a stage's root with a transition to rows above it;
        // the stage must stay an exchange, and the parent stage reads its batches.
        if (out instanceof GpuColumnarToRowExec c2r && c2r.child() instanceof ColumnarShuffleExchange) {
            return c2r.child();
        }
        return out;
    }

    private static SparkPlan rewrite(SparkPlan plan, long batchBytes) {
        List<SparkPlan> children = new ArrayList<>();
        boolean changed = false;
        boolean consumesDeviceBatches = plan instanceof GpuExec && !(plan instanceof GpuRowToColumnarExec)
                && !(plan instanceof HostColumnarToGpuExec) || isDeviceUnion(plan)
                || plan instanceof ColumnarShuffleExchange;
        List<SparkPlan> originals = CollectionConverters.asJava(plan.children());
        for (int i = 0; i < originals.size(); i++) {
            SparkPlan child = originals.get(i);
            SparkPlan c = rewrite(child, batchBytes);
            if (plan instanceof GpuBroadcastHashJoinExec join && i == join.buildChildIndex()
                    || plan instanceof GpuBroadcastNestedLoopJoinExec nestedLoop && i == nestedLoop.buildChildIndex()) {
                // The build side is a row broadcast read through executeBroadcast, not a batch input.
                if (c instanceof RowToColumnarExec r2c) {
                    c = r2c.child();
                }
            } else if (plan instanceof ColumnarBroadcastExchange) {
                c = deviceInput(c, batchBytes);
            } else if (consumesDeviceBatches) {
                if (c instanceof RowToColumnarExec r2c) {
                    c = new GpuRowToColumnarExec(r2c.child(), batchBytes);
                } else if (c.supportsColumnar() && !producesDeviceBatches(c)) {
                    c = new GpuCoalesceBatchesExec(new HostColumnarToGpuExec(c), batchBytes);
                }
            }
            changed |= c != child;
            children.add(c);
        }
        SparkPlan out = changed ? plan.withNewChildren(CollectionConverters.asScala(children).toSeq()) : plan;
        if (out instanceof ColumnarToRowExec c2r && producesDeviceBatches(c2r.child())) {
            return new GpuColumnarToRowExec(c2r.child());
        }
        return out;
    }

    /**
     * {@code child} as device batches for an operator Spark takes for a row consumer (a GPU broadcast
     * exchange: Spark put a transition to rows under it, which is removed).
     */
    private static SparkPlan deviceInput(SparkPlan child, long batchBytes) {
        if (child instanceof GpuColumnarToRowExec c2r) {
            return c2r.child();
        }
        if (child instanceof ColumnarToRowExec c2r && producesDeviceBatches(c2r.child())) {
            return c2r.child();
        }
        if (!child.supportsColumnar()) {
            return new GpuRowToColumnarExec(child, batchBytes);
        }
        return producesDeviceBatches(child) ? child
                : new GpuCoalesceBatchesExec(new HostColumnarToGpuExec(child), batchBytes);
    }

    /** Whether {@code plan}'s columnar output is device batches. */
    static boolean producesDeviceBatches(SparkPlan plan) {
        return plan instanceof GpuExec || isDeviceUnion(plan) || readsDeviceShuffle(plan);
    }

    /**
     * Whether {@code plan} is a GPU shuffle exchange or what adaptive execution and exchange reuse put
     * over one (its query stage, a shuffle read of that stage, a reused exchange): all of them give
     * the exchange's device batches.
     */
    public static boolean readsDeviceShuffle(SparkPlan plan) {
        if (plan instanceof ColumnarShuffleExchange) {
            return true;
        }
        if (plan instanceof ShuffleQueryStageExec stage) {
            return readsDeviceShuffle(stage.plan());
        }
        if (plan instanceof ReusedExchangeExec reused) {
            return readsDeviceShuffle(reused.child());
        }
        return plan instanceof AQEShuffleReadExec read && readsDeviceShuffle(read.child());
    }

    /**
     * Spark's own union is columnar when all its children are; with a GPU child it passes device
     * batches through, so its other columnar children must produce device batches too.
     */
    private static boolean isDeviceUnion(SparkPlan plan) {
        return plan instanceof UnionExec && plan.supportsColumnar()
                && CollectionConverters.asJava(plan.children()).stream().anyMatch(c -> c instanceof GpuExec);
    }
}
