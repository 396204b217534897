package dev.ember.cuda;

import dev.ember.cuda.kernel.Kernel;

/**
 * A GPU, or its emulation: memory, streams, copies and kernel launches. Implementations are
 * thread-safe. Buffers, streams and kernels obtained from a device must not outlive it.
 *
 * <p>Addresses are plain {@code long}s: device addresses for {@link DeviceBuffer}s, host addresses
 * for {@link PinnedBuffer}s and other off-heap host memory.
 */
public interface Device extends AutoCloseable {
    /** {@link DeviceKind#CUDA} or {@link DeviceKind#EMULATED}. */
    DeviceKind kind();

    /** A one-line description, e.g. the GPU's name, compute capability and memory. */
    String description();

    /** Number of multiprocessors; sizes grid-stride launches. */
    int multiProcessorCount();

    /** The stream used when a caller has none of its own. */
    Stream defaultStream();

    /** A new stream that does not synchronize with the default stream. */
    Stream createStream();

    /**
     * Allocates device memory ordered on {@code stream} from the device's memory pool. The contents
     * are undefined.
     *
     * @throws GpuOutOfMemoryError when the pool's limit or the device cannot satisfy the request
     */
    DeviceBuffer allocate(long bytes, Stream stream);

    default DeviceBuffer allocate(long bytes) {
        return allocate(bytes, defaultStream());
    }

    /** Allocates page-locked host memory for asynchronous transfers. The contents are undefined. */
    PinnedBuffer allocatePinned(long bytes);

    /** Copies from host memory (pinned for the copy to be asynchronous) to device memory. */
    void copyHostToDevice(long hostAddress, long deviceAddress, long bytes, Stream stream);

    /** Copies from device memory to host memory (pinned for the copy to be asynchronous). */
    void copyDeviceToHost(long deviceAddress, long hostAddress, long bytes, Stream stream);

    void copyDeviceToDevice(long srcAddress, long dstAddress, long bytes, Stream stream);

    /** Sets {@code bytes} bytes at {@code deviceAddress} to {@code value}. */
    void memset(long deviceAddress, byte value, long bytes, Stream stream);

    /** The kernel with this entry-point name, looked up once and cached. */
    Kernel kernel(String name);

    /** The memory pool's accounting. */
    MemoryPoolStats poolStats();

    /** Starts the pool's high-water mark ({@link MemoryPoolStats#peakBytes()}) again at the bytes in use now. */
    void resetPoolPeak();

    /** Waits until all work on every stream of this device is done. */
    void synchronize();

    /** Releases the device's resources. Buffers still open are reported as leaks. */
    @Override
    void close();
}
