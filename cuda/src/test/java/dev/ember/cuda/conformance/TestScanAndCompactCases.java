package dev.ember.cuda.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scan and compaction conformance cases run on the emulated device at every conformance size and
 * are deterministic in their seed: the comparison with a GPU is only meaningful if both sides see the
 * same inputs and the cases themselves size their buffers right.
 */
class TestScanAndCompactCases {
    static Stream<Arguments> cases() {
        List<ConformanceCase> ours = new ArrayList<>();
        ours.addAll(ScanConformance.cases());
        ours.addAll(CompactConformance.cases());
        List<Arguments> args = new ArrayList<>();
        for (ConformanceCase c : ours) {
            for (int n : ConformanceCases.SIZES) {
                args.add(Arguments.of(c.name(), n, c));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("cases")
    void runsOnTheEmulationAndDependsOnlyOnTheSeed(String name, int n, ConformanceCase c) {
        Device emulated = TestDevices.emulated();
        List<byte[]> first = c.run(emulated, 42L + n, n);
        List<byte[]> second = c.run(emulated, 42L + n, n);
        assertThat(first).isNotEmpty();
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).as("output %d of %s", i, name).isEqualTo(first.get(i));
        }
    }
}
