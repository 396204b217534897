package dev.ember.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.kernels.KernelResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drop-in jar holds Ember, its kernels and JCuda's driver binding with its native library, and
 * nothing Spark already ships.
 */
class TestDropInJar {
    private static List<String> entries;

    @BeforeAll
    static void readJar() throws IOException {
        Path jar = Path.of(System.getProperty("ember.dropInJar", "plugin/target/ember-spark_2.13.jar"));
        assertThat(jar).as("the drop-in jar (built by the plugin module's package phase: run mvn verify from the root)")
                .exists();
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(ZipEntry::getName).toList();
        }
        assertThat(Files.size(jar)).isPositive();
    }

    @Test
    void holdsEmberAndItsEntryPoints() {
        assertThat(entries).contains(
                "dev/ember/spark/EmberPlugin.class",
                "dev/ember/spark/EmberSessionExtensions.class",
                "dev/ember/cuda/Device.class",
                "dev/ember/kernels/KernelResources.class",
                "dev/ember/shims/spark35/Spark35Shims.class",
                "META-INF/services/dev.ember.shims.SparkShims");
    }

    @Test
    void holdsEveryCompiledKernelFamily() {
        List<String> families = KernelResources.entryPoints().stream().map(KernelResources.EntryPoint::family)
                .distinct().toList();
        if (KernelResources.present()) {
            assertThat(families).isNotEmpty();
            assertThat(entries).contains("dev/ember/kernels/entry-points.txt");
        }
        for (String family : families) {
            assertThat(entries).contains("dev/ember/kernels/" + family + ".fatbin");
        }
    }

    @Test
    void holdsJCudaDriverBindingAndOnlyItsNativeLibrary() {
        assertThat(entries).contains("jcuda/driver/JCudaDriver.class", "lib/libJCudaDriver-12.6.0-linux-x86_64.so");
        assertThat(entries.stream().filter(e -> e.startsWith("lib/")).filter(e -> !e.endsWith("/")))
                .containsExactly("lib/libJCudaDriver-12.6.0-linux-x86_64.so");
    }

    @Test
    void holdsNothingSparkShips() {
        assertThat(entries).noneMatch(e -> e.startsWith("org/apache/spark/"))
                .noneMatch(e -> e.startsWith("scala/"))
                .noneMatch(e -> e.startsWith("org/apache/arrow/"))
                .noneMatch(e -> e.startsWith("org/slf4j/"))
                .noneMatch(e -> e.startsWith("io/netty/"))
                .noneMatch(e -> e.startsWith("org/junit/"));
        assertThat(entries).allMatch(e -> e.equals("dev/") || e.startsWith("dev/ember/") || e.startsWith("jcuda/") || e.startsWith("lib/")
                || e.startsWith("META-INF/"), "only Ember, JCuda and metadata");
    }
}
