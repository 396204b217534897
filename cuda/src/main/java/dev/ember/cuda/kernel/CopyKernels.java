package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code copy.cu}: element copies with element offsets ({@code dst, dstOffset, src, srcOffset, n}) and
 * a bit copy with bit offsets ({@code dst, dstBit, src, srcBit, n}).
 */
public final class CopyKernels {
    public static final String COPY_I8 = "ember_copy_i8";
    public static final String COPY_I16 = "ember_copy_i16";
    public static final String COPY_I32 = "ember_copy_i32";
    public static final String COPY_I64 = "ember_copy_i64";
    public static final String COPYBITS_B1 = "ember_copybits_b1";

    public static final KernelFamily FAMILY = KernelFamily.of("copy", List.of(spec(COPY_I8), spec(COPY_I16), spec(COPY_I32), spec(COPY_I64), spec(COPYBITS_B1)));

    private CopyKernels() {}

    /** The element copy for elements of {@code width} bytes. */
    public static String name(int width) {
        return switch (width) {
            case 1 -> COPY_I8;
            case 2 -> COPY_I16;
            case 4 -> COPY_I32;
            case 8 -> COPY_I64;
            default -> throw new IllegalArgumentException("element width must be 1, 2, 4 or 8, not " + width);
        };
    }

    private static KernelSpec spec(String name) {
        return KernelSpec.of("copy", name, PTR, I64, PTR, I64, I64);
    }
}
