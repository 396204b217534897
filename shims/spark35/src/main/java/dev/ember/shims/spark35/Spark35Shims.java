package dev.ember.shims.spark35;

import dev.ember.shims.ColumnarBroadcastSupport;
import dev.ember.shims.ColumnarShuffleSupport;
import dev.ember.shims.SparkShims;
import org.apache.spark.sql.ember.spark35.GpuBroadcastExchangeExec;
import org.apache.spark.sql.ember.spark35.GpuShuffleExchangeExec;
import org.apache.spark.sql.catalyst.plans.physical.BroadcastMode;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeLike;

/** Spark 3.5.x. */
public final class Spark35Shims implements SparkShims {
    @Override
    public String sparkLine() {
        return "3.5";
    }

    @Override
    public boolean ansiEnabledByDefault() {
        return false;
    }

    @Override
    public SparkPlan columnarShuffleExchange(ShuffleExchangeLike original, Partitioning partitioning, SparkPlan child,
            ColumnarShuffleSupport support) {
        return new GpuShuffleExchangeExec(partitioning, child, original.shuffleOrigin(),
                original.advisoryPartitionSize(), support);
    }

    @Override
    public SparkPlan columnarBroadcastExchange(BroadcastMode mode, SparkPlan child, ColumnarBroadcastSupport support) {
        return new GpuBroadcastExchangeExec(mode, child, support);
    }
}
