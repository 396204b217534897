package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code aggselect.cu}: aggregations that select one row per group slot (first, last, and min/max of
 * STRING and DECIMAL128 values), and the per-group row map read from the slots. Every state is one
 * int32 per slot, -1 before the first update.
 */
public final class AggSelectKernels {
    /** {@code (state, rowSlot, validity, n)}: the smallest row per slot among rows with their bit set. */
    public static final String FIRST = "ember_aggselect_first";
    /** {@code (state, rowSlot, validity, n)}: the largest row per slot among rows with their bit set. */
    public static final String LAST = "ember_aggselect_last";
    /** {@code (state, rowSlot, offsets, chars, validity, n)}. */
    public static final String MIN_STRING = "ember_aggselect_min_string";
    /** {@code (state, rowSlot, offsets, chars, validity, n)}. */
    public static final String MAX_STRING = "ember_aggselect_max_string";
    /** {@code (state, rowSlot, data, validity, n)}. */
    public static final String MIN_DEC128 = "ember_aggselect_min_dec128";
    /** {@code (state, rowSlot, data, validity, n)}. */
    public static final String MAX_DEC128 = "ember_aggselect_max_dec128";
    /** {@code (rows, state, groupSlots, groups)}: each group's selected row, or -1. */
    public static final String ROWS = "ember_aggselect_rows";

    public static final KernelFamily FAMILY = KernelFamily.of("aggselect", List.of(
            KernelSpec.of("aggselect", FIRST, PTR, PTR, PTR, I64),
            KernelSpec.of("aggselect", LAST, PTR, PTR, PTR, I64),
            KernelSpec.of("aggselect", MIN_STRING, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("aggselect", MAX_STRING, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("aggselect", MIN_DEC128, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("aggselect", MAX_DEC128, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("aggselect", ROWS, PTR, PTR, PTR, I64)));

    private AggSelectKernels() {}
}
