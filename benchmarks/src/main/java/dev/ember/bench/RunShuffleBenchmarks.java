package dev.ember.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every {@link ShuffleBenchmark} method for every schema and codec in one JMH invocation (one
 * forked JVM per method and parameter set, one thread each) and after JMH's report prints two
 * Markdown tables: per schema, codec and direction, Spark's and Ember's rows/s, their ratio (Ember /
 * Spark, measured in this run) and their bytes/s before and after compression; then the bytes per row
 * of each format. Everything runs on the host's CPU; no device is opened.
 *
 * <p>Arguments are JMH's own options (e.g. {@code -f 1 -wi 1 -i 2 -w 1s -r 1s}, {@code -p
 * rows=...}, {@code -p codec=lz4}); a regular expression argument selects methods, e.g. {@code
 * 'ShuffleBenchmark\.(sparkWrite|emberWrite)$'} (a direction with one path only shows no ratio).
 */
public final class RunShuffleBenchmarks {
    private RunShuffleBenchmarks() {}

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions command = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(command);
        if (command.getIncludes().isEmpty()) {
            builder.include(ShuffleBenchmark.class.getName() + "\\.");
        }
        Collection<RunResult> results = new Runner(builder.build()).run();
        if (results.isEmpty()) {
            throw new IllegalStateException("no benchmark produced a result: see JMH's output above");
        }
        System.out.println();
        System.out.print(summary(results));
    }

    /** One method's rates: rows/s, serialized bytes/s, compressed bytes/s. */
    record Rates(double rows, double serialized, double compressed) {}

    /** The four methods' rates for one schema and codec. */
    static final class Cell {
        Rates sparkWrite;
        Rates sparkRead;
        Rates emberWrite;
        Rates emberRead;
    }

    static String summary(Collection<RunResult> results) {
        Map<String, Cell> cells = new TreeMap<>();
        String rows = "?";
        String partitions = "?";
        for (RunResult r : results) {
            String benchmark = r.getParams().getBenchmark();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String schema = r.getParams().getParam("schema");
            String codec = r.getParams().getParam("codec");
            rows = String.format(Locale.ROOT, "%,d", Integer.parseInt(r.getParams().getParam("rows")));
            partitions = r.getParams().getParam("partitions");
            Cell cell = cells.computeIfAbsent(schema + " " + codec, k -> new Cell());
            Rates rates = new Rates(counter(r, "rows"), counter(r, "serializedBytes"), counter(r, "compressedBytes"));
            switch (method) {
                case ShuffleBenchmark.SPARK_WRITE -> cell.sparkWrite = rates;
                case ShuffleBenchmark.SPARK_READ -> cell.sparkRead = rates;
                case ShuffleBenchmark.EMBER_WRITE -> cell.emberWrite = rates;
                case ShuffleBenchmark.EMBER_READ -> cell.emberRead = rates;
                default -> throw new IllegalStateException("unexpected benchmark " + benchmark);
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("shuffle on the host, one thread: " + rows + " rows into " + partitions + " partitions per "
                + "invocation, Spark's UnsafeRowSerializer vs Ember's Arrow IPC record batches, through Spark's codec; "
                + "MB/s = 1e6 bytes/s, before compression (ser.) and after (comp.); ratio = Ember rows/s / Spark rows/s");
        lines.add("");
        lines.add("| data | codec | op | Spark rows/s | Ember rows/s | Ember/Spark | Spark MB/s ser. | Spark MB/s comp. "
                + "| Ember MB/s ser. | Ember MB/s comp. |");
        lines.add("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, Cell> e : cells.entrySet()) {
            String[] key = e.getKey().split(" ");
            Cell c = e.getValue();
            lines.add(ratioRow(key[0], key[1], "write", c.sparkWrite, c.emberWrite));
            lines.add(ratioRow(key[0], key[1], "read", c.sparkRead, c.emberRead));
        }
        lines.add("");
        lines.add("| data | codec | Spark bytes/row ser. | Spark bytes/row comp. | Ember bytes/row ser. "
                + "| Ember bytes/row comp. |");
        lines.add("|---|---|---:|---:|---:|---:|");
        for (Map.Entry<String, Cell> e : cells.entrySet()) {
            String[] key = e.getKey().split(" ");
            Cell c = e.getValue();
            Rates spark = c.sparkWrite != null ? c.sparkWrite : c.sparkRead;
            Rates ember = c.emberWrite != null ? c.emberWrite : c.emberRead;
            lines.add("| " + key[0] + " | " + key[1] + " | " + perRow(spark, true) + " | " + perRow(spark, false)
                    + " | " + perRow(ember, true) + " | " + perRow(ember, false) + " |");
        }
        return String.join("\n", lines) + "\n";
    }

    private static String ratioRow(String schema, String codec, String op, Rates spark, Rates ember) {
        String ratio = spark == null || ember == null ? "-"
                : String.format(Locale.ROOT, "%.2f", ember.rows() / spark.rows());
        return "| " + schema + " | " + codec + " | " + op + " | " + rate(spark, Rates::rows) + " | "
                + rate(ember, Rates::rows) + " | " + ratio + " | " + megabytes(spark, Rates::serialized) + " | "
                + megabytes(spark, Rates::compressed) + " | " + megabytes(ember, Rates::serialized) + " | "
                + megabytes(ember, Rates::compressed) + " |";
    }

    private static String rate(Rates r, java.util.function.ToDoubleFunction<Rates> f) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.3g", f.applyAsDouble(r));
    }

    private static String megabytes(Rates r, java.util.function.ToDoubleFunction<Rates> f) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.0f", f.applyAsDouble(r) / 1e6);
    }

    /** Bytes per row: the two counters grow together, so their rates' ratio is exact. */
    private static String perRow(Rates r, boolean serialized) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.1f", (serialized ? r.serialized() : r.compressed()) / r.rows());
    }

    private static double counter(RunResult r, String name) {
        Result result = r.getSecondaryResults().get(name);
        if (result == null) {
            throw new IllegalStateException("the result of " + r.getParams().getBenchmark() + " has no counter '"
                    + name + "', only " + r.getSecondaryResults().keySet());
        }
        return result.getScore();
    }
}
