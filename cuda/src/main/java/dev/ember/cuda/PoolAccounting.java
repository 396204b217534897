package dev.ember.cuda;

/**
 * Bytes reserved against a device memory pool's limit. Both devices reserve here before allocating,
 * so the limit holds the same way on a GPU and in the emulation.
 */
public final class PoolAccounting {
    private final long limitBytes;
    private long used;
    private long peak;
    private long live;

    public PoolAccounting(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("pool limit must be positive, got " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** Reserves {@code bytes} or throws {@link GpuOutOfMemoryError} naming the request and the pool. */
    public synchronized void reserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation " + bytes);
        }
        if (bytes > limitBytes - used) {
            throw new GpuOutOfMemoryError(bytes, stats(), "the request exceeds the pool limit");
        }
        used += bytes;
        live++;
        peak = Math.max(peak, used);
    }

    public synchronized void release(long bytes) {
        used -= bytes;
        live--;
    }

    /** Starts a new high-water mark at the bytes reserved now (to measure the peak of one piece of work). */
    public synchronized void resetPeak() {
        peak = used;
    }

    public synchronized MemoryPoolStats stats() {
        return new MemoryPoolStats(used, peak, limitBytes, live);
    }
}
