package dev.ember.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a user's application jar from its sources, compiled against Spark's jars alone (so it cannot
 * depend on Ember), as a user's build would.
 */
final class AppJar {
    private AppJar() {}

    /** Compiles the {@code .java} files under {@code sources} against {@code home}'s jars into {@code jar}. */
    static Path build(Path sources, SparkHome home, String mainClass, Path workDir, Path jar) throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.walk(sources)) {
            files = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted().toList();
        }
        assertThat(files).as("application sources under %s", sources).isNotEmpty();
        Path classes = Files.createDirectories(workDir.resolve("app-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("the JDK's compiler (the tests need a JDK, not a JRE)").isNotNull();
        List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-nowarn", "-d", classes.toString(),
                "-classpath", String.join(File.pathSeparator, home.jars().stream().map(Path::toString).toList())));
        args.addAll(files);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
        assertThat(rc).as("javac of %s against Spark's jars:\n%s", sources, errors.toString(StandardCharsets.UTF_8))
                .isZero();

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                Stream<Path> s = Files.walk(classes)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
