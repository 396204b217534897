package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.ember.cuda.Devices;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import dev.ember.spark.planning.EmberTags;
import org.junit.jupiter.api.Test;

/** Sessions of their own: plain Spark vs Ember disabled, device auto without a GPU, invalid settings. */
class TestSessionsWithoutDevice {
    private static final Function<SparkSession, Dataset<Row>> QUERY = s -> s.range(0, 100, 1, 3).toDF()
            .limit(7).union(s.range(5).selectExpr("id * 3 AS id"));

    private static String plannedWith(Map<String, String> conf) {
        SparkSession spark = SparkSessionExtension.start(conf);
        try {
            Dataset<Row> df = QUERY.apply(spark);
            df.collectAsList();
            return PlanText.normalized(df.queryExecution().executedPlan());
        } finally {
            SparkSessionExtension.stop(spark);
        }
    }

    @Test
    void disabledEmberLeavesSparksPlanUnchanged() {
        Map<String, String> plain = SparkSessionExtension.baseConf();
        plain.remove("spark.plugins");
        plain.remove("spark.ember.device");
        Map<String, String> disabled = SparkSessionExtension.baseConf();
        disabled.put("spark.ember.sql.enabled", "false");
        assertThat(plannedWith(disabled)).isEqualTo(plannedWith(plain));
    }

    @Test
    void autoWithoutGpuWarnsOnceAndStaysOnTheCpu() {
        assumeFalse(Devices.cudaStatus().usable(), "this machine has a usable GPU");
        Map<String, String> conf = SparkSessionExtension.baseConf();
        conf.put("spark.ember.device", "auto");
        // Spark configures logging while the session starts, which would drop an appender added before.
        SparkSession spark = SparkSessionExtension.start(conf);
        try (LogCapture log = LogCapture.start()) {
            try {
                GpuDiff diff = GpuDiff.of(spark).allowCpu("RangeExec", "LocalLimitExec", "GlobalLimitExec",
                        "ShuffleExchangeExec", "UnionExec", "ProjectExec", "ColumnarToRowExec");
                for (int i = 0; i < 3; i++) {
                    GpuDiff.Run run = diff.assertGpuAndCpuEqual(QUERY);
                    assertThat(run.nodeNames()).noneMatch(n -> n.startsWith("Gpu"));
                    // Every operator carries the one reason, recorded without tagging the plan.
                    assertThat(run.operators()).allSatisfy(op -> assertThat(
                            op.getTagValue(EmberTags.NOT_ON_GPU).getOrElse(() -> "")).as(op.nodeName())
                            .startsWith("no GPU device: spark.ember.device=auto found no usable GPU"));
                }
            } finally {
                SparkSessionExtension.stop(spark);
            }
            List<String> warnings = log.messages().stream().filter(m -> m.contains("found no usable GPU")).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).startsWith("WARN ").contains("every query runs on the CPU");
        }
    }

    @Test
    void invalidSettingsFailAtStartup() {
        Map<String, String> conf = SparkSessionExtension.baseConf();
        conf.put("spark.ember.sql.mode", "fast");
        try {
            assertThatThrownBy(() -> SparkSessionExtension.start(conf))
                    .hasStackTraceContaining("Invalid value 'fast' for spark.ember.sql.mode")
                    .hasStackTraceContaining("allowed values are executeOnGpu, explainOnly");
        } finally {
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }
}
