package dev.ember.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The runner's settings.
 *
 * @param data root folder of the generated data (each scale in {@code sf<scale>} under it)
 * @param scale TPC-H scale factor
 * @param results folder for {@code tpch-results.md} and {@code tpch-speedup.svg}, if any
 * @param queries comma-separated query names, empty for all 22
 * @param repetitions measured runs of each query with Ember off and on (alternating)
 * @param warmups unmeasured runs off and on before those
 * @param mode {@link Mode#GPU}: Ember's device runs the GPU side; {@link Mode#NO_DEVICE}: Ember is
 *     installed with {@code spark.ember.device=auto} on a machine without a GPU, which measures what Ember
 *     adds when it cannot run anything
 * @param device {@code spark.ember.device} in GPU mode (cuda, emulated)
 * @param master Spark master of the session (the CPU baseline is this same session with Ember off)
 * @param conf further session settings
 */
public record RunnerOptions(Path data, double scale, Optional<Path> results, String queries, int repetitions,
        int warmups, Mode mode, String device, String master, Map<String, String> conf) {
    public enum Mode {
        GPU, NO_DEVICE
    }

    public static final String USAGE = """
            usage: TpchRunner --data DIR [--scale SF] [--results DIR] [--queries q01,q02,...] [--reps N]
                              [--warmup N] [--mode gpu|no-device] [--device cuda|emulated] [--master URL]
                              [--conf key=value]...
              --data      root of the generated data (generated there first when incomplete)
              --scale     TPC-H scale factor, 0.01 … 100 and more (default 1)
              --results   folder for tpch-results.md and tpch-speedup.svg (default: none)
              --queries   queries to run (default: all 22)
              --reps      measured runs per query with Ember off and on, alternating (default 3)
              --warmup    unmeasured runs off and on first (default 1)
              --mode      gpu (default): Ember off vs on; no-device: Ember installed without a GPU
                          (spark.ember.device=auto) vs Ember disabled: the time Ember adds
              --device    spark.ember.device in gpu mode (default cuda; emulated for the CPU emulation)
              --master    Spark master (default local[*])
              --conf      any further session setting, e.g. --conf spark.ember.memory.poolLimit=16g
            """;

    public RunnerOptions {
        requireNonNull(data, "data is null");
        requireNonNull(results, "results is null");
        requireNonNull(queries, "queries is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(device, "device is null");
        requireNonNull(master, "master is null");
        TpchData.checkScale(scale);
        if (repetitions < 1) {
            throw new IllegalArgumentException("--reps must be at least 1, got " + repetitions);
        }
        if (warmups < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, got " + warmups);
        }
        conf = Map.copyOf(conf);
    }

    /** Defaults for {@code data}: scale 1, all queries, 3 repetitions after 1 warm-up, the CUDA device, local[*]. */
    public static RunnerOptions defaults(Path data) {
        return new RunnerOptions(data, 1, Optional.empty(), "", 3, 1, Mode.GPU, "cuda", "local[*]", Map.of());
    }

    public RunnerOptions withScale(double s) {
        return new RunnerOptions(data, s, results, queries, repetitions, warmups, mode, device, master, conf);
    }

    public RunnerOptions withResults(Path dir) {
        return new RunnerOptions(data, scale, Optional.of(dir), queries, repetitions, warmups, mode, device, master, conf);
    }

    public RunnerOptions withRuns(int reps, int warm) {
        return new RunnerOptions(data, scale, results, queries, reps, warm, mode, device, master, conf);
    }

    public RunnerOptions withDevice(String d) {
        return new RunnerOptions(data, scale, results, queries, repetitions, warmups, mode, d, master, conf);
    }

    public RunnerOptions withMode(Mode m) {
        return new RunnerOptions(data, scale, results, queries, repetitions, warmups, m, device, master, conf);
    }

    public RunnerOptions withMaster(String m) {
        return new RunnerOptions(data, scale, results, queries, repetitions, warmups, mode, device, m, conf);
    }

    public RunnerOptions withQueries(String q) {
        return new RunnerOptions(data, scale, results, q, repetitions, warmups, mode, device, master, conf);
    }

    public RunnerOptions withConf(String key, String value) {
        Map<String, String> c = new LinkedHashMap<>(conf);
        c.put(key, value);
        return new RunnerOptions(data, scale, results, queries, repetitions, warmups, mode, device, master, c);
    }

    /** The device setting the session starts with. */
    public String sessionDevice() {
        return mode == Mode.NO_DEVICE ? "auto" : device;
    }

    /** Parses the command line (see {@link #USAGE}). */
    public static RunnerOptions parse(String[] args) {
        Path data = null;
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> conf = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag + "\n" + USAGE);
            }
            String value = args[++i];
            switch (flag) {
                case "--data" -> data = Path.of(value);
                case "--conf" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--conf needs key=value, got '" + value + "'");
                    }
                    conf.put(value.substring(0, eq), value.substring(eq + 1));
                }
                case "--scale", "--results", "--queries", "--reps", "--warmup", "--mode", "--device", "--master" ->
                        values.put(flag, value);
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            }
        }
        if (data == null) {
            throw new IllegalArgumentException("--data is required\n" + USAGE);
        }
        RunnerOptions o = defaults(data);
        if (values.containsKey("--scale")) {
            o = o.withScale(Double.parseDouble(values.get("--scale")));
        }
        if (values.containsKey("--results")) {
            o = o.withResults(Path.of(values.get("--results")));
        }
        o = o.withQueries(values.getOrDefault("--queries", ""));
        o = o.withRuns(Integer.parseInt(values.getOrDefault("--reps", "3")),
                Integer.parseInt(values.getOrDefault("--warmup", "1")));
        String mode = values.getOrDefault("--mode", "gpu").toLowerCase(Locale.ROOT);
        o = o.withMode(switch (mode) {
            case "gpu" -> Mode.GPU;
            case "no-device" -> Mode.NO_DEVICE;
            default -> throw new IllegalArgumentException("--mode must be gpu or no-device, got " + mode);
        });
        o = o.withDevice(values.getOrDefault("--device", "cuda")).withMaster(values.getOrDefault("--master", "local[*]"));
        for (Map.Entry<String, String> e : conf.entrySet()) {
            o = o.withConf(e.getKey(), e.getValue());
        }
        return o;
    }
}
