package dev.ember.spark.ui;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver-side listener: when a SQL execution ends it summarizes the execution's final plan (with
 * adaptive execution, the plan after the last re-optimization) and posts the {@link PlanSummary} as
 * an event, so it reaches the event log too; when that event comes back it goes into the store.
 *
 * <p>The plan comes from the {@code QueryExecution} that Spark 3.5 hands to listeners with the end
 * event (the one {@code QueryExecutionListener}s get): only the driver's plan objects carry the
 * reasons Ember's planner tagged, and only the end of the execution knows which plan was final. An
 * execution whose start event was not seen is skipped: its planning failed, and asking for its plan
 * again would plan it again on the listener thread. So is one without operators (a command the
 * driver runs itself, such as creating a view).
 */
public final class PlanSummaryListener extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(PlanSummaryListener.class);

    private final PlanStore store;
    private final Consumer<SparkListenerEvent> post;
    private final Map<Long, String> startedDescriptions;

    /**
     * @param store where summaries go
     * @param post posts an event to the application's listener bus (back to this listener, and to the event log)
     */
    public PlanSummaryListener(PlanStore store, Consumer<SparkListenerEvent> post) {
        this.store = requireNonNull(store, "store is null");
        this.post = requireNonNull(post, "post is null");
        int bound = store.capacity();
        // Running executions; bounded in case an end event is ever lost.
        this.startedDescriptions = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
                return size() > bound;
            }
        };
    }

    @Override
    public void onOtherEvent(SparkListenerEvent event) {
        if (event instanceof PlanSummary summary) {
            store.put(summary);
        } else if (event instanceof SparkListenerSQLExecutionStart start) {
            synchronized (startedDescriptions) {
                startedDescriptions.put(start.executionId(), start.description());
            }
        } else if (event instanceof SparkListenerSQLExecutionEnd end) {
            String description;
            synchronized (startedDescriptions) {
                description = startedDescriptions.remove(end.executionId());
            }
            QueryExecution qe = end.qe();
            if (description == null || qe == null) {
                return;
            }
            try {
                PlanSummary summary = PlanSummaries.of(end.executionId(), description, qe.executedPlan());
                if (summary.operators() > 0) {
                    post.accept(summary);
                }
            } catch (RuntimeException e) {
                // The UI must never break the listener bus or the query.
                LOG.warn("Ember could not summarize the plan of SQL execution {} for its UI tab", end.executionId(), e);
            }
        }
    }
}
