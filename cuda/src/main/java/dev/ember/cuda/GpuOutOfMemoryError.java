package dev.ember.cuda;

/**
 * A device allocation that the memory pool could not satisfy. The message names the request and the
 * pool's state, so the task fails with an answer instead of wrong rows.
 */
public final class GpuOutOfMemoryError extends RuntimeException {
    private final long requestedBytes;
    private final MemoryPoolStats pool;

    public GpuOutOfMemoryError(long requestedBytes, MemoryPoolStats pool, String detail) {
        super(String.format("GPU out of memory: cannot allocate %s (%d bytes); pool %s%s. "
                        + "Lower the batch size or raise the device memory pool limit.",
                Bytes.format(requestedBytes), requestedBytes, pool, detail == null ? "" : "; " + detail));
        this.requestedBytes = requestedBytes;
        this.pool = pool;
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    public MemoryPoolStats pool() {
        return pool;
    }
}
