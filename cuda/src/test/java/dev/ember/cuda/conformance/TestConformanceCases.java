package dev.ember.cuda.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Without a GPU: every conformance case runs on the emulation, and twice with the same seed gives the
 * same bytes. The GPU comparison relies on both, so a case that reads uninitialized memory or
 * depends on anything but its seed is caught here, in CI.
 */
class TestConformanceCases {
    private static final int[] SIZES = {0, 1, 33, 257};

    @TestFactory
    List<DynamicTest> casesAreDeterministicOnTheEmulation() {
        Device device = TestDevices.emulated();
        List<DynamicTest> tests = new ArrayList<>();
        for (ConformanceCase c : ConformanceCases.all()) {
            for (int n : SIZES) {
                tests.add(DynamicTest.dynamicTest(c.name() + " n=" + n, () -> {
                    List<byte[]> first = c.run(device, 42 + n, n);
                    List<byte[]> second = c.run(device, 42 + n, n);
                    assertThat(first).isNotEmpty();
                    assertThat(second).hasSameSizeAs(first);
                    for (int i = 0; i < first.size(); i++) {
                        assertThat(second.get(i)).as("output %d", i).isEqualTo(first.get(i));
                    }
                }));
            }
        }
        return tests;
    }
}
