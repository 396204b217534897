package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/** {@code fill.cu}: fill with a constant, and arithmetic sequences. */
public final class FillKernels {
    public static final String FILL_I8 = "ember_fill_i8";
    public static final String FILL_I16 = "ember_fill_i16";
    public static final String FILL_I32 = "ember_fill_i32";
    public static final String FILL_I64 = "ember_fill_i64";
    public static final String SEQUENCE_I32 = "ember_sequence_i32";
    public static final String SEQUENCE_I64 = "ember_sequence_i64";

    public static final KernelFamily FAMILY = KernelFamily.of("fill", List.of(
            KernelSpec.of("fill", FILL_I8, PTR, I64, I32),
            KernelSpec.of("fill", FILL_I16, PTR, I64, I32),
            KernelSpec.of("fill", FILL_I32, PTR, I64, I32),
            KernelSpec.of("fill", FILL_I64, PTR, I64, I64),
            KernelSpec.of("fill", SEQUENCE_I32, PTR, I64, I32, I32),
            KernelSpec.of("fill", SEQUENCE_I64, PTR, I64, I64, I64)));

    private FillKernels() {}
}
