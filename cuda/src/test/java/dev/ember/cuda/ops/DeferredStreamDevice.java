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
import java.util.ArrayList;
import java.util.List;

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
final class DeferredStreamDevice implements Device {
    private final Device inner;
    private final List<DeferredStream> streams = new ArrayList<>();
    private int maxPendingAtSynchronize;

    DeferredStreamDevice(Device inner) {
        this.inner = requireNonNull(inner, "inner is null");
    }

    /** The most operations a synchronize found queued: above 1 means work really was deferred. */
    synchronized int maxPendingAtSynchronize() {
        return maxPendingAtSynchronize;
    }

    private final class DeferredStream implements Stream {
        private final List<Runnable> pending = new ArrayList<>();

        void enqueue(Runnable op) {
            synchronized (DeferredStreamDevice.this) {
                pending.add(op);
            }
        }

        @Override
        public void synchronize() {
            synchronized (DeferredStreamDevice.this) {
                maxPendingAtSynchronize = Math.max(maxPendingAtSynchronize, pending.size());
                // An op may not enqueue more work, but copy first to stay safe.
                List<Runnable> ops = new ArrayList<>(pending);
                pending.clear();
                ops.forEach(Runnable::run);
                // The inner device's work is asynchronous too where it is a CUDA device.
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

    /** The deferred stream, or null for the default stream (immediate); anything else is an error. */
    private DeferredStream deferred(Stream stream) {
        if (stream == inner.defaultStream()) {
            return null;
        }
        if (stream instanceof DeferredStream s) {
            synchronized (this) {
                if (streams.contains(s)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("stream " + stream + " is not a stream of this device");
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
    public DeviceKind kind() {
        return inner.kind();
    }

    @Override
    public String description() {
        return "deferred-stream " + inner.description();
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
    public synchronized Stream createStream() {
        DeferredStream s = new DeferredStream();
        streams.add(s);
        return s;
    }

    @Override
    public DeviceBuffer allocate(long bytes, Stream stream) {
        DeferredStream s = deferred(stream);
        DeviceBuffer buffer = inner.allocate(bytes, inner.defaultStream());
        Runnable free = s == null ? buffer::close : () -> s.enqueue(buffer::close);
        return DeviceBuffer.wrap(this, buffer.address(), bytes, free);
    }

    @Override
    public PinnedBuffer allocatePinned(long bytes) {
        return inner.allocatePinned(bytes);
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
        Kernel kernel = inner.kernel(name);
        return new Kernel() {
            @Override
            public KernelSpec spec() {
                return kernel.spec();
            }

            @Override
            public void launch(LaunchConfig config, KernelArgs args, Stream stream) {
                args.checkAgainst(kernel.spec());
                run(stream, () -> kernel.launch(config, args, inner.defaultStream()));
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
        List<DeferredStream> all;
        synchronized (this) {
            all = new ArrayList<>(streams);
        }
        all.forEach(DeferredStream::synchronize);
        inner.synchronize();
    }

    @Override
    public void close() {
        synchronize();
        // The wrapped device is shared by the test suite and stays open.
    }
}
