package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code gather.cu}: {@code out[i] = src[map[i]]} for element widths 1, 2, 4 and 8 bytes, by an int32
 * ({@code gather32}) or int64 ({@code gather64}) map. Parameters: out, out validity, src, src
 * validity, src rows, map, n.
 */
public final class GatherKernels {
    public static final String GATHER32_I8 = "ember_gather32_i8";
    public static final String GATHER32_I16 = "ember_gather32_i16";
    public static final String GATHER32_I32 = "ember_gather32_i32";
    public static final String GATHER32_I64 = "ember_gather32_i64";
    public static final String GATHER64_I8 = "ember_gather64_i8";
    public static final String GATHER64_I16 = "ember_gather64_i16";
    public static final String GATHER64_I32 = "ember_gather64_i32";
    public static final String GATHER64_I64 = "ember_gather64_i64";

    public static final KernelFamily FAMILY = KernelFamily.of("gather", List.of(
            spec(GATHER32_I8), spec(GATHER32_I16), spec(GATHER32_I32), spec(GATHER32_I64),
            spec(GATHER64_I8), spec(GATHER64_I16), spec(GATHER64_I32), spec(GATHER64_I64)));

    private GatherKernels() {}

    /** The entry point for a map of {@code mapWidth} bytes (4 or 8) and elements of {@code width} bytes. */
    public static String name(int mapWidth, int width) {
        return switch (mapWidth) {
            case 4 -> switch (width) {
                case 1 -> GATHER32_I8;
                case 2 -> GATHER32_I16;
                case 4 -> GATHER32_I32;
                case 8 -> GATHER32_I64;
                default -> throw badWidth(width);
            };
            case 8 -> switch (width) {
                case 1 -> GATHER64_I8;
                case 2 -> GATHER64_I16;
                case 4 -> GATHER64_I32;
                case 8 -> GATHER64_I64;
                default -> throw badWidth(width);
            };
            default -> throw new IllegalArgumentException("gather map entries are 4 (int32) or 8 (int64) bytes, not " + mapWidth);
        };
    }

    static IllegalArgumentException badWidth(int width) {
        return new IllegalArgumentException("element width must be 1, 2, 4 or 8, not " + width);
    }

    private static KernelSpec spec(String name) {
        return KernelSpec.of("gather", name, PTR, PTR, PTR, PTR, I64, PTR, I64);
    }
}
