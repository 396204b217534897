package dev.ember.cuda.testing;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.emulated.EmulatedDevice;

/**
 * The device the test suites run on, chosen by {@code -Dember.device=emulated|cuda} (the build sets
 * {@code emulated}; a GPU machine passes {@code cuda}). One device per JVM, never closed: buffers
 * are what tests must close, and the leak check watches those.
 */
public final class TestDevices {
    /** Pool limit for test devices: large enough for every suite, small enough to catch runaway allocations. */
    public static final long POOL_LIMIT = 4L << 30;

    private static Device shared;
    private static Device emulated;

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
                case CUDA, AUTO -> throw new IllegalStateException("the CUDA device is not wired into tests yet");
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
}
