package dev.ember.spark.ui;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The summaries the Ember tab shows: the latest one per execution id, at most {@code capacity}
 * executions (the oldest reported is dropped first). The listener thread writes, the UI's threads read.
 */
public final class PlanStore {
    private final int capacity;
    private final Map<Long, PlanSummary> byExecution;

    public PlanStore(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.byExecution = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, PlanSummary> eldest) {
                return size() > PlanStore.this.capacity;
            }
        };
    }

    public int capacity() {
        return capacity;
    }

    /** Keeps {@code summary}, replacing an earlier one of the same execution (which then counts as newest). */
    public synchronized void put(PlanSummary summary) {
        requireNonNull(summary, "summary is null");
        byExecution.remove(summary.executionId());
        byExecution.put(summary.executionId(), summary);
    }

    public synchronized Optional<PlanSummary> get(long executionId) {
        return Optional.ofNullable(byExecution.get(executionId));
    }

    /** Every kept summary, the most recently reported first. */
    public synchronized List<PlanSummary> newestFirst() {
        List<PlanSummary> all = new ArrayList<>(byExecution.values());
        Collections.reverse(all);
        return all;
    }
}
