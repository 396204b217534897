package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.SortKernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The stable sort of row indices by key columns in Spark's order: the gather map that lists the rows in
 * sorted order, rows that tie on every key in input order. Each key column has its {@link SortKey}: a
 * descending column reverses its values' order only, and its nulls go first or last whatever the
 * direction; floats order -0.0 equal to 0.0 and NaN equal to NaN above +Infinity; DECIMAL128 as signed
 * 128-bit; DATE32, TIMESTAMP_US and DECIMAL64 as their signed integers; STRING as Spark compares strings:
 * their UTF-8 bytes in unsigned binary order, a proper prefix first.
 *
 * <p>How ({@code sort.cu}): an LSD radix sort with 8-bit digits. Each key column is first normalized
 * into order-preserving unsigned 64-bit words (two for DECIMAL128; the direction applied), and the same
 * kernels OR together the words and their complements over the valid rows, which one copy to the host
 * (the only wait of a sort of fixed-width keys) turns into the bytes that vary between rows. Then, from
 * the last key column to the first, and within a column from its least significant varying byte to its
 * most significant, followed by a pass on the null flag when the column has both nulls and values, each
 * pass picks the digit of every row at the current permutation and splits the permutation stably by it
 * (the partition split of {@link PartitionSplit#stableOrder}, with as many partitions as the byte's
 * largest digit needs). Bytes that every row shares take no pass, so keys of a narrow range cost few
 * passes. A column whose values are all equal and has no nulls costs nothing but its normalization.
 *
 * <p>Strings: each STRING key column is first replaced by an INT32 column of dense ranks (equal strings
 * rank equal, ranks ordered like the strings) that keeps the string column's validity, and the sort then
 * orders by the ranks as by any INT32 key (direction and nulls as above). The ranks come in rounds of 7
 * bytes: round {@code i} gives every row a word of its bytes {@code [7i, 7i + 7)}, big-endian and zero
 * padded, above a low byte of the bytes left ({@code min(max(len - 7i, 0), 8)}, 8 meaning that more
 * follow), so that comparing words as unsigned numbers compares the bytes with a proper prefix first.
 * Round 0 sorts the rows by that word with these passes; round {@code i > 0} by (the rank after round
 * {@code i - 1}, the word), but only by the bytes of the word in which two rows of equal rank differ
 * (found by walking the previous round's order, where equal ranks are adjacent), and not at all when no
 * two such rows differ: repeated strings then cost no pass. A kernel then marks where the sorted (rank,
 * word) changes, a prefix sum of the marks is the new dense rank, scattered back to the rows, and the same
 * kernel counts the distinct ranks (which bound the rank passes of the next round) and the adjacent ties
 * whose strings go on past the round. One host wait per round reads those counts with the next round's
 * bits; the rounds stop when no tie goes on. Strings that differ within their first 7 bytes take one
 * round (and one more wait to learn so); strings that share long prefixes take one round per 7 bytes of
 * the longest shared prefix, each sorting only by the bytes that still separate tied rows. Null rows take
 * the word 0 (as empty strings) in every round; their ranks are then ignored.
 */
public final class RadixSort {
    private RadixSort() {}

    /** One pass: a byte of a normalized key word ({@code shift} in bits), or a column's null flag. */
    private record Pass(long keysAddress, int shift, int partitions, long validity, boolean nullsFirst) {
        boolean isNullPass() {
            return validity != 0;
        }
    }

    /** A fixed-width key: its type, data and validity addresses (validity 0: no nulls), its sort key. */
    private record FixedKey(DType type, long data, long validity, SortKey key) {}

    /**
     * A new device buffer of {@code n} int32 row indices in sorted order ({@code n} being the key
     * columns' row count): row {@code out[0]} sorts first.
     *
     * @param keys key columns of any type, at least one, all with the same row count
     *     ({@code <= Integer.MAX_VALUE}); they stay the caller's
     * @param order one {@link SortKey} per key column
     */
    public static DeviceBuffer sortOrder(Device device, List<Column> keys, List<SortKey> order, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(keys, "keys is null");
        requireNonNull(order, "order is null");
        requireNonNull(stream, "stream is null");
        long n = check(keys, order);
        if (n <= 1) {
            return Fill.sequenceInt(device, n, 0, 1, stream);
        }
        List<DeviceBuffer> ranks = new ArrayList<>();
        try {
            List<FixedKey> fixed = new ArrayList<>();
            for (int k = 0; k < keys.size(); k++) {
                Column c = keys.get(k);
                if (c.type().id() == DType.TypeId.STRING) {
                    DeviceBuffer rank = stringRanks(device, c, n, stream);
                    ranks.add(rank);
                    fixed.add(new FixedKey(DType.INT32, rank.address(), c.validityAddress(), order.get(k)));
                } else {
                    fixed.add(new FixedKey(c.type(), c.dataAddress(), c.validityAddress(), order.get(k)));
                }
            }
            List<DeviceBuffer> normalized = new ArrayList<>();
            try {
                List<Pass> passes = plan(device, fixed, n, normalized, stream);
                if (passes.isEmpty()) {
                    return Fill.sequenceInt(device, n, 0, 1, stream);
                }
                return run(device, passes, n, stream);
            } finally {
                // Freed on the stream, after the passes that read them.
                normalized.forEach(DeviceBuffer::close);
            }
        } finally {
            ranks.forEach(DeviceBuffer::close);
        }
    }

    /** Slots of the per-round counters and bits of {@link #stringRanks}, one uint64 each. */
    private static final int TIES = 0;
    private static final int BOUNDARIES = 1;
    private static final int ANY = 2;
    private static final int ANY_NOT = 3;
    private static final int TIE_DIFFER = 4;
    /** Three slots the rank normalization ORs into, read by nobody. */
    private static final int SCRATCH = 5;
    private static final int SLOTS = 8;

    /**
     * The dense ranks of a string column's {@code n > 1} rows (int32, a null row's rank meaningless), in
     * rounds of 7 bytes until no two tied rows have bytes left (see the class comment).
     */
    private static DeviceBuffer stringRanks(Device device, Column strings, long n, Stream stream) {
        LaunchConfig launch = LaunchConfig.gridStride(n, device.multiProcessorCount());
        DeviceBuffer rank = device.allocate(n * 4, stream);
        DeviceBuffer sorted = null;
        boolean done = false;
        try (DeviceBuffer words = device.allocate(n * 8, stream);
                DeviceBuffer rankWords = device.allocate(n * 8, stream);
                DeviceBuffer marks = device.allocate(n * 4, stream);
                DeviceBuffer acc = device.allocate(SLOTS * 8L, stream)) {
            long slots = acc.address();
            device.memset(slots, (byte) 0, SLOTS * 8L, stream);
            for (long start = 0; ; start += 7) {
                // This round's words, the bits to sort by, and (one wait) the previous round's counts.
                device.memset(slots + ANY * 8L, (byte) 0, (SLOTS - ANY) * 8L, stream);
                device.kernel(SortKernels.STRING_WORD).launch(launch, KernelArgs.create().ptr(words.address())
                        .ptr(slots + ANY * 8L).ptr(strings.offsetsAddress()).ptr(strings.dataAddress())
                        .ptr(strings.validityAddress()).i64(start).i64(n), stream);
                if (sorted != null) {
                    device.kernel(SortKernels.TIE_BITS).launch(launch, KernelArgs.create().ptr(slots + TIE_DIFFER * 8L)
                            .ptr(sorted.address()).ptr(rank.address()).ptr(words.address()).i64(n), stream);
                }
                long[] counts = download(device, slots, SLOTS, stream);
                if (sorted != null && counts[TIES] == 0) {
                    done = true;
                    return rank;
                }
                // Round 0 sorts by every varying bit of the words; later rounds only by the bits in which
                // rows of one rank differ, and not at all when there are none: their order stays sorted.
                long any = counts[ANY];
                long varying = sorted == null ? any & counts[ANY_NOT] : counts[TIE_DIFFER];
                boolean resort = sorted == null || varying != 0;
                if (resort) {
                    List<Pass> passes = new ArrayList<>();
                    addPasses(passes, words.address(), any, varying);
                    if (sorted != null) {
                        // Ranks in [0, groups): normalized (sign bit set), only their low bits vary.
                        device.kernel(SortKernels.NORMALIZE_I32).launch(launch, KernelArgs.create()
                                .ptr(rankWords.address()).ptr(slots + SCRATCH * 8L).ptr(rank.address()).ptr(0L).i32(0)
                                .i64(n), stream);
                        long top = counts[BOUNDARIES];
                        long mask = top == 0 ? 0 : (Long.highestOneBit(top) << 1) - 1;
                        addPasses(passes, rankWords.address(), mask | 0x80000000L, mask);
                    }
                    DeviceBuffer next = passes.isEmpty() ? Fill.sequenceInt(device, n, 0, 1, stream)
                            : run(device, passes, n, stream);
                    if (sorted != null) {
                        sorted.close();
                    }
                    sorted = next;
                }
                device.memset(slots, (byte) 0, ANY * 8L, stream);
                device.kernel(SortKernels.RANK_MARKS).launch(launch, KernelArgs.create().ptr(marks.address())
                        .ptr(slots).ptr(sorted.address()).ptr(start == 0 ? 0L : rank.address())
                        .ptr(words.address()).i64(n), stream);
                if (resort) {
                    PrefixSum.exclusiveSumIntAsync(device, marks.address(), marks.address(), n, stream);
                    Scatter.scatter(device, marks.address(), 0, n, 4, sorted.address(), rank.address(), 0, n, stream);
                }
            }
        } finally {
            if (sorted != null) {
                sorted.close();
            }
            if (!done) {
                rank.close();
            }
        }
    }

    /**
     * Adds the passes of the bytes of a word column (at {@code keys}) that have {@code varying} bits,
     * least significant first; {@code any} (the OR of the words) bounds each byte's digits.
     */
    private static void addPasses(List<Pass> passes, long keys, long any, long varying) {
        for (int shift = 0; shift < 64; shift += 8) {
            if (((varying >>> shift) & 0xff) != 0) {
                // Every digit of this byte is a subset of the OR of the byte: at most that value.
                int partitions = (int) ((any >>> shift) & 0xff) + 1;
                passes.add(new Pass(keys, shift, partitions, 0, false));
            }
        }
    }

    private static long check(List<Column> keys, List<SortKey> order) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a sort needs at least one key column");
        }
        if (order.size() != keys.size()) {
            throw new IllegalArgumentException("a sort needs one sort key per key column: " + keys.size()
                    + " key columns, " + order.size() + " sort keys");
        }
        long n = keys.get(0).rowCount();
        for (int k = 0; k < keys.size(); k++) {
            Column c = requireNonNull(keys.get(k), "key column " + k + " is null");
            requireNonNull(order.get(k), "sort key " + k + " is null");
            if (c.rowCount() != n) {
                throw new IllegalArgumentException("key columns of " + n + " and " + c.rowCount() + " rows");
            }
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a sort takes up to " + Integer.MAX_VALUE + " rows (int32 row "
                    + "indices), not " + n);
        }
        return n;
    }

    /**
     * Normalizes every key column (the word buffers go to {@code normalized}, the caller's to close), reads
     * the varying bits with one wait, and returns the passes in the order they run.
     */
    private static List<Pass> plan(Device device, List<FixedKey> keys, long n, List<DeviceBuffer> normalized,
            Stream stream) {
        int columns = keys.size();
        int[] words = new int[columns];
        int[] bitsAt = new int[columns + 1];
        for (int k = 0; k < columns; k++) {
            words[k] = SortKernels.words(keys.get(k).type());
            bitsAt[k + 1] = bitsAt[k] + 2 * words[k] + 1;
        }
        long[] bits;
        LaunchConfig launch = LaunchConfig.gridStride(n, device.multiProcessorCount());
        try (DeviceBuffer acc = device.allocate(bitsAt[columns] * 8L, stream)) {
            device.memset(acc.address(), (byte) 0, bitsAt[columns] * 8L, stream);
            for (int k = 0; k < columns; k++) {
                FixedKey c = keys.get(k);
                DeviceBuffer out = device.allocate(words[k] * n * 8, stream);
                normalized.add(out);
                device.kernel(SortKernels.normalize(c.type())).launch(launch, KernelArgs.create().ptr(out.address())
                        .ptr(acc.address() + bitsAt[k] * 8L).ptr(c.data()).ptr(c.validity())
                        .i32(c.key().ascending() ? 0 : 1).i64(n), stream);
            }
            bits = download(device, acc.address(), bitsAt[columns], stream);
        }
        List<Pass> passes = new ArrayList<>();
        for (int k = columns - 1; k >= 0; k--) {
            long base = normalized.get(k).address();
            for (int w = words[k] - 1; w >= 0; w--) {
                long any = bits[bitsAt[k] + 2 * w];
                addPasses(passes, base + w * n * 8, any, any & bits[bitsAt[k] + 2 * w + 1]);
            }
            boolean nullsAndValues = bits[bitsAt[k] + 2 * words[k]] == 3;
            if (nullsAndValues) {
                passes.add(new Pass(0, 0, 2, keys.get(k).validity(), keys.get(k).key().nullsFirst()));
            }
        }
        return passes;
    }

    /** Runs the passes; returns the sorted order. */
    private static DeviceBuffer run(Device device, List<Pass> passes, long n, Stream stream) {
        LaunchConfig launch = LaunchConfig.gridStride(n, device.multiProcessorCount());
        DeviceBuffer[] perms = {device.allocate(n * 4, stream), null};
        try (DeviceBuffer digits = device.allocate(n * 4, stream);
                DeviceBuffer split = device.allocate(n * 4, stream)) {
            perms[1] = device.allocate(n * 4, stream);
            long perm = 0;
            long ord = 0;
            int next = 0;
            for (Pass p : passes) {
                long out = perms[next].address();
                KernelArgs args = KernelArgs.create().ptr(digits.address()).ptr(out).ptr(perm).ptr(ord);
                if (p.isNullPass()) {
                    device.kernel(SortKernels.NULL_DIGIT).launch(launch, args.ptr(p.validity())
                            .i32(p.nullsFirst() ? 1 : 0).i64(n), stream);
                } else {
                    device.kernel(SortKernels.DIGIT).launch(launch, args.ptr(p.keysAddress()).i32(p.shift()).i64(n),
                            stream);
                }
                perm = out;
                next ^= 1;
                PartitionSplit.stableOrder(device, split.address(), digits.address(), n, p.partitions(), stream);
                ord = split.address();
            }
            // The spare permutation buffer receives the last permutation composed with the last split.
            DeviceBuffer result = perms[next];
            device.kernel(SortKernels.COMPOSE).launch(launch, KernelArgs.create().ptr(result.address()).ptr(perm)
                    .ptr(ord).i64(n), stream);
            perms[next] = null;
            return result;
        } finally {
            for (DeviceBuffer b : perms) {
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    private static long[] download(Device device, long address, int count, Stream stream) {
        try (PinnedBuffer host = device.allocatePinned(count * 8L)) {
            device.copyDeviceToHost(address, host.address(), count * 8L, stream);
            stream.synchronize();
            long[] out = new long[count];
            ByteBuffer view = host.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            view.asLongBuffer().get(out);
            return out;
        }
    }
}
