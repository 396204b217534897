package dev.ember.spark.planning;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.conf.EmberConf;
import java.util.Optional;

/**
 * What the planner knows about one query: its settings and, when no device can run it, why.
 *
 * @param deviceProblem why no device is usable (device {@code auto} without a GPU), or empty
 */
public record PlanningContext(EmberConf conf, Optional<String> deviceProblem) {
    public PlanningContext {
        requireNonNull(conf, "conf is null");
        requireNonNull(deviceProblem, "deviceProblem is null");
    }

    public boolean explainOnly() {
        return conf.mode() == EmberConf.Mode.EXPLAIN_ONLY;
    }
}
