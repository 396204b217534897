package dev.ember.spark;

import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.Devices;
import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.ui.EmberUi;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ember's entry point: {@code spark.plugins=dev.ember.spark.EmberPlugin} is all a user sets. The
 * driver side validates the settings, appends {@link EmberSessionExtensions} to {@code
 * spark.sql.extensions} and adds the Ember UI tab ({@link EmberUi}); the executor side opens the
 * device of its JVM ({@link EmberRuntime}) and closes it at shutdown.
 */
public final class EmberPlugin implements SparkPlugin {
    static final String EXTENSIONS_KEY = "spark.sql.extensions";
    private static final Logger LOG = LoggerFactory.getLogger(EmberPlugin.class);

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(SparkContext sc, PluginContext context) {
                validate(sc.conf());
                sc.conf().set(EXTENSIONS_KEY, appendExtension(sc.conf().get(EXTENSIONS_KEY, "")));
                EmberUi.install(sc);
                return Map.of();
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext context, Map<String, String> extraConf) {
                // Never PluginContext.hostname(): it throws in Spark 3.5's executors.
                SparkConf sparkConf = context.conf();
                validate(sparkConf);
                EmberConf conf = EmberConf.of(sparkConf);
                // One INFO line per executor says whether Ember runs there (EmberRuntime logs the device it opens).
                if (conf.mode() == EmberConf.Mode.EXPLAIN_ONLY) {
                    LOG.info("Ember is loaded in explainOnly mode: this executor opens no device");
                    return;
                }
                if (conf.device() == DeviceKind.AUTO && !Devices.cudaStatus().usable()) {
                    LOG.info("Ember is loaded, but this executor has no GPU for spark.ember.device=auto ({}), so it "
                            + "opens no device", Devices.cudaStatus().reason());
                    return;
                }
                EmberRuntime.open(conf);
            }

            @Override
            public void shutdown() {
                EmberRuntime.shutdown();
            }
        };
    }

    /** Fails on invalid Ember settings (naming key, value and what is allowed) and warns about unknown ones. */
    static void validate(SparkConf conf) {
        List<String> unknown = EmberConf.validate(Arrays.asList(conf.getAll()));
        for (String key : unknown) {
            LOG.warn("Ember does not know the setting {} (a typo?); see docs/configs.md for the settings", key);
        }
    }

    /** {@code existing} (comma-separated extension classes) with Ember's added once. */
    static String appendExtension(String existing) {
        String ours = EmberSessionExtensions.class.getName();
        List<String> classes = Arrays.stream(existing.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (classes.contains(ours)) {
            return String.join(",", classes);
        }
        return classes.isEmpty() ? ours : String.join(",", classes) + "," + ours;
    }
}
