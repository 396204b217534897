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
 * follow), so that comparing words as unsigned numbers compares the bytes with a proper prefix first;
 * round 0 sorts the rows by that word, round {@code i > 0} by (the rank after round {@code i - 1}, the
 * word), with this same radix sort; a kernel then marks where the sorted (rank, word) changes, a prefix
 * sum of the marks is the new dense rank, scattered back to the rows, and the same kernel counts the
 * adjacent ties whose strings go on past the round. One host wait reads that count; the rounds stop when
 * it is 0. Strings that differ within their first 7 bytes take one round, and each round's sort takes
 * passes only for the bytes that vary, so a column of long strings sharing long prefixes costs about one
 * round per 7 bytes of the longest shared prefix. Null rows take the word 0 (as empty strings) in every
 * round; their ranks are then ignored.
 */
public final class RadixSort {
    private RadixSort() {}

    /** One pass: a byte of a normalized key word ({@code shift} in bits), or a column's null flag. */
    private record Pass(long keysAddress, int shift, int partitions, long validity, boolean nullsFirst) {
        boolean isNullPass() {
            return validity != 0;
        }
    }

    /**
     * A sort key as the passes see it: {@link #words} order-preserving words per row, written by
     * {@link #normalize}, and the validity of a null pass (0: none).
     */
    private interface KeyInput {
        int words();

        /**
         * Queues the kernel that writes the words ({@code words() * n} uint64, word-major) and ORs into
         * {@code bits} ({@code 2 * words() + 1} entries, as the normalize kernels); returns the words'
         * address. A buffer it allocates goes to {@code owned}, the caller's to close.
         */
        long normalize(Device device, long bits, long n, LaunchConfig launch, List<DeviceBuffer> owned,
                Stream stream);

        long validity();

        boolean nullsFirst();
    }

    /** A fixed-width column (data and validity addresses) under its sort key. */
    private record FixedKey(DType type, long data, long validity, SortKey key) implements KeyInput {
        @Override
        public int words() {
            return SortKernels.words(type);
        }

        @Override
        public long normalize(Device device, long bits, long n, LaunchConfig launch, List<DeviceBuffer> owned,
                Stream stream) {
            DeviceBuffer out = device.allocate(words() * n * 8, stream);
            owned.add(out);
            device.kernel(SortKernels.normalize(type)).launch(launch, KernelArgs.create().ptr(out.address())
                    .ptr(bits).ptr(data).ptr(validity).i32(key.ascending() ? 0 : 1).i64(n), stream);
            return out.address();
        }

        @Override
        public boolean nullsFirst() {
            return key.nullsFirst();
        }
    }

    /**
     * A string column's word of the round starting at byte {@code start}, written to {@code out} (the
     * caller's: the rank marks read it after the sort); null rows are words like the rest (no null pass).
     */
    private record StringWordKey(Column strings, long start, long out) implements KeyInput {
        @Override
        public int words() {
            return 1;
        }

        @Override
        public long normalize(Device device, long bits, long n, LaunchConfig launch, List<DeviceBuffer> owned,
                Stream stream) {
            device.kernel(SortKernels.STRING_WORD).launch(launch, KernelArgs.create().ptr(out).ptr(bits)
                    .ptr(strings.offsetsAddress()).ptr(strings.dataAddress()).ptr(strings.validityAddress())
                    .i64(start).i64(n), stream);
            return out;
        }

        @Override
        public long validity() {
            return 0;
        }

        @Override
        public boolean nullsFirst() {
            return false;
        }
    }

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
            List<KeyInput> inputs = new ArrayList<>();
            for (int k = 0; k < keys.size(); k++) {
                Column c = keys.get(k);
                if (c.type().id() == DType.TypeId.STRING) {
                    DeviceBuffer rank = stringRanks(device, c, n, stream);
                    ranks.add(rank);
                    inputs.add(new FixedKey(DType.INT32, rank.address(), c.validityAddress(), order.get(k)));
                } else {
                    inputs.add(new FixedKey(c.type(), c.dataAddress(), c.validityAddress(), order.get(k)));
                }
            }
            return sort(device, inputs, n, stream);
        } finally {
            // Freed on the stream, after the passes that read them.
            ranks.forEach(DeviceBuffer::close);
        }
    }

    /** The stable sort of {@code n > 1} rows by the keys. */
    private static DeviceBuffer sort(Device device, List<KeyInput> keys, long n, Stream stream) {
        List<DeviceBuffer> normalized = new ArrayList<>();
        try {
            List<Pass> passes = plan(device, keys, n, normalized, stream);
            if (passes.isEmpty()) {
                return Fill.sequenceInt(device, n, 0, 1, stream);
            }
            return run(device, passes, n, stream);
        } finally {
            normalized.forEach(DeviceBuffer::close);
        }
    }

    /**
     * The dense ranks of a string column's {@code n > 1} rows (int32, a null row's rank meaningless), in
     * rounds of 7 bytes until no two tied rows have bytes left (see the class comment).
     */
    private static DeviceBuffer stringRanks(Device device, Column strings, long n, Stream stream) {
        LaunchConfig launch = LaunchConfig.gridStride(n, device.multiProcessorCount());
        DeviceBuffer rank = device.allocate(n * 4, stream);
        boolean done = false;
        try (DeviceBuffer words = device.allocate(n * 8, stream);
                DeviceBuffer marks = device.allocate(n * 4, stream);
                DeviceBuffer more = device.allocate(8, stream)) {
            for (long start = 0; ; start += 7) {
                KeyInput word = new StringWordKey(strings, start, words.address());
                List<KeyInput> keys = start == 0 ? List.of(word)
                        : List.of(new FixedKey(DType.INT32, rank.address(), 0, SortKey.ASCENDING), word);
                long ties;
                try (DeviceBuffer sorted = sort(device, keys, n, stream)) {
                    device.memset(more.address(), (byte) 0, 8, stream);
                    device.kernel(SortKernels.RANK_MARKS).launch(launch, KernelArgs.create().ptr(marks.address())
                            .ptr(more.address()).ptr(sorted.address()).ptr(start == 0 ? 0 : rank.address())
                            .ptr(words.address()).i64(n), stream);
                    PrefixSum.exclusiveSumIntAsync(device, marks.address(), marks.address(), n, stream);
                    Scatter.scatter(device, marks.address(), 0, n, 4, sorted.address(), rank.address(), 0, n, stream);
                    ties = download(device, more.address(), 1, stream)[0];
                }
                if (ties == 0) {
                    done = true;
                    return rank;
                }
            }
        } finally {
            if (!done) {
                rank.close();
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
     * Normalizes every key (the word buffers go to {@code normalized}, the caller's to close), reads the
     * varying bits with one wait, and returns the passes in the order they run.
     */
    private static List<Pass> plan(Device device, List<KeyInput> keys, long n, List<DeviceBuffer> normalized,
            Stream stream) {
        int columns = keys.size();
        int[] words = new int[columns];
        int[] bitsAt = new int[columns + 1];
        long[] addresses = new long[columns];
        for (int k = 0; k < columns; k++) {
            words[k] = keys.get(k).words();
            bitsAt[k + 1] = bitsAt[k] + 2 * words[k] + 1;
        }
        long[] bits;
        LaunchConfig launch = LaunchConfig.gridStride(n, device.multiProcessorCount());
        try (DeviceBuffer acc = device.allocate(bitsAt[columns] * 8L, stream)) {
            device.memset(acc.address(), (byte) 0, bitsAt[columns] * 8L, stream);
            for (int k = 0; k < columns; k++) {
                addresses[k] = keys.get(k).normalize(device, acc.address() + bitsAt[k] * 8L, n, launch, normalized,
                        stream);
            }
            bits = download(device, acc.address(), bitsAt[columns], stream);
        }
        List<Pass> passes = new ArrayList<>();
        for (int k = columns - 1; k >= 0; k--) {
            long base = addresses[k];
            for (int w = words[k] - 1; w >= 0; w--) {
                long any = bits[bitsAt[k] + 2 * w];
                long varying = any & bits[bitsAt[k] + 2 * w + 1];
                for (int shift = 0; shift < 64; shift += 8) {
                    if (((varying >>> shift) & 0xff) != 0) {
                        // Every digit of this byte is a subset of the OR of the byte: at most that value.
                        int partitions = (int) ((any >>> shift) & 0xff) + 1;
                        passes.add(new Pass(base + w * n * 8, shift, partitions, 0, false));
                    }
                }
            }
            boolean nullsAndValues = bits[bitsAt[k] + 2 * words[k]] == 3;
            if (nullsAndValues) {
                passes.add(new Pass(0, 0, 2, keys.get(k).validity(), keys.get(k).nullsFirst()));
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
