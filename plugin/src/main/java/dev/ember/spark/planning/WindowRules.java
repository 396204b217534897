package dev.ember.spark.planning;

import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.exec.window.GpuWindowExec;
import java.util.Optional;
import org.apache.spark.sql.execution.window.WindowExec;

/**
 * The rule of Spark's window operator: {@link GpuWindowExec} when every window function, frame and
 * type has a GPU version (the plan names the first that has none), and the expressions it evaluates
 * compile. Spark's sort and exchange below it, which its required ordering and distribution put there,
 * move to the GPU by their own rules.
 */
final class WindowRules {
    private WindowRules() {}

    static ExecRule<WindowExec> window() {
        return ExecRule.of(WindowExec.class, "window functions on the GPU over the sorted partitions: "
                        + "row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag and lead (with literal "
                        + "or computed defaults), and count, sum, avg, min and max over ROWS frames and RANGE frames "
                        + "(value offsets over one numeric, date or timestamp order column); each batch's last "
                        + "partition group is carried over to the next batch", TypeSig.ALL,
                        (p, children, conf) -> GpuWindowExec.of(p, children.get(0), conf.batchSizeBytes()))
                .evaluating(GpuWindowExec::evaluated)
                .withTagger(WindowRules::whyNot);
    }

    private static Optional<String> whyNot(WindowExec p, EmberConf conf) {
        Optional<String> why = GpuWindowExec.whyNot(p);
        if (why.isPresent()) {
            return why;
        }
        return GpuWindowExec.compileProblem(p, conf);
    }
}
