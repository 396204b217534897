package dev.ember.cuda.memory;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backstop for resources that are never closed. Every {@link RefCountedResource} registers here on
 * creation; closing it unregisters it. A resource that becomes unreachable while still registered
 * is a leak: a {@link Cleaner} logs it (with the allocation stack when
 * {@code -Dember.memory.trackStacks=true}) and releases its memory. Tests use {@link #live()} to
 * fail on resources still open after a test.
 */
public final class LeakTracker {
    private static final Logger LOG = LoggerFactory.getLogger(LeakTracker.class);
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong IDS = new AtomicLong();
    private static final AtomicLong LEAKS = new AtomicLong();
    private static final Map<Long, Entry> LIVE = new ConcurrentHashMap<>();
    /** The release handles of live resources; they never reference the owner, so the cleaner still works. */
    private static final Map<Long, State> STATES = new ConcurrentHashMap<>();
    private static volatile boolean trackStacks = Boolean.getBoolean("ember.memory.trackStacks");

    private LeakTracker() {}

    /** A live resource as the tracker sees it. */
    public record Entry(long id, ResourceKind kind, long bytes, String description, Throwable allocatedAt) {
        public String describe() {
            StringBuilder sb = new StringBuilder()
                    .append(kind).append(' ').append(description).append(" (").append(bytes).append(" bytes, id ").append(id).append(')');
            if (allocatedAt != null) {
                for (StackTraceElement e : allocatedAt.getStackTrace()) {
                    sb.append("\n        at ").append(e);
                }
            } else {
                sb.append(" [allocation stack: run with -Dember.memory.trackStacks=true]");
            }
            return sb.toString();
        }
    }

    /** Whether new registrations record their allocation stack. */
    public static void setTrackStacks(boolean enabled) {
        trackStacks = enabled;
    }

    /** Number of leaks found by the cleaner since start-up (resources collected while still open). */
    public static long leaksDetected() {
        return LEAKS.get();
    }

    /** Resources registered and not yet released, oldest first. */
    public static List<Entry> live() {
        List<Entry> entries = new ArrayList<>(LIVE.values());
        entries.sort((a, b) -> Long.compare(a.id(), b.id()));
        return entries;
    }

    public static List<Entry> live(Predicate<Entry> filter) {
        return live().stream().filter(filter).toList();
    }

    /** The largest id handed out so far; resources created later have larger ids. */
    public static long lastId() {
        return IDS.get();
    }

    /**
     * Releases a live resource whose owner failed to close it, as the cleaner would: for leak checks
     * in tests, so later tests start clean. The owner must not be used afterwards; closing it later
     * is harmless. Not counted in {@link #leaksDetected()}.
     *
     * @return whether the resource was still live
     */
    public static boolean forceRelease(long id) {
        State state = STATES.get(id);
        return state != null && state.releaseOnce() != null;
    }

    static Registration register(Object owner, ResourceKind kind, long bytes, String description, Runnable release) {
        long id = IDS.incrementAndGet();
        Entry entry = new Entry(id, kind, bytes, description, trackStacks ? new Throwable("allocated here") : null);
        LIVE.put(id, entry);
        State state = new State(id, release);
        STATES.put(id, state);
        Cleaner.Cleanable cleanable = CLEANER.register(owner, state);
        return new Registration(state, cleanable);
    }

    /** Releases once, whether closed explicitly or found leaked by the cleaner. */
    private static final class State implements Runnable {
        private final long id;
        private final Runnable release;
        private boolean released;

        State(long id, Runnable release) {
            this.id = id;
            this.release = release;
        }

        /** Runs on explicit release (already released: no-op) or from the cleaner (a leak). */
        @Override
        public void run() {
            Entry leaked = releaseOnce();
            if (leaked != null) {
                LEAKS.incrementAndGet();
                LOG.error("Leaked {}", leaked.describe());
            }
        }

        /** Returns the entry if this call released it, else null. */
        synchronized Entry releaseOnce() {
            if (released) {
                return null;
            }
            released = true;
            Entry entry = LIVE.remove(id);
            STATES.remove(id);
            release.run();
            return entry;
        }
    }

    /** The handle a resource keeps to release itself. */
    static final class Registration {
        private final State state;
        private final Cleaner.Cleanable cleanable;

        Registration(State state, Cleaner.Cleanable cleanable) {
            this.state = state;
            this.cleanable = cleanable;
        }

        long id() {
            return state.id;
        }

        void release() {
            state.releaseOnce();
            cleanable.clean();
        }
    }
}
