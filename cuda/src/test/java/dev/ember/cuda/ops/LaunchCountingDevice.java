package dev.ember.cuda.ops;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.Kernel;
import dev.ember.cuda.testing.ForwardingDevice;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device that forwards everything to another one and counts kernel launches (by entry point) and
 * device-to-host copies, so tests can check how a multi-kernel op drives the device. Closing it does
 * not close the device it wraps.
 */
final class LaunchCountingDevice extends ForwardingDevice {
    private final Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();
    private final AtomicInteger deviceToHostCopies = new AtomicInteger();

    LaunchCountingDevice(Device inner) {
        super(inner);
    }

    int launches(String kernel) {
        AtomicInteger count = launches.get(kernel);
        return count == null ? 0 : count.get();
    }

    int deviceToHostCopies() {
        return deviceToHostCopies.get();
    }

    @Override
    public String description() {
        return "launch-counting " + inner.description();
    }

    @Override
    public void copyDeviceToHost(long deviceAddress, long hostAddress, long bytes, Stream stream) {
        deviceToHostCopies.incrementAndGet();
        inner.copyDeviceToHost(deviceAddress, hostAddress, bytes, stream);
    }

    @Override
    public Kernel kernel(String name) {
        Kernel kernel = inner.kernel(name);
        AtomicInteger count = launches.computeIfAbsent(name, n -> new AtomicInteger());
        return interceptLaunches(kernel, (k, config, args, stream) -> {
            count.incrementAndGet();
            k.launch(config, args, stream);
        });
    }
}
