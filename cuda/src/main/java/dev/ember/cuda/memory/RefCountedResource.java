package dev.ember.cuda.memory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base of every holder of device, pinned or native memory: created with one reference, {@link
 * #incRef()} adds one, {@link #close()} drops one and the last close releases the memory. Closing
 * more often than referenced is a bug and throws. Registered with the {@link LeakTracker} so a
 * holder that is never closed is reported and released.
 */
public abstract class RefCountedResource implements AutoCloseable {
    private final AtomicInteger refs = new AtomicInteger(1);
    private final LeakTracker.Registration registration;

    /**
     * @param release frees the memory; it must not reference this object (or the leak tracker could
     *     never find it unreachable)
     */
    protected RefCountedResource(ResourceKind kind, long bytes, String description, Runnable release) {
        this.registration = LeakTracker.register(this, kind, bytes, description, release);
    }

    /** Adds a reference; the caller must close once more. */
    @SuppressWarnings("unchecked")
    public <T extends RefCountedResource> T incRef() {
        int before = refs.getAndUpdate(n -> n == 0 ? 0 : n + 1);
        if (before == 0) {
            throw new IllegalStateException(this + " is already closed");
        }
        return (T) this;
    }

    public int refCount() {
        return refs.get();
    }

    public boolean isClosed() {
        return refs.get() == 0;
    }

    /** The id the leak tracker knows this resource by. */
    public long trackingId() {
        return registration.id();
    }

    protected final void checkOpen() {
        if (refs.get() == 0) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    @Override
    public void close() {
        int after = refs.updateAndGet(n -> n == 0 ? -1 : n - 1);
        if (after < 0) {
            refs.set(0);
            throw new IllegalStateException(this + " closed more often than referenced");
        }
        if (after == 0) {
            registration.release();
        }
    }
}
