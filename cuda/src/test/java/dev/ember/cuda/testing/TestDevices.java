package dev.ember.cuda.testing;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.DeviceUnavailableException;
import dev.ember.cuda.Devices;
import dev.ember.cuda.emulated.EmulatedDevice;
import java.util.Optional;

/**
 * The device the test suites run on, chosen by {@code -Dember.device=emulated|cuda|auto} (the build sets
 * {@code emulated}; a GPU machine passes {@code cuda}; {@code auto} takes the GPU if usable, else the
 * emulation). One device of each kind per JVM, never closed: buffers are what tests must close, and the
 * leak check watches those.
 */
public final class TestDevices {
    /** Pool limit for test devices: large enough for every suite, small enough to catch runaway allocations. */
    public static final long POOL_LIMIT = 4L << 30;

    private static Device shared;
    private static Device emulated;
    private static Device cuda;
    private static String cudaFailure;

    private TestDevices() {}

    /** The kind selected for this run. */
    public static DeviceKind selectedKind() {
        return DeviceKind.parse(System.getProperty("ember.device", "emulated"));
    }

    /** The device selected for this run. */
    public static synchronized Device device() {
        if (shared == null) {
            shared = switch (selectedKind()) {
                case EMULATED -> emulated();
                case CUDA -> cuda().orElseThrow(() -> new DeviceUnavailableException(
                        "-Dember.device=cuda, but the CUDA device cannot be used: " + cudaUnavailableReason()));
                case AUTO -> cuda().orElseGet(TestDevices::emulated);
            };
        }
        return shared;
    }

    /** The emulated device, whatever was selected (the reference side of conformance tests). */
    public static synchronized Device emulated() {
        if (emulated == null) {
            emulated = EmulatedDevice.create(POOL_LIMIT);
        }
        return emulated;
    }

    /**
     * The CUDA device if this machine has a usable one, whatever was selected (the GPU side of
     * conformance tests), else empty; {@link #cudaUnavailableReason()} then says why. Opened once.
     */
    public static synchronized Optional<Device> cuda() {
        if (cuda == null && cudaFailure == null) {
            if (!Devices.cudaStatus().usable()) {
                cudaFailure = Devices.cudaStatus().reason();
            } else {
                try {
                    cuda = Devices.open(DeviceKind.CUDA, POOL_LIMIT).orElseThrow();
                } catch (DeviceUnavailableException e) {
                    cudaFailure = e.getMessage();
                }
            }
        }
        return Optional.ofNullable(cuda);
    }

    /** Why {@link #cuda()} is empty (for JUnit assumptions); empty when the CUDA device is usable. */
    public static synchronized String cudaUnavailableReason() {
        cuda();
        return cudaFailure == null ? "" : cudaFailure;
    }
}
