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
 * The stable sort of row indices by fixed-width key columns in Spark's order: the gather map that
 * lists the rows in sorted order, rows that tie on every key in input order. Each key column has its
 * {@link SortKey}: a descending column reverses its values' order only, and its nulls go first or last
 * whatever the direction; floats order -0.0 equal to 0.0 and NaN equal to NaN above +Infinity;
 * DECIMAL128 as signed 128-bit; DATE32, TIMESTAMP_US and DECIMAL64 as their signed integers.
 *
 * <p>How ({@code sort.cu}): an LSD radix sort with 8-bit digits. Each key column is first normalized
 * into order-preserving unsigned 64-bit words (two for DECIMAL128; the direction applied), and the same
 * kernels OR together the words and their complements over the valid rows, which one copy to the host
 * (the only wait of a sort) turns into the bytes that vary between rows. Then, from the last key column
 * to the first, and within a column from its least significant varying byte to its most significant,
 * followed by a pass on the null flag when the column has both nulls and values, each pass picks the
 * digit of every row at the current permutation and splits the permutation stably by it (the
 * partition split of {@link PartitionSplit#stableOrder}, with as many partitions as the byte's largest
 * digit needs). Bytes that every row shares take no pass, so keys of a narrow range cost few passes.
 * A column whose values are all equal and has no nulls costs nothing but its normalization.
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
     * A new device buffer of {@code n} int32 row indices in sorted order ({@code n} being the key
     * columns' row count): row {@code out[0]} sorts first.
     *
     * @param keys fixed-width key columns (no STRING), at least one, all with the same row count
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
        List<DeviceBuffer> normalized = new ArrayList<>();
        try {
            List<Pass> passes = plan(device, keys, order, n, normalized, stream);
            if (passes.isEmpty()) {
                return Fill.sequenceInt(device, n, 0, 1, stream);
            }
            return run(device, passes, n, stream);
        } finally {
            // Freed on the stream, after the passes that read them.
            normalized.forEach(DeviceBuffer::close);
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
            if (c.type().id() == DType.TypeId.STRING) {
                throw new IllegalArgumentException("the radix sort takes fixed-width keys; key column " + k
                        + " is " + c.type());
            }
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
    private static List<Pass> plan(Device device, List<Column> keys, List<SortKey> order, long n,
            List<DeviceBuffer> normalized, Stream stream) {
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
                Column c = keys.get(k);
                DeviceBuffer out = device.allocate(words[k] * n * 8, stream);
                normalized.add(out);
                device.kernel(SortKernels.normalize(c.type())).launch(launch, KernelArgs.create().ptr(out.address())
                        .ptr(acc.address() + bitsAt[k] * 8L).ptr(c.dataAddress()).ptr(c.validityAddress())
                        .i32(order.get(k).ascending() ? 0 : 1).i64(n), stream);
            }
            bits = download(device, acc.address(), bitsAt[columns], stream);
        }
        List<Pass> passes = new ArrayList<>();
        for (int k = columns - 1; k >= 0; k--) {
            long base = normalized.get(k).address();
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
                passes.add(new Pass(0, 0, 2, keys.get(k).validityAddress(), order.get(k).nullsFirst()));
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
