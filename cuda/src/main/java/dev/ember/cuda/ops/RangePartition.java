package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.kernel.HashAggKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.PartitionKernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Range partition ids, as Spark's {@code RangePartitioner.getPartition} computes them for an ascending
 * partitioner: the id of a row is the number of bound rows that sort strictly before it, i.e. the first
 * bound {@code j} with {@code row <= bounds[j]}, or the bound count when the row sorts after every bound
 * (so {@code B} bounds make {@code B + 1} partitions). The ordering is the sort keys' own, exactly
 * Spark's (see {@code ember_order.cuh}): column by column, nulls first or last per column whatever the
 * direction, a descending column reversing its values' order, -0.0 equal to 0.0, NaN equal to NaN and
 * above +Infinity, strings by their unsigned bytes, DECIMAL128 as signed 128-bit.
 *
 * <p>One kernel launch (a binary search per row over the bounds) after one small upload of the key
 * descriptor, which waits for the copy.
 */
public final class RangePartition {
    private RangePartition() {}

    /**
     * A new device buffer of {@code n} int32 partition ids in {@code [0, bounds.rowCount()]}, {@code n}
     * being the key columns' row count.
     *
     * @param keys the rows' key columns (any device types, at least one), all with the same row count;
     *     they stay the caller's
     * @param order one {@link SortKey} per key column
     * @param bounds the range bounds: one column per key column of the same type, rows sorted strictly
     *     increasing under {@code order} (Spark's {@code rangeBounds}; no rows for a single partition).
     *     Bounds that are not sorted give unspecified ids in {@code [0, bounds.rowCount()]}
     */
    public static DeviceBuffer partitionIds(Device device, List<Column> keys, List<SortKey> order, Table bounds,
            Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(keys, "keys is null");
        requireNonNull(order, "order is null");
        requireNonNull(bounds, "bounds is null");
        requireNonNull(stream, "stream is null");
        List<Column> boundColumns = bounds.columns();
        long n = check(keys, order, boundColumns);
        DeviceBuffer pids = device.allocate(n * 4, stream);
        try {
            if (n > 0) {
                try (DeviceBuffer descriptor = upload(device, keys, boundColumns, order, stream)) {
                    device.kernel(PartitionKernels.RANGE).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                            KernelArgs.create().ptr(pids.address()).ptr(descriptor.address()).i32(keys.size())
                                    .i64(bounds.rowCount()).i64(n),
                            stream);
                }
            }
            return pids;
        } catch (RuntimeException | Error e) {
            pids.close();
            throw e;
        }
    }

    /** Checks the arguments' shapes and types; returns the row count. */
    private static long check(List<Column> keys, List<SortKey> order, List<Column> bounds) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("range partitioning needs at least one key column");
        }
        if (order.size() != keys.size() || bounds.size() != keys.size()) {
            throw new IllegalArgumentException("range partitioning needs one sort key and one bound column per key "
                    + "column: " + keys.size() + " key columns, " + order.size() + " sort keys, " + bounds.size()
                    + " bound columns");
        }
        long n = requireNonNull(keys.get(0), "key column 0 is null").rowCount();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("at most " + Integer.MAX_VALUE + " rows, not " + n);
        }
        for (int k = 0; k < keys.size(); k++) {
            Column key = requireNonNull(keys.get(k), "key column " + k + " is null");
            requireNonNull(order.get(k), "sort key " + k + " is null");
            if (key.rowCount() != n) {
                throw new IllegalArgumentException("key column " + k + " has " + key.rowCount() + " rows, column 0 has "
                        + n);
            }
            if (!key.type().equals(bounds.get(k).type())) {
                throw new IllegalArgumentException("key column " + k + " is " + key.type() + " but its bounds are "
                        + bounds.get(k).type());
            }
        }
        return n;
    }

    /**
     * The kernel's one descriptor buffer: the keys' descriptor ({@link KeyDescriptor}'s four words per
     * column), the bounds' descriptor, then one order word per column. Waits for the copy.
     */
    private static DeviceBuffer upload(Device device, List<Column> keys, List<Column> bounds, List<SortKey> order,
            Stream stream) {
        int columnBytes = HashAggKernels.KEY_WORDS * 8 * keys.size();
        int bytes = 2 * columnBytes + 8 * keys.size();
        DeviceBuffer buffer = device.allocate(bytes, stream);
        try (PinnedBuffer host = device.allocatePinned(bytes)) {
            ByteBuffer view = host.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            KeyDescriptor.put(view, 0, keys);
            KeyDescriptor.put(view, columnBytes, bounds);
            for (int k = 0; k < order.size(); k++) {
                SortKey key = order.get(k);
                long word = (key.ascending() ? 0 : PartitionKernels.ORDER_DESCENDING)
                        | (key.nullsFirst() ? PartitionKernels.ORDER_NULLS_FIRST : 0);
                view.putLong(2 * columnBytes + 8 * k, word);
            }
            device.copyHostToDevice(host.address(), buffer.address(), bytes, stream);
            // The pinned buffer is freed when this returns: the copy must be done by then.
            stream.synchronize();
            return buffer;
        } catch (RuntimeException | Error e) {
            buffer.close();
            throw e;
        }
    }
}
