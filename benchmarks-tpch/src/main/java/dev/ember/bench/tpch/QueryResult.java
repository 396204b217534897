package dev.ember.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One query's measurements. Times are wall-clock nanoseconds of {@code spark.sql(text).collectAsList()}
 * (parsing, planning, execution, collecting the rows), one per measured run; planning times are Spark's
 * planning phase of the first measured run (physical planning and the preparation rules, Ember's
 * included; under adaptive execution the rules of later query stages run during execution).
 *
 * @param offNanos runs with Ember disabled (the CPU baseline)
 * @param onNanos runs with Ember enabled
 * @param plan the executed plan with Ember enabled
 * @param mismatch the first difference between the rows off and on, if any
 * @param peakDeviceBytes the device pool's high-water mark during the query's runs with Ember on,
 *     when a device is open
 * @param poolLimitBytes the configured pool limit, when a device is open
 * @param rows rows of the result
 * @param error the failure of a run, if one failed (then the other fields may be empty)
 */
public record QueryResult(String query, List<Long> offNanos, List<Long> onNanos, long offPlanningNanos,
        long onPlanningNanos, PlanSummary plan, Optional<String> mismatch, OptionalLong peakDeviceBytes,
        OptionalLong poolLimitBytes, long rows, Optional<String> error) {
    public QueryResult {
        requireNonNull(query, "query is null");
        offNanos = List.copyOf(offNanos);
        onNanos = List.copyOf(onNanos);
        requireNonNull(mismatch, "mismatch is null");
        requireNonNull(error, "error is null");
    }

    static QueryResult failed(String query, String error) {
        return new QueryResult(query, List.of(), List.of(), 0, 0, new PlanSummary(0, 0, List.of()), Optional.empty(),
                OptionalLong.empty(), OptionalLong.empty(), 0, Optional.of(error));
    }

    /** The query ran both ways and the rows agree. */
    public boolean ok() {
        return error.isEmpty() && mismatch.isEmpty();
    }

    /** Median time with Ember off, in milliseconds. */
    public double offMillis() {
        return medianMillis(offNanos);
    }

    /** Median time with Ember on, in milliseconds. */
    public double onMillis() {
        return medianMillis(onNanos);
    }

    /** Off time over on time (above 1: Ember is faster). */
    public double speedup() {
        return offMillis() / onMillis();
    }

    private static double medianMillis(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return median / 1e6;
    }

    /** The geometric mean of the speedups of the queries that are {@link #ok()}; NaN when there are none. */
    public static double geometricMeanSpeedup(List<QueryResult> results) {
        double[] logs = results.stream().filter(QueryResult::ok).mapToDouble(r -> Math.log(r.speedup())).toArray();
        return logs.length == 0 ? Double.NaN : Math.exp(Arrays.stream(logs).sum() / logs.length);
    }
}
