package dev.ember.cuda.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * Runs every conformance case on the CUDA device and on the emulation with the same fresh random
 * inputs at every size of {@link ConformanceCases#SIZES}, and requires byte-identical outputs. Where
 * no GPU is usable it is skipped with one printed reason, unless {@code -Dember.conformance.required=true}
 * (the GPU run sets it) turns that into a failure. {@code -Dember.conformance.seed=N} replays a run.
 */
class TestKernelConformance {
    private static final long SEED = Long.getLong("ember.conformance.seed", System.nanoTime());
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
            for (int n : ConformanceCases.SIZES) {
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
    static void summary() {
        if (RUN.get() > 0) {
            System.out.printf("[conformance] %d of %d case-size runs equal (%d cases x %d sizes); seed %d%n",
                    PASSED.get(), RUN.get(), ConformanceCases.all().size(), ConformanceCases.SIZES.length, SEED);
        }
    }
}
