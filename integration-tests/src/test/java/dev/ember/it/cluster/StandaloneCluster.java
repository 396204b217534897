package dev.ember.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: one master and {@code workers} workers of one core each, each
 * a plain Java process on {@code SPARK_HOME/jars}, on free ports. Closing it kills every process it
 * started with its descendants (the executors), also when the test JVM exits early.
 */
final class StandaloneCluster implements AutoCloseable {

    private final List<ChildJava> processes = new ArrayList<>();
    private final List<Path> workDirs = new ArrayList<>();
    private final Thread killer = new Thread(this::close, "kill-standalone-cluster");
    private Map<String, String> environment;
    private Path localDir;
    private int masterPort;
    private int masterWebPort;

    private StandaloneCluster() {}

    /** Starts the master and the workers and waits (at most {@code timeout}) until every worker is registered. */
    static StandaloneCluster start(SparkHome home, Path dir, int workers, String workerMemory, Duration timeout)
            throws IOException {
        StandaloneCluster cluster = new StandaloneCluster();
        Runtime.getRuntime().addShutdownHook(cluster.killer);
        try {
            cluster.launch(home, dir, workers, workerMemory);
            cluster.awaitWorkers(workers, timeout);
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void launch(SparkHome home, Path dir, int workers, String workerMemory) throws IOException {
        localDir = Files.createDirectories(dir.resolve("local"));
        // Without SPARK_SCALA_VERSION the workers' executors fail with "Cannot find any build directories".
        environment = Map.of("SPARK_HOME", home.root().toString(), "SPARK_SCALA_VERSION", "2.13",
                "SPARK_LOCAL_DIRS", localDir.toString());
        List<String> daemonJvm = List.of("-Xmx256m", "-Djava.io.tmpdir=" + localDir);
        masterPort = ChildJava.freePort();
        masterWebPort = ChildJava.freePort();
        processes.add(ChildJava.start("master", daemonJvm, home.classpath(), "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port",
                        String.valueOf(masterWebPort)),
                environment, dir.resolve("master.log")));
        for (int i = 0; i < workers; i++) {
            Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
            workDirs.add(workDir);
            processes.add(ChildJava.start("worker-" + i, daemonJvm, home.classpath(),
                    "org.apache.spark.deploy.worker.Worker",
                    List.of(masterUrl(), "--host", "127.0.0.1", "--webui-port", String.valueOf(ChildJava.freePort()),
                            "--cores", "1", "--memory", workerMemory, "--work-dir", workDir.toString()),
                    environment, dir.resolve("worker-" + i + ".log")));
        }
    }

    private void awaitWorkers(int workers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "(no answer)";
        while (System.nanoTime() < deadline) {
            for (ChildJava p : processes) {
                if (!p.isAlive()) {
                    throw new AssertionError(p + " exited while the cluster started; its log ends with:\n" + p.logTail());
                }
            }
            try {
                JsonNode master = Http.getJson("http://127.0.0.1:" + masterWebPort + "/json/");
                long alive = Http.elements(master.path("workers")).stream()
                        .filter(w -> w.path("state").asText().equals("ALIVE")).count();
                if (alive == workers) {
                    return;
                }
                state = alive + " alive workers";
            } catch (IOException e) {
                state = e.toString();
            }
            Http.pause(Duration.ofMillis(250));
        }
        throw new AssertionError("the standalone cluster did not have " + workers + " alive workers within " + timeout
                + " (last: " + state + "); the master's log ends with:\n" + processes.get(0).logTail());
    }

    /** The environment of the cluster's processes, for drivers too: SPARK_HOME, and scratch space in the test's directory. */
    Map<String, String> environment() {
        return environment;
    }

    /** The scratch directory of the cluster's processes (SPARK_LOCAL_DIRS and java.io.tmpdir). */
    Path localDir() {
        return localDir;
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** The application directories ({@code app-*}) in the workers' work directories, sorted. */
    List<Path> applicationDirs() throws IOException {
        List<Path> apps = new ArrayList<>();
        for (Path workDir : workDirs) {
            try (Stream<Path> s = Files.list(workDir)) {
                s.filter(p -> p.getFileName().toString().startsWith("app-")).forEach(apps::add);
            }
        }
        apps.sort(null);
        return apps;
    }

    /** The executor directories of one application on every worker (each holds the executor's stderr). */
    List<Path> executorDirs(String appId) throws IOException {
        List<Path> executors = new ArrayList<>();
        for (Path workDir : workDirs) {
            Path app = workDir.resolve(appId);
            if (Files.isDirectory(app)) {
                try (Stream<Path> s = Files.list(app)) {
                    s.filter(Files::isDirectory).forEach(executors::add);
                }
            }
        }
        executors.sort(null);
        return executors;
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        if (Thread.currentThread() != killer) {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down, and the hook runs this close again: harmless.
            }
        }
    }
}
