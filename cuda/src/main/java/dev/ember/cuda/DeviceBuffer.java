package dev.ember.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.memory.RefCountedResource;
import dev.ember.cuda.memory.ResourceKind;

/**
 * An owning, ref-counted allocation of device memory. The last {@link #close()} returns it to the
 * device's pool (stream-ordered on the stream it was allocated on).
 */
public final class DeviceBuffer extends RefCountedResource {
    private final Device device;
    private final long address;
    private final long size;

    private DeviceBuffer(Device device, long address, long size, Runnable free) {
        super(ResourceKind.DEVICE_MEMORY, size, "device buffer on " + device.kind().configValue(), free);
        this.device = device;
        this.address = address;
        this.size = size;
    }

    /**
     * For device implementations: wraps memory they allocated. {@code free} releases it and must not
     * reference the returned buffer.
     */
    public static DeviceBuffer wrap(Device device, long address, long size, Runnable free) {
        requireNonNull(device, "device is null");
        requireNonNull(free, "free is null");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        return new DeviceBuffer(device, address, size, free);
    }

    public Device device() {
        return device;
    }

    /** The device address of the first byte. */
    public long address() {
        checkOpen();
        return address;
    }

    /** The device address {@code offset} bytes in, checked against the buffer's size. */
    public long address(long offset) {
        checkOpen();
        if (offset < 0 || offset > size) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside a buffer of " + size + " bytes");
        }
        return address + offset;
    }

    public long size() {
        return size;
    }

    @Override
    public String toString() {
        return "DeviceBuffer[" + Bytes.format(size) + " at 0x" + Long.toHexString(address) + "]";
    }
}
