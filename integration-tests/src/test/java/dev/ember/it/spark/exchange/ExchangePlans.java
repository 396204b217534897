package dev.ember.it.spark.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.GpuDiff;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import scala.jdk.javaapi.CollectionConverters;

/** What the exchange tests look for in executed plans and in the rows of a partitioned run. */
final class ExchangePlans {
    static final String GPU_EXCHANGE = "GpuShuffleExchange";

    private ExchangePlans() {}

    /** The GPU shuffle exchanges of a run's plan. */
    static List<SparkPlan> gpuExchanges(GpuDiff.Run run) {
        return run.operators().stream().filter(p -> p.nodeName().equals(GPU_EXCHANGE)).toList();
    }

    /** Spark's own (CPU) shuffle exchanges of a run's plan. */
    static List<SparkPlan> cpuExchanges(GpuDiff.Run run) {
        return run.operators().stream().filter(p -> p instanceof ShuffleExchangeExec).toList();
    }

    /**
     * Asserts that a GPU exchange of {@code run} partitions with {@code partitioning} (a class such as
     * {@code HashPartitioning}, or {@code SinglePartition$}) into {@code numPartitions} partitions
     * (unchecked when negative): the plan shape the test means to exercise.
     */
    static void assertGpuExchange(GpuDiff.Run run, Class<? extends Partitioning> partitioning, int numPartitions) {
        List<SparkPlan> exchanges = gpuExchanges(run);
        assertThat(exchanges).as("GPU exchanges with %s in\n%s", partitioning.getSimpleName(), run.plan())
                .anySatisfy(e -> {
                    assertThat(e.outputPartitioning()).isInstanceOf(partitioning);
                    if (numPartitions >= 0) {
                        assertThat(e.outputPartitioning().numPartitions()).isEqualTo(numPartitions);
                    }
                });
    }

    /**
     * The shuffle reads adaptive execution planned (they are plumbing to {@link GpuDiff.Run#operators}),
     * through adaptive wrappers and query stages.
     */
    static List<AQEShuffleReadExec> shuffleReads(SparkPlan plan) {
        List<AQEShuffleReadExec> out = new ArrayList<>();
        collectReads(plan, out);
        return out;
    }

    private static void collectReads(SparkPlan p, List<AQEShuffleReadExec> out) {
        if (p instanceof AdaptiveSparkPlanExec a) {
            collectReads(a.executedPlan(), out);
            return;
        }
        if (p instanceof QueryStageExec q) {
            collectReads(q.plan(), out);
            return;
        }
        if (p instanceof AQEShuffleReadExec r) {
            out.add(r);
        }
        for (SparkPlan c : CollectionConverters.asJava(p.children())) {
            collectReads(c, out);
        }
    }

    /** Whether a shuffle read reads a GPU exchange's stage (possibly a reused one). */
    static boolean readsGpuExchange(AQEShuffleReadExec read) {
        SparkPlan p = read.child();
        while (true) {
            if (p instanceof QueryStageExec q) {
                p = q.plan();
            } else if (p instanceof ReusedExchangeExec r) {
                p = r.child();
            } else {
                return p.nodeName().equals(GPU_EXCHANGE);
            }
        }
    }

    /** One sort key of a range check: a column of the rows, its direction and where nulls go. */
    record Key(int column, boolean ascending, boolean nullsFirst) {}

    /**
     * Asserts that the rows, each with its partition id in column {@code pidColumn}, lie in disjoint
     * key ranges ordered by partition: the largest key of each non-empty partition sorts strictly below
     * the smallest key of the next non-empty one, under Spark's ordering (-0.0 equal to 0.0, NaN above
     * every other double, strings by their UTF-8 bytes).
     */
    static void assertRangePartitioned(List<Row> rows, int pidColumn, List<Key> keys) {
        Comparator<Row> order = (a, b) -> {
            for (Key k : keys) {
                int c = compareKey(a.get(k.column()), b.get(k.column()), k);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
        Map<Integer, List<Row>> byPartition = new TreeMap<>();
        for (Row r : rows) {
            byPartition.computeIfAbsent(r.getInt(pidColumn), p -> new ArrayList<>()).add(r);
        }
        assertThat(byPartition.size()).as("non-empty partitions").isGreaterThan(1);
        Row previousMax = null;
        int previous = -1;
        for (Map.Entry<Integer, List<Row>> e : byPartition.entrySet()) {
            List<Row> part = e.getValue();
            Row min = part.stream().min(order).orElseThrow();
            Row max = part.stream().max(order).orElseThrow();
            if (previousMax != null) {
                assertThat(order.compare(previousMax, min))
                        .as("largest key of partition %d (%s) below the smallest of partition %d (%s)", previous,
                                previousMax, e.getKey(), min)
                        .isNegative();
            }
            previousMax = max;
            previous = e.getKey();
        }
    }

    private static int compareKey(Object a, Object b, Key k) {
        if (a == null || b == null) {
            if (a == b) {
                return 0;
            }
            return (a == null) == k.nullsFirst() ? -1 : 1;
        }
        int c = compareValues(a, b);
        return k.ascending() ? c : -c;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x.doubleValue() == y.doubleValue() ? 0 : Double.compare(x, y);
        }
        if (a instanceof Float x && b instanceof Float y) {
            return x.floatValue() == y.floatValue() ? 0 : Float.compare(x, y);
        }
        if (a instanceof String x && b instanceof String y) {
            return java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y);
        }
        return ((Comparable) a).compareTo(b);
    }
}
