package dev.ember.cuda.emulated;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.arrow.memory.util.MemoryUtil;
import sun.misc.Unsafe;

/**
 * The emulated device's memory: off-heap host memory, addressed by plain {@code long}s like device
 * memory. Emulations check each buffer they touch once ({@link #check}) and then read and write it
 * with the unchecked accessors, so a kernel contract that reads past its buffers fails loudly here
 * instead of corrupting the JVM.
 */
public final class EmulatedMemory {
    private static final Unsafe UNSAFE = MemoryUtil.UNSAFE;
    /**
     * Fresh allocations are filled with a byte that changes from one allocation to the next: device
     * memory is uninitialized, and a kernel contract that reads memory nobody wrote then gives
     * different answers on repeated runs, which the conformance checks catch.
     */
    private final java.util.concurrent.atomic.AtomicInteger poison = new java.util.concurrent.atomic.AtomicInteger(0xCD);

    /** Live allocations: start address → size. Also covers pinned host buffers. */
    private final ConcurrentSkipListMap<Long, Long> regions = new ConcurrentSkipListMap<>();

    long allocate(long bytes) {
        long address = UNSAFE.allocateMemory(Math.max(1, bytes));
        UNSAFE.setMemory(address, Math.max(1, bytes), (byte) poison.addAndGet(0x3B));
        regions.put(address, bytes);
        return address;
    }

    void free(long address) {
        if (regions.remove(address) == null) {
            throw new IllegalStateException("free of unknown emulated address 0x" + Long.toHexString(address));
        }
        UNSAFE.freeMemory(address);
    }

    /**
     * Checks that {@code [address, address + bytes)} lies inside one live allocation. A null address
     * with zero bytes is allowed (an absent optional buffer).
     */
    public void check(long address, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative extent " + bytes);
        }
        if (bytes == 0) {
            return;
        }
        Map.Entry<Long, Long> region = regions.floorEntry(address);
        if (region == null || address + bytes > region.getKey() + region.getValue()) {
            throw new IndexOutOfBoundsException(String.format(
                    "kernel access [0x%x, +%d) is outside every emulated allocation%s", address, bytes,
                    region == null ? "" : String.format(" (nearest: 0x%x, %d bytes)", region.getKey(), region.getValue())));
        }
    }

    /** Whether {@code address} is the start of a live allocation. */
    boolean isAllocation(long address) {
        return regions.containsKey(address);
    }

    public byte getByte(long address) {
        return UNSAFE.getByte(address);
    }

    public void putByte(long address, byte value) {
        UNSAFE.putByte(address, value);
    }

    public short getShort(long address) {
        return UNSAFE.getShort(address);
    }

    public void putShort(long address, short value) {
        UNSAFE.putShort(address, value);
    }

    public int getInt(long address) {
        return UNSAFE.getInt(address);
    }

    public void putInt(long address, int value) {
        UNSAFE.putInt(address, value);
    }

    public long getLong(long address) {
        return UNSAFE.getLong(address);
    }

    public void putLong(long address, long value) {
        UNSAFE.putLong(address, value);
    }

    public float getFloat(long address) {
        return UNSAFE.getFloat(address);
    }

    public void putFloat(long address, float value) {
        UNSAFE.putFloat(address, value);
    }

    public double getDouble(long address) {
        return UNSAFE.getDouble(address);
    }

    public void putDouble(long address, double value) {
        UNSAFE.putDouble(address, value);
    }

    /** Whether bit {@code i} of the Arrow-layout bitmap at {@code bitmap} is set; a 0 bitmap means all valid. */
    public boolean isValid(long bitmap, long i) {
        return bitmap == 0 || ((UNSAFE.getByte(bitmap + (i >>> 3)) >>> (i & 7)) & 1) != 0;
    }

    public void copy(long src, long dst, long bytes) {
        UNSAFE.copyMemory(src, dst, bytes);
    }

    public void set(long address, byte value, long bytes) {
        UNSAFE.setMemory(address, bytes, value);
    }

    /** Host-side copies between Java arrays / host memory and emulated memory. */
    static Unsafe unsafe() {
        return UNSAFE;
    }
}
