package dev.ember.cuda.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ember.cuda.Devices;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TestJCudaNatives {
    @Test
    void extractsIntoAFreshOwnerOnlyDirectory() throws IOException {
        Path dir = JCudaNatives.extract();
        assertThat(dir).as("the linux-x86_64 natives jar is on the test class path").isNotNull();
        Path other = null;
        try {
            Path file = dir.resolve(JCudaNatives.LIBRARY_FILE);
            assertThat(dir.getFileName().toString()).startsWith("ember-jcuda-");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            try (InputStream in = JCudaNatives.class.getResourceAsStream("/lib/" + JCudaNatives.LIBRARY_FILE)) {
                assertThat(Files.readAllBytes(file)).isEqualTo(in.readAllBytes());
            }
            other = JCudaNatives.extract();
            assertThat(other).as("every extraction gets its own directory").isNotEqualTo(dir);
        } finally {
            JCudaNatives.deleteQuietly(dir);
            if (other != null) {
                JCudaNatives.deleteQuietly(other);
            }
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void detectionLeavesNoLibraryUnderTheSharedName() throws IOException {
        String tmpdir = System.getProperty("java.io.tmpdir");
        Path extractionParent = extractionParent();

        Devices.cudaStatus();
        Throwable first = catchThrowable(JCudaNatives::load);
        Throwable second = catchThrowable(JCudaNatives::load);

        assertThat(System.getProperty("java.io.tmpdir")).as("java.io.tmpdir is restored").isEqualTo(tmpdir);
        assertThat(Path.of(tmpdir).resolve(JCudaNatives.LIBRARY_FILE)).doesNotExist();
        assertThat(extractionParent.resolve(JCudaNatives.LIBRARY_FILE)).doesNotExist();
        assertThat(leftovers(extractionParent)).as("private directories are deleted after loading").isEmpty();
        assertThat(second).as("the first outcome is remembered").isSameAs(first);
        assertThat(JCudaNatives.loaded()).isEqualTo(first == null);
        if (first != null) {
            assertThat(first).isInstanceOf(LinkageError.class);
        }
    }

    /** Where {@code Files.createTempDirectory} puts directories in this JVM. */
    private static Path extractionParent() throws IOException {
        Path probe = JCudaNatives.extract();
        try {
            return probe.getParent();
        } finally {
            JCudaNatives.deleteQuietly(probe);
        }
    }

    private static List<Path> leftovers(Path parent) throws IOException {
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("ember-jcuda-")).toList();
        }
    }
}
