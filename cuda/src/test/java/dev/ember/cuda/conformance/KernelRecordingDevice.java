package dev.ember.cuda.conformance;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.MemoryPoolStats;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.Kernel;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.KernelSpec;
import dev.ember.cuda.kernel.LaunchConfig;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A device that forwards everything to another one and records the entry points launched, so the
 * suite can check that a case really runs every kernel it claims to cover (a case whose inputs never
 * reach a kernel compares nothing for it). Buffers it allocates belong to it (their memory to the
 * wrapped device), so operations that check a column's device accept them. Closing it does not close
 * the device it wraps.
 */
final class KernelRecordingDevice implements Device {
    private final Device inner;
    private final Set<String> launched = ConcurrentHashMap.newKeySet();

    KernelRecordingDevice(Device inner) {
        this.inner = requireNonNull(inner, "inner is null");
    }

    /** The entry points launched so far (with at least one thread), live. */
    Set<String> launched() {
        return launched;
    }

    @Override
    public DeviceKind kind() {
        return inner.kind();
    }

    @Override
    public String description() {
        return "kernel-recording " + inner.description();
    }

    @Override
    public int multiProcessorCount() {
        return inner.multiProcessorCount();
    }

    @Override
    public Stream defaultStream() {
        return inner.defaultStream();
    }

    @Override
    public Stream createStream() {
        return inner.createStream();
    }

    @Override
    public DeviceBuffer allocate(long bytes, Stream stream) {
        DeviceBuffer buffer = inner.allocate(bytes, stream);
        return DeviceBuffer.wrap(this, buffer.address(), bytes, buffer::close);
    }

    @Override
    public PinnedBuffer allocatePinned(long bytes) {
        return inner.allocatePinned(bytes);
    }

    @Override
    public void copyHostToDevice(long hostAddress, long deviceAddress, long bytes, Stream stream) {
        inner.copyHostToDevice(hostAddress, deviceAddress, bytes, stream);
    }

    @Override
    public void copyDeviceToHost(long deviceAddress, long hostAddress, long bytes, Stream stream) {
        inner.copyDeviceToHost(deviceAddress, hostAddress, bytes, stream);
    }

    @Override
    public void copyDeviceToDevice(long srcAddress, long dstAddress, long bytes, Stream stream) {
        inner.copyDeviceToDevice(srcAddress, dstAddress, bytes, stream);
    }

    @Override
    public void memset(long deviceAddress, byte value, long bytes, Stream stream) {
        inner.memset(deviceAddress, value, bytes, stream);
    }

    @Override
    public Kernel kernel(String name) {
        Kernel kernel = inner.kernel(name);
        return new Kernel() {
            @Override
            public KernelSpec spec() {
                return kernel.spec();
            }

            @Override
            public void launch(LaunchConfig config, KernelArgs args, Stream stream) {
                kernel.launch(config, args, stream);
                launched.add(name);
            }
        };
    }

    @Override
    public MemoryPoolStats poolStats() {
        return inner.poolStats();
    }

    @Override
    public void resetPoolPeak() {
        inner.resetPoolPeak();
    }

    @Override
    public void synchronize() {
        inner.synchronize();
    }

    @Override
    public void close() {
        // The wrapped device is shared by the test suite and stays open.
    }
}
