package dev.ember.cuda.ops;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device that forwards everything to another one and counts kernel launches (by entry point) and
 * device-to-host copies, so tests can check how a multi-kernel op drives the device. Closing it does
 * not close the device it wraps.
 */
final class LaunchCountingDevice implements Device {
    private final Device delegate;
    private final Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();
    private final AtomicInteger deviceToHostCopies = new AtomicInteger();

    LaunchCountingDevice(Device delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    int launches(String kernel) {
        AtomicInteger count = launches.get(kernel);
        return count == null ? 0 : count.get();
    }

    int deviceToHostCopies() {
        return deviceToHostCopies.get();
    }

    @Override
    public DeviceKind kind() {
        return delegate.kind();
    }

    @Override
    public String description() {
        return "launch-counting " + delegate.description();
    }

    @Override
    public int multiProcessorCount() {
        return delegate.multiProcessorCount();
    }

    @Override
    public Stream defaultStream() {
        return delegate.defaultStream();
    }

    @Override
    public Stream createStream() {
        return delegate.createStream();
    }

    @Override
    public DeviceBuffer allocate(long bytes, Stream stream) {
        return delegate.allocate(bytes, stream);
    }

    @Override
    public PinnedBuffer allocatePinned(long bytes) {
        return delegate.allocatePinned(bytes);
    }

    @Override
    public void copyHostToDevice(long hostAddress, long deviceAddress, long bytes, Stream stream) {
        delegate.copyHostToDevice(hostAddress, deviceAddress, bytes, stream);
    }

    @Override
    public void copyDeviceToHost(long deviceAddress, long hostAddress, long bytes, Stream stream) {
        deviceToHostCopies.incrementAndGet();
        delegate.copyDeviceToHost(deviceAddress, hostAddress, bytes, stream);
    }

    @Override
    public void copyDeviceToDevice(long srcAddress, long dstAddress, long bytes, Stream stream) {
        delegate.copyDeviceToDevice(srcAddress, dstAddress, bytes, stream);
    }

    @Override
    public void memset(long deviceAddress, byte value, long bytes, Stream stream) {
        delegate.memset(deviceAddress, value, bytes, stream);
    }

    @Override
    public Kernel kernel(String name) {
        Kernel kernel = delegate.kernel(name);
        AtomicInteger count = launches.computeIfAbsent(name, n -> new AtomicInteger());
        return new Kernel() {
            @Override
            public KernelSpec spec() {
                return kernel.spec();
            }

            @Override
            public void launch(LaunchConfig config, KernelArgs args, Stream stream) {
                count.incrementAndGet();
                kernel.launch(config, args, stream);
            }
        };
    }

    @Override
    public MemoryPoolStats poolStats() {
        return delegate.poolStats();
    }

    @Override
    public void resetPoolPeak() {
        delegate.resetPoolPeak();
    }

    @Override
    public void synchronize() {
        delegate.synchronize();
    }

    @Override
    public void close() {
        // The wrapped device is shared by the test suite and stays open.
    }
}
