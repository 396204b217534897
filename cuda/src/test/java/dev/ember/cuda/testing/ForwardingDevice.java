package dev.ember.cuda.testing;

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

/**
 * A device that forwards every call to another one, for test wrappers that record, count or defer
 * some of them: a subclass overrides only what it changes. {@link #allocate(long)} is left to the
 * interface's default, so it goes through a subclass's {@link #allocate(long, Stream)}.
 *
 * <p>Closing it does not close the device it wraps: the wrapped device is shared by the test suite
 * and stays open. A subclass with work of its own to finish overrides {@link #close()}.
 */
public abstract class ForwardingDevice implements Device {
    /** The wrapped device. */
    protected final Device inner;

    protected ForwardingDevice(Device inner) {
        this.inner = requireNonNull(inner, "inner is null");
    }

    /** One launch of a wrapped kernel, as a wrapper runs it: the kernel's own launch and what it adds. */
    @FunctionalInterface
    protected interface Launch {
        void launch(Kernel kernel, LaunchConfig config, KernelArgs args, Stream stream);
    }

    /** {@code kernel}, its spec unchanged, with every launch going through {@code launch}. */
    protected static Kernel interceptLaunches(Kernel kernel, Launch launch) {
        return new Kernel() {
            @Override
            public KernelSpec spec() {
                return kernel.spec();
            }

            @Override
            public void launch(LaunchConfig config, KernelArgs args, Stream stream) {
                launch.launch(kernel, config, args, stream);
            }
        };
    }

    @Override
    public DeviceKind kind() {
        return inner.kind();
    }

    @Override
    public String description() {
        return inner.description();
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
        return inner.allocate(bytes, stream);
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
        return inner.kernel(name);
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
