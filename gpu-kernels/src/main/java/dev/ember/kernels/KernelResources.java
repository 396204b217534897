package dev.ember.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Locates the compiled kernels packaged in this jar: one fatbin per kernel family and
 * {@code entry-points.txt}, which lists every {@code extern "C"} entry point with the byte size of
 * each of its parameters, as read from the PTX at build time.
 */
public final class KernelResources {
    private static final String ROOT = "/dev/ember/kernels/";

    private KernelResources() {}

    /** One kernel entry point as the build saw it. */
    public record EntryPoint(String family, String name, List<Integer> paramSizes) {
        public EntryPoint {
            paramSizes = List.copyOf(paramSizes);
        }
    }

    /** Whether this jar was built with nvcc, i.e. holds kernels. */
    public static boolean present() {
        return KernelResources.class.getResource(ROOT + "entry-points.txt") != null;
    }

    /** Every entry point in the packaged fatbins; empty when the jar was built without nvcc. */
    public static List<EntryPoint> entryPoints() {
        Optional<byte[]> bytes = read("entry-points.txt");
        if (bytes.isEmpty()) {
            return List.of();
        }
        List<EntryPoint> result = new ArrayList<>();
        for (String line : new String(bytes.get(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            List<Integer> sizes = parts[2].equals("-")
                    ? List.of()
                    : Arrays.stream(parts[2].split(",")).map(Integer::valueOf).toList();
            result.add(new EntryPoint(parts[0], parts[1], sizes));
        }
        return List.copyOf(result);
    }

    /** The fatbin of one family ({@code <family>.cu}), if packaged. */
    public static Optional<byte[]> fatbin(String family) {
        return read(family + ".fatbin");
    }

    private static Optional<byte[]> read(String name) {
        try (InputStream in = KernelResources.class.getResourceAsStream(ROOT + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel resource " + name, e);
        }
    }
}
