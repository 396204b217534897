package dev.ember.cuda.driver;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;

/**
 * The primary context of one device, retained for the lifetime of a {@link CudaDevice}. The driver's
 * current context is per thread, and Ember's driver calls come from any thread (Spark task threads,
 * the {@code Cleaner} thread freeing leaked buffers), so every call site {@link #bind() binds} first.
 * A thread-local remembers which context this thread last bound through Ember, making the common case
 * one thread-local read. Ember assumes no other code in the JVM switches the current context.
 */
final class PrimaryContext {
    private static final ThreadLocal<PrimaryContext> BOUND = new ThreadLocal<>();

    private final CUdevice device;
    private final CUcontext context;
    private volatile boolean released;

    private PrimaryContext(CUdevice device, CUcontext context) {
        this.device = device;
        this.context = context;
    }

    static PrimaryContext retain(CUdevice device) {
        CUcontext context = new CUcontext();
        Driver.check("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain(context, device));
        PrimaryContext primary = new PrimaryContext(device, context);
        try {
            primary.bind();
        } catch (RuntimeException e) {
            primary.release();
            throw e;
        }
        return primary;
    }

    /** Makes this context current on the calling thread, if it is not already. */
    void bind() {
        if (BOUND.get() != this) {
            if (released) {
                throw new IllegalStateException("the CUDA device's context was released (the device is closed)");
            }
            Driver.check("cuCtxSetCurrent", cuCtxSetCurrent(context));
            BOUND.set(this);
        }
    }

    long handle() {
        return NativeHandles.valueOf(context);
    }

    /** Drops Ember's reference; the driver destroys the context when no one else holds it. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        if (BOUND.get() == this) {
            BOUND.remove();
        }
        Driver.check("cuDevicePrimaryCtxRelease", cuDevicePrimaryCtxRelease(device));
    }
}
