package dev.ember.spark.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TestPlanStore {
    private static PlanSummary summary(long id, int gpu) {
        return new PlanSummary(id, "query " + id, gpu, 4, List.of());
    }

    @Test
    void keepsTheNewestUpToItsCapacity() {
        PlanStore store = new PlanStore(3);
        for (long id = 1; id <= 5; id++) {
            store.put(summary(id, 1));
        }
        assertThat(store.newestFirst()).extracting(PlanSummary::executionId).containsExactly(5L, 4L, 3L);
        assertThat(store.get(2)).isEmpty();
        assertThat(store.get(3)).contains(summary(3, 1));
    }

    @Test
    void aLaterSummaryOfTheSameExecutionReplacesTheEarlierOne() {
        PlanStore store = new PlanStore(2);
        store.put(summary(1, 1));
        store.put(summary(2, 1));
        store.put(summary(1, 3));
        assertThat(store.newestFirst()).containsExactly(summary(1, 3), summary(2, 1));
        store.put(summary(3, 0));
        // Execution 2 is now the oldest reported.
        assertThat(store.newestFirst()).extracting(PlanSummary::executionId).containsExactly(3L, 1L);
    }

    @Test
    void rejectsAnEmptyCapacityAndImpossibleCounts() {
        assertThatThrownBy(() -> new PlanStore(0)).hasMessageContaining("capacity must be at least 1");
        assertThatThrownBy(() -> new PlanSummary(1, "q", 5, 4, List.of())).hasMessageContaining("within 0..4");
    }
}
