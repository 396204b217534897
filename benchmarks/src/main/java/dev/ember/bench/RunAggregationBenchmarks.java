package dev.ember.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link AggregationBenchmark} for every group count on the device named by {@code
 * -Dember.device} (passed on to JMH's forked JVM), with the row count meant for that device (20M on
 * {@code cuda}, 1M on the emulation), and prints JMH's report followed by one summary line of measured
 * rows per second. Arguments are JMH's own options (e.g. {@code -f 1 -wi 1 -i 1 -w 1s -r 1s} or
 * {@code -p groups=10}); they override the annotations' settings.
 */
public final class RunAggregationBenchmarks {
    private RunAggregationBenchmarks() {}

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        String device = System.getProperty(ExpressionBenchmark.DEVICE_PROPERTY, "emulated");
        boolean cuda = device.equalsIgnoreCase("cuda");
        String method = cuda ? AggregationBenchmark.CUDA_METHOD : AggregationBenchmark.EMULATED_METHOD;
        int rows = cuda ? AggregationBenchmark.CUDA_ROWS : AggregationBenchmark.EMULATED_ROWS;
        Options options = new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(AggregationBenchmark.class.getName() + "\\." + method + "$")
                // Replaces the annotation's arguments, so Arrow's --add-opens are repeated here.
                .jvmArgsAppend("--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                        "-D" + ExpressionBenchmark.DEVICE_PROPERTY + "=" + device)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        if (results.isEmpty()) {
            throw new IllegalStateException("no benchmark produced a result: see JMH's output above");
        }
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> Integer.compare(Integer.parseInt(a.getParams().getParam("groups")),
                Integer.parseInt(b.getParams().getParam("groups"))));
        StringBuilder line = new StringBuilder("hash aggregation (count(*), sum/min/max of INT64 and FLOAT64), device="
                + device + ", " + String.format(Locale.ROOT, "%,d", rows) + " rows:");
        for (RunResult r : sorted) {
            line.append(String.format(Locale.ROOT, " %,d groups %.3g rows/s;",
                    Integer.parseInt(r.getParams().getParam("groups")), r.getPrimaryResult().getScore()));
        }
        System.out.println(line);
    }
}
