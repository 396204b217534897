package dev.ember.cuda.kernel;

import dev.ember.cuda.Stream;

/** A kernel on one device, looked up once; every launch goes through {@link #launch}. */
public interface Kernel {
    KernelSpec spec();

    /**
     * Queues one launch on {@code stream}. The arguments are checked against the spec first.
     *
     * @throws IllegalArgumentException when the arguments do not match the kernel's parameters
     */
    void launch(LaunchConfig config, KernelArgs args, Stream stream);
}
