package dev.ember.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A running application's SQL executions as its driver's REST API shows them. */
final class SqlPlans {
    private static final String WRITE_NODE = "Execute InsertIntoHadoopFsRelationCommand";

    private SqlPlans() {}

    /** The id of the one application served by the UI on {@code uiPort}. */
    static String applicationId(int uiPort) throws IOException {
        List<JsonNode> apps = Http.elements(Http.getJson("http://127.0.0.1:" + uiPort + "/api/v1/applications"));
        assertThat(apps).as("applications of the UI on port %d", uiPort).hasSize(1);
        assertThat(apps.get(0).path("name").asText()).isEqualTo("sales-etl");
        return apps.get(0).path("id").asText();
    }

    /**
     * The completed Parquet write of {@code appId} (its executions saved to {@code dump}) ran its Parquet
     * scan, filter, join and both aggregation steps as Ember's GPU operators, whose metrics the executors
     * filled in: rows out of every one, the scan's {@code scannedRows} rows and bytes copied to the
     * device, the final aggregation's {@code outputRows} rows, and GPU time; the aggregation's shuffle
     * and the join's broadcast are Ember's exchanges, the shuffle's bytes written and records read
     * counted by Spark's shuffle between the two executors.
     */
    static void assertGpuOperatorsWithMetrics(int uiPort, String appId, Path dump, long scannedRows, long outputRows)
            throws IOException {
        JsonNode executions = Http.getJson("http://127.0.0.1:" + uiPort + "/api/v1/applications/" + appId
                + "/sql?details=true&planDescription=true");
        Files.writeString(dump, executions.toPrettyString());
        List<JsonNode> writes = Http.elements(executions).stream()
                .filter(e -> nodes(e).stream().anyMatch(n -> name(n).equals(WRITE_NODE))).toList();
        assertThat(writes).as("executions writing Parquet (see %s)", dump).hasSize(1);
        JsonNode write = writes.get(0);
        assertThat(write.path("status").asText()).as("status of the write (see %s)", dump).isEqualTo("COMPLETED");

        List<JsonNode> gpu = nodes(write).stream().filter(n -> name(n).startsWith("Gpu")).toList();
        assertThat(gpu.stream().map(SqlPlans::name)).as("GPU operators of the write (see %s)", dump)
                .contains("GpuFileSourceScan", "GpuBroadcastHashJoin")
                .anyMatch(n -> n.equals("GpuFilter") || n.equals("GpuFilterProject"))
                .filteredOn(n -> n.equals("GpuHashAggregate")).hasSize(2);
        for (JsonNode node : gpu) {
            assertThat(metric(node, "number of output rows")).as("output rows of %s (see %s)", name(node), dump)
                    .hasValueSatisfying(v -> assertThat(v).isPositive());
        }
        JsonNode scan = gpu.stream().filter(n -> name(n).equals("GpuFileSourceScan")).findFirst().orElseThrow();
        assertThat(metric(scan, "number of output rows")).as("rows the GPU scan read").contains((double) scannedRows);
        assertThat(metric(scan, "bytes copied host to device")).as("bytes the GPU scan copied to the device")
                .hasValueSatisfying(v -> assertThat(v).isPositive());
        assertThat(gpu.stream().filter(n -> name(n).equals("GpuHashAggregate"))
                .map(n -> metric(n, "number of output rows").orElse(-1.0)))
                .as("output rows of the GPU aggregations (the final one's are the rows written)")
                .contains((double) outputRows);
        // The aggregation's shuffle and the join's broadcast ran as Ember's exchanges between the executors.
        JsonNode shuffle = gpu.stream().filter(n -> name(n).equals("GpuShuffleExchange")).findFirst()
                .orElseThrow(() -> new AssertionError("no GpuShuffleExchange in the write (see " + dump + ")"));
        assertThat(metric(shuffle, "shuffle bytes written")).as("bytes the GPU shuffle wrote (see %s)", dump)
                .hasValueSatisfying(v -> assertThat(v).isPositive());
        assertThat(metric(shuffle, "records read")).as("records the GPU shuffle read (see %s)", dump)
                .hasValueSatisfying(v -> assertThat(v).isPositive());
        assertThat(metric(shuffle, "rows written")).as("rows the GPU shuffle wrote (see %s)", dump)
                .hasValueSatisfying(v -> assertThat(v).isPositive());
        assertThat(gpu.stream().map(SqlPlans::name)).as("the join's build side (see %s)", dump)
                .contains("GpuBroadcastExchange");
        double gpuTime = gpu.stream().mapToDouble(n -> metric(n, "GPU time").orElse(0.0)).sum();
        assertThat(gpuTime).as("GPU time of the write's GPU operators (see %s)", dump).isPositive();
    }

    /**
     * The Ember tab of the application's UI lists the Parquet write: some but not all of its operators
     * on the GPU (the CSV scan stays on the CPU, with its reason), in the JSON view and on the page.
     */
    static void assertEmberTab(int uiPort, Path dump) throws IOException {
        String base = "http://127.0.0.1:" + uiPort;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode write = null;
        while (write == null) {
            JsonNode tab = Http.getJson(base + "/ember/json/");
            Files.writeString(dump, tab.toPrettyString());
            write = Http.elements(tab.path("executions")).stream()
                    .filter(e -> e.path("fallbacks").toString().contains("csv")).findFirst().orElse(null);
            if (write == null) {
                assertThat(System.nanoTime()).as("the Ember tab lists the write within 30 s (see %s)", dump)
                        .isLessThan(deadline);
                Http.pause(Duration.ofMillis(200));
            }
        }
        int gpu = write.path("gpuOperators").asInt();
        int all = write.path("operators").asInt();
        assertThat(gpu).as("GPU operators of the write in the Ember tab (see %s)", dump).isGreaterThanOrEqualTo(5);
        assertThat(all).as("operators of the write in the Ember tab (see %s)", dump).isGreaterThan(gpu);
        List<String> reasons = Http.elements(write.path("fallbacks")).stream()
                .map(f -> f.path("reason").asText()).toList();
        assertThat(reasons).as("fallback reasons of the write (see %s)", dump)
                .anyMatch(r -> r.contains("only Parquet files are read for the GPU"));
        String page = Http.getText(base + "/ember/");
        assertThat(page).as("the Ember tab's page").contains(gpu + " of " + all + " operators on GPU")
                .contains("only Parquet files are read for the GPU");
    }

    private static List<JsonNode> nodes(JsonNode execution) {
        return Http.elements(execution.path("nodes"));
    }

    private static String name(JsonNode node) {
        return node.path("nodeName").asText();
    }

    /**
     * The leading number of a metric as the UI formats it: {@code "12,000"}, {@code "4.0 KiB"},
     * {@code "22 ms"}, or a total on the line after {@code "total (min, med, max ...)"}; unit ignored.
     */
    static Optional<Double> metric(JsonNode node, String metricName) {
        for (JsonNode m : Http.elements(node.path("metrics"))) {
            if (m.path("name").asText().equals(metricName)) {
                String value = m.path("value").asText().trim();
                int newline = value.indexOf('\n');
                if (value.startsWith("total") && newline >= 0) {
                    value = value.substring(newline + 1).trim();
                }
                String number = value.split("\\s+")[0].replace(",", "");
                return Optional.of(Double.parseDouble(number));
            }
        }
        return Optional.empty();
    }
}
