package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import java.util.List;
import java.util.Set;

/**
 * One way of exercising one or more kernels: generate inputs from a seed and a size, run on a
 * device, return every output buffer as bytes. The conformance suite runs each case on the CUDA
 * device and on the emulation with the same seed and requires byte-identical outputs. Cases must
 * close everything they allocate.
 */
public interface ConformanceCase {
    /** A short label, e.g. {@code gather i64 by i32 map}. */
    String name();

    /** The entry points this case launches. */
    Set<String> kernels();

    /** Runs on {@code device} with inputs derived only from {@code seed} and {@code n}. */
    List<byte[]> run(Device device, long seed, int n);
}
