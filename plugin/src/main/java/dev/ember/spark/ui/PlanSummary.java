package dev.ember.spark.ui;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.scheduler.SparkListenerEvent;

/**
 * How much of one SQL execution's final plan runs on the GPU, and why the rest does not. It is also
 * the listener event that carries this to the UI: posted once per execution, it goes into the event
 * log like every other event (Spark writes events it does not know with Jackson, as this record's
 * components, and reads them back through the canonical constructor).
 *
 * @param executionId Spark's SQL execution id
 * @param description the execution's description as Spark's SQL tab shows it
 * @param gpuOperators how many of the {@code operators} run on the GPU
 * @param operators how many operators the final plan has (see {@link PlanSummaries} for what counts)
 * @param fallbacks every operator that stays on the CPU with its reasons, in plan order
 * @param transitions how many conversions between rows and columns the plan has (Spark's and Ember's)
 */
public record PlanSummary(long executionId, String description, int gpuOperators, int operators,
        List<Fallback> fallbacks, int transitions) implements SparkListenerEvent {
    public PlanSummary {
        requireNonNull(description, "description is null");
        fallbacks = List.copyOf(requireNonNull(fallbacks, "fallbacks is null"));
        if (gpuOperators < 0 || gpuOperators > operators) {
            throw new IllegalArgumentException("gpuOperators must be within 0.." + operators + ", not " + gpuOperators);
        }
        if (transitions < 0) {
            throw new IllegalArgumentException("negative transition count " + transitions);
        }
    }

    /** A summary that counted no transitions. */
    public PlanSummary(long executionId, String description, int gpuOperators, int operators, List<Fallback> fallbacks) {
        this(executionId, description, gpuOperators, operators, fallbacks, 0);
    }

    /** An operator that stays on the CPU ({@code operator} is its node name, as Spark's plan graph shows it). */
    public record Fallback(String operator, String reason) {
        public Fallback {
            requireNonNull(operator, "operator is null");
            requireNonNull(reason, "reason is null");
        }
    }
}
