package dev.ember.cuda.testing;

import dev.ember.cuda.memory.LeakTracker;
import dev.ember.cuda.memory.ResourceKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves device, pinned or host column memory open, or during which the leak
 * tracker's cleaner found a leaked resource. The failure lists every leaked resource with its
 * allocation stack; the leaked resources are then released so later tests start clean.
 *
 * <p>Resources created by a test (after its {@code @BeforeEach} callbacks start) must be closed by
 * the end of its {@code @AfterEach} methods; resources created in {@code @BeforeAll} by the end of
 * {@code @AfterAll}. Tests must not run in parallel (resources of a concurrent test would be blamed).
 *
 * <p>Registered for every test of the cuda module by autodetection ({@code
 * junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties} and
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}, both in the cuda test-jar).
 * Another module enables it by depending on {@code ember-cuda} with {@code <type>test-jar</type>}
 * (test scope): the service file comes with the jar, and the test-jar's {@code
 * junit-platform.properties} switches autodetection on unless the module has its own such file, in
 * which case that file needs the same line (JUnit reads only the first one on the class path). A
 * single class can also use {@code @ExtendWith(LeakCheckExtension.class)}.
 *
 * <p>Allocation stacks are recorded from the first test on, unless {@code
 * -Dember.memory.trackStacks=false}.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** The kinds checked: memory. Streams and other handles are not. */
    public static final Set<ResourceKind> CHECKED_KINDS =
            EnumSet.of(ResourceKind.DEVICE_MEMORY, ResourceKind.PINNED_MEMORY, ResourceKind.HOST_MEMORY);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheckExtension.class);
    private static final String FIRST_ID = "firstId";
    /** Cleaner-found leaks already blamed on a test, so each fails exactly one test. */
    private static final AtomicLong BLAMED_CLEANER_LEAKS = new AtomicLong();

    static {
        if (!"false".equals(System.getProperty("ember.memory.trackStacks"))) {
            LeakTracker.setTrackStacks(true);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        remember(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        remember(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(context, "test");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context, "test class (resources created in @BeforeAll and not closed in @AfterAll)");
    }

    private static void remember(ExtensionContext context) {
        context.getStore(NAMESPACE).put(FIRST_ID, LeakTracker.lastId() + 1);
    }

    private static void check(ExtensionContext context, String scope) {
        Long firstId = context.getStore(NAMESPACE).get(FIRST_ID, Long.class);
        long from = firstId == null ? Long.MAX_VALUE : firstId;
        List<LeakTracker.Entry> leaked =
                LeakTracker.live(e -> e.id() >= from && CHECKED_KINDS.contains(e.kind()));
        long cleanerLeaks = blameCleanerLeaks();
        if (leaked.isEmpty() && cleanerLeaks == 0) {
            return;
        }
        StringBuilder message = new StringBuilder();
        if (!leaked.isEmpty()) {
            message.append("The ").append(scope).append(" leaked ").append(leaked.size())
                    .append(leaked.size() == 1 ? " resource" : " resources")
                    .append(" (close every buffer, column and table it allocates, e.g. with try-with-resources;"
                            + " the leak check has released them now):");
            for (LeakTracker.Entry e : leaked) {
                message.append("\n  ").append(describe(e));
                LeakTracker.forceRelease(e.id());
            }
        }
        if (cleanerLeaks > 0) {
            if (message.length() > 0) {
                message.append('\n');
            }
            message.append("The leak tracker's cleaner found ").append(cleanerLeaks)
                    .append(" unreachable resource(s) that were never closed while this ").append(scope)
                    .append(" ran (possibly leaked by an earlier test); their allocation stacks are in the log"
                            + " (\"Leaked ...\" from dev.ember.cuda.memory.LeakTracker).");
        }
        throw new AssertionError(message.toString());
    }

    /** Cleaner-found leaks not yet blamed on any test; blames them on the caller. */
    private static long blameCleanerLeaks() {
        while (true) {
            long blamed = BLAMED_CLEANER_LEAKS.get();
            long found = LeakTracker.leaksDetected();
            if (found <= blamed) {
                return 0;
            }
            if (BLAMED_CLEANER_LEAKS.compareAndSet(blamed, found)) {
                return found - blamed;
            }
        }
    }

    /** The entry and its allocation stack, from the first frame outside the tracker to the test method. */
    static String describe(LeakTracker.Entry e) {
        StringBuilder sb = new StringBuilder()
                .append(e.kind()).append(' ').append(e.description())
                .append(" (").append(e.bytes()).append(" bytes, id ").append(e.id()).append(')');
        if (e.allocatedAt() == null) {
            return sb.append(" [no allocation stack: it was allocated before stack tracking was enabled]").toString();
        }
        boolean started = false;
        for (StackTraceElement frame : e.allocatedAt().getStackTrace()) {
            String cls = frame.getClassName();
            if (!started && cls.startsWith("dev.ember.cuda.memory.")) {
                continue;
            }
            started = true;
            if (cls.startsWith("org.junit.") || cls.startsWith("jdk.internal.reflect.") || cls.startsWith("java.lang.reflect.")) {
                break;
            }
            sb.append("\n      at ").append(frame);
        }
        return sb.toString();
    }
}
