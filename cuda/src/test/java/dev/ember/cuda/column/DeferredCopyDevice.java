package dev.ember.cuda.column;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.MemoryPoolStats;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * The emulated device with truly asynchronous copies: a copy or memset runs only when its stream
 * (or the device) is synchronized, reading its source then, as a GPU's copy engine may. A staged
 * transfer that reuses a staging buffer before the copy out of it ran therefore corrupts data here,
 * which the synchronous emulation would hide. Kernels are not supported.
 */
final class DeferredCopyDevice implements Device {
    private final Device inner;
    private final DeferredStream defaultStream = new DeferredStream();
    private final List<DeferredStream> streams = new ArrayList<>(List.of(defaultStream));
    private int maxPendingAtSynchronize;

    DeferredCopyDevice(Device inner) {
        this.inner = inner;
    }

    /** The most operations a synchronize found queued: above 1 means copies really were deferred. */
    synchronized int maxPendingAtSynchronize() {
        return maxPendingAtSynchronize;
    }

    private final class DeferredStream implements Stream {
        private final List<Runnable> pending = new ArrayList<>();

        void enqueue(Runnable op) {
            synchronized (DeferredCopyDevice.this) {
                pending.add(op);
            }
        }

        @Override
        public void synchronize() {
            synchronized (DeferredCopyDevice.this) {
                maxPendingAtSynchronize = Math.max(maxPendingAtSynchronize, pending.size());
                pending.forEach(Runnable::run);
                pending.clear();
                // The inner device's copies are asynchronous too where it is a CUDA device.
                inner.defaultStream().synchronize();
            }
        }

        @Override
        public long handle() {
            return 0;
        }

        @Override
        public void close() {
            synchronize();
        }
    }

    private DeferredStream own(Stream stream) {
        if (!(stream instanceof DeferredStream s) || !streams.contains(s)) {
            throw new IllegalArgumentException("stream " + stream + " is not a stream of this device");
        }
        return s;
    }

    @Override
    public DeviceKind kind() {
        return inner.kind();
    }

    @Override
    public String description() {
        return "deferred-copy " + inner.description();
    }

    @Override
    public int multiProcessorCount() {
        return inner.multiProcessorCount();
    }

    @Override
    public Stream defaultStream() {
        return defaultStream;
    }

    @Override
    public synchronized Stream createStream() {
        DeferredStream s = new DeferredStream();
        streams.add(s);
        return s;
    }

    @Override
    public DeviceBuffer allocate(long bytes, Stream stream) {
        own(stream);
        DeviceBuffer buffer = inner.allocate(bytes);
        return DeviceBuffer.wrap(this, buffer.address(), bytes, buffer::close);
    }

    @Override
    public PinnedBuffer allocatePinned(long bytes) {
        return inner.allocatePinned(bytes);
    }

    @Override
    public void copyHostToDevice(long hostAddress, long deviceAddress, long bytes, Stream stream) {
        own(stream).enqueue(() -> inner.copyHostToDevice(hostAddress, deviceAddress, bytes, inner.defaultStream()));
    }

    @Override
    public void copyDeviceToHost(long deviceAddress, long hostAddress, long bytes, Stream stream) {
        own(stream).enqueue(() -> inner.copyDeviceToHost(deviceAddress, hostAddress, bytes, inner.defaultStream()));
    }

    @Override
    public void copyDeviceToDevice(long srcAddress, long dstAddress, long bytes, Stream stream) {
        own(stream).enqueue(() -> inner.copyDeviceToDevice(srcAddress, dstAddress, bytes, inner.defaultStream()));
    }

    @Override
    public void memset(long deviceAddress, byte value, long bytes, Stream stream) {
        own(stream).enqueue(() -> inner.memset(deviceAddress, value, bytes, inner.defaultStream()));
    }

    @Override
    public Kernel kernel(String name) {
        throw new UnsupportedOperationException("the deferred-copy device runs no kernels");
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
    public synchronized void synchronize() {
        streams.forEach(DeferredStream::synchronize);
    }

    @Override
    public void close() {
        synchronize();
    }
}
