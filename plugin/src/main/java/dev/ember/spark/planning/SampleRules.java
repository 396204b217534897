package dev.ember.spark.planning;

import dev.ember.spark.exec.sample.GpuSampleExec;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.LocalTableScanExec;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.RangeExec;
import org.apache.spark.sql.execution.SampleExec;
import org.apache.spark.sql.execution.SparkPlan;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rule of Spark's sample ({@code TABLESAMPLE}, {@code Dataset.sample}). Which rows Spark keeps
 * depends on each row's position in its partition (one random draw per row), so the GPU sample runs
 * only over inputs whose GPU versions give Spark's partitions in Spark's row order: scans of files,
 * local tables and ranges, under filters and projections.
 */
final class SampleRules {
    /** Operators whose GPU versions keep Spark's partitions and row order. */
    private static final Set<Class<?>> ORDER_KEEPING = Set.of(FileSourceScanExec.class, LocalTableScanExec.class,
            RangeExec.class, FilterExec.class, ProjectExec.class);

    private SampleRules() {}

    static ExecRule<SampleExec> sample() {
        return ExecRule.of(SampleExec.class, "sampling without replacement with Spark's own row selection: each task "
                        + "draws Spark's Bernoulli cell sampler's values (seeded with the seed plus the partition "
                        + "index) on the host, one per row in order, and the GPU compacts the batches by them; over "
                        + "scans of files, local tables and ranges, filters and projections only", TypeSig.ALL,
                (p, children, conf) -> new GpuSampleExec(p.lowerBound(), p.upperBound(), p.seed(), children.get(0)))
                .withTagger((p, conf) -> whyNot(p));
    }

    private static Optional<String> whyNot(SampleExec p) {
        if (p.withReplacement()) {
            return Optional.of("sampling with replacement (Spark's Poisson sampler, which repeats rows) is not "
                    + "implemented on the GPU");
        }
        return orderChanger(p.child()).map(name -> "the rows a sample keeps depend on the row order of its input, "
                + "and " + name + " on the GPU may give its rows in another order than Spark (only scans, filters "
                + "and projections keep Spark's order)");
    }

    /** The first operator under a sample whose GPU version may reorder rows, or empty. */
    private static Optional<String> orderChanger(SparkPlan plan) {
        if (!ORDER_KEEPING.contains(plan.getClass())) {
            return Optional.of(plan.nodeName());
        }
        for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
            Optional<String> found = orderChanger(child);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
