package dev.ember.cuda.ops;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.Kernel;
import dev.ember.cuda.testing.DeferredStream;
import dev.ember.cuda.testing.DeferredStreams;
import dev.ember.cuda.testing.ForwardingDevice;

/**
 * The emulated device with asynchronous streams, as a GPU may schedule them: work queued on a stream
 * from {@link #createStream()} (kernel launches, copies, memsets, and the stream-ordered free of a
 * buffer allocated on it) runs only when that stream (or the device) is synchronized, while work on
 * the default stream runs at once. The two are not ordered with each other ({@link
 * Device#createStream()}: "does not synchronize with the default stream"), so an operation that reads
 * a caller stream's result through the default stream (e.g. {@code DeviceArrays.download*}) without
 * synchronizing the caller's stream first reads stale memory here, which the synchronous emulation
 * hides. Buffers allocated on the default stream are freed at once. Closing this device does not close
 * the device it wraps.
 */
final class DeferredStreamDevice extends ForwardingDevice {
    private final DeferredStreams streams = new DeferredStreams(this, inner);

    DeferredStreamDevice(Device inner) {
        super(inner);
    }

    /** The most operations a synchronize found queued: above 1 means work really was deferred. */
    int maxPendingAtSynchronize() {
        return streams.maxPendingAtSynchronize();
    }

    /** The deferred stream, or null for the default stream (immediate); anything else is an error. */
    private DeferredStream deferred(Stream stream) {
        return stream == inner.defaultStream() ? null : streams.own(stream);
    }

    private void run(Stream stream, Runnable op) {
        DeferredStream s = deferred(stream);
        if (s == null) {
            op.run();
        } else {
            s.enqueue(op);
        }
    }

    @Override
    public String description() {
        return "deferred-stream " + inner.description();
    }

    @Override
    public Stream createStream() {
        return streams.create();
    }

    @Override
    public DeviceBuffer allocate(long bytes, Stream stream) {
        DeferredStream s = deferred(stream);
        DeviceBuffer buffer = inner.allocate(bytes, inner.defaultStream());
        Runnable free = s == null ? buffer::close : () -> s.enqueue(buffer::close);
        return DeviceBuffer.wrap(this, buffer.address(), bytes, free);
    }

    @Override
    public void copyHostToDevice(long hostAddress, long deviceAddress, long bytes, Stream stream) {
        run(stream, () -> inner.copyHostToDevice(hostAddress, deviceAddress, bytes, inner.defaultStream()));
    }

    @Override
    public void copyDeviceToHost(long deviceAddress, long hostAddress, long bytes, Stream stream) {
        run(stream, () -> inner.copyDeviceToHost(deviceAddress, hostAddress, bytes, inner.defaultStream()));
    }

    @Override
    public void copyDeviceToDevice(long srcAddress, long dstAddress, long bytes, Stream stream) {
        run(stream, () -> inner.copyDeviceToDevice(srcAddress, dstAddress, bytes, inner.defaultStream()));
    }

    @Override
    public void memset(long deviceAddress, byte value, long bytes, Stream stream) {
        run(stream, () -> inner.memset(deviceAddress, value, bytes, inner.defaultStream()));
    }

    @Override
    public Kernel kernel(String name) {
        return interceptLaunches(inner.kernel(name), (kernel, config, args, stream) -> {
            args.checkAgainst(kernel.spec());
            run(stream, () -> kernel.launch(config, args, inner.defaultStream()));
        });
    }

    @Override
    public void synchronize() {
        streams.synchronize();
        inner.synchronize();
    }

    @Override
    public void close() {
        synchronize();
        // The wrapped device is shared by the test suite and stays open.
    }
}
