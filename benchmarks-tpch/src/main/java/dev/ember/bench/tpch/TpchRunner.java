package dev.ember.bench.tpch;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.MemoryPoolStats;
import dev.ember.spark.EmberRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Runs the TPC-H-derived queries in one Spark session with Ember off and on: generates the data of
 * the scale if it is not complete, registers the tables as views over the Parquet files, and for each
 * query runs the warm-ups and then the measured repetitions, alternating off and on (Ember toggled at
 * runtime with {@code spark.ember.sql.enabled}), checks that every run with Ember on returns the rows
 * of the first run with it off ({@link RowCheck}), and prints the table of {@link TpchReport}; with
 * {@code --results} it also writes the table as Markdown and the speedups as an SVG chart.
 */
public final class TpchRunner {
    private static final String ENABLED = "spark.ember.sql.enabled";

    private TpchRunner() {}

    public static void main(String[] args) {
        RunnerOptions options;
        try {
            options = RunnerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        SparkSession spark = startSession(options);
        List<QueryResult> results;
        try {
            results = run(spark, options);
        } finally {
            spark.stop();
        }
        System.exit(results.stream().allMatch(QueryResult::ok) ? 0 : 1);
    }

    /**
     * A session with Ember loaded at start-up, as a user adds it ({@code spark.plugins}, and the SQL
     * extension the plugin would add itself), on {@code options.master()}, and the device of the mode.
     */
    public static SparkSession startSession(RunnerOptions options) {
        SparkSession.Builder b = SparkSession.builder().master(options.master()).appName("ember-tpch")
                .config("spark.ui.enabled", "false")
                .config("spark.plugins", "dev.ember.spark.EmberPlugin")
                .config("spark.sql.extensions", "dev.ember.spark.EmberSessionExtensions")
                .config("spark.ember.device", options.sessionDevice());
        options.conf().forEach(b::config);
        return b.getOrCreate();
    }

    /** Runs the queries of {@code options} in {@code spark}, prints the report and writes the result files. */
    public static List<QueryResult> run(SparkSession spark, RunnerOptions options) {
        requireNonNull(spark, "spark is null");
        requireNonNull(options, "options is null");
        Path dir = TpchData.ensure(spark, options.data(), options.scale());
        for (String table : TpchTables.names()) {
            spark.read().parquet(dir.resolve(table).toString()).createOrReplaceTempView(table);
        }
        List<QueryResult> results = new ArrayList<>();
        for (TpchQueries.Query q : TpchQueries.select(options.queries())) {
            QueryResult r = runQuery(spark, q, options);
            System.out.printf("%s: off %.1f ms, on %.1f ms, %s%n", q.name(), r.offMillis(), r.onMillis(),
                    r.error().map(e -> "ERROR " + e).orElse(r.mismatch().map(m -> "DIFFER " + m).orElse("rows equal")));
            results.add(r);
        }
        TpchReport report = new TpchReport(options, results,
                EmberRuntime.isOpen() ? Optional.of(EmberRuntime.get().device().description()) : Optional.empty());
        System.out.print(report.text());
        options.results().ifPresent(d -> write(d, report));
        return results;
    }

    private record Timed(List<Row> rows, long nanos, long planningNanos, SparkPlan plan, boolean ordered) {}

    static QueryResult runQuery(SparkSession spark, TpchQueries.Query q, RunnerOptions options) {
        String previous = spark.conf().contains(ENABLED) ? spark.conf().get(ENABLED) : null;
        // Leftover device builds of earlier queries' broadcasts are freed once Spark's cleaner sees them unreachable.
        System.gc();
        try {
            for (int i = 0; i < options.warmups(); i++) {
                timed(spark, q.sql(), false);
                timed(spark, q.sql(), true);
            }
            resetDevicePeak();
            List<Long> off = new ArrayList<>();
            List<Long> on = new ArrayList<>();
            Timed reference = null;
            Timed firstOn = null;
            Optional<String> mismatch = Optional.empty();
            for (int i = 0; i < options.repetitions(); i++) {
                Timed cpu = timed(spark, q.sql(), false);
                Timed gpu = timed(spark, q.sql(), true);
                off.add(cpu.nanos());
                on.add(gpu.nanos());
                if (reference == null) {
                    reference = cpu;
                    firstOn = gpu;
                }
                if (mismatch.isEmpty()) {
                    mismatch = RowCheck.compare(reference.rows(), gpu.rows(), reference.ordered());
                }
            }
            Optional<MemoryPoolStats> pool = devicePool();
            return new QueryResult(q.name(), off, on, reference.planningNanos(), firstOn.planningNanos(),
                    PlanSummary.of(firstOn.plan()), mismatch,
                    pool.map(p -> OptionalLong.of(p.peakBytes())).orElse(OptionalLong.empty()),
                    pool.map(p -> OptionalLong.of(p.limitBytes())).orElse(OptionalLong.empty()),
                    reference.rows().size(), Optional.empty());
        } catch (RuntimeException e) {
            e.printStackTrace();
            return QueryResult.failed(q.name(), e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        } finally {
            if (previous == null) {
                spark.conf().unset(ENABLED);
            } else {
                spark.conf().set(ENABLED, previous);
            }
        }
    }

    private static Timed timed(SparkSession spark, String sql, boolean ember) {
        spark.conf().set(ENABLED, String.valueOf(ember));
        long start = System.nanoTime();
        Dataset<Row> df = spark.sql(sql);
        List<Row> rows = df.collectAsList();
        long nanos = System.nanoTime() - start;
        var phases = df.queryExecution().tracker().phases();
        long planning = phases.contains("planning") ? phases.apply("planning").durationMs() * 1_000_000L : 0;
        return new Timed(rows, nanos, planning, df.queryExecution().executedPlan(),
                isOrdered(df.queryExecution().optimizedPlan()));
    }

    /** Whether the result has a defined order: a sort at the top, under limits and projections only. */
    static boolean isOrdered(LogicalPlan plan) {
        LogicalPlan p = plan;
        while (p instanceof GlobalLimit || p instanceof LocalLimit || p instanceof Project) {
            p = p.children().head();
        }
        return p instanceof Sort;
    }

    private static void resetDevicePeak() {
        if (EmberRuntime.isOpen()) {
            EmberRuntime.get().device().resetPoolPeak();
        }
    }

    private static Optional<MemoryPoolStats> devicePool() {
        if (!EmberRuntime.isOpen()) {
            return Optional.empty();
        }
        Device device = EmberRuntime.get().device();
        return Optional.of(device.poolStats());
    }

    private static void write(Path dir, TpchReport report) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tpch-results.md"), report.markdown(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("tpch-speedup.svg"), report.svg(), StandardCharsets.UTF_8);
            System.out.println("wrote " + dir.resolve("tpch-results.md") + " and " + dir.resolve("tpch-speedup.svg"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results under " + dir, e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
