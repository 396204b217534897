package dev.ember.cuda.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The string function and string cast conformance cases run on the emulated device at every size: inputs from the seed alone
 * (two runs give identical bytes), an output for every buffer, and every buffer closed.
 */
class TestStringFunctionCases {
    static Stream<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.addAll(StringFunctionConformance.cases());
        cases.addAll(StringCastConformance.cases());
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void runsDeterministicallyAtEverySizeAndClosesItsBuffers(ConformanceCase c) {
        Device device = TestDevices.emulated();
        for (int n : ConformanceCases.SIZES) {
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
}
