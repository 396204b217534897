package dev.ember.cuda.memory;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The process-wide Arrow allocator for host column data ({@code HostColumn}s and the Arrow vectors
 * made from them). Its limit is {@value #LIMIT_PROPERTY} (bytes), default {@link
 * #DEFAULT_LIMIT_BYTES}; an allocation beyond it throws Arrow's {@code OutOfMemoryException}. The
 * allocator lives as long as the JVM: host columns release their buffers into it on close.
 */
public final class HostMemory {
    /** System property overriding the limit, in bytes. */
    public static final String LIMIT_PROPERTY = "ember.memory.hostLimitBytes";
    /** Default limit: 8 GiB of live host column data. */
    public static final long DEFAULT_LIMIT_BYTES = 8L << 30;

    private HostMemory() {}

    private static final class Holder {
        static final RootAllocator ROOT = new RootAllocator(limitFromProperty());
    }

    /** The shared allocator. Use child allocators for per-task accounting. */
    public static BufferAllocator allocator() {
        return Holder.ROOT;
    }

    /** The limit of the shared allocator. */
    public static long limitBytes() {
        return Holder.ROOT.getLimit();
    }

    /** Bytes currently allocated from the shared allocator. */
    public static long allocatedBytes() {
        return Holder.ROOT.getAllocatedMemory();
    }

    private static long limitFromProperty() {
        String value = System.getProperty(LIMIT_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT_BYTES;
        }
        long limit;
        try {
            limit = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + LIMIT_PROPERTY + " must be a number of bytes, not '" + value + "'", e);
        }
        if (limit <= 0) {
            throw new IllegalArgumentException("-D" + LIMIT_PROPERTY + " must be positive, not " + limit);
        }
        return limit;
    }
}
