package dev.ember.cuda.driver;

import static jcuda.driver.JCudaDriver.cuMemFreeAsync;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.ember.cuda.Stream;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * A CUDA stream of one {@link CudaDevice}: either the device's default stream (the legacy NULL
 * stream, handle 0, never destroyed) or a non-blocking stream of its own. Closing a created stream
 * waits for its work and destroys it; buffers allocated on it that are freed later are freed on the
 * default stream instead (see {@link #freeAsync}).
 */
final class CudaStream implements Stream {
    /**
     * The legacy default stream: a handle whose value is 0. JCuda rejects a null {@code CUstream} in
     * some calls (e.g. {@code cuMemAllocAsync}), so the default stream is this object, never null.
     */
    private static final CUstream LEGACY_DEFAULT = new CUstream();

    private final CudaDevice device;
    private final CUstream stream;
    private final boolean isDefault;
    private volatile boolean closed;

    private CudaStream(CudaDevice device, CUstream stream, boolean isDefault) {
        this.device = device;
        this.stream = stream;
        this.isDefault = isDefault;
    }

    static CudaStream defaultStream(CudaDevice device) {
        return new CudaStream(device, LEGACY_DEFAULT, true);
    }

    /** A new stream that does not synchronize with the legacy default stream. */
    static CudaStream create(CudaDevice device) {
        CUstream stream = new CUstream();
        Driver.check("cuStreamCreate", cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING));
        return new CudaStream(device, stream, false);
    }

    CudaDevice device() {
        return device;
    }

    /** The JCuda handle for driver calls (value 0 for the legacy default stream). */
    CUstream jcuda() {
        return stream;
    }

    boolean isDefault() {
        return isDefault;
    }

    /**
     * Frees a buffer allocated on this stream: on this stream while it is open (so the free is ordered
     * after the work queued on it), else on the default stream (this stream's work finished before it
     * was destroyed). Returns the driver's result code.
     */
    synchronized int freeAsync(DevicePointer pointer) {
        return cuMemFreeAsync(pointer, closed ? LEGACY_DEFAULT : stream);
    }

    @Override
    public void synchronize() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        device.bind();
        Driver.check("cuStreamSynchronize", cuStreamSynchronize(stream));
    }

    @Override
    public long handle() {
        return NativeHandles.valueOf(stream);
    }

    @Override
    public void close() {
        if (isDefault) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            device.bind();
            closed = true;
            device.forget(this);
            // Pending frees may still name this stream; waiting first makes freeing them on the default stream safe.
            int sync = cuStreamSynchronize(stream);
            Driver.check("cuStreamDestroy", cuStreamDestroy(stream));
            Driver.check("cuStreamSynchronize", sync);
        }
    }

    /** Closes the stream while its device closes, without re-entering the device. */
    synchronized void destroyForDeviceClose() {
        if (isDefault || closed) {
            return;
        }
        closed = true;
        cuStreamSynchronize(stream);
        cuStreamDestroy(stream);
    }

    @Override
    public String toString() {
        return isDefault ? "CudaStream[default]" : "CudaStream[0x" + Long.toHexString(handle()) + "]";
    }
}
