package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code strcast.cu}: Spark's casts between STRING and the integral types and DATE32 (ANSI off).
 * {@code ember_str_to_<t>} and {@code ember_str_to_date32} (out, out validity, offsets, chars,
 * validity, n); {@code ember_<t>_to_str_sizes} / {@code ember_date32_to_str_sizes} (sizes, total, in,
 * validity, n) and {@code _chars} (out chars, out offsets, in, n).
 */
public final class StringCastKernels {
    public static final String TO_DATE32 = "ember_str_to_date32";
    public static final String DATE32_SIZES = "ember_date32_to_str_sizes";
    public static final String DATE32_CHARS = "ember_date32_to_str_chars";
    /** Type suffixes by byte width 1, 2, 4, 8. */
    private static final List<String> SUFFIXES = List.of("i8", "i16", "i32", "i64");

    public static final KernelFamily FAMILY = KernelFamily.of("strcast", specs());

    private StringCastKernels() {}

    /** {@code ember_str_to_<t>} for an integral width of 1, 2, 4 or 8 bytes. */
    public static String toIntegral(int width) {
        return "ember_str_to_" + suffix(width);
    }

    /** {@code ember_<t>_to_str_sizes} for an integral width. */
    public static String integralSizes(int width) {
        return "ember_" + suffix(width) + "_to_str_sizes";
    }

    /** {@code ember_<t>_to_str_chars} for an integral width. */
    public static String integralChars(int width) {
        return "ember_" + suffix(width) + "_to_str_chars";
    }

    private static String suffix(int width) {
        return switch (width) {
            case 1 -> "i8";
            case 2 -> "i16";
            case 4 -> "i32";
            case 8 -> "i64";
            default -> throw new IllegalArgumentException("integral width must be 1, 2, 4 or 8, not " + width);
        };
    }

    private static List<KernelSpec> specs() {
        List<KernelSpec> specs = new ArrayList<>();
        for (int k = 0; k < SUFFIXES.size(); k++) {
            int width = 1 << k;
            specs.add(KernelSpec.of("strcast", toIntegral(width), PTR, PTR, PTR, PTR, PTR, I64));
            specs.add(KernelSpec.of("strcast", integralSizes(width), PTR, PTR, PTR, PTR, I64));
            specs.add(KernelSpec.of("strcast", integralChars(width), PTR, PTR, PTR, I64));
        }
        specs.add(KernelSpec.of("strcast", TO_DATE32, PTR, PTR, PTR, PTR, PTR, I64));
        specs.add(KernelSpec.of("strcast", DATE32_SIZES, PTR, PTR, PTR, PTR, I64));
        specs.add(KernelSpec.of("strcast", DATE32_CHARS, PTR, PTR, PTR, I64));
        return List.copyOf(specs);
    }
}
