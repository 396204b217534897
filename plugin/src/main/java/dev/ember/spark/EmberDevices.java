package dev.ember.spark;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.DeviceUnavailableException;
import dev.ember.cuda.emulated.EmulatedDevice;
import java.util.Optional;

/**
 * The one place where the plugin turns {@code spark.ember.device} into a device. The emulated device
 * is created here directly; CUDA devices come from the cuda module's device selection once it is part
 * of this build (then {@link #open} and {@link #cudaStatus} delegate to it).
 */
public final class EmberDevices {
    /** Whether a CUDA GPU is usable in this JVM, and if not, why. */
    public record GpuStatus(boolean usable, String description, String reason) {}

    private EmberDevices() {}

    /**
     * Opens a device: EMULATED → the emulated device; CUDA → the GPU or {@link DeviceUnavailableException}
     * with the reason; AUTO → the GPU if one is usable, else empty.
     */
    public static Optional<Device> open(DeviceKind kind, long poolLimitBytes) {
        return switch (kind) {
            case EMULATED -> Optional.of(EmulatedDevice.create(poolLimitBytes));
            case CUDA -> throw new DeviceUnavailableException("spark.ember.device=cuda, but " + cudaStatus().reason()
                    + ": use spark.ember.device=emulated to run on the CPU emulation, or auto to fall back to Spark");
            case AUTO -> Optional.empty();
        };
    }

    /** Whether {@link #open} would find a CUDA GPU. */
    public static GpuStatus cudaStatus() {
        return new GpuStatus(false, "none", "this build of Ember has no CUDA device support");
    }
}
