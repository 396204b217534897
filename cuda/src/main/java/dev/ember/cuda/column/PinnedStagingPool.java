package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Bytes;
import dev.ember.cuda.Device;
import dev.ember.cuda.PinnedBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Reusable pinned host buffers of one size for staging host↔device copies. At most {@code
 * maxBuffers} exist at a time; they are allocated on demand, kept after use and closed when the pool
 * closes. {@link #acquire} hands out several buffers at once (all or none), so two transfers that
 * each need two buffers cannot deadlock holding one each.
 */
public final class PinnedStagingPool implements AutoCloseable {
    private final Device device;
    private final long bufferBytes;
    private final int maxBuffers;
    private final ArrayDeque<PinnedBuffer> idle = new ArrayDeque<>();
    private int allocated;
    private boolean closed;

    public PinnedStagingPool(Device device, long bufferBytes, int maxBuffers) {
        this.device = requireNonNull(device, "device is null");
        if (bufferBytes < 16 || bufferBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("staging buffers hold 16 B to 2 GiB, not " + bufferBytes + " bytes");
        }
        if (maxBuffers < 2) {
            throw new IllegalArgumentException("double-buffered copies need at least 2 staging buffers, not " + maxBuffers);
        }
        this.bufferBytes = bufferBytes;
        this.maxBuffers = maxBuffers;
    }

    public Device device() {
        return device;
    }

    /** The size of every buffer. */
    public long bufferBytes() {
        return bufferBytes;
    }

    public int maxBuffers() {
        return maxBuffers;
    }

    /** Buffers that exist now (handed out or idle). */
    public synchronized int allocatedBuffers() {
        return allocated;
    }

    /** Buffers handed out, returned by closing the lease. */
    public final class Lease implements AutoCloseable {
        private final List<PinnedBuffer> buffers;
        private boolean returned;

        private Lease(List<PinnedBuffer> buffers) {
            this.buffers = buffers;
        }

        public PinnedBuffer get(int i) {
            if (returned) {
                throw new IllegalStateException("the staging lease was already returned");
            }
            return buffers.get(i);
        }

        public int size() {
            return buffers.size();
        }

        @Override
        public void close() {
            if (!returned) {
                returned = true;
                giveBack(buffers);
            }
        }
    }

    /** {@code count} buffers, waiting while the pool's buffers are all in use. */
    public Lease acquire(int count) {
        if (count < 1 || count > maxBuffers) {
            throw new IllegalArgumentException("can lease 1 to " + maxBuffers + " staging buffers, not " + count);
        }
        List<PinnedBuffer> out = new ArrayList<>(count);
        int toAllocate;
        synchronized (this) {
            while (!closed && idle.size() + (maxBuffers - allocated) < count) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a pinned staging buffer", e);
                }
            }
            checkOpen();
            while (out.size() < count && !idle.isEmpty()) {
                out.add(idle.pop());
            }
            toAllocate = count - out.size();
            allocated += toAllocate;
        }
        try {
            // Allocated outside the lock: pinning memory is slow on a GPU.
            for (int i = 0; i < toAllocate; i++) {
                out.add(device.allocatePinned(bufferBytes));
            }
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                allocated -= toAllocate - (out.size() - (count - toAllocate));
            }
            giveBack(out);
            throw e;
        }
        return new Lease(out);
    }

    private void giveBack(List<PinnedBuffer> buffers) {
        List<PinnedBuffer> toClose = new ArrayList<>();
        synchronized (this) {
            for (PinnedBuffer b : buffers) {
                if (closed) {
                    toClose.add(b);
                    allocated--;
                } else {
                    idle.push(b);
                }
            }
            notifyAll();
        }
        toClose.forEach(PinnedBuffer::close);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the pinned staging pool is closed");
        }
    }

    /** Closes the idle buffers now and leased ones when they come back. */
    @Override
    public void close() {
        List<PinnedBuffer> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(idle);
            allocated -= idle.size();
            idle.clear();
            notifyAll();
        }
        toClose.forEach(PinnedBuffer::close);
    }

    @Override
    public String toString() {
        return "PinnedStagingPool[" + maxBuffers + " x " + Bytes.format(bufferBytes) + " on " + device.kind().configValue() + "]";
    }
}
