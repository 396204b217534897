package dev.ember.cuda;

/**
 * Device memory pool accounting, in bytes: what is allocated now, the high-water mark, the
 * configured limit and the number of live allocations.
 */
public record MemoryPoolStats(long usedBytes, long peakBytes, long limitBytes, long liveAllocations) {
    @Override
    public String toString() {
        return String.format("used %s of limit %s (peak %s, %d live allocations)",
                Bytes.format(usedBytes), Bytes.format(limitBytes), Bytes.format(peakBytes), liveAllocations);
    }
}
