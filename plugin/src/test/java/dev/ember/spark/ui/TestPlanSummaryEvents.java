package dev.ember.spark.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;
import org.apache.spark.util.JsonProtocol;
import org.junit.jupiter.api.Test;
import scala.Option;

class TestPlanSummaryEvents {
    private static final PlanSummary SUMMARY = new PlanSummary(42, "collect at Q.java:7 <&>", 2, 5,
            List.of(new PlanSummary.Fallback("Project", "output column m: type map<string,int> is not supported"),
                    new PlanSummary.Fallback("Sort", "disabled by spark.ember.sql.exec.SortExec=false")));

    @Test
    void theEventLogWritesAndReadsTheSummaryBack() {
        String json = JsonProtocol.sparkEventToJsonString(SUMMARY);
        assertThat(json).contains("\"Event\":\"dev.ember.spark.ui.PlanSummary\"").contains("\"gpuOperators\":2");
        SparkListenerEvent back = JsonProtocol.sparkEventFromJson(json);
        assertThat(back).isEqualTo(SUMMARY);
    }

    @Test
    void theListenerStoresSummaryEvents() {
        PlanStore store = new PlanStore(10);
        List<SparkListenerEvent> posted = new ArrayList<>();
        PlanSummaryListener listener = new PlanSummaryListener(store, posted::add);
        listener.onOtherEvent(SUMMARY);
        assertThat(store.newestFirst()).containsExactly(SUMMARY);
        assertThat(posted).isEmpty();
    }

    @Test
    void anExecutionWhoseStartWasNotSeenIsSkipped() {
        PlanStore store = new PlanStore(10);
        List<SparkListenerEvent> posted = new ArrayList<>();
        PlanSummaryListener listener = new PlanSummaryListener(store, posted::add);
        // Planning failed: Spark posts no start event, only an end without a plan to read.
        listener.onOtherEvent(new SparkListenerSQLExecutionEnd(9, 0L, Option.apply("planning failed")));
        assertThat(posted).isEmpty();
        assertThat(store.newestFirst()).isEmpty();
    }
}
