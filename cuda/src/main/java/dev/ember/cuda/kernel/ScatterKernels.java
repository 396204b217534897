package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code scatter.cu}: {@code out[map[i]] = src[i]} by an int32 map, for element widths 1, 2, 4, 8 and 16
 * bytes (16: 16-byte aligned data, see {@link GatherKernels#ALIGNMENT_I128}). Parameters: out, out validity, out rows, src, src validity, map, n.
 */
public final class ScatterKernels {
    public static final String SCATTER_I8 = "ember_scatter_i8";
    public static final String SCATTER_I16 = "ember_scatter_i16";
    public static final String SCATTER_I32 = "ember_scatter_i32";
    public static final String SCATTER_I64 = "ember_scatter_i64";
    public static final String SCATTER_I128 = "ember_scatter_i128";

    public static final KernelFamily FAMILY = KernelFamily.of("scatter", List.of(spec(SCATTER_I8), spec(SCATTER_I16), spec(SCATTER_I32), spec(SCATTER_I64),
            spec(SCATTER_I128)));

    private ScatterKernels() {}

    /** The entry point for elements of {@code width} bytes. */
    public static String name(int width) {
        return switch (width) {
            case 1 -> SCATTER_I8;
            case 2 -> SCATTER_I16;
            case 4 -> SCATTER_I32;
            case 8 -> SCATTER_I64;
            case 16 -> SCATTER_I128;
            default -> throw GatherKernels.badWidth(width);
        };
    }

    private static KernelSpec spec(String name) {
        return KernelSpec.of("scatter", name, PTR, PTR, I64, PTR, PTR, PTR, I64);
    }
}
