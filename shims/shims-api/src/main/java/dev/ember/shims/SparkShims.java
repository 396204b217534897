package dev.ember.shims;

import org.apache.spark.sql.catalyst.plans.physical.BroadcastMode;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeLike;

/**
 * What differs between the Spark lines Ember supports, behind one interface. Each line has one
 * implementation in its own module ({@code shims/sparkXY}), registered as a {@link
 * java.util.ServiceLoader} provider; {@link ShimLoader} picks the one that matches the running Spark.
 * Code outside the shims never tests Spark's version itself.
 */
public interface SparkShims {
    /** The Spark line this implementation is for, e.g. {@code 3.5}. */
    String sparkLine();

    /** Whether this implementation supports the given full Spark version, e.g. {@code 3.5.9}. */
    default boolean supports(String sparkVersion) {
        return sparkVersion.equals(sparkLine()) || sparkVersion.startsWith(sparkLine() + ".");
    }

    /** Whether ANSI mode is on by default in this Spark line (it changes overflow and cast semantics). */
    boolean ansiEnabledByDefault();

    /**
     * A columnar shuffle exchange node replacing {@code original} (same partitioning, origin and
     * advisory partition size) over {@code child}, a {@link ColumnarShuffleExchange} and a Spark {@code
     * ShuffleExchangeLike}, so that adaptive execution makes query stages of it.
     */
    SparkPlan columnarShuffleExchange(ShuffleExchangeLike original, Partitioning partitioning, SparkPlan child,
            ColumnarShuffleSupport support);

    /**
     * A columnar broadcast exchange node of {@code mode} over {@code child}: a {@link
     * ColumnarBroadcastExchange} and a Spark {@code BroadcastExchangeLike}, so that adaptive execution
     * makes query stages of it and its consumers call {@code executeBroadcast} on it.
     */
    SparkPlan columnarBroadcastExchange(BroadcastMode mode, SparkPlan child, ColumnarBroadcastSupport support);
}
