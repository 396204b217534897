package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code hashaggdec.cu}: exact 192-bit per-slot sums of DECIMAL64/DECIMAL128 values (Spark's decimal
 * Sum and Average buffers), their per-group results with Spark's overflow check, and the decimal
 * average of merged sum and count buffers. A family of its own so the 128- and 192-bit arithmetic
 * stays out of {@code hashagg.cu}; the kernels use {@link HashAggKernels}' table (row and group slots).
 */
public final class HashAggDecKernels {
    /** {@code (sums, nulls, rowSlot, data, validity, n)}. */
    public static final String SUM_DEC64 = "ember_hashaggdec_sum_dec64";
    /** {@code (sums, nulls, rowSlot, data, validity, n)}. */
    public static final String SUM_DEC128 = "ember_hashaggdec_sum_dec128";
    /** {@code (out, outValidity, sums, nulls, groupSlots, precision, groups)}. */
    public static final String EMIT_DEC64 = "ember_hashaggdec_emit_dec64";
    /** {@code (out, outValidity, sums, nulls, groupSlots, precision, groups)}. */
    public static final String EMIT_DEC128 = "ember_hashaggdec_emit_dec128";
    /** {@code (out, outValidity, sums, sumValidity, counts, countValidity, shift, precision, outWords, n)}. */
    public static final String AVERAGE_DEC64 = "ember_hashaggdec_average_dec64";
    /** {@code (out, outValidity, sums, sumValidity, counts, countValidity, shift, precision, outWords, n)}. */
    public static final String AVERAGE_DEC128 = "ember_hashaggdec_average_dec128";

    /** uint64 words of one slot's sum. */
    public static final int SUM_WORDS = 3;
    /** The largest power of ten the average scales a sum by (10^19 < 2^64). */
    public static final int MAX_AVERAGE_SHIFT = 19;

    public static final KernelFamily FAMILY = KernelFamily.of("hashaggdec", List.of(
            KernelSpec.of("hashaggdec", SUM_DEC64, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("hashaggdec", SUM_DEC128, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("hashaggdec", EMIT_DEC64, PTR, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("hashaggdec", EMIT_DEC128, PTR, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("hashaggdec", AVERAGE_DEC64, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I64),
            KernelSpec.of("hashaggdec", AVERAGE_DEC128, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I64)));

    private HashAggDecKernels() {}
}
