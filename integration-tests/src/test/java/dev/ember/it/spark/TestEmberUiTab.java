package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.shims.ColumnarBroadcastExchange;
import dev.ember.shims.ColumnarShuffleExchange;
import dev.ember.spark.planning.EmberTags;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Ember tab of Spark's UI, fetched over HTTP from a session with the UI on: per SQL execution the
 * operators of the final plan on the GPU and every fallback reason, counted here again from the
 * executed plan, escaped in the HTML.
 */
@ExtendWith(SparkSessionExtension.class)
@SparkSessionExtension.Conf({"spark.ui.enabled=true", "spark.ui.port=0"})
class TestEmberUiTab {
    /** Nodes that move data between operators; the tab does not count them. */
    private static final Set<String> TRANSITIONS = Set.of("ColumnarToRowExec", "RowToColumnarExec",
            "GpuColumnarToRowExec", "GpuRowToColumnarExec", "HostColumnarToGpuExec", "GpuCoalesceBatchesExec");
    private static final String HOSTILE_COLUMN = "<b>&x";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the tab must show for one execution, counted from its executed plan. */
    private record Expected(int gpu, int operators, List<String> fallbacks) {
        static Expected of(SparkPlan plan) {
            List<SparkPlan> operators = new GpuDiff.Run(List.of(), plan).operators().stream()
                    .filter(p -> !TRANSITIONS.contains(p.getClass().getSimpleName())).toList();
            List<String> fallbacks = new ArrayList<>();
            int gpu = 0;
            for (SparkPlan p : operators) {
                if (p.getClass().getName().startsWith("dev.ember.") || p instanceof ColumnarShuffleExchange
                        || p instanceof ColumnarBroadcastExchange) {
                    gpu++;
                } else {
                    fallbacks.add(p.nodeName() + ": " + p.getTagValue(EmberTags.NOT_ON_GPU).get());
                }
            }
            return new Expected(gpu, operators.size(), fallbacks);
        }
    }

    private static Expected run(SparkSession spark, String description, boolean adaptive,
            Function<SparkSession, Dataset<Row>> query) {
        spark.conf().set("spark.sql.adaptive.enabled", String.valueOf(adaptive));
        spark.sparkContext().setJobDescription(description);
        try {
            Dataset<Row> df = query.apply(spark);
            assertThat(df.collectAsList()).isNotEmpty();
            return Expected.of(df.queryExecution().executedPlan());
        } finally {
            spark.sparkContext().setJobDescription(null);
            spark.conf().unset("spark.sql.adaptive.enabled");
        }
    }

    private static Dataset<Row> allOnGpu(SparkSession s) {
        return s.range(0, 100, 1, 2).selectExpr("id * 2 AS x").filter("x % 3 = 0");
    }

    /** A shuffle and an aggregate, then a map-typed column (with markup in its name) that stays on the CPU. */
    private static Dataset<Row> withFallback(SparkSession s) {
        return s.range(0, 50, 1, 2).selectExpr("id % 5 AS k", "id").groupBy("k").agg(functions.max("id").as("m"))
                .selectExpr("k", "map('a', m) AS `" + HOSTILE_COLUMN + "`");
    }

    @BothAdaptiveModes
    void showsGpuCountsAndFallbackReasonsPerExecution(boolean adaptive, SparkSession spark) throws Exception {
        String gpuDescription = "ember-ui gpu query adaptive=" + adaptive;
        String fallbackDescription = "ember-ui fallback query adaptive=" + adaptive;
        String viewDescription = "ember-ui view command adaptive=" + adaptive;
        spark.sparkContext().setJobDescription(viewDescription);
        spark.range(3).createOrReplaceTempView("ember_ui_view");
        spark.sparkContext().setJobDescription(null);
        Expected gpu = run(spark, gpuDescription, adaptive, TestEmberUiTab::allOnGpu);
        Expected fallback = run(spark, fallbackDescription, adaptive, TestEmberUiTab::withFallback);
        assertThat(gpu.fallbacks()).as("the GPU query's plan").isEmpty();
        assertThat(gpu.gpu()).as("the GPU query's plan").isPositive().isEqualTo(gpu.operators());
        assertThat(fallback.gpu()).as("the fallback query's plan").isPositive().isLessThan(fallback.operators());
        assertThat(fallback.fallbacks()).as("the fallback query's plan").anyMatch(f -> f.contains(HOSTILE_COLUMN));

        String base = "http://127.0.0.1:" + spark.sparkContext().ui().get().boundPort();
        JsonNode gpuJson = awaitExecution(base, gpuDescription);
        JsonNode fallbackJson = awaitExecution(base, fallbackDescription);
        assertMatches(gpuJson, gpu);
        assertMatches(fallbackJson, fallback);
        // The listener reports in event order: the earlier command would be listed by now. It has no operators.
        assertThat(get(base + "/ember/json").body()).doesNotContain(viewDescription);

        HttpResponse<String> page = get(base + "/ember/");
        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        assertThat(html).contains(">Ember<").contains("Ember: operators on the GPU");
        assertThat(rowOf(html, gpuJson.get("executionId").asLong()))
                .contains(gpuDescription)
                .contains(gpu.gpu() + " of " + gpu.operators() + " operators on GPU")
                .contains("/SQL/execution/?id=" + gpuJson.get("executionId").asLong() + "\"");
        String fallbackRow = rowOf(html, fallbackJson.get("executionId").asLong());
        assertThat(fallbackRow).contains(fallback.gpu() + " of " + fallback.operators() + " operators on GPU")
                .contains("output column &lt;b&gt;&amp;x: type map&lt;string,bigint&gt; is not supported on the GPU")
                .doesNotContain(HOSTILE_COLUMN);
        assertThat(html).doesNotContain(HOSTILE_COLUMN);

        HttpResponse<String> sqlPage = get(base + "/SQL/execution/?id=" + gpuJson.get("executionId").asLong());
        assertThat(sqlPage.statusCode()).isEqualTo(200);
        assertThat(sqlPage.body()).contains("Details for Query " + gpuJson.get("executionId").asLong());
    }

    private static void assertMatches(JsonNode execution, Expected expected) {
        assertThat(execution.get("gpuOperators").asInt()).as("GPU operators of %s", execution).isEqualTo(expected.gpu());
        assertThat(execution.get("operators").asInt()).as("operators of %s", execution).isEqualTo(expected.operators());
        List<String> fallbacks = new ArrayList<>();
        execution.get("fallbacks").forEach(f -> fallbacks.add(f.get("operator").asText() + ": " + f.get("reason").asText()));
        assertThat(fallbacks).isEqualTo(expected.fallbacks());
    }

    /** The execution with {@code description} from the JSON view, once the listener has reported it. */
    private static JsonNode awaitExecution(String base, String description) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> response = get(base + "/ember/json");
            assertThat(response.statusCode()).isEqualTo(200);
            for (JsonNode execution : JSON.readTree(response.body()).get("executions")) {
                if (execution.get("description").asText().equals(description)) {
                    return execution;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no execution '" + description + "' in the Ember tab's JSON: " + response.body());
            }
            Thread.sleep(100);
        }
    }

    private static String rowOf(String html, long executionId) {
        int start = html.indexOf("<tr id=\"ember-execution-" + executionId + "\">");
        assertThat(start).as("row of execution %s in\n%s", executionId, html).isNotNegative();
        return html.substring(start, html.indexOf("</tr>", start));
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
