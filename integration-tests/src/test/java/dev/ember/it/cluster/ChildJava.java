package dev.ember.it.cluster;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Java child process of the test (a Spark master, worker or driver) with its output in a log file,
 * bounded waits, and a kill of its whole process tree (a worker's executors included).
 */
final class ChildJava implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildJava(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java jvmOptions -cp classpath mainClass args} with {@code SPARK_LOCAL_IP=127.0.0.1} and
     * {@code env} added to the test's environment, stdout and stderr going to {@code log}.
     */
    static ChildJava start(String name, List<String> jvmOptions, String classpath, String mainClass, List<String> args,
            Map<String, String> env, Path log) {
        requireNonNull(name, "name is null");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        try {
            return new ChildJava(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** The JVM options of Spark's drivers on JDK 17 (the --add-opens list the build passes as ember.jvmOpens). */
    static List<String> sparkJvmOptions() {
        String opens = System.getProperty("ember.jvmOpens", "").trim();
        if (opens.isEmpty()) {
            throw new IllegalStateException("system property ember.jvmOpens (Spark's --add-opens list) is not set: "
                    + "run through Maven, whose surefire configuration sets it");
        }
        return Arrays.asList(opens.split("\\s+"));
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits at most {@code timeout} for the process to exit and returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not finish within " + timeout + "; its log ends with:\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
        return process.exitValue();
    }

    /** The last lines of the log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    Path log() {
        return log;
    }

    /** Kills the process and every descendant (descendants first, so none is orphaned), waiting briefly for them. */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        for (ProcessHandle p : tree) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // A process that outlives the wait still has the kill signal; the others are waited for.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
