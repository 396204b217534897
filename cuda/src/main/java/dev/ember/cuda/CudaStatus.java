package dev.ember.cuda;

import static java.util.Objects.requireNonNull;

/**
 * Whether a CUDA device can be used in this JVM, as {@link Devices#cudaStatus()} found out.
 *
 * @param usable whether {@code Devices.open(CUDA, ...)} can open device 0
 * @param deviceCount the number of CUDA devices the driver reports (0 without a driver)
 * @param description device 0 as the driver describes it (name, compute capability, memory, driver),
 *     or what was found instead
 * @param reason why CUDA cannot be used and what to do about it; empty when usable
 */
public record CudaStatus(boolean usable, int deviceCount, String description, String reason) {
    public CudaStatus {
        requireNonNull(description, "description is null");
        requireNonNull(reason, "reason is null");
        if (usable != reason.isEmpty()) {
            throw new IllegalArgumentException("a usable status has no reason, an unusable one has one: " + reason);
        }
    }

    public static CudaStatus usable(int deviceCount, String description) {
        return new CudaStatus(true, deviceCount, description, "");
    }

    public static CudaStatus unusable(int deviceCount, String description, String reason) {
        return new CudaStatus(false, deviceCount, description, reason);
    }

    @Override
    public String toString() {
        return usable
                ? "CUDA usable: " + deviceCount + " device(s), device 0 is " + description
                : "CUDA not usable: " + reason;
    }
}
