package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cast.cu}: {@code ember_cast_<from>_<to>(in, out, n)} for every ordered pair of distinct
 * fixed-width numeric types, with Spark's non-ANSI cast rules.
 */
public final class CastKernels {
    /** Entry-point type suffixes, in the order the conformance cases and tests enumerate them. */
    public static final List<String> TYPES = List.of("bool8", "i8", "i16", "i32", "i64", "f32", "f64");

    public static final KernelFamily FAMILY = KernelFamily.of("cast", kernels());

    private static List<KernelSpec> kernels() {
        List<KernelSpec> specs = new ArrayList<>();
        for (String from : TYPES) {
            for (String to : TYPES) {
                if (!from.equals(to)) {
                    specs.add(KernelSpec.of("cast", CastKernels.name(from, to), PTR, PTR, I64));
                }
            }
        }
        return List.copyOf(specs);
    }

    private CastKernels() {}

    /** The entry point casting {@code from} to {@code to}, both suffixes from {@link #TYPES}. */
    public static String name(String from, String to) {
        if (!TYPES.contains(from) || !TYPES.contains(to) || from.equals(to)) {
            throw new IllegalArgumentException("no cast kernel from " + from + " to " + to + "; types are " + TYPES
                    + " and must differ");
        }
        return "ember_cast_" + from + "_" + to;
    }
}
