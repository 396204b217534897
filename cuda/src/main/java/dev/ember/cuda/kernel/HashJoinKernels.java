package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code hashjoin.cu}: the build side's table of distinct keys with their rows laid out per key, the
 * probe's match counts and gather-map fill, semi/anti row selection and the marks of pairs that
 * survive a join condition. Keys use the descriptor of {@link HashAggKernels} ({@code ember_keys.cuh}).
 */
public final class HashJoinKernels {
    /** {@code (slots, slotCount, rowSlot, hashes, keys, numKeys, rowValid, capacity, n)}. */
    public static final String BUILD = "ember_hashjoin_build";
    /** {@code (rows, slotEnd, rowSlot, n)}. */
    public static final String PLACE = "ember_hashjoin_place";
    /**
     * {@code (matchSlot, counts, hashes, keys, rowValid, slots, slotCount, buildHashes, buildKeys, numKeys,
     * capacity, outer, n)}.
     */
    public static final String COUNT = "ember_hashjoin_count";
    /**
     * {@code (outProbe, outBuild, buildUnmatched, offsets, matchSlot, slotEnd, slotCount, rows, probeRows,
     * outBegin, outCount)}.
     */
    public static final String FILL = "ember_hashjoin_fill";
    /** {@code (flags, counts, validity, wantMatch, n)}. */
    public static final String SELECT = "ember_hashjoin_select";
    /** {@code (probeMatched, buildUnmatched, pairProbe, pairBuild, mask, maskValidity, n)}. */
    public static final String MARK = "ember_hashjoin_mark";

    public static final KernelFamily FAMILY = KernelFamily.of("hashjoin", List.of(
            KernelSpec.of("hashjoin", BUILD, PTR, PTR, PTR, PTR, PTR, I32, PTR, I64, I64),
            KernelSpec.of("hashjoin", PLACE, PTR, PTR, PTR, I64),
            KernelSpec.of("hashjoin", COUNT, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I64, I32, I64),
            KernelSpec.of("hashjoin", FILL, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I64, I64, I64),
            KernelSpec.of("hashjoin", SELECT, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("hashjoin", MARK, PTR, PTR, PTR, PTR, PTR, PTR, I64)));

    private HashJoinKernels() {}
}
