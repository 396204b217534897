package dev.ember.cuda.emulated;

import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/**
 * The Java implementation of one kernel's contract, run sequentially by the emulated device. It sees
 * the launch configuration because some contracts depend on it (per-block tiles of a scan).
 */
@FunctionalInterface
public interface KernelEmulation {
    void run(LaunchConfig config, KernelArgs args, EmulatedMemory memory);
}
