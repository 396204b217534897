package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code strings.cu}: the variable-width building blocks of STRING columns. A gather by an int32
 * map computes sizes, validity and the exact total ({@code gather_sizes}: sizes, out validity,
 * total, src offsets, src validity, src rows, map, n), scans the sizes into offsets, then copies the
 * bytes ({@code gather_chars_thread} / {@code _warp}: out chars, out offsets, src chars, src
 * offsets, map, n); slices and concatenations rebase offsets ({@code rebase_offsets}: out, in, n,
 * delta).
 */
public final class StringKernels {
    public static final String GATHER_SIZES = "ember_string_gather_sizes";
    public static final String GATHER_CHARS_THREAD = "ember_string_gather_chars_thread";
    public static final String GATHER_CHARS_WARP = "ember_string_gather_chars_warp";
    public static final String REBASE_OFFSETS = "ember_string_rebase_offsets";

    public static final KernelFamily FAMILY = KernelFamily.of("strings", List.of(
            KernelSpec.of("strings", GATHER_SIZES, PTR, PTR, PTR, PTR, PTR, I64, PTR, I64),
            KernelSpec.of("strings", GATHER_CHARS_THREAD, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("strings", GATHER_CHARS_WARP, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("strings", REBASE_OFFSETS, PTR, PTR, I64, I32)));

    private StringKernels() {}
}
