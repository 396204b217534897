package dev.ember.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.driver.CudaDevice;
import dev.ember.cuda.driver.CudaProbe;
import dev.ember.cuda.emulated.EmulatedDevice;
import java.util.Optional;

/**
 * Chooses and opens the device Ember runs on. Knows nothing of Spark: the plugin maps its
 * configuration to a {@link DeviceKind} and a pool limit and calls {@link #open}.
 *
 * <p>Detection never throws and never crashes the JVM: without an NVIDIA driver, JCuda's native library
 * cannot be loaded ({@link UnsatisfiedLinkError}, then {@link NoClassDefFoundError} on every later
 * use), and that, like every driver error during detection, becomes a {@link CudaStatus} with a reason.
 * The answer is computed once per JVM and remembered.
 *
 * <p><b>Pool limit.</b> {@code poolLimitBytes} caps the bytes of device memory that the device's buffers
 * may hold at once (the sum of the requested sizes of open {@link DeviceBuffer}s). An allocation that
 * would exceed it fails with {@link GpuOutOfMemoryError} even when the GPU has memory free, so several
 * executors or other processes can share a GPU predictably, and the emulated device fails the same way
 * on a CPU. The GPU itself can run out first (other processes, the pool's granularity): that also
 * fails with {@link GpuOutOfMemoryError}. Pinned host buffers do not count against the limit. The
 * limit must be positive; it may exceed the GPU's memory.
 */
public final class Devices {
    private static final Object LOCK = new Object();
    private static volatile CudaStatus status;

    private Devices() {}

    /** Whether CUDA is usable here, and if not why; detected on the first call, then remembered. */
    public static CudaStatus cudaStatus() {
        CudaStatus known = status;
        if (known == null) {
            synchronized (LOCK) {
                if (status == null) {
                    status = detect();
                }
                known = status;
            }
        }
        return known;
    }

    /** {@link #open(DeviceKind, int, long)} on CUDA device 0. */
    public static Optional<Device> open(DeviceKind kind, long poolLimitBytes) {
        return open(kind, 0, poolLimitBytes);
    }

    /**
     * Opens a device of the requested kind.
     *
     * <ul>
     *   <li>{@link DeviceKind#EMULATED}: always an {@link EmulatedDevice} ({@code ordinal} is ignored).
     *   <li>{@link DeviceKind#CUDA}: the CUDA device {@code ordinal}, or {@link DeviceUnavailableException}
     *       saying why it cannot be used and what to do.
     *   <li>{@link DeviceKind#AUTO}: the CUDA device if it can be opened, else empty; the caller then keeps
     *       every plan on the CPU and logs {@code cudaStatus().reason()} once (a device that is detected
     *       but fails to open turns the remembered status unusable, with the failure as its reason).
     * </ul>
     *
     * @param poolLimitBytes the most bytes of device memory open buffers may hold at once (see the class
     *     comment); must be positive
     * @throws IllegalArgumentException for a pool limit that is not positive or a negative ordinal
     */
    public static Optional<Device> open(DeviceKind kind, int ordinal, long poolLimitBytes) {
        requireNonNull(kind, "kind is null");
        if (poolLimitBytes <= 0) {
            throw new IllegalArgumentException("the device memory pool limit must be a positive number of bytes, got "
                    + poolLimitBytes + "; set it to the device memory Ember may use, e.g. 8g");
        }
        if (ordinal < 0) {
            throw new IllegalArgumentException("CUDA device ordinals start at 0, got " + ordinal);
        }
        return switch (kind) {
            case EMULATED -> Optional.of(EmulatedDevice.create(poolLimitBytes));
            case CUDA -> Optional.of(openCuda(ordinal, poolLimitBytes));
            case AUTO -> openAuto(ordinal, poolLimitBytes);
        };
    }

    private static Optional<Device> openAuto(int ordinal, long poolLimitBytes) {
        if (!cudaStatus().usable()) {
            return Optional.empty();
        }
        try {
            return Optional.of(openCuda(ordinal, poolLimitBytes));
        } catch (DeviceUnavailableException e) {
            synchronized (LOCK) {
                CudaStatus known = cudaStatus();
                status = CudaStatus.unusable(known.deviceCount(), known.description(), e.getMessage());
            }
            return Optional.empty();
        }
    }

    private static Device openCuda(int ordinal, long poolLimitBytes) {
        CudaStatus known = cudaStatus();
        if (!known.usable() && (known.deviceCount() == 0 || ordinal == 0)) {
            throw new DeviceUnavailableException("the CUDA device was requested, but CUDA is not usable: " + known.reason());
        }
        try {
            return CudaDevice.open(ordinal, poolLimitBytes);
        } catch (LinkageError e) {
            throw new DeviceUnavailableException("the CUDA device was requested, but JCuda cannot be used: " + e, e);
        } catch (CudaException e) {
            throw new DeviceUnavailableException("cannot open CUDA device " + ordinal + ": " + e.getMessage(), e);
        }
    }

    private static CudaStatus detect() {
        try {
            return CudaProbe.status();
        } catch (LinkageError e) {
            return CudaStatus.unusable(0, "JCuda unavailable", "JCuda cannot be used (" + e + "); CUDA needs JCuda 12.6"
                    + " on the class path and the NVIDIA driver (libcuda.so.1).");
        } catch (CudaException e) {
            return CudaStatus.unusable(0, "CUDA driver error", "a CUDA driver call failed while looking for devices ("
                    + e.getMessage() + "); check nvidia-smi.");
        }
    }
}
