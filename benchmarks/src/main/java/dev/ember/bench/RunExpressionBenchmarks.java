package dev.ember.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link ExpressionBenchmark} for every program on the device named by {@code -Dember.device}
 * (passed on to JMH's forked JVM) and prints JMH's report followed by one summary line of measured
 * rows per second.
 */
public final class RunExpressionBenchmarks {
    private RunExpressionBenchmarks() {}

    public static void main(String[] args) throws RunnerException {
        String device = System.getProperty(ExpressionBenchmark.DEVICE_PROPERTY, "emulated");
        Options options = new OptionsBuilder()
                .include(ExpressionBenchmark.class.getName())
                // Replaces the annotation's arguments, so Arrow's --add-opens are repeated here.
                .jvmArgsAppend("--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                        "-D" + ExpressionBenchmark.DEVICE_PROPERTY + "=" + device)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> rowsPerSecond = new LinkedHashMap<>();
        for (RunResult r : results) {
            rowsPerSecond.put(r.getParams().getParam("program"), r.getPrimaryResult().getScore());
        }
        StringBuilder line = new StringBuilder("expression interpreter, device=" + device + ", "
                + String.format(Locale.ROOT, "%,d", ExpressionBenchmark.ROWS) + " rows:");
        for (String name : ExpressionPrograms.NAMES) {
            Double score = rowsPerSecond.get(name);
            if (score != null) {
                line.append(String.format(Locale.ROOT, " %s %.3g rows/s;", name, score));
            }
        }
        if (rowsPerSecond.isEmpty()) {
            throw new IllegalStateException("no benchmark produced a result: see JMH's output above");
        }
        System.out.println(line);
    }
}
