package dev.ember.cuda.column;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.Kernel;
import dev.ember.cuda.testing.DeferredStream;
import dev.ember.cuda.testing.DeferredStreams;
import dev.ember.cuda.testing.ForwardingDevice;

/**
 * The emulated device with truly asynchronous copies: a copy or memset runs only when its stream
 * (or the device) is synchronized, reading its source then, as a GPU's copy engine may. A staged
 * transfer that reuses a staging buffer before the copy out of it ran therefore corrupts data here,
 * which the synchronous emulation would hide. Kernels are not supported.
 */
final class DeferredCopyDevice extends ForwardingDevice {
    private final DeferredStreams streams = new DeferredStreams(this, inner);
    private final DeferredStream defaultStream = streams.create();

    DeferredCopyDevice(Device inner) {
        super(inner);
    }

    /** The most operations a synchronize found queued: above 1 means copies really were deferred. */
    int maxPendingAtSynchronize() {
        return streams.maxPendingAtSynchronize();
    }

    @Override
    public String description() {
        return "deferred-copy " + inner.description();
    }

    @Override
    public Stream defaultStream() {
        return defaultStream;
    }

    @Override
    public Stream createStream() {
        return streams.create();
    }

    @Override
    public DeviceBuffer allocate(long bytes, Stream stream) {
        streams.own(stream);
        DeviceBuffer buffer = inner.allocate(bytes);
        return DeviceBuffer.wrap(this, buffer.address(), bytes, buffer::close);
    }

    @Override
    public void copyHostToDevice(long hostAddress, long deviceAddress, long bytes, Stream stream) {
        streams.own(stream).enqueue(
                () -> inner.copyHostToDevice(hostAddress, deviceAddress, bytes, inner.defaultStream()));
    }

    @Override
    public void copyDeviceToHost(long deviceAddress, long hostAddress, long bytes, Stream stream) {
        streams.own(stream).enqueue(
                () -> inner.copyDeviceToHost(deviceAddress, hostAddress, bytes, inner.defaultStream()));
    }

    @Override
    public void copyDeviceToDevice(long srcAddress, long dstAddress, long bytes, Stream stream) {
        streams.own(stream).enqueue(
                () -> inner.copyDeviceToDevice(srcAddress, dstAddress, bytes, inner.defaultStream()));
    }

    @Override
    public void memset(long deviceAddress, byte value, long bytes, Stream stream) {
        streams.own(stream).enqueue(
                () -> inner.memset(deviceAddress, value, bytes, inner.defaultStream()));
    }

    @Override
    public Kernel kernel(String name) {
        throw new UnsupportedOperationException("the deferred-copy device runs no kernels");
    }

    @Override
    public void synchronize() {
        streams.synchronize();
    }

    @Override
    public void close() {
        synchronize();
    }
}
