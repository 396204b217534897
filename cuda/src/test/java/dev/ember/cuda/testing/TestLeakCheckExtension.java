package dev.ember.cuda.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.memory.LeakTracker;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs small test classes that leak on purpose through a nested JUnit engine and checks what the
 * {@link LeakCheckExtension} made of them. Those classes are static nested classes, which surefire
 * never selects (it skips names containing {@code $}), and are also disabled by {@link
 * OnlyInSelfTest} unless the configuration parameter {@value #SELF_TEST} is set, which only the
 * engine requests below do; so an IDE or a wider test pattern skips them instead of failing.
 */
class TestLeakCheckExtension {
    static final String SELF_TEST = "ember.leakcheck.selfTest";

    private final Device device = TestDevices.device();

    /** Enables the deliberately leaking classes only inside this test's engine runs. */
    static final class OnlyInSelfTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(SELF_TEST).filter("true"::equals).isPresent()
                    ? ConditionEvaluationResult.enabled("run by TestLeakCheckExtension")
                    : ConditionEvaluationResult.disabled("leaks on purpose; runs only from TestLeakCheckExtension");
        }
    }

    @ExtendWith(OnlyInSelfTest.class)
    static class LeakingTests {
        static volatile long leakedBufferId;
        static volatile long leakedPinnedId;

        @Test
        void leaksADeviceBuffer() {
            DeviceBuffer leaked = TestDevices.device().allocate(96);
            leakedBufferId = leaked.trackingId();
        }

        @Test
        void leaksPinnedMemoryAndAHostColumn() {
            PinnedBuffer pinned = TestDevices.device().allocatePinned(48);
            leakedPinnedId = pinned.trackingId();
            HostColumn.fromInts(new int[] {1, 2, 3}, null);
        }

        @Test
        void closesEverything() {
            try (DeviceBuffer buffer = TestDevices.device().allocate(96);
                    HostColumn column = HostColumn.fromInts(new int[] {1, 2, 3}, null)) {
                assertThat(buffer.size()).isEqualTo(96);
                assertThat(column.rowCount()).isEqualTo(3);
            }
        }
    }

    @ExtendWith(OnlyInSelfTest.class)
    static class LeakingBeforeAll {
        static DeviceBuffer shared;

        @BeforeAll
        static void allocate() {
            shared = TestDevices.device().allocate(24);
        }

        @Test
        void usesTheSharedBuffer() {
            assertThat(shared.size()).isEqualTo(24);
        }
    }

    @ExtendWith(OnlyInSelfTest.class)
    static class CleanerTests {
        static volatile boolean cleanerReleasedIt;

        @Test
        void anUnreachableUnclosedBufferIsReportedAfterGc() throws InterruptedException {
            long before = LeakTracker.leaksDetected();
            long id = allocateAndDrop();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (isLive(id) && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(isLive(id)).as("the cleaner released the unreachable buffer").isFalse();
            assertThat(LeakTracker.leaksDetected()).isGreaterThan(before);
            cleanerReleasedIt = true;
        }

        private static long allocateAndDrop() {
            return TestDevices.device().allocate(40).trackingId();
        }
    }

    private static boolean isLive(long id) {
        return !LeakTracker.live(e -> e.id() == id).isEmpty();
    }

    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(testClass))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter(SELF_TEST, "true")
                .execute();
    }

    private static String failureMessage(Event event) {
        Optional<Throwable> thrown = event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable);
        assertThat(thrown).as("failure of " + event.getTestDescriptor().getDisplayName()).isPresent();
        return thrown.get().getMessage();
    }

    private static Event failedTest(EngineExecutionResults results, String method) {
        List<Event> failed = results.testEvents().failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().equals(method + "()"))
                .toList();
        assertThat(failed).as("failed events of " + method).hasSize(1);
        return failed.get(0);
    }

    @Test
    void failsTheLeakingTestsNamingTheirBuffersAndPassesTheCleanOne() {
        long usedBefore = device.poolStats().usedBytes();
        EngineExecutionResults results = run(LeakingTests.class);

        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(1).failed(2));
        assertThat(results.testEvents().succeeded().stream().map(e -> e.getTestDescriptor().getDisplayName()))
                .containsExactly("closesEverything()");

        String deviceLeak = failureMessage(failedTest(results, "leaksADeviceBuffer"));
        assertThat(deviceLeak)
                .contains("The test leaked 1 resource")
                .contains("DEVICE_MEMORY device buffer on " + TestDevices.device().kind().configValue() + " (96 bytes, id "
                        + LeakingTests.leakedBufferId + ")")
                .contains("at " + LeakingTests.class.getName() + ".leaksADeviceBuffer(");

        String pinnedLeak = failureMessage(failedTest(results, "leaksPinnedMemoryAndAHostColumn"));
        assertThat(pinnedLeak)
                .contains("The test leaked 2 resources")
                .contains("PINNED_MEMORY pinned host buffer (48 bytes, id " + LeakingTests.leakedPinnedId + ")")
                .contains("HOST_MEMORY host column int [3 rows]");

        // The leak check released what leaked: nothing of it is live, the pool is back where it was.
        assertThat(isLive(LeakingTests.leakedBufferId)).isFalse();
        assertThat(isLive(LeakingTests.leakedPinnedId)).isFalse();
        assertThat(device.poolStats().usedBytes()).isEqualTo(usedBefore);
    }

    @Test
    void failsTheClassWhenBeforeAllAllocatesWithoutClosing() {
        EngineExecutionResults results = run(LeakingBeforeAll.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1).failed(0));
        List<Event> failedContainers = results.containerEvents().failed().stream().toList();
        assertThat(failedContainers).hasSize(1);
        assertThat(failureMessage(failedContainers.get(0)))
                .contains("The test class")
                .contains("DEVICE_MEMORY device buffer on " + TestDevices.device().kind().configValue() + " (24 bytes")
                .contains("LeakingBeforeAll.allocate(");
    }

    @Test
    void failsTheTestDuringWhichTheCleanerFoundALeak() {
        CleanerTests.cleanerReleasedIt = false;
        EngineExecutionResults results = run(CleanerTests.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertThat(CleanerTests.cleanerReleasedIt).as("the test's own checks of the cleaner passed").isTrue();
        assertThat(failureMessage(failedTest(results, "anUnreachableUnclosedBufferIsReportedAfterGc")))
                .contains("cleaner found 1 unreachable resource(s) that were never closed");
    }
}
