package dev.ember.cuda.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.kernel.KernelCatalog;
import dev.ember.cuda.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * Runs every conformance case on the CUDA device (a GPU, or the simulator in the build) and on the
 * emulation with the same fresh random inputs at every size of {@link ConformanceCases#SIZES}, and
 * requires byte-identical outputs. Where no CUDA device is usable it is skipped with one printed reason,
 * unless {@code -Dember.conformance.required=true} (the simulator runs and the GPU run set it) turns that
 * into a failure. {@code -Dember.conformance.seed=N} replays a run's inputs.
 */
class TestKernelConformance {
    private static final long SEED = Long.getLong("ember.conformance.seed", System.nanoTime());
    /** {@code -Dember.conformance.only=REGEX}: only the cases whose name it finds (while debugging a kernel). */
    private static final Pattern ONLY = Pattern.compile(System.getProperty("ember.conformance.only", ""));
    /**
     * {@code -Dember.conformance.largest=N} replaces the largest size (1,000,003): the build's second run on
     * the simulator, which runs GPU threads one at a time, uses a smaller one to stay within its time.
     */
    private static final int[] SIZES = sizes(Integer.getInteger("ember.conformance.largest",
            ConformanceCases.SIZES[ConformanceCases.SIZES.length - 1]));
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger RUN = new AtomicInteger();

    @TestFactory
    List<DynamicTest> cudaMatchesEmulation() {
        Optional<Device> cuda = TestDevices.cuda();
        if (cuda.isEmpty()) {
            String reason = "kernel conformance needs a CUDA GPU: " + TestDevices.cudaUnavailableReason();
            if (Boolean.getBoolean("ember.conformance.required")) {
                throw new AssertionError(reason);
            }
            System.out.println("[conformance] skipped: " + reason);
            // One skipped test with the reason, rather than a silently empty factory.
            return List.of(DynamicTest.dynamicTest("CUDA device required", () -> {
                throw new TestAbortedException(reason);
            }));
        }
        Device gpu = cuda.get();
        Device emulated = TestDevices.emulated();
        System.out.println("[conformance] " + gpu.description() + "; seed " + SEED);
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (ConformanceCase c : ConformanceCases.all()) {
            if (!ONLY.matcher(c.name()).find()) {
                continue;
            }
            for (int n : SIZES) {
                long seed = SEED + 1_000_003L * index++;
                tests.add(DynamicTest.dynamicTest(c.name() + " n=" + n + " seed=" + seed, () -> {
                    RUN.incrementAndGet();
                    List<byte[]> expected = c.run(emulated, seed, n);
                    List<byte[]> actual = c.run(gpu, seed, n);
                    assertThat(actual).as("number of outputs").hasSameSizeAs(expected);
                    for (int i = 0; i < expected.size(); i++) {
                        assertEqualBytes(c.name() + " n=" + n + " output " + i, actual.get(i), expected.get(i));
                    }
                    PASSED.incrementAndGet();
                }));
            }
        }
        return tests;
    }

    private static int[] sizes(int largest) {
        int[] sizes = ConformanceCases.SIZES.clone();
        if (largest <= sizes[sizes.length - 2]) {
            throw new IllegalArgumentException("ember.conformance.largest must exceed " + sizes[sizes.length - 2]
                    + ", got " + largest);
        }
        sizes[sizes.length - 1] = largest;
        return sizes;
    }

    /** Names the first differing byte instead of printing megabytes of arrays. */
    private static void assertEqualBytes(String what, byte[] actual, byte[] expected) {
        assertThat(actual.length).as(what + ": length").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (actual[i] != expected[i]) {
                throw new AssertionError(String.format("%s: first difference at byte %d: CUDA 0x%02x, emulation 0x%02x",
                        what, i, actual[i], expected[i]));
            }
        }
    }

    @AfterAll
    static void summary() throws IOException {
        if (RUN.get() > 0) {
            System.out.printf("[conformance] %d of %d case-size runs equal (%d cases x %d sizes, up to %,d rows); seed %d%n",
                    PASSED.get(), RUN.get(), ConformanceCases.all().size(), SIZES.length, SIZES[SIZES.length - 1], SEED);
        }
        checkEveryKernelLaunched();
    }

    /**
     * On the CUDA simulator with a launch log ({@code EMBER_SIM_LAUNCH_LOG}), a passing case must mean its
     * kernels ran: every kernel of the catalog has to appear in the log once all cases passed, or a case's
     * inputs never reach the kernel it is meant to check (as when both sides of a join never share a key).
     */
    private static void checkEveryKernelLaunched() throws IOException {
        String log = System.getenv("EMBER_SIM_LAUNCH_LOG");
        if (log == null || log.isBlank() || RUN.get() == 0 || PASSED.get() != RUN.get() || !ONLY.pattern().isEmpty()) {
            return;
        }
        Set<String> launched = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of(log))) {
            String[] words = line.split(" ");
            if (words.length >= 2 && words[0].equals("launch")) {
                launched.add(words[1]);
            }
        }
        Set<String> missing = new TreeSet<>(KernelCatalog.all().keySet());
        missing.removeAll(launched);
        System.out.printf("[conformance] %d of %d catalog kernels launched on the CUDA device%n",
                KernelCatalog.all().size() - missing.size(), KernelCatalog.all().size());
        assertThat(missing).as("catalog kernels that no conformance case launched (launch log " + log + ")").isEmpty();
    }
}
