package dev.ember.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * A {@code SPARK_HOME} as a standalone cluster needs it: {@code jars/} with Spark and its dependencies,
 * linked from the test's classpath (which Maven resolved from {@code spark-sql}), without Ember, JCuda or
 * the test libraries, so that only {@code --jars} can bring Ember to a job.
 */
record SparkHome(Path root, List<Path> jars) {
    /** Path segments (in the local Maven repository or the build) of classpath jars that are not Spark's. */
    private static final List<String> NOT_SPARK = List.of("/dev/ember/", "/org/jcuda/", "/org/junit/", "/org/opentest4j/",
            "/org/apiguardian/", "/org/assertj/", "/net/bytebuddy/", "/io/trino/", "/org/apache/maven/");

    SparkHome {
        jars = List.copyOf(jars);
    }

    /** Links the Spark jars of the test classpath into {@code root/jars}. */
    static SparkHome create(Path root) throws IOException {
        Path jarsDir = Files.createDirectories(root.resolve("jars"));
        List<Path> linked = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath();
            String unix = jar.toString().replace('\\', '/');
            if (!unix.endsWith(".jar") || !Files.isRegularFile(jar) || unix.contains("/target/")
                    || NOT_SPARK.stream().anyMatch(unix::contains)) {
                continue;
            }
            Path link = jarsDir.resolve(jar.getFileName());
            if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                link = jarsDir.resolve(linked.size() + "-" + jar.getFileName());
            }
            linked.add(Files.createSymbolicLink(link, jar));
        }
        SparkHome home = new SparkHome(root, linked);
        home.checkContents();
        return home;
    }

    /** The classpath of Spark's own processes ({@code jars/*}, as spark-class builds it). */
    String classpath() {
        return root.resolve("jars") + File.separator + "*";
    }

    private void checkContents() throws IOException {
        List<String> names = jars.stream().map(p -> p.getFileName().toString()).toList();
        assertThat(names).as("Spark's jars on the test classpath (java.class.path)")
                .anyMatch(n -> n.startsWith("spark-core_2.13-"))
                .anyMatch(n -> n.startsWith("spark-sql_2.13-"))
                .anyMatch(n -> n.startsWith("spark-launcher_2.13-"))
                .anyMatch(n -> n.startsWith("scala-library-"));
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                assertThat(file.stream().map(e -> e.getName()))
                        .as("entries of %s in SPARK_HOME: Ember must come only through --jars", jar)
                        .noneMatch(n -> n.startsWith("dev/ember/") || n.startsWith("jcuda/"));
            }
        }
    }
}
