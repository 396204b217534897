package dev.ember.cuda.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Without a GPU: every conformance case runs on the emulation at every size of {@link
 * ConformanceCases#SIZES}, twice with the same seed, and must give the same bytes and close every
 * buffer it allocated. The GPU comparison relies on both, so a case that reads uninitialized memory,
 * depends on anything but its seed or leaks is caught here, in CI. The largest size runs only for
 * the families whose emulation is quick at a million rows; the GPU run covers it for the others.
 */
class TestConformanceCases {
    /** Sizes up to this run for every case. */
    private static final int SMALL = 100_000;

    /** The cases that also run at the sizes above {@link #SMALL}. */
    private static List<ConformanceCase> largeSizesToo() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.addAll(GatherConformance.cases());
        cases.addAll(ScatterConformance.cases());
        cases.addAll(CopyConformance.cases());
        cases.addAll(BitmapConformance.cases());
        cases.addAll(ScanConformance.cases());
        cases.addAll(CompactConformance.cases());
        cases.addAll(StringConformance.cases());
        cases.addAll(StringCompareConformance.cases());
        cases.addAll(HashConformance.cases().stream().filter(c -> c.name().contains("STRING")).toList());
        cases.addAll(StringFunctionConformance.cases());
        cases.addAll(StringCastConformance.cases());
        return cases;
    }

    /**
     * After each case's sizes, also checks that the case launched every kernel it lists: a case
     * whose inputs never reach a kernel (say, join keys that never match) compares nothing for it.
     */
    @TestFactory
    List<DynamicTest> casesAreDeterministicAndCloseTheirBuffersOnTheEmulation() {
        List<String> large = largeSizesToo().stream().map(ConformanceCase::name).toList();
        List<DynamicTest> tests = new ArrayList<>();
        for (ConformanceCase c : ConformanceCases.all()) {
            KernelRecordingDevice device = new KernelRecordingDevice(TestDevices.emulated());
            for (int n : ConformanceCases.SIZES) {
                if (n <= SMALL || large.contains(c.name())) {
                    tests.add(DynamicTest.dynamicTest(c.name() + " n=" + n, () -> check(device, c, n)));
                }
            }
            tests.add(DynamicTest.dynamicTest(c.name() + " launches all its kernels", () -> assertThat(
                    device.launched()).as("kernels %s launched", c.name()).containsAll(c.kernels())));
        }
        return tests;
    }

    private static void check(Device device, ConformanceCase c, int n) {
        long liveBefore = device.poolStats().liveAllocations();
        long seed = 0x5eedL * (n + 1);
        List<byte[]> first = c.run(device, seed, n);
        List<byte[]> second = c.run(device, seed, n);
        assertThat(device.poolStats().liveAllocations()).as("%s at n=%d closes its buffers", c.name(), n)
                .isEqualTo(liveBefore);
        assertThat(first).as("%s at n=%d returns outputs", c.name(), n).isNotEmpty();
        assertThat(second).as("%s at n=%d", c.name(), n).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).as("%s output %d at n=%d", c.name(), i, n).isEqualTo(first.get(i));
        }
    }
}
