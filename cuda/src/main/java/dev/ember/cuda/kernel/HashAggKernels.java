package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code hashagg.cu}: the open-addressing group table (insert, first row of each group), per-slot
 * aggregation updates with atomics (count, sum, min, max), the per-group results and the
 * normalization of floating-point keys. The exact decimal sums are in {@link HashAggDecKernels}.
 */
public final class HashAggKernels {
    /** {@code (slots, minRow, rowSlot, status, hashes, keys, numKeys, capacity, maxGroups, n)}. */
    public static final String INSERT = "ember_hashagg_insert";
    /** {@code (flags, rowSlot, minRow, n)}. */
    public static final String MARK_FIRST = "ember_hashagg_mark_first";
    /** {@code (counts, rowSlot, validity, n)}. */
    public static final String COUNT = "ember_hashagg_count";
    /** {@code (out, outValidity, state, counts, groupSlots, groups)}: floating sums. */
    public static final String EMIT_SUM_F64 = "ember_hashagg_emit_sum_f64";
    /** {@code (out, counts, groupSlots, groups)}: BOOL8, whether the group has a non-null value. */
    public static final String EMIT_ANY_VALID = "ember_hashagg_emit_any_valid";
    /** {@code (out, counts, groupSlots, groups)}: BOOL8, whether the group has no non-null value. */
    public static final String EMIT_NONE_VALID = "ember_hashagg_emit_none_valid";
    public static final String NORMALIZE_F32 = "ember_hashagg_normalize_f32";
    public static final String NORMALIZE_F64 = "ember_hashagg_normalize_f64";

    /** Type suffixes of the SUM updates. */
    public static final List<String> SUM_TYPES = List.of("i8", "i16", "i32", "i64", "f32", "f64");
    /** Type suffixes of the MIN and MAX updates. */
    public static final List<String> MIN_MAX_TYPES = List.of("bool8", "i8", "i16", "i32", "i64", "f32", "f64");
    /** Type suffixes of the result kernels (besides {@link #EMIT_SUM_F64}). */
    public static final List<String> EMIT_TYPES = List.of("i8", "i16", "i32", "i64", "f32", "f64");

    /** Key kinds in the key descriptor, as {@code hashagg.cu} numbers them. */
    public static final int KIND_BOOL8 = 0;
    public static final int KIND_I8 = 1;
    public static final int KIND_I16 = 2;
    public static final int KIND_I32 = 3;
    public static final int KIND_I64 = 4;
    public static final int KIND_F32 = 5;
    public static final int KIND_F64 = 6;
    public static final int KIND_DEC128 = 7;
    public static final int KIND_STRING = 8;
    /** int64 words per key column in the descriptor: kind, data, validity, aux (STRING bytes). */
    public static final int KEY_WORDS = 4;

    public static final KernelFamily FAMILY = KernelFamily.of("hashagg", specs());

    private HashAggKernels() {}

    /** {@code (sums, counts, rowSlot, data, validity, n)}. */
    public static String sum(String type) {
        return checked("sum", type, SUM_TYPES);
    }

    /** {@code (state, counts, rowSlot, data, validity, n)}. */
    public static String min(String type) {
        return checked("min", type, MIN_MAX_TYPES);
    }

    /** {@code (state, counts, rowSlot, data, validity, n)}. */
    public static String max(String type) {
        return checked("max", type, MIN_MAX_TYPES);
    }

    /** {@code (out, outValidity, state, counts, groupSlots, groups)}. */
    public static String emit(String type) {
        return checked("emit", type, EMIT_TYPES);
    }

    private static String checked(String op, String type, List<String> types) {
        if (!types.contains(type)) {
            throw new IllegalArgumentException("no hashagg " + op + " kernel for type " + type + "; types: " + types);
        }
        return "ember_hashagg_" + op + "_" + type;
    }

    private static List<KernelSpec> specs() {
        List<KernelSpec> specs = new ArrayList<>();
        specs.add(KernelSpec.of("hashagg", INSERT, PTR, PTR, PTR, PTR, PTR, PTR, I32, I64, I64, I64));
        specs.add(KernelSpec.of("hashagg", MARK_FIRST, PTR, PTR, PTR, I64));
        specs.add(KernelSpec.of("hashagg", COUNT, PTR, PTR, PTR, I64));
        for (String t : SUM_TYPES) {
            specs.add(KernelSpec.of("hashagg", sum(t), PTR, PTR, PTR, PTR, PTR, I64));
        }
        for (String t : MIN_MAX_TYPES) {
            specs.add(KernelSpec.of("hashagg", min(t), PTR, PTR, PTR, PTR, PTR, I64));
            specs.add(KernelSpec.of("hashagg", max(t), PTR, PTR, PTR, PTR, PTR, I64));
        }
        for (String t : EMIT_TYPES) {
            specs.add(KernelSpec.of("hashagg", emit(t), PTR, PTR, PTR, PTR, PTR, I64));
        }
        specs.add(KernelSpec.of("hashagg", EMIT_SUM_F64, PTR, PTR, PTR, PTR, PTR, I64));
        specs.add(KernelSpec.of("hashagg", EMIT_ANY_VALID, PTR, PTR, PTR, I64));
        specs.add(KernelSpec.of("hashagg", EMIT_NONE_VALID, PTR, PTR, PTR, I64));
        specs.add(KernelSpec.of("hashagg", NORMALIZE_F32, PTR, I64));
        specs.add(KernelSpec.of("hashagg", NORMALIZE_F64, PTR, I64));
        return List.copyOf(specs);
    }
}
