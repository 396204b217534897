package dev.ember.spark.conf;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.ops.Strings;
import dev.ember.spark.planning.ExecRule;
import dev.ember.spark.planning.ExecRules;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.internal.SQLConf;
import scala.Tuple2;

/**
 * Every Ember setting, declared once, and a snapshot of their values. Start-up settings are read
 * from the {@link SparkConf} when the plugin starts; the others from the session's {@link SQLConf}
 * each time a query is planned, so {@code spark.conf.set(...)} changes them between queries.
 * {@link #validate} checks every {@code spark.ember.*} value a user set and fails naming the key,
 * the value and what is allowed.
 */
public final class EmberConf {
    /** How much of the planning decisions to log. */
    public enum ExplainLevel {
        NONE, NOT_ON_GPU, ALL
    }

    /** Whether converted plans run or are only explained. */
    public enum Mode {
        EXECUTE_ON_GPU("executeOnGpu"), EXPLAIN_ONLY("explainOnly");

        private final String configValue;

        Mode(String configValue) {
            this.configValue = configValue;
        }

        public String configValue() {
            return configValue;
        }
    }

    public static final String PREFIX = "spark.ember.";

    public static final ConfEntry<Boolean> SQL_ENABLED = ConfEntry.bool("spark.ember.sql.enabled", true, false,
            "Runs supported SQL operators on the GPU. When false, Ember leaves every plan exactly as Spark made it "
                    + "(can be switched per query with spark.conf.set).");
    public static final ConfEntry<DeviceKind> DEVICE = ConfEntry.oneOf("spark.ember.device", DeviceKind.class,
            DeviceKind::configValue, DeviceKind.AUTO, true,
            "The device: 'cuda' needs a usable NVIDIA GPU and fails at start-up without one; 'emulated' runs every "
                    + "kernel as a Java emulation on the CPU (slow; for validating jobs and for CI); 'auto' uses "
                    + "a GPU when one is usable, and otherwise logs one warning and leaves every plan on the CPU. "
                    + "With 'auto' the driver decides from its own view of the machine.");
    public static final ConfEntry<Long> POOL_LIMIT = ConfEntry.bytes("spark.ember.memory.poolLimit", 4L << 30, 1L << 20,
            true, "Bytes of device memory Ember's memory pool may hold at once, per executor (e.g. 4g). "
                    + "Leave room for the CUDA context and other processes on the GPU.");
    public static final ConfEntry<ExplainLevel> EXPLAIN = ConfEntry.oneOf("spark.ember.sql.explain",
            ExplainLevel.class, ExplainLevel::name, ExplainLevel.NONE, false,
            "Logs each planned query with markers: '*' runs on the GPU, '!' stays on the CPU (with every reason), "
                    + "'@' could run on the GPU but a neighbour keeps it on the CPU. NOT_ON_GPU logs only the "
                    + "operators and expressions that stay on the CPU; ALL logs every one.");
    public static final ConfEntry<Mode> MODE = ConfEntry.oneOf("spark.ember.sql.mode", Mode.class, Mode::configValue,
            Mode.EXECUTE_ON_GPU, false,
            "executeOnGpu runs the supported operators on the GPU; explainOnly plans and explains (see "
                    + "spark.ember.sql.explain, which then defaults to ALL) but runs everything on the CPU and "
                    + "never opens a device.");
    public static final ConfEntry<Long> BATCH_SIZE_BYTES = ConfEntry.bytes("spark.ember.sql.batchSizeBytes",
            256L << 20, 1L << 10, false,
            "Target size of a device batch: rows are converted to device columns in batches of about this size, "
                    + "and smaller device batches are concatenated up to it.");
    public static final ConfEntry<Long> STRING_BATCH_MAX_BYTES = ConfEntry.bytes(
            "spark.ember.sql.stringBatchMaxBytes", Strings.MAX_BYTES, 1L << 10, true,
            "Internal, for tests: the most UTF-8 bytes one string column of a device batch holds (at most, and by "
                    + "default, the 2147483647 bytes int32 offsets address). Batches are split, and are not "
                    + "concatenated, past it; a single row larger than the limit forms a batch of its own.");
    public static final ConfEntry<Long> SORT_RUN_BYTES = ConfEntry.bytes("spark.ember.sql.sort.runBytes",
            512L << 20, 1L << 10, false,
            "Device bytes of input a GPU sort holds at once, per task. A partition up to this size is sorted in one "
                    + "piece (the sort needs about three times the input's bytes while it runs); a larger one is "
                    + "sorted in runs of this size that are kept in host memory and merged on the GPU, which "
                    + "costs a copy to the host and back and more sorting, but never fails for size.");
    public static final ConfEntry<Integer> CONCURRENT_GPU_TASKS = ConfEntry.integer(
            "spark.ember.sql.concurrentGpuTasks", 2, 1, true,
            "Number of tasks per executor that may use the GPU at once. A task takes a permit the first time it "
                    + "reaches the device and keeps it until it ends; the other tasks wait (their CPU-only work, "
                    + "e.g. a scan feeding a shuffle, does not take one). More permits overlap more work but "
                    + "share the device memory pool among more tasks.");

    public static final ConfEntry<Boolean> REPLACE_SORT_MERGE_JOIN = ConfEntry.bool(
            "spark.ember.sql.replaceSortMergeJoin", true, false,
            "Replaces Spark's sort-merge joins by GPU shuffled hash joins (same shuffles, without the sorts Spark "
                    + "put under the join): the right side is hashed, the left side for a right outer join. A join "
                    + "whose output ordering an operator above relies on stays on the CPU. When false, sort-merge "
                    + "joins stay on the CPU.");

    public static final ConfEntry<Boolean> UI_ENABLED = ConfEntry.bool("spark.ember.ui.enabled", true, true,
            "Adds the Ember tab to Spark's UI: per SQL execution, how many operators of the final plan run on the "
                    + "GPU and why the others stay on the CPU. The same summaries go to the event log when it is on.");

    private static final List<ConfEntry<?>> CORE = List.of(SQL_ENABLED, DEVICE, POOL_LIMIT, EXPLAIN, MODE,
            BATCH_SIZE_BYTES, STRING_BATCH_MAX_BYTES, SORT_RUN_BYTES, CONCURRENT_GPU_TASKS, REPLACE_SORT_MERGE_JOIN,
            UI_ENABLED);

    private final Function<String, String> lookup;

    private EmberConf(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /** The settings of the session whose {@link SQLConf} this is (runtime and start-up values). */
    public static EmberConf of(SQLConf conf) {
        requireNonNull(conf, "conf is null");
        return new EmberConf(key -> conf.getConfString(key, null));
    }

    /** The settings the application started with. */
    public static EmberConf of(SparkConf conf) {
        requireNonNull(conf, "conf is null");
        return new EmberConf(key -> conf.get(key, null));
    }

    /** Settings from a plain map (tests, tools). */
    public static EmberConf of(Map<String, String> settings) {
        Map<String, String> copy = Map.copyOf(settings);
        return new EmberConf(copy::get);
    }

    /** The settings declared for the plugin itself (not the per-rule switches). */
    public static List<ConfEntry<?>> coreEntries() {
        return CORE;
    }

    /** Every setting: the core ones, then one per operator rule and one per expression rule. */
    public static List<ConfEntry<?>> allEntries() {
        List<ConfEntry<?>> all = new ArrayList<>(CORE);
        ExecRules.all().forEach(r -> all.add(r.confEntry()));
        ExprRules.all().forEach(r -> all.add(r.confEntry()));
        return List.copyOf(all);
    }

    /**
     * Checks every {@code spark.ember.*} setting in {@code settings}.
     *
     * @return the keys under {@code spark.ember.} that Ember does not know (probably typos), for a warning
     * @throws IllegalArgumentException for the first invalid value, naming key, value and what is allowed
     */
    public static List<String> validate(Iterable<Tuple2<String, String>> settings) {
        Map<String, ConfEntry<?>> known = allEntries().stream()
                .collect(Collectors.toMap(ConfEntry::key, e -> e));
        List<String> unknown = new ArrayList<>();
        for (Tuple2<String, String> kv : settings) {
            if (!kv._1().toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
                continue;
            }
            ConfEntry<?> entry = known.get(kv._1());
            if (entry == null) {
                unknown.add(kv._1());
            } else {
                entry.parse(kv._2());
            }
        }
        return unknown;
    }

    public <T> T get(ConfEntry<T> entry) {
        return entry.read(lookup);
    }

    public boolean sqlEnabled() {
        return get(SQL_ENABLED);
    }

    public DeviceKind device() {
        return get(DEVICE);
    }

    public long sortRunBytes() {
        return get(SORT_RUN_BYTES);
    }

    public long poolLimitBytes() {
        return get(POOL_LIMIT);
    }

    /** The explain level; explainOnly mode without an explicit level explains everything. */
    public ExplainLevel explain() {
        if (lookup.apply(EXPLAIN.key()) == null && mode() == Mode.EXPLAIN_ONLY) {
            return ExplainLevel.ALL;
        }
        return get(EXPLAIN);
    }

    public Mode mode() {
        return get(MODE);
    }

    public long batchSizeBytes() {
        return get(BATCH_SIZE_BYTES);
    }

    /** {@link #STRING_BATCH_MAX_BYTES}, at most {@link Strings#MAX_BYTES}. */
    public long stringBatchMaxBytes() {
        return Math.min(get(STRING_BATCH_MAX_BYTES), Strings.MAX_BYTES);
    }

    public boolean replaceSortMergeJoin() {
        return get(REPLACE_SORT_MERGE_JOIN);
    }

    public boolean uiEnabled() {
        return get(UI_ENABLED);
    }

    public int concurrentGpuTasks() {
        return get(CONCURRENT_GPU_TASKS);
    }

    public boolean isEnabled(ExecRule<?> rule) {
        return get(rule.confEntry());
    }

    public boolean isEnabled(ExprRule<?> rule) {
        return get(rule.confEntry());
    }
}
