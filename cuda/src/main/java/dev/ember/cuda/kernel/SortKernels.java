package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import dev.ember.cuda.column.DType;
import java.util.List;

/**
 * {@code sort.cu}: the kernels of the LSD radix sort of row indices ({@code dev.ember.cuda.ops.RadixSort}):
 * key columns to order-preserving unsigned 64-bit words (with the OR of the words and of their complements,
 * which tells the bytes that vary), a pass's 8-bit digits (or null flags) at the current permutation, and
 * the composition of the last permutation with the last split; for STRING keys, a round's 7-byte words of
 * every string, the bits in which rows of equal rank differ, and the marks that rank the rows densely
 * after a round's sort.
 */
public final class SortKernels {
    /** Every normalize kernel: {@code (keys, bits, data, validity, descending, n)}. */
    public static final String NORMALIZE_BOOL8 = "ember_sort_normalize_bool8";
    public static final String NORMALIZE_I8 = "ember_sort_normalize_i8";
    public static final String NORMALIZE_I16 = "ember_sort_normalize_i16";
    public static final String NORMALIZE_I32 = "ember_sort_normalize_i32";
    public static final String NORMALIZE_I64 = "ember_sort_normalize_i64";
    public static final String NORMALIZE_F32 = "ember_sort_normalize_f32";
    public static final String NORMALIZE_F64 = "ember_sort_normalize_f64";
    public static final String NORMALIZE_DEC128 = "ember_sort_normalize_dec128";
    /** {@code (digits, permOut, permIn, order, keys, shift, n)}. */
    public static final String DIGIT = "ember_sort_digit";
    /** {@code (digits, permOut, permIn, order, validity, nullsFirst, n)}. */
    public static final String NULL_DIGIT = "ember_sort_null_digit";
    /** {@code (out, perm, order, n)}. */
    public static final String COMPOSE = "ember_sort_compose";
    /** {@code (keys, bits, offsets, chars, validity, start, n)}. */
    public static final String STRING_WORD = "ember_sort_string_word";
    /** {@code (bits, order, rank, keys, n)}. */
    public static final String TIE_BITS = "ember_sort_tie_bits";
    /** {@code (marks, counts, order, rank, keys, n)}. */
    public static final String RANK_MARKS = "ember_sort_rank_marks";

    public static final List<String> NORMALIZE = List.of(NORMALIZE_BOOL8, NORMALIZE_I8, NORMALIZE_I16,
            NORMALIZE_I32, NORMALIZE_I64, NORMALIZE_F32, NORMALIZE_F64, NORMALIZE_DEC128);

    public static final KernelFamily FAMILY = KernelFamily.of("sort", List.of(
            KernelSpec.of("sort", NORMALIZE_BOOL8, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", NORMALIZE_I8, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", NORMALIZE_I16, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", NORMALIZE_I32, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", NORMALIZE_I64, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", NORMALIZE_F32, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", NORMALIZE_F64, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", NORMALIZE_DEC128, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", DIGIT, PTR, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", NULL_DIGIT, PTR, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("sort", COMPOSE, PTR, PTR, PTR, I64),
            KernelSpec.of("sort", STRING_WORD, PTR, PTR, PTR, PTR, PTR, I64, I64),
            KernelSpec.of("sort", TIE_BITS, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("sort", RANK_MARKS, PTR, PTR, PTR, PTR, PTR, I64)));

    private SortKernels() {}

    /** The normalize kernel of a fixed-width key type; throws for STRING (which the sort ranks first). */
    public static String normalize(DType type) {
        return switch (type.id()) {
            case BOOL8 -> NORMALIZE_BOOL8;
            case INT8 -> NORMALIZE_I8;
            case INT16 -> NORMALIZE_I16;
            case INT32, DATE32 -> NORMALIZE_I32;
            case INT64, TIMESTAMP_US, DECIMAL64 -> NORMALIZE_I64;
            case FLOAT32 -> NORMALIZE_F32;
            case FLOAT64 -> NORMALIZE_F64;
            case DECIMAL128 -> NORMALIZE_DEC128;
            case STRING -> throw new IllegalArgumentException("the radix sort takes fixed-width keys, not " + type);
        };
    }

    /** Normalized 64-bit words per row of a key type: 2 for DECIMAL128, else 1. */
    public static int words(DType type) {
        return type.id() == DType.TypeId.DECIMAL128 ? 2 : 1;
    }
}
