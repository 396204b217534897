package dev.ember.cuda.emulated;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.MemoryPoolStats;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.PoolAccounting;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.Kernel;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.KernelCatalog;
import dev.ember.cuda.kernel.KernelSpec;
import dev.ember.cuda.kernel.LaunchConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * The device contract on the CPU: device memory is off-heap host memory, and each kernel launch runs
 * the kernel's Java emulation sequentially, at once, on the calling thread (so every stream is
 * always synchronized). Used by CI, which has no GPU, and by users who validate a job without one.
 */
public final class EmulatedDevice implements Device {
    /** The number of multiprocessors the emulation reports, for launch sizing. */
    private static final int MULTIPROCESSORS = 8;

    private final EmulatedMemory memory = new EmulatedMemory();
    private final PoolAccounting pool;
    private final Map<String, Kernel> kernels = new ConcurrentHashMap<>();
    private final Stream defaultStream = new EmulatedStream();
    private volatile boolean closed;

    private EmulatedDevice(long poolLimitBytes) {
        this.pool = new PoolAccounting(poolLimitBytes);
    }

    /** An emulated device whose pool allows {@code poolLimitBytes} of live allocations. */
    public static EmulatedDevice create(long poolLimitBytes) {
        return new EmulatedDevice(poolLimitBytes);
    }

    @Override
    public DeviceKind kind() {
        return DeviceKind.EMULATED;
    }

    @Override
    public String description() {
        return "emulated device (kernels run as Java emulations on the CPU), pool limit "
                + dev.ember.cuda.Bytes.format(pool.stats().limitBytes());
    }

    @Override
    public int multiProcessorCount() {
        return MULTIPROCESSORS;
    }

    @Override
    public Stream defaultStream() {
        return defaultStream;
    }

    @Override
    public Stream createStream() {
        checkOpen();
        return new EmulatedStream();
    }

    @Override
    public DeviceBuffer allocate(long bytes, Stream stream) {
        checkOpen();
        pool.reserve(bytes);
        long address;
        try {
            address = memory.allocate(bytes);
        } catch (OutOfMemoryError e) {
            pool.release(bytes);
            throw new dev.ember.cuda.GpuOutOfMemoryError(bytes, pool.stats(), "host memory backing the emulation is exhausted");
        }
        EmulatedMemory mem = memory;
        PoolAccounting accounting = pool;
        return DeviceBuffer.wrap(this, address, bytes, () -> {
            mem.free(address);
            accounting.release(bytes);
        });
    }

    @Override
    public PinnedBuffer allocatePinned(long bytes) {
        checkOpen();
        if (bytes < 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pinned buffers hold 0 to 2^31-1 bytes, not " + bytes);
        }
        long address = memory.allocate(bytes);
        EmulatedMemory mem = memory;
        return PinnedBuffer.wrap(address, bytes, MemoryUtil.directBuffer(address, (int) bytes), () -> mem.free(address));
    }

    @Override
    public void copyHostToDevice(long hostAddress, long deviceAddress, long bytes, Stream stream) {
        memory.check(deviceAddress, bytes);
        memory.copy(hostAddress, deviceAddress, bytes);
    }

    @Override
    public void copyDeviceToHost(long deviceAddress, long hostAddress, long bytes, Stream stream) {
        memory.check(deviceAddress, bytes);
        memory.copy(deviceAddress, hostAddress, bytes);
    }

    @Override
    public void copyDeviceToDevice(long srcAddress, long dstAddress, long bytes, Stream stream) {
        memory.check(srcAddress, bytes);
        memory.check(dstAddress, bytes);
        memory.copy(srcAddress, dstAddress, bytes);
    }

    @Override
    public void memset(long deviceAddress, byte value, long bytes, Stream stream) {
        memory.check(deviceAddress, bytes);
        memory.set(deviceAddress, value, bytes);
    }

    @Override
    public Kernel kernel(String name) {
        checkOpen();
        return kernels.computeIfAbsent(name, n -> {
            KernelSpec spec = KernelCatalog.get(n);
            KernelEmulation emulation = Emulations.all().get(n);
            if (emulation == null) {
                throw new IllegalStateException("kernel " + n + " has no emulation");
            }
            return new EmulatedKernel(spec, emulation, memory);
        });
    }

    @Override
    public MemoryPoolStats poolStats() {
        return pool.stats();
    }

    @Override
    public void resetPoolPeak() {
        pool.resetPeak();
    }

    @Override
    public void synchronize() {
        // Every launch and copy already ran to completion on the caller's thread.
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the emulated device is closed");
        }
    }

    @Override
    public String toString() {
        return description();
    }

    private record EmulatedKernel(KernelSpec spec, KernelEmulation emulation, EmulatedMemory memory) implements Kernel {
        EmulatedKernel {
            requireNonNull(spec, "spec is null");
        }

        @Override
        public void launch(LaunchConfig config, KernelArgs args, Stream stream) {
            args.checkAgainst(spec);
            emulation.run(config, args, memory);
        }
    }

    private static final class EmulatedStream implements Stream {
        @Override
        public void synchronize() {}

        @Override
        public long handle() {
            return 0;
        }

        @Override
        public void close() {}
    }
}
