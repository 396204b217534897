package dev.ember.bench;

import dev.ember.cuda.Devices;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every {@link KernelBenchmarks} method, kernels and ceilings in one JMH invocation, on the device
 * named by {@code -Dember.device} (passed on to JMH's forked JVM), and after JMH's report prints one
 * table: per kernel its rows/s and GB/s, its ceiling's GB/s from the same run, the ratio of the two and
 * the H100 target. Ratios are as measured; nothing is asserted.
 *
 * <p>Arguments are JMH's own options (e.g. {@code -f 1 -wi 1 -i 2 -w 1s -r 1s}, {@code -p rows=...});
 * without {@code -p rows=...} the kernels take 33,554,432 rows on {@code cuda} and {@value
 * #EMULATED_ROWS} on the emulation. A regular expression argument selects methods, e.g. {@code
 * 'KernelBenchmarks\.(copyDeviceToDevice|filter)$'}; a kernel whose ceiling did not run shows no ratio.
 */
public final class RunKernelBenchmarks {
    static final int EMULATED_ROWS = 1 << 20;

    private RunKernelBenchmarks() {}

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        String device = System.getProperty(ExpressionBenchmark.DEVICE_PROPERTY, "emulated");
        CommandLineOptions command = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(command)
                // Replaces the annotation's arguments, so Arrow's --add-opens are repeated here.
                .jvmArgsAppend("--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                        "-D" + ExpressionBenchmark.DEVICE_PROPERTY + "=" + device);
        if (command.getIncludes().isEmpty()) {
            builder.include(KernelBenchmarks.class.getName() + "\\.");
        }
        if (!device.equalsIgnoreCase("cuda") && !command.getParameter("rows").hasValue()) {
            builder.param("rows", Integer.toString(EMULATED_ROWS));
        }
        Collection<RunResult> results = new Runner(builder.build()).run();
        if (results.isEmpty()) {
            throw new IllegalStateException("no benchmark produced a result: see JMH's output above");
        }
        System.out.println();
        System.out.print(summary(device, results));
    }

    /** Rows/s and bytes/s of one case, from its counters. */
    record Rates(double rowsPerSecond, double bytesPerSecond) {}

    static String summary(String device, Collection<RunResult> results) {
        Map<KernelCase, Rates> rates = new EnumMap<>(KernelCase.class);
        String rows = "?";
        for (RunResult r : results) {
            String benchmark = r.getParams().getBenchmark();
            KernelCase kernel = KernelCase.forMethod(benchmark.substring(benchmark.lastIndexOf('.') + 1));
            rates.put(kernel, new Rates(counter(r, "rows"), counter(r, "bytes")));
            rows = String.format(Locale.ROOT, "%,d", Integer.parseInt(r.getParams().getParam("rows")));
        }
        boolean cuda = device.equalsIgnoreCase("cuda");
        TextTable table = new TextTable("kernel", "rows/s", "GB/s", "ceiling", "ceiling GB/s", "ratio",
                "target (H100)", "meets target");
        for (KernelCase kernel : KernelCase.values()) {
            Rates measured = rates.get(kernel);
            if (measured == null) {
                continue;
            }
            KernelCase ceiling = kernel.ceiling();
            Rates bound = ceiling == null ? null : rates.get(ceiling);
            double ratio = bound == null ? Double.NaN : measured.bytesPerSecond() / bound.bytesPerSecond();
            KernelCase.Target target = kernel.target();
            // Targets are for an H100: on the emulation a yes/no would only look like a verdict.
            boolean measurable = cuda && target.isSet() && (Double.isNaN(target.minRatio()) || !Double.isNaN(ratio));
            table.row(kernel.label(), RunJoinBenchmarks.rate(measured.rowsPerSecond()),
                    gigabytes(measured.bytesPerSecond()), ceiling == null ? "(ceiling)" : ceiling.label(),
                    bound == null ? "-" : gigabytes(bound.bytesPerSecond()),
                    Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.3g", ratio),
                    ceiling == null ? "-" : target.describe(ceiling),
                    !measurable ? "-" : target.metBy(ratio, measured.rowsPerSecond()) ? "yes" : "no");
        }
        // The device as the driver names it: a run on the CPU simulator must never read as a GPU's.
        String named = cuda ? device + " (" + Devices.cudaStatus().description() + ")" : device;
        return "kernel benchmarks, device=" + named + ", " + rows + " rows per invocation; GB/s = 1e9 bytes/s of "
                + "bytes read + written (copies: device->device read + written, host<->device crossing the bus)\n"
                + table
                + (cuda ? "" : "(the emulated device runs Java emulations of the kernels on "
                        + "the CPU: these figures say nothing about a GPU, and the H100 targets do not apply)\n");
    }

    private static double counter(RunResult r, String name) {
        Result result = r.getSecondaryResults().get(name);
        if (result == null) {
            throw new IllegalStateException("the result of " + r.getParams().getBenchmark() + " has no counter '"
                    + name + "', only " + r.getSecondaryResults().keySet());
        }
        return result.getScore();
    }

    private static String gigabytes(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.3g", bytesPerSecond / 1e9);
    }
}
