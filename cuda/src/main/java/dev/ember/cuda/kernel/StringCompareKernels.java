package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code strcmp.cu}: row-wise comparison of STRING columns in Spark's byte order into INT8 -1/0/1
 * with validity. Column with column ({@code compare_cc}: out, out validity, a offsets, a chars, a
 * validity, b offsets, b chars, b validity, n) or with a non-null scalar ({@code compare_cs}: out,
 * out validity, a offsets, a chars, a validity, scalar chars, scalar length, n).
 */
public final class StringCompareKernels {
    public static final String COMPARE_CC = "ember_string_compare_cc";
    public static final String COMPARE_CS = "ember_string_compare_cs";

    public static final KernelFamily FAMILY = KernelFamily.of("strcmp", List.of(
            KernelSpec.of("strcmp", COMPARE_CC, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("strcmp", COMPARE_CS, PTR, PTR, PTR, PTR, PTR, PTR, I32, I64)));

    private StringCompareKernels() {}
}
