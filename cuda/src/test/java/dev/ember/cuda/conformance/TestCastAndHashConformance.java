package dev.ember.cuda.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without a GPU the cast and hash conformance cases still run on the emulated device at the small
 * sizes: they must complete, give the same bytes for the same seed, and react to the seed.
 */
class TestCastAndHashConformance {
    private final Device emulated = TestDevices.emulated();

    @Test
    void casesRunAndAreDeterministic() {
        List<ConformanceCase> cases = new ArrayList<>(CastConformance.cases());
        cases.addAll(HashConformance.cases());
        for (ConformanceCase c : cases) {
            for (int n : new int[] {0, 1, 31, 257}) {
                List<byte[]> first = c.run(emulated, 11, n);
                List<byte[]> again = c.run(emulated, 11, n);
                assertThat(again).as("%s at n=%d", c.name(), n).hasSameSizeAs(first);
                for (int i = 0; i < first.size(); i++) {
                    assertThat(again.get(i)).as("%s at n=%d, output %d", c.name(), n, i).isEqualTo(first.get(i));
                }
            }
            List<byte[]> a = c.run(emulated, 1, 257);
            List<byte[]> b = c.run(emulated, 2, 257);
            boolean differs = false;
            for (int i = 0; i < a.size(); i++) {
                differs |= !java.util.Arrays.equals(a.get(i), b.get(i));
            }
            assertThat(differs).as("%s depends on its seed", c.name()).isTrue();
        }
    }
}
