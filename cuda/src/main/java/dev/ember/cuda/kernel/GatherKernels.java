package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code gather.cu}: {@code out[i] = src[map[i]]} for element widths 1, 2, 4, 8 and 16 bytes, by an int32
 * ({@code gather32}) or int64 ({@code gather64}) map. Parameters: out, out validity, src, src
 * validity, src rows, map, n. The 16-byte kernels move each element as one 128-bit access: their data
 * pointers must be 16-byte aligned ({@link #ALIGNMENT_I128}).
 */
public final class GatherKernels {
    public static final String GATHER32_I8 = "ember_gather32_i8";
    public static final String GATHER32_I16 = "ember_gather32_i16";
    public static final String GATHER32_I32 = "ember_gather32_i32";
    public static final String GATHER32_I64 = "ember_gather32_i64";
    public static final String GATHER32_I128 = "ember_gather32_i128";
    public static final String GATHER64_I8 = "ember_gather64_i8";
    public static final String GATHER64_I16 = "ember_gather64_i16";
    public static final String GATHER64_I32 = "ember_gather64_i32";
    public static final String GATHER64_I64 = "ember_gather64_i64";
    public static final String GATHER64_I128 = "ember_gather64_i128";
    /** The alignment in bytes the 16-byte gather and scatter kernels need of their data pointers. */
    public static final long ALIGNMENT_I128 = 16;

    public static final KernelFamily FAMILY = KernelFamily.of("gather", List.of(
            spec(GATHER32_I8), spec(GATHER32_I16), spec(GATHER32_I32), spec(GATHER32_I64), spec(GATHER32_I128),
            spec(GATHER64_I8), spec(GATHER64_I16), spec(GATHER64_I32), spec(GATHER64_I64), spec(GATHER64_I128)));

    private GatherKernels() {}

    /** The entry point for a map of {@code mapWidth} bytes (4 or 8) and elements of {@code width} bytes. */
    public static String name(int mapWidth, int width) {
        return switch (mapWidth) {
            case 4 -> switch (width) {
                case 1 -> GATHER32_I8;
                case 2 -> GATHER32_I16;
                case 4 -> GATHER32_I32;
                case 8 -> GATHER32_I64;
                case 16 -> GATHER32_I128;
                default -> throw badWidth(width);
            };
            case 8 -> switch (width) {
                case 1 -> GATHER64_I8;
                case 2 -> GATHER64_I16;
                case 4 -> GATHER64_I32;
                case 8 -> GATHER64_I64;
                case 16 -> GATHER64_I128;
                default -> throw badWidth(width);
            };
            default -> throw new IllegalArgumentException("gather map entries are 4 (int32) or 8 (int64) bytes, not " + mapWidth);
        };
    }

    static IllegalArgumentException badWidth(int width) {
        return new IllegalArgumentException("element width must be 1, 2, 4, 8 or 16, not " + width);
    }

    /**
     * Throws unless a {@code width}-byte element at {@code address} can be accessed by the kernels: the
     * 16-byte kernels need 16-byte alignment, the others only the natural alignment every allocation has.
     */
    public static void checkAlignment(int width, long address, String what) {
        if (width == 16 && address % ALIGNMENT_I128 != 0) {
            throw new IllegalArgumentException(what + " address 0x" + Long.toHexString(address)
                    + " is not 16-byte aligned: the 16-byte kernels move each element as one 128-bit access; pass an"
                    + " allocation's address or an offset that is a multiple of 16");
        }
    }

    private static KernelSpec spec(String name) {
        return KernelSpec.of("gather", name, PTR, PTR, PTR, PTR, I64, PTR, I64);
    }
}
