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
 * The hash join conformance cases run on the emulated device at every size except the largest
 * (kept out of CI for time; the GPU run covers it) and depend only on their seed.
 */
class TestHashJoinCases {
    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        List<ConformanceCase> all = new ArrayList<>(HashJoinConformance.cases());
        for (ConformanceCase c : all) {
            for (int n : ConformanceCases.SIZES) {
                if (n <= 100_000) {
                    args.add(Arguments.of(c.name(), n, c));
                }
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
