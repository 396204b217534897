package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code decimal128.cu}: decimal arithmetic whose results are DECIMAL128 columns, wider than the
 * expression engine's 64-bit registers: the exact 128-bit product of two DECIMAL64 columns.
 */
public final class Decimal128Kernels {
    /** {@code (out, a, aValidity, b, bValidity, n)}. */
    public static final String MULTIPLY_DEC64 = "ember_decimal128_multiply_dec64";

    public static final KernelFamily FAMILY = KernelFamily.of("decimal128", List.of(
            KernelSpec.of("decimal128", MULTIPLY_DEC64, PTR, PTR, PTR, PTR, PTR, I64)));

    private Decimal128Kernels() {}
}
