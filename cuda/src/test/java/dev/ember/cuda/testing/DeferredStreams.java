package dev.ember.cuda.testing;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link DeferredStream}s of one test device: it makes them, tells its own from other streams and
 * synchronizes them all. Guarded by the owning device's lock, which its streams share.
 */
public final class DeferredStreams {
    private final Object lock;
    private final Device inner;
    private final List<DeferredStream> streams = new ArrayList<>();

    /**
     * @param lock the owning device, whose lock guards the streams and their queues
     * @param inner the wrapped device, on whose default stream the deferred work runs
     */
    public DeferredStreams(Object lock, Device inner) {
        this.lock = requireNonNull(lock, "lock is null");
        this.inner = requireNonNull(inner, "inner is null");
    }

    /** A new deferred stream of this device. */
    public DeferredStream create() {
        synchronized (lock) {
            DeferredStream s = new DeferredStream(lock, inner);
            streams.add(s);
            return s;
        }
    }

    /**
     * {@code stream} as one of these deferred streams.
     *
     * @throws IllegalArgumentException when it is not one of them
     */
    public DeferredStream own(Stream stream) {
        if (stream instanceof DeferredStream s) {
            synchronized (lock) {
                if (streams.contains(s)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("stream " + stream + " is not a stream of this device");
    }

    /** Runs the work queued on every one of these streams. */
    public void synchronize() {
        synchronized (lock) {
            streams.forEach(DeferredStream::synchronize);
        }
    }

    /** The most operations a synchronize of one stream found queued: above 1 means work really was deferred. */
    public int maxPendingAtSynchronize() {
        synchronized (lock) {
            return streams.stream().mapToInt(DeferredStream::maxPendingAtSynchronize).max().orElse(0);
        }
    }
}
