package dev.ember.spark.ui;

import dev.ember.spark.conf.EmberConf;
import org.apache.spark.SparkContext;

/** Installs the Ember tab and the listener that feeds it, on the driver. */
public final class EmberUi {
    /** Spark's own bound on the executions its SQL tab keeps; the Ember tab keeps as many. */
    static final String RETAINED_EXECUTIONS = "spark.sql.ui.retainedExecutions";

    private EmberUi() {}

    /**
     * Adds the listener when the application has a UI or an event log (the summaries go to both), and
     * the tab when it has a UI; nothing with {@code spark.ember.ui.enabled=false}.
     */
    public static void install(SparkContext sc) {
        if (!EmberConf.of(sc.conf()).uiEnabled()) {
            return;
        }
        boolean eventLog = sc.conf().getBoolean("spark.eventLog.enabled", false);
        if (sc.ui().isEmpty() && !eventLog) {
            return;
        }
        PlanStore store = new PlanStore(Math.max(1, sc.conf().getInt(RETAINED_EXECUTIONS, 1000)));
        sc.addSparkListener(new PlanSummaryListener(store, sc.listenerBus()::post));
        if (sc.ui().isDefined()) {
            sc.ui().get().attachTab(new EmberTab(sc.ui().get(), store));
        }
    }
}
