package dev.ember.cuda.testing;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream of a test device that defers its work: what is queued on it runs only when it is
 * synchronized (or closed), as a GPU may run it later. The work runs on the wrapped device's default
 * stream, which a synchronize then waits for (the wrapped device's work is asynchronous too where it is
 * a CUDA device). Made by {@link DeferredStreams}: the streams of one device share its lock, so their
 * work runs one stream at a time.
 */
public final class DeferredStream implements Stream {
    private final Object lock;
    private final Device inner;
    private final List<Runnable> pending = new ArrayList<>();
    private int maxPendingAtSynchronize;

    DeferredStream(Object lock, Device inner) {
        this.lock = requireNonNull(lock, "lock is null");
        this.inner = requireNonNull(inner, "inner is null");
    }

    /** Queues {@code op} to run at the next synchronize. */
    public void enqueue(Runnable op) {
        synchronized (lock) {
            pending.add(op);
        }
    }

    /** The most operations a synchronize found queued: above 1 means work really was deferred. */
    public int maxPendingAtSynchronize() {
        synchronized (lock) {
            return maxPendingAtSynchronize;
        }
    }

    @Override
    public void synchronize() {
        synchronized (lock) {
            maxPendingAtSynchronize = Math.max(maxPendingAtSynchronize, pending.size());
            // An op may not enqueue more work, but copy first to stay safe.
            List<Runnable> ops = new ArrayList<>(pending);
            pending.clear();
            ops.forEach(Runnable::run);
            inner.defaultStream().synchronize();
        }
    }

    @Override
    public long handle() {
        return 0;
    }

    @Override
    public void close() {
        synchronize();
    }
}
