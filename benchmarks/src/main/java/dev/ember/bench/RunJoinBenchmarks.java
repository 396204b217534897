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
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link HashJoinBenchmark} (build and probe, every build size) on the device named by {@code
 * -Dember.device} (passed on to JMH's forked JVM) and prints JMH's report followed by a table of build
 * rows/s and probe rows/s per build size. Arguments are JMH's own options (e.g. {@code -f 1 -wi 1 -i 2}
 * or {@code -p buildRows=1000000}); they override the annotations' settings. Without {@code -p
 * probeRows=...} the probe takes 20,000,000 rows on {@code cuda} and {@value #EMULATED_PROBE_ROWS} on
 * the emulation, which is too slow for more.
 */
public final class RunJoinBenchmarks {
    static final int EMULATED_PROBE_ROWS = 2_000_000;

    private RunJoinBenchmarks() {}

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        String device = System.getProperty(ExpressionBenchmark.DEVICE_PROPERTY, "emulated");
        CommandLineOptions command = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(command)
                .include(HashJoinBenchmark.class.getName() + "\\.(" + HashJoinBenchmark.BUILD_METHOD + "|"
                        + HashJoinBenchmark.PROBE_METHOD + ")$")
                // Replaces the annotation's arguments, so Arrow's --add-opens are repeated here.
                .jvmArgsAppend("--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                        "-D" + ExpressionBenchmark.DEVICE_PROPERTY + "=" + device);
        if (!device.equalsIgnoreCase("cuda") && !command.getParameter("probeRows").hasValue()) {
            builder.param("probeRows", Integer.toString(EMULATED_PROBE_ROWS));
        }
        Options options = builder.build();
        Collection<RunResult> results = new Runner(options).run();
        if (results.isEmpty()) {
            throw new IllegalStateException("no benchmark produced a result: see JMH's output above");
        }
        System.out.println();
        System.out.print(summary(device, results));
    }

    /** One row per build size: build rows/s, probe rows/s, and the probe's settings. */
    static String summary(String device, Collection<RunResult> results) {
        Map<Integer, double[]> bySize = new TreeMap<>();
        String probeRows = "?";
        String misses = "?";
        String chunk = "?";
        for (RunResult r : results) {
            int size = Integer.parseInt(r.getParams().getParam("buildRows"));
            double[] rates = bySize.computeIfAbsent(size, k -> new double[] {Double.NaN, Double.NaN});
            String method = r.getParams().getBenchmark();
            if (method.endsWith("." + HashJoinBenchmark.BUILD_METHOD)) {
                rates[0] = counter(r, "buildRows");
            } else {
                rates[1] = counter(r, "probeRows");
                probeRows = String.format(Locale.ROOT, "%,d", Integer.parseInt(r.getParams().getParam("probeRows")));
                misses = r.getParams().getParam("missFraction");
                chunk = String.format(Locale.ROOT, "%,d", Integer.parseInt(r.getParams().getParam("chunkRows")));
            }
        }
        TextTable table = new TextTable("build rows", "build rows/s", "probe rows/s");
        for (Map.Entry<Integer, double[]> e : bySize.entrySet()) {
            table.row(String.format(Locale.ROOT, "%,d", e.getKey()), rate(e.getValue()[0]), rate(e.getValue()[1]));
        }
        List<String> lines = new ArrayList<>();
        lines.add("hash join, INT64 keys (distinct on the build side), inner join, device=" + device + ": probe "
                + probeRows + " rows per invocation, miss fraction " + misses + ", gather maps in chunks of at most "
                + chunk + " pairs");
        lines.add(table.toString());
        return String.join("\n", lines);
    }

    private static double counter(RunResult r, String name) {
        Map<String, Result> secondary = r.getSecondaryResults();
        Result result = secondary.get(name);
        if (result == null) {
            throw new IllegalStateException("the result of " + r.getParams().getBenchmark() + " has no counter '"
                    + name + "', only " + secondary.keySet());
        }
        return result.getScore();
    }

    static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.3g", perSecond);
    }
}
