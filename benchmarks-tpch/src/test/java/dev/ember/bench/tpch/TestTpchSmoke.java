package dev.ember.bench.tpch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runner end to end: scale factor 0.01 generated once into a temporary folder, then all 22 queries
 * once with Ember off and once on the emulated device, no warm-up, where every query must return the
 * same rows both ways; and two queries in the no-device mode. Timings are printed, never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestTpchSmoke {
    @TempDir
    static Path dir;

    /**
     * Every query with adaptive execution on and off: equal rows, every operator on the GPU, every shuffle
     * and broadcast exchange among them (the table printed shows each query's operators, exchanges and
     * row/column transitions).
     */
    @ParameterizedTest(name = "adaptive={0}")
    @ValueSource(booleans = {true, false})
    @Order(1)
    void allQueriesReturnTheSameRowsWithEmberOffAndOn(boolean adaptive) throws Exception {
        long start = System.nanoTime();
        RunnerOptions options = RunnerOptions.defaults(dir.resolve("data")).withScale(0.01)
                .withResults(dir.resolve(adaptive ? "results" : "results-no-aqe")).withRuns(1, 0)
                .withDevice(System.getProperty("ember.device", "emulated")).withMaster("local[2]")
                .withConf("spark.sql.shuffle.partitions", "2")
                .withConf("spark.sql.adaptive.enabled", Boolean.toString(adaptive))
                .withConf("spark.driver.host", "127.0.0.1")
                .withConf("spark.ember.memory.poolLimit", "2g");
        List<QueryResult> results = run(options);
        System.out.printf("TPC-H-derived smoke run (adaptive=%s): %.1f s%n%s%n", adaptive,
                (System.nanoTime() - start) / 1e9, new TpchReport(options, results).text());
        assertThat(results).as("every shuffle and broadcast exchange runs on the GPU").allSatisfy(r -> {
            assertThat(r.plan().cpuExchanges()).as("%s: CPU exchanges", r.query()).isEmpty();
            assertThat(r.plan().gpuExchanges()).as("%s: GPU exchanges", r.query()).isPositive();
        });
        // Sorts, top-N, joins, aggregates, scans and projections included: nothing is left on the CPU.
        assertThat(results).as("every operator runs on the GPU").allSatisfy(r -> assertThat(r.plan().cpuOperators())
                .as("%s: CPU operators, because %s", r.query(), r.plan().fallbackReasons()).isZero());

        assertThat(results).extracting(QueryResult::query).hasSize(TpchQueries.COUNT);
        assertThat(results).allSatisfy(r -> {
            assertThat(r.error()).as("%s failed", r.query()).isEmpty();
            assertThat(r.mismatch()).as("%s: rows with Ember off and on", r.query()).isEmpty();
        });
        assertThat(results).as("the device pool is reported on the emulated device")
                .allSatisfy(r -> assertThat(r.peakDeviceBytes()).isPresent());
        assertThat(TpchData.isComplete(dir.resolve("data"), 0.01)).isTrue();
        Path report = dir.resolve(adaptive ? "results" : "results-no-aqe");
        assertThat(report.resolve("tpch-results.md")).content().contains("| q22 |");
        assertThat(Files.readString(report.resolve("tpch-speedup.svg"))).startsWith("<svg").contains("q01");
    }

    @Test
    @Order(2)
    void withoutADeviceEmberKeepsEveryPlanOnTheCpu() {
        Assumptions.assumeFalse(dev.ember.cuda.Devices.cudaStatus().usable(), "this machine has a usable GPU");
        RunnerOptions options = RunnerOptions.defaults(dir.resolve("data")).withScale(0.01).withQueries("q06,q13")
                .withRuns(1, 0).withMode(RunnerOptions.Mode.NO_DEVICE).withMaster("local[2]")
                .withConf("spark.sql.shuffle.partitions", "2")
                .withConf("spark.driver.host", "127.0.0.1");
        List<QueryResult> results = run(options);

        assertThat(results).extracting(QueryResult::query).containsExactly("q06", "q13");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.ok()).as("%s: %s %s", r.query(), r.error(), r.mismatch()).isTrue();
            assertThat(r.plan().gpuOperators()).isZero();
            assertThat(r.peakDeviceBytes()).isEmpty();
        });
        assertThat(new TpchReport(options, results).text()).contains("Ember off ms", "planning on ms", "q13");
    }

    private static List<QueryResult> run(RunnerOptions options) {
        SparkSession spark = TpchRunner.startSession(options);
        try {
            return TpchRunner.run(spark, options);
        } finally {
            spark.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }
}
