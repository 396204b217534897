package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code strfloat.cu}: Cast(string AS DOUBLE / FLOAT) with ANSI off, the GPU part of a hybrid parse.
 * {@code ember_str_to_f64} and {@code ember_str_to_f32} (out, out validity, flags, count, offsets,
 * chars, validity, n): rows the GPU cannot prove Java's result for are flagged for the host.
 */
public final class StringFloatKernels {
    public static final String TO_F64 = "ember_str_to_f64";
    public static final String TO_F32 = "ember_str_to_f32";

    public static final KernelFamily FAMILY = KernelFamily.of("strfloat", List.of(
            KernelSpec.of("strfloat", TO_F64, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("strfloat", TO_F32, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I64)));

    private StringFloatKernels() {}
}
