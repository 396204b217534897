package dev.ember.cuda.driver;

import static java.util.Objects.requireNonNull;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocAsync;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;

import dev.ember.cuda.Bytes;
import dev.ember.cuda.CudaException;
import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.DeviceUnavailableException;
import dev.ember.cuda.GpuOutOfMemoryError;
import dev.ember.cuda.MemoryPoolStats;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.PoolAccounting;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.Kernel;
import dev.ember.cuda.kernel.KernelCatalog;
import dev.ember.cuda.kernel.KernelSpec;
import dev.ember.kernels.KernelResources;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.apache.arrow.memory.util.MemoryUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CUDA GPU through JCuda's driver API: the device's primary context, streams, the kernel modules
 * (every family's fatbin, loaded when the device opens so an incompatible driver fails at once), a
 * stream-ordered memory pool and pinned host memory.
 *
 * <p>Memory: buffers come from the device's stream-ordered memory pool with
 * {@code cuMemAllocAsync}/{@code cuMemFreeAsync}, ordered on the stream they were allocated on. The
 * configured limit is enforced by {@link PoolAccounting} (reserved before the driver is asked), and the
 * driver's {@code CUDA_ERROR_OUT_OF_MEMORY} becomes {@link GpuOutOfMemoryError} as well.
 *
 * <p>Why the device's default pool and not a {@code cuMemPoolCreate} pool of our own: JCuda 12.6's
 * {@code cuMemPoolCreate} stores the new handle with its helper for {@code Pointer}s, which also writes
 * {@code Pointer.byteOffset} into the {@code CUmemoryPool} object, a plain {@code NativePointerObject}
 * that has no such field: it overwrites whatever follows that object on the Java heap (found with
 * {@code -Xcheck:jni}: "Wrong field ID passed to JNI", and garbage-collector crashes). And JCuda 12.6
 * binds neither {@code cuMemPoolSetAttribute} nor {@code cuDeviceSetMemPool}, so an own pool could not
 * get a release threshold anyway. Consequence: the pool keeps CUDA's default release threshold of 0,
 * i.e. at each stream, event or context synchronization the driver returns the pool's unused memory to
 * the system and later allocations map it again: correct, only slower than a pool that keeps memory.
 *
 * <p>Threads: every driver call first makes the context current on the calling thread
 * ({@link PrimaryContext#bind()}), so buffers can be freed from any thread, including the leak
 * tracker's cleaner.
 */
public final class CudaDevice implements Device {
    private static final Logger LOG = LoggerFactory.getLogger(CudaDevice.class);

    private final CudaProbe.DeviceInfo info;
    private final PrimaryContext context;
    private final PoolAccounting accounting;
    private final Modules modules;
    private final CudaStream defaultStream;
    private final Set<CudaStream> streams = ConcurrentHashMap.newKeySet();
    private final Map<String, Kernel> kernels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private CudaDevice(CudaProbe.DeviceInfo info, PrimaryContext context, Modules modules, long poolLimitBytes) {
        this.info = info;
        this.context = context;
        this.modules = modules;
        this.accounting = new PoolAccounting(poolLimitBytes);
        this.defaultStream = CudaStream.defaultStream(this);
    }

    /**
     * Opens CUDA device {@code ordinal}. Prefer {@code Devices.open}, which also reports why CUDA is not
     * usable.
     *
     * @param poolLimitBytes the most bytes open device buffers may hold at once; positive
     * @throws DeviceUnavailableException when the jar has no kernels, there is no usable driver or device,
     *     or the device cannot run Ember's kernels; the message says why and what to do
     */
    public static CudaDevice open(int ordinal, long poolLimitBytes) {
        if (poolLimitBytes <= 0) {
            throw new IllegalArgumentException("the device memory pool limit must be positive, got " + poolLimitBytes);
        }
        if (!KernelResources.present()) {
            throw new DeviceUnavailableException("cannot use CUDA: this Ember jar was built without nvcc and holds no"
                    + " CUDA kernels; rebuild it with the CUDA toolkit (nvcc on the PATH), or use the emulated device.");
        }
        int count = CudaProbe.initialize();
        if (ordinal < 0 || ordinal >= count) {
            throw new DeviceUnavailableException("there is no CUDA device " + ordinal + ": the driver reports " + count
                    + " device(s); choose an ordinal below " + count + " (CUDA_VISIBLE_DEVICES renumbers them).");
        }
        CudaProbe.DeviceInfo info = CudaProbe.query(ordinal);
        String problem = CudaProbe.problem(info);
        if (problem != null) {
            throw new DeviceUnavailableException("cannot use " + info.describe() + ": " + problem);
        }
        PrimaryContext context = PrimaryContext.retain(info.device());
        try {
            return new CudaDevice(info, context, Modules.loadAll(info), poolLimitBytes);
        } catch (RuntimeException | Error e) {
            context.release();
            throw e;
        }
    }

    @Override
    public DeviceKind kind() {
        return DeviceKind.CUDA;
    }

    @Override
    public String description() {
        return info.describe() + ", pool limit " + Bytes.format(accounting.stats().limitBytes());
    }

    /** The device ordinal this device was opened with. */
    public int ordinal() {
        return info.ordinal();
    }

    /** The GPU's total memory as the driver reports it. */
    public long totalMemoryBytes() {
        return info.totalMemory();
    }

    @Override
    public int multiProcessorCount() {
        return info.multiProcessors();
    }

    @Override
    public Stream defaultStream() {
        return defaultStream;
    }

    @Override
    public Stream createStream() {
        checkOpen();
        bind();
        CudaStream stream = CudaStream.create(this);
        streams.add(stream);
        return stream;
    }

    @Override
    public DeviceBuffer allocate(long bytes, Stream stream) {
        checkOpen();
        CudaStream on = own(stream);
        accounting.reserve(bytes);
        if (bytes == 0) {
            PoolAccounting pooled = accounting;
            return DeviceBuffer.wrap(this, 0, 0, () -> pooled.release(0));
        }
        DevicePointer pointer = new DevicePointer();
        int result;
        try {
            bind();
            result = cuMemAllocAsync(pointer, bytes, on.jcuda());
        } catch (RuntimeException | Error e) {
            accounting.release(bytes);
            throw e;
        }
        if (result != CUresult.CUDA_SUCCESS) {
            accounting.release(bytes);
            if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                throw new GpuOutOfMemoryError(bytes, accounting.stats(), "the GPU cannot provide it ("
                        + memoryInfo() + "; cuMemAllocAsync returned CUDA_ERROR_OUT_OF_MEMORY)");
            }
            throw Driver.error("cuMemAllocAsync(" + bytes + " bytes)", result);
        }
        long address = pointer.address();
        return DeviceBuffer.wrap(this, address, bytes, () -> free(on, address, bytes));
    }

    /** Runs when a buffer's last reference is closed, on any thread; must not reference the buffer. */
    private void free(CudaStream stream, long address, long bytes) {
        try {
            // After close the context is gone, and its memory with it.
            if (!closed) {
                bind();
                Driver.check("cuMemFreeAsync", stream.freeAsync(DevicePointer.at(address)));
            }
        } finally {
            accounting.release(bytes);
        }
    }

    private String memoryInfo() {
        long[] free = new long[1];
        long[] total = new long[1];
        int result = cuMemGetInfo(free, total);
        return result == CUresult.CUDA_SUCCESS
                ? "the GPU has " + Bytes.format(free[0]) + " free of " + Bytes.format(total[0])
                : "free GPU memory unknown: cuMemGetInfo returned " + Driver.describe(result);
    }

    @Override
    public PinnedBuffer allocatePinned(long bytes) {
        checkOpen();
        if (bytes < 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pinned buffers hold 0 to 2^31-1 bytes, not " + bytes);
        }
        HostPointer pointer = new HostPointer();
        bind();
        // Portable: pinned for every context, so copies to any device stay asynchronous.
        Driver.check("cuMemHostAlloc(" + bytes + " bytes)",
                cuMemHostAlloc(pointer, Math.max(1, bytes), JCudaDriver.CU_MEMHOSTALLOC_PORTABLE));
        long address = pointer.address();
        ByteBuffer view = pointer.getByteBuffer(0, bytes);
        if (view == null || !view.isDirect()) {
            view = MemoryUtil.directBuffer(address, (int) bytes);
        }
        return PinnedBuffer.wrap(address, bytes, view, () -> freePinned(pointer));
    }

    private void freePinned(HostPointer pointer) {
        if (!closed) {
            bind();
            Driver.check("cuMemFreeHost", cuMemFreeHost(pointer));
        }
    }

    @Override
    public void copyHostToDevice(long hostAddress, long deviceAddress, long bytes, Stream stream) {
        CudaStream on = checkCopy(bytes, stream);
        if (bytes > 0) {
            Driver.check("cuMemcpyHtoDAsync", cuMemcpyHtoDAsync(DevicePointer.at(deviceAddress),
                    HostPointer.at(hostAddress), bytes, on.jcuda()));
        }
    }

    @Override
    public void copyDeviceToHost(long deviceAddress, long hostAddress, long bytes, Stream stream) {
        CudaStream on = checkCopy(bytes, stream);
        if (bytes > 0) {
            Driver.check("cuMemcpyDtoHAsync", cuMemcpyDtoHAsync(HostPointer.at(hostAddress),
                    DevicePointer.at(deviceAddress), bytes, on.jcuda()));
        }
    }

    @Override
    public void copyDeviceToDevice(long srcAddress, long dstAddress, long bytes, Stream stream) {
        CudaStream on = checkCopy(bytes, stream);
        if (bytes > 0) {
            Driver.check("cuMemcpyDtoDAsync", cuMemcpyDtoDAsync(DevicePointer.at(dstAddress),
                    DevicePointer.at(srcAddress), bytes, on.jcuda()));
        }
    }

    @Override
    public void memset(long deviceAddress, byte value, long bytes, Stream stream) {
        CudaStream on = checkCopy(bytes, stream);
        if (bytes > 0) {
            Driver.check("cuMemsetD8Async", cuMemsetD8Async(DevicePointer.at(deviceAddress), value, bytes, on.jcuda()));
        }
    }

    private CudaStream checkCopy(long bytes, Stream stream) {
        checkOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count " + bytes);
        }
        CudaStream on = own(stream);
        bind();
        return on;
    }

    @Override
    public Kernel kernel(String name) {
        checkOpen();
        return kernels.computeIfAbsent(name, n -> {
            KernelSpec spec = KernelCatalog.get(n);
            CUfunction function = new CUfunction();
            bind();
            Driver.check("cuModuleGetFunction(" + n + ")", cuModuleGetFunction(function, modules.get(spec.family()), n));
            return new CudaKernel(this, spec, function);
        });
    }

    @Override
    public MemoryPoolStats poolStats() {
        return accounting.stats();
    }

    @Override
    public void resetPoolPeak() {
        accounting.resetPeak();
    }

    @Override
    public void synchronize() {
        checkOpen();
        bind();
        Driver.check("cuCtxSynchronize", cuCtxSynchronize());
    }

    /**
     * Waits for all work, destroys the streams still open, unloads the modules and releases the primary
     * context. Buffers still open are logged; the driver frees their memory when the context goes (the
     * last holder of the primary context releases it), and closing them later only updates the accounting.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        List<CudaException> errors = new ArrayList<>();
        try {
            bind();
            collect(errors, "cuCtxSynchronize", cuCtxSynchronize());
        } catch (CudaException e) {
            errors.add(e);
        }
        closed = true;
        MemoryPoolStats stats = accounting.stats();
        if (stats.liveAllocations() > 0) {
            LOG.warn("Closing {} with {} device buffers still open ({}); their memory is released with the device",
                    info.describe(), stats.liveAllocations(), stats);
        }
        for (CudaStream stream : List.copyOf(streams)) {
            stream.destroyForDeviceClose();
        }
        streams.clear();
        kernels.clear();
        modules.unloadAll(errors);
        try {
            context.release();
        } catch (CudaException e) {
            errors.add(e);
        }
        if (!errors.isEmpty()) {
            CudaException first = errors.get(0);
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    static void collect(List<CudaException> errors, String call, int result) {
        if (result != CUresult.CUDA_SUCCESS) {
            errors.add(Driver.error(call, result));
        }
    }

    /** Makes this device's context current on the calling thread. */
    void bind() {
        context.bind();
    }

    /** The stream as this device's own, or an exception naming the mix-up. */
    CudaStream own(Stream stream) {
        requireNonNull(stream, "stream is null");
        if (stream instanceof CudaStream cuda && cuda.device() == this) {
            return cuda;
        }
        throw new IllegalArgumentException(stream + " does not belong to " + this + "; use a stream of this device");
    }

    void forget(CudaStream stream) {
        streams.remove(stream);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    @Override
    public String toString() {
        return "CudaDevice[" + info.ordinal() + ": " + info.name() + "]";
    }
}
