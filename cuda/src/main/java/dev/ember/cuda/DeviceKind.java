package dev.ember.cuda;

import java.util.Locale;

/** Which device Ember uses: a real GPU, the CPU emulation, or whichever is available. */
public enum DeviceKind {
    /** A CUDA GPU if one is usable; otherwise none (Spark then keeps every plan on the CPU). */
    AUTO,
    /** A CUDA GPU; fails with the reason when none is usable. */
    CUDA,
    /** The CPU emulation of the device and of every kernel (for CI and validation without a GPU). */
    EMULATED;

    public static DeviceKind parse(String value) {
        for (DeviceKind kind : values()) {
            if (kind.name().equalsIgnoreCase(value.trim())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown device kind '" + value + "': use auto, cuda or emulated");
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
