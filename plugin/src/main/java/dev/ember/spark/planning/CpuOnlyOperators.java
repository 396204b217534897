package dev.ember.spark.planning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.execution.CollectLimitExec;
import org.apache.spark.sql.execution.GenerateExec;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Spark operators that stay on the CPU by design or for now, each with the reason the explanation
 * gives (after "no GPU implementation of ...") and the docs list.
 */
public final class CpuOnlyOperators {
    private static final Map<Class<? extends SparkPlan>, String> REASONS = new LinkedHashMap<>();

    static {
        REASONS.put(GenerateExec.class, "explode, posexplode, inline and the other generators read array or map "
                + "columns, and array columns are not supported by the device layer yet");
        REASONS.put(CollectLimitExec.class, "it runs on the driver: collect() and show() take its first rows with "
                + "Spark's incremental jobs over the child's partitions (executeTake), which read only as many "
                + "partitions and rows as needed; the child runs on the GPU below the columnar-to-row transition");
    }

    private CpuOnlyOperators() {}

    /** Why {@code plan}'s class stays on the CPU, if it is one of these. */
    public static Optional<String> why(SparkPlan plan) {
        return Optional.ofNullable(REASONS.get(plan.getClass()));
    }

    /** Each operator class's simple name and reason, in a stable order. */
    public static Map<String, String> all() {
        Map<String, String> out = new LinkedHashMap<>();
        REASONS.forEach((c, r) -> out.put(c.getSimpleName(), r));
        return out;
    }
}
