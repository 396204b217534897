package dev.ember.it.spark;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import dev.ember.spark.EmberRuntime;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local SparkSession per test class with Ember loaded ({@code spark.plugins}), injected as a
 * {@link SparkSession} parameter into tests and lifecycle methods. local[2], no UI, 4 shuffle
 * partitions, the device from {@code -Dember.device} (emulated in CI); a class adds or overrides
 * settings with {@link Conf}. The session is stopped after the class, which closes Ember's device,
 * so the leak check of the class sees every pinned and device buffer released.
 */
public final class SparkSessionExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback,
        ParameterResolver {
    /** Extra settings of a test class's session, each {@code key=value}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Conf {
        String[] value();
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SparkSessionExtension.class);

    /** The settings every test session starts with. */
    public static Map<String, String> baseConf() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", "local[2]");
        conf.put("spark.app.name", "ember-tests");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.sql.shuffle.partitions", "4");
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.plugins", "dev.ember.spark.EmberPlugin");
        conf.put("spark.ember.device", System.getProperty("ember.device", "emulated"));
        conf.put("spark.ember.memory.poolLimit", "2g");
        return conf;
    }

    /** A new session with {@code conf}; the caller stops it with {@link #stop}. */
    public static SparkSession start(Map<String, String> conf) {
        SparkSession.Builder builder = SparkSession.builder();
        conf.forEach(builder::config);
        return builder.getOrCreate();
    }

    public static void stop(SparkSession session) {
        session.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Map<String, String> conf = baseConf();
        Conf extra = context.getRequiredTestClass().getAnnotation(Conf.class);
        if (extra != null) {
            for (String kv : extra.value()) {
                int eq = kv.indexOf('=');
                conf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        context.getStore(NAMESPACE).put(SparkSession.class, start(conf));
    }

    /**
     * Removes the broadcasts whose device builds the executor caches, as Spark's cleaner does once a
     * finished query's broadcasts are unreachable, and lets the cache free those builds: a test's
     * broadcast hash joins leave nothing on the device for the leak check (which runs after this).
     */
    @Override
    public void afterEach(ExtensionContext context) {
        if (!EmberRuntime.isOpen()) {
            return;
        }
        SparkSession session = null;
        for (ExtensionContext c = context; c != null && session == null; c = c.getParent().orElse(null)) {
            session = c.getStore(NAMESPACE).get(SparkSession.class, SparkSession.class);
        }
        SparkContext sc = session == null ? null : session.sparkContext();
        var cache = EmberRuntime.get().broadcastBuilds();
        if (sc != null && sc.cleaner().isDefined()) {
            for (long id : cache.broadcastIds()) {
                sc.cleaner().get().doCleanupBroadcast(id, true);
            }
        }
        cache.evictRemoved(-1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        SparkSession session = context.getStore(NAMESPACE).remove(SparkSession.class, SparkSession.class);
        if (session != null) {
            stop(session);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SparkSession session = null;
        for (ExtensionContext c = context; c != null && session == null; c = c.getParent().orElse(null)) {
            session = c.getStore(NAMESPACE).get(SparkSession.class, SparkSession.class);
        }
        if (session == null) {
            throw new IllegalStateException("no SparkSession: annotate the class with @ExtendWith(SparkSessionExtension.class)");
        }
        return session;
    }
}
