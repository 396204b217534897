package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/** {@code bitmap.cu}: validity-bitmap logic, counting and conversion from and to int8 flags. */
public final class BitmapKernels {
    public static final String AND_B1 = "ember_and_b1";
    public static final String OR_B1 = "ember_or_b1";
    public static final String NOT_B1 = "ember_not_b1";
    public static final String POPCOUNT_B1 = "ember_popcount_b1";
    public static final String FROMBOOL8_B1 = "ember_frombool8_b1";
    public static final String TOBOOL8_B1 = "ember_tobool8_b1";

    public static final KernelFamily FAMILY = KernelFamily.of("bitmap", List.of(
            KernelSpec.of("bitmap", AND_B1, PTR, PTR, PTR, I64),
            KernelSpec.of("bitmap", OR_B1, PTR, PTR, PTR, I64),
            KernelSpec.of("bitmap", NOT_B1, PTR, PTR, I64),
            KernelSpec.of("bitmap", POPCOUNT_B1, PTR, PTR, I64),
            KernelSpec.of("bitmap", FROMBOOL8_B1, PTR, PTR, I64),
            KernelSpec.of("bitmap", TOBOOL8_B1, PTR, PTR, I64)));

    private BitmapKernels() {}
}
