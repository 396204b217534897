package dev.ember.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ember as users run it: a Spark standalone cluster (a master and two one-core workers, separate JVMs
 * on Spark's jars alone) runs an unchanged ETL application (CSV and Parquet in; filter, join, aggregate;
 * Parquet out) submitted with spark-submit twice, plainly and with Ember's drop-in jar and plugin
 * added. The outputs must be equal, both executors must have opened Ember's (emulated) device, and the
 * application's SQL REST API must show GPU operators with their metrics.
 */
class TestStandaloneCluster {
    private static final String APP_MAIN = "com.example.etl.SalesEtl";
    /** EmberRuntime's INFO line when an executor's plugin has opened the device. */
    private static final Pattern EMBER_STARTED = Pattern.compile(" INFO .*Ember opened emulated device");
    private static final Duration CLUSTER_START = Duration.ofSeconds(60);
    private static final Duration RUN = Duration.ofSeconds(100);

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void etlJobGivesTheSameOutputWithEmberOnTheExecutors() throws IOException {
        long started = System.nanoTime();
        Path dir = freshDir(Path.of(System.getProperty("ember.clusterTestDir", "target/cluster-test")));
        SparkHome home = SparkHome.create(dir.resolve("spark-home"));
        Path appJar = AppJar.build(Path.of(System.getProperty("ember.clusterAppSources", "src/cluster-app/java")), home,
                APP_MAIN, dir, dir.resolve("sales-etl.jar"));
        Path dropIn = Path.of(System.getProperty("ember.dropInJar", "../plugin/target/ember-spark_2.13.jar"));
        assertThat(dropIn).as("the drop-in jar (built by the plugin module's package phase)").isRegularFile();
        Path input = Files.createDirectories(dir.resolve("input"));
        SalesData.write(input, 20_240_611L);
        List<String> inputs = List.of(input.resolve("customers.csv").toString(), input.resolve("orders").toString());

        String plainApp;
        String emberApp;
        try (StandaloneCluster cluster = StandaloneCluster.start(home, dir.resolve("cluster"), 2, "1g", CLUSTER_START)) {
            System.out.printf("cluster up after %d ms%n", elapsedMs(started));
            List<Path> before = cluster.applicationDirs();
            List<String> plainArgs = new ArrayList<>(inputs);
            plainArgs.add(dir.resolve("out-plain").toString());
            try (ChildJava plain = submit(home, cluster, appJar, "plain", List.of(), plainArgs, dir)) {
                assertThat(plain.awaitExit(RUN)).as("exit code of the plain run; its log ends with:\n%s", plain.logTail())
                        .isZero();
            }
            plainApp = newApplication(cluster, before);
            System.out.printf("plain run done after %d ms%n", elapsedMs(started));

            before = cluster.applicationDirs();
            emberApp = runWithEmber(home, cluster, appJar, dropIn, inputs, dir);
            assertThat(newApplication(cluster, before)).isEqualTo(emberApp);
            System.out.printf("Ember run done after %d ms%n", elapsedMs(started));

            assertExecutorsLoadedEmber(cluster, emberApp);
            assertExecutorsWithoutEmber(cluster, plainApp);
        }

        SalesData.Output plainOut = SalesData.read(dir.resolve("out-plain"));
        SalesData.Output emberOut = SalesData.read(dir.resolve("out-ember"));
        assertThat(plainOut.rows()).as("rows of the plain run").hasSizeGreaterThan(20);
        assertThat(emberOut.schema()).as("schema of the Ember run's output").isEqualTo(plainOut.schema());
        assertThat(emberOut.rows()).as("sorted rows of the Ember run's output").containsExactlyElementsOf(plainOut.rows());
        System.out.printf("test done after %d ms: %d equal rows%n", elapsedMs(started), plainOut.rows().size());
    }

    /** Submits the Ember run, checks its SQL REST API while its driver waits, then lets it finish; its app id. */
    private static String runWithEmber(SparkHome home, StandaloneCluster cluster, Path appJar, Path dropIn,
            List<String> inputs, Path dir) throws IOException {
        Path handshake = Files.createDirectories(dir.resolve("handshake"));
        int uiPort = ChildJava.freePort();
        List<String> args = new ArrayList<>(inputs);
        args.add(dir.resolve("out-ember").toString());
        args.add(handshake.toString());
        List<String> ember = List.of("--jars", dropIn.toAbsolutePath().toString(),
                "--conf", "spark.plugins=dev.ember.spark.EmberPlugin",
                "--conf", "spark.ember.device=emulated",
                "--conf", "spark.ui.enabled=true",
                "--conf", "spark.ui.port=" + uiPort);
        try (ChildJava run = submit(home, cluster, appJar, "ember", ember, args, dir)) {
            awaitFile(handshake.resolve("written"), run, RUN);
            String appId = SqlPlans.applicationId(uiPort);
            int written = SalesData.read(dir.resolve("out-ember")).rows().size();
            SqlPlans.assertGpuOperatorsWithMetrics(uiPort, appId, dir.resolve("ember-sql.json"),
                    2L * SalesData.ORDERS_PER_FILE, written);
            SqlPlans.assertEmberTab(uiPort, dir.resolve("ember-tab.json"));
            Files.createFile(handshake.resolve("release"));
            assertThat(run.awaitExit(Duration.ofSeconds(30)))
                    .as("exit code of the Ember run; its log ends with:\n%s", run.logTail()).isZero();
            return appId;
        }
    }

    /** spark-submit in client mode (the driver is this child JVM) of the application jar. */
    private static ChildJava submit(SparkHome home, StandaloneCluster cluster, Path appJar, String name,
            List<String> extra, List<String> appArgs, Path dir) {
        List<String> jvm = new ArrayList<>(ChildJava.sparkJvmOptions());
        jvm.add("-Xmx1g");
        jvm.add("-Djava.io.tmpdir=" + cluster.localDir());
        List<String> args = new ArrayList<>(List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.executor.memory=512m",
                "--conf", "spark.ui.enabled=false"));
        args.addAll(extra);
        args.addAll(List.of("--class", APP_MAIN, appJar.toString()));
        args.addAll(appArgs);
        return ChildJava.start("spark-submit (" + name + ")", jvm, home.classpath(), "org.apache.spark.deploy.SparkSubmit",
                args, cluster.environment(),
                dir.resolve("driver-" + name + ".log"));
    }

    /** One executor per worker ran the Ember application, and each logged Ember's start on its device. */
    private static void assertExecutorsLoadedEmber(StandaloneCluster cluster, String appId) throws IOException {
        List<Path> executors = cluster.executorDirs(appId);
        assertThat(executors).as("executors of %s (one per worker; more means one died and was replaced)", appId)
                .hasSize(2);
        for (Path executor : executors) {
            List<String> lines = Files.readAllLines(executor.resolve("stderr"), StandardCharsets.UTF_8);
            assertThat(lines).as("stderr of executor %s", executor).anyMatch(l -> EMBER_STARTED.matcher(l).find());
            assertThat(lines).as("Ember's warnings and errors in executor %s", executor)
                    .noneMatch(l -> (l.contains(" WARN ") || l.contains(" ERROR ")) && l.contains("Ember"));
        }
    }

    private static void assertExecutorsWithoutEmber(StandaloneCluster cluster, String appId) throws IOException {
        List<Path> executors = cluster.executorDirs(appId);
        assertThat(executors).as("executors of %s", appId).isNotEmpty();
        for (Path executor : executors) {
            assertThat(Files.readString(executor.resolve("stderr"), StandardCharsets.UTF_8))
                    .as("stderr of executor %s of the plain run", executor).doesNotContain("Ember");
        }
    }

    /** The one application that appeared in the workers' work directories since {@code before}. */
    private static String newApplication(StandaloneCluster cluster, List<Path> before) throws IOException {
        List<String> apps = cluster.applicationDirs().stream().filter(p -> !before.contains(p))
                .map(p -> p.getFileName().toString()).distinct().toList();
        assertThat(apps).as("new applications in the workers' work directories").hasSize(1);
        return apps.get(0);
    }

    private static void awaitFile(Path file, ChildJava process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive()) {
                throw new AssertionError(process + " exited before creating " + file + "; its log ends with:\n"
                        + process.logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(process + " did not create " + file + " within " + timeout
                        + "; its log ends with:\n" + process.logTail());
            }
            Http.pause(Duration.ofMillis(200));
        }
    }

    private static Path freshDir(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir).toAbsolutePath();
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
