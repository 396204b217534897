package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.Kernel;
import dev.ember.cuda.testing.ForwardingDevice;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A device that forwards everything to another one and records the entry points launched, so the
 * suite can check that a case really runs every kernel it claims to cover (a case whose inputs never
 * reach a kernel compares nothing for it). Buffers it allocates belong to it (their memory to the
 * wrapped device), so operations that check a column's device accept them. Closing it does not close
 * the device it wraps.
 */
final class KernelRecordingDevice extends ForwardingDevice {
    private final Set<String> launched = ConcurrentHashMap.newKeySet();

    KernelRecordingDevice(Device inner) {
        super(inner);
    }

    /** The entry points launched so far (with at least one thread), live. */
    Set<String> launched() {
        return launched;
    }

    @Override
    public String description() {
        return "kernel-recording " + inner.description();
    }

    @Override
    public DeviceBuffer allocate(long bytes, Stream stream) {
        DeviceBuffer buffer = inner.allocate(bytes, stream);
        return DeviceBuffer.wrap(this, buffer.address(), bytes, buffer::close);
    }

    @Override
    public Kernel kernel(String name) {
        return interceptLaunches(inner.kernel(name), (kernel, config, args, stream) -> {
            kernel.launch(config, args, stream);
            launched.add(name);
        });
    }
}
