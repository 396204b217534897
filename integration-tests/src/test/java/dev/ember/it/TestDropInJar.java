package dev.ember.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.kernel.KernelCatalog;
import dev.ember.cuda.kernel.KernelFamily;
import dev.ember.kernels.KernelResources;
import dev.ember.shims.SparkShims;
import dev.ember.spark.EmberPlugin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drop-in jar holds every class of Ember's modules, every compiled kernel family and JCuda's
 * driver binding with its native library, and nothing Spark already ships: an executor that loads it
 * next to Spark's own jars gets no second copy of any library.
 */
class TestDropInJar {
    private static final String SPARK35_SHIMS = "dev.ember.shims.spark35.Spark35Shims";
    private static final String JCUDA_NATIVE = "lib/libJCudaDriver-12.6.0-linux-x86_64.so";

    private static Path jar;
    private static Map<String, byte[]> entries;

    @BeforeAll
    static void readJar() throws IOException {
        jar = Path.of(System.getProperty("ember.dropInJar", "plugin/target/ember-spark_2.13.jar"));
        assertThat(jar).as("the drop-in jar (built by the plugin module's package phase: run mvn verify from the root)")
                .exists();
        entries = readEntries(jar);
        assertThat(entries).isNotEmpty();
    }

    @Test
    void holdsEmberEntryPoints() {
        assertThat(entries).containsKeys(
                "dev/ember/spark/EmberPlugin.class",
                "dev/ember/spark/EmberSessionExtensions.class",
                "dev/ember/cuda/Device.class",
                "dev/ember/kernels/KernelResources.class",
                "dev/ember/shims/spark35/Spark35Shims.class",
                "META-INF/services/dev.ember.shims.SparkShims");
        assertThat(new String(entries.get("META-INF/services/dev.ember.shims.SparkShims")).trim())
                .isEqualTo(SPARK35_SHIMS);
    }

    /** Every class of every Ember module (as the build packaged it) is in the jar, byte for byte. */
    @Test
    void holdsEveryClassOfEveryEmberModule() throws IOException, ClassNotFoundException {
        for (Class<?> anchor : List.of(EmberPlugin.class, Device.class, KernelResources.class, SparkShims.class,
                Class.forName(SPARK35_SHIMS))) {
            Map<String, byte[]> classes = classesOf(anchor);
            assertThat(classes).as("classes of the module of %s", anchor.getName()).isNotEmpty();
            classes.forEach((name, bytes) -> assertThat(entries.get(name))
                    .as("%s (module of %s) in %s", name, anchor.getSimpleName(), jar).isEqualTo(bytes));
        }
    }

    /**
     * When the build compiled kernels (nvcc present), every family of the kernel catalog is in the jar
     * with the bytes the gpu-kernels module built; without nvcc, neither holds any.
     */
    @Test
    void holdsEveryCompiledKernelFamily() {
        List<String> fatbins = entries.keySet().stream().filter(e -> e.endsWith(".fatbin")).sorted().toList();
        if (!KernelResources.present()) {
            assertThat(fatbins).as("the gpu-kernels module was built without nvcc: no kernels to bundle").isEmpty();
            assertThat(entries).doesNotContainKey("dev/ember/kernels/entry-points.txt");
            return;
        }
        List<String> families = KernelCatalog.families().stream().map(KernelFamily::name).toList();
        assertThat(families).isNotEmpty();
        assertThat(fatbins).containsExactlyInAnyOrderElementsOf(
                families.stream().map(f -> "dev/ember/kernels/" + f + ".fatbin").toList());
        for (String family : families) {
            assertThat(entries.get("dev/ember/kernels/" + family + ".fatbin")).as("fatbin of %s", family)
                    .isEqualTo(KernelResources.fatbin(family).orElseThrow());
        }
        assertThat(entries).containsKey("dev/ember/kernels/entry-points.txt");
    }

    @Test
    void holdsJCudaDriverBindingAndOnlyItsNativeLibrary() {
        assertThat(entries).containsKeys("jcuda/driver/JCudaDriver.class", "jcuda/driver/CUmodule.class",
                "jcuda/Pointer.class", "jcuda/LibUtils.class", JCUDA_NATIVE);
        assertThat(entries.get(JCUDA_NATIVE).length).as("JCuda's driver native library").isGreaterThan(100_000);
        assertThat(entries.keySet().stream().filter(e -> e.startsWith("lib/")).filter(e -> !e.endsWith("/")))
                .containsExactly(JCUDA_NATIVE);
    }

    @Test
    void holdsNothingSparkShips() {
        List<String> shippedBySpark = List.of("org/apache/spark/", "scala/", "org/apache/arrow/", "org/apache/hadoop/",
                "org/apache/parquet/", "shaded/parquet/", "org/apache/orc/", "org/apache/avro/", "org/slf4j/",
                "org/apache/log4j/", "org/apache/logging/", "com/fasterxml/", "io/netty/", "com/google/",
                "org/apache/commons/", "org/json4s/", "org/roaringbitmap/", "com/esotericsoftware/", "org/xerial/",
                "com/github/luben/", "net/razorvine/", "org/glassfish/", "javax/", "jakarta/", "org/junit/",
                "org/assertj/", "io/trino/");
        for (String prefix : shippedBySpark) {
            assertThat(entries.keySet()).as("entries under %s", prefix)
                    .noneMatch(e -> e.startsWith(prefix) && !isEmberInSparkPackage(e));
        }
        assertThat(entries.keySet()).allMatch(TestDropInJar::emberOrJCuda,
                "only Ember, JCuda, JCuda's driver library and their metadata");
    }

    /**
     * Ember's exchange nodes: Scala subclasses of Spark's {@code Exchange} in a package of Ember's own under
     * Spark's ({@code org.apache.spark.sql.ember}), as the members they override are {@code private[spark]}.
     */
    private static boolean isEmberInSparkPackage(String entry) {
        return entry.startsWith("org/apache/spark/sql/ember/") || List.of("org/", "org/apache/", "org/apache/spark/",
                "org/apache/spark/sql/").contains(entry);
    }

    private static boolean emberOrJCuda(String entry) {
        if (isEmberInSparkPackage(entry)) {
            return true;
        }
        if (entry.equals("dev/") || entry.startsWith("dev/ember/") || entry.startsWith("jcuda/")
                || entry.equals("lib/") || entry.equals(JCUDA_NATIVE)) {
            return true;
        }
        return entry.equals("META-INF/") || entry.equals("META-INF/MANIFEST.MF") || entry.equals("META-INF/maven/")
                || entry.startsWith("META-INF/maven/dev.ember/") || entry.startsWith("META-INF/maven/org.jcuda/")
                || entry.equals("META-INF/services/") || entry.startsWith("META-INF/services/dev.ember.");
    }

    private static Map<String, byte[]> readEntries(Path path) throws IOException {
        Map<String, byte[]> result = new LinkedHashMap<>();
        try (JarFile file = new JarFile(path.toFile())) {
            for (ZipEntry e : file.stream().toList()) {
                result.put(e.getName(), file.getInputStream(e).readAllBytes());
            }
        }
        return result;
    }

    /** The class files of the module (jar or classes directory) {@code type} was loaded from. */
    private static Map<String, byte[]> classesOf(Class<?> type) throws IOException {
        Path location;
        try {
            location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the module of " + type.getName(), e);
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    classes.put(location.relativize(f).toString().replace('\\', '/'), readAll(f));
                }
            }
        } else {
            readEntries(location).forEach((name, bytes) -> {
                if (name.endsWith(".class")) {
                    classes.put(name, bytes);
                }
            });
        }
        return classes;
    }

    private static byte[] readAll(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
