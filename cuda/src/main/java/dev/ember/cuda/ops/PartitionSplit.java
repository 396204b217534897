package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.PartitionKernels;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The stable split of rows by partition id, the device half of a shuffle exchange: a gather map that
 * lists the rows partition by partition (partition 0's rows first), each partition's rows in input
 * order, and the partitions' offsets in it. Stability makes the exchange deterministic: the same batch
 * always produces the same partition contents in the same order.
 *
 * <p>How ({@code partition.cu}): the rows are cut into tiles; one kernel counts each tile's rows per
 * partition into a partition-major matrix; {@link PrefixSum} scans the matrix, which gives every tile
 * the first output position of each of its partitions; a second kernel walks each tile in input order
 * and writes every row at its partition's next position. The offsets are read from the scanned matrix
 * and copied to the host, which waits for the stream.
 *
 * <p>Ids outside {@code [0, numPartitions)} never make a kernel read or write out of bounds: the
 * kernels place such rows after the last partition, and {@link #split} then rejects the batch with an
 * {@link IllegalArgumentException} naming how many rows had such ids (having freed what it allocated).
 */
public final class PartitionSplit {
    /** The most partitions a split takes (the host holds their offsets; Spark's partition counts are far lower). */
    public static final int MAX_PARTITIONS = 1 << 24;

    private PartitionSplit() {}

    /**
     * The gather map and offsets of a split; closing it closes the map.
     *
     * @param order {@code rows()} int32 row indices, partition by partition, each partition's rows in
     *     increasing order
     * @param offsets {@code numPartitions + 1} entries: partition {@code p} is {@code order[offsets[p],
     *     offsets[p + 1])}, and {@code offsets[numPartitions]} is the row count
     */
    public record Split(DeviceBuffer order, int[] offsets) implements AutoCloseable {
        public Split {
            requireNonNull(order, "order is null");
            requireNonNull(offsets, "offsets is null");
            if (offsets.length < 2) {
                throw new IllegalArgumentException("a split has at least one partition, so two offsets");
            }
            offsets = offsets.clone();
        }

        /** A copy of the offsets. */
        @Override
        public int[] offsets() {
            return offsets.clone();
        }

        public int numPartitions() {
            return offsets.length - 1;
        }

        /** The number of rows split. */
        public int rows() {
            return offsets[offsets.length - 1];
        }

        /** The first position of partition {@code p} in the order ({@code p} may be numPartitions: the end). */
        public int offset(int p) {
            return offsets[p];
        }

        @Override
        public void close() {
            order.close();
        }
    }

    /**
     * A table reordered partition by partition and its partitions' offsets; closing it closes the table.
     *
     * @param offsets as {@link Split#offsets()}: partition {@code p} is rows {@code [offsets[p],
     *     offsets[p + 1])} of the table
     */
    public record SplitTable(Table table, int[] offsets) implements AutoCloseable {
        public SplitTable {
            requireNonNull(table, "table is null");
            requireNonNull(offsets, "offsets is null");
            offsets = offsets.clone();
        }

        /** A copy of the offsets. */
        @Override
        public int[] offsets() {
            return offsets.clone();
        }

        public int numPartitions() {
            return offsets.length - 1;
        }

        /** The first row of partition {@code p} in the table ({@code p} may be numPartitions: the end). */
        public int offset(int p) {
            return offsets[p];
        }

        @Override
        public void close() {
            table.close();
        }
    }

    /**
     * Splits {@code n} rows by their partition ids.
     *
     * @param pidsAddress {@code n} int32 partition ids on the device, each in {@code [0, numPartitions)}
     *     (may be 0 when {@code n} is 0)
     * @param n rows, {@code 0 .. Integer.MAX_VALUE}; 0 launches nothing
     * @param numPartitions {@code 1 .. MAX_PARTITIONS}
     * @throws IllegalArgumentException when some id is outside {@code [0, numPartitions)}
     */
    public static Split split(Device device, long pidsAddress, long n, int numPartitions, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        checkShape(n, numPartitions);
        if (n > 0 && pidsAddress == 0) {
            throw new IllegalArgumentException("the partition ids of " + n + " rows are at address 0");
        }
        int[] offsets = new int[numPartitions + 1];
        DeviceBuffer order = device.allocate(n * 4, stream);
        if (n == 0) {
            return new Split(order, offsets);
        }
        try {
            int[] buckets = order(device, order.address(), pidsAddress, n, numPartitions, stream);
            int invalid = buckets[numPartitions + 1] - buckets[numPartitions];
            if (invalid != 0) {
                throw new IllegalArgumentException(invalid + " of " + n + " partition ids are outside [0, "
                        + numPartitions + ")");
            }
            System.arraycopy(buckets, 0, offsets, 0, numPartitions + 1);
            return new Split(order, offsets);
        } catch (RuntimeException | Error e) {
            order.close();
            throw e;
        }
    }

    /**
     * Writes only the stable gather map of a split, with no host copy and no wait: the building block of
     * a pass of {@link RadixSort}. {@code order} lists the rows partition by partition, each partition's
     * rows in increasing order. The ids are not checked: rows with ids outside {@code [0, numPartitions)}
     * come after the last partition's rows (still a permutation).
     *
     * @param orderAddress {@code n} int32 on the device, overwritten
     * @param pidsAddress {@code n} int32 partition ids on the device
     * @param n rows, {@code 0 .. Integer.MAX_VALUE}; 0 launches nothing
     * @param numPartitions {@code 1 .. MAX_PARTITIONS}
     */
    public static void stableOrder(Device device, long orderAddress, long pidsAddress, long n, int numPartitions,
            Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        checkShape(n, numPartitions);
        if (n == 0) {
            return;
        }
        if (orderAddress == 0 || pidsAddress == 0) {
            throw new IllegalArgumentException("the order or the partition ids of " + n + " rows are at address 0");
        }
        long tileRows = PartitionKernels.tileRows(n, numPartitions);
        long numTiles = PartitionKernels.tileCount(n, tileRows);
        long entries = (numPartitions + 1L) * numTiles;
        LaunchConfig tiles = tileLaunch(device, numTiles);
        try (DeviceBuffer positions = device.allocate(entries * 4, stream)) {
            device.memset(positions.address(), (byte) 0, entries * 4, stream);
            device.kernel(PartitionKernels.COUNT).launch(tiles, KernelArgs.create().ptr(positions.address())
                    .ptr(pidsAddress).i32(numPartitions).i64(tileRows).i64(numTiles).i64(n), stream);
            PrefixSum.exclusiveSumIntAsync(device, positions.address(), positions.address(), entries, stream);
            device.kernel(PartitionKernels.ORDER).launch(tiles, KernelArgs.create().ptr(orderAddress)
                    .ptr(positions.address()).ptr(pidsAddress).i32(numPartitions).i64(tileRows).i64(numTiles).i64(n),
                    stream);
        }
    }

    private static LaunchConfig tileLaunch(Device device, long numTiles) {
        int grid = (int) Math.min(numTiles, (long) Math.max(1, device.multiProcessorCount()) * 16);
        return LaunchConfig.linear(grid, PartitionKernels.BLOCK_THREADS);
    }

    /**
     * Reorders every column of {@code table} partition by partition (the rows of one partition in their
     * table order). The table stays the caller's.
     *
     * @param pidsAddress {@code table.rowCount()} int32 partition ids on the device, each in {@code [0,
     *     numPartitions)}
     * @throws IllegalArgumentException when some id is outside {@code [0, numPartitions)}
     */
    public static SplitTable splitTable(Device device, Table table, long pidsAddress, int numPartitions,
            Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(table, "table is null");
        requireNonNull(stream, "stream is null");
        try (Split split = split(device, pidsAddress, table.rowCount(), numPartitions, stream)) {
            List<Column> columns = new ArrayList<>();
            try {
                for (Column c : table.columns()) {
                    columns.add(Gather.rows(device, c, split.order(), split.rows(), stream));
                }
            } catch (RuntimeException | Error e) {
                columns.forEach(Column::close);
                throw e;
            }
            // The map is freed on the stream after the gathers that read it.
            return new SplitTable(Table.of(table.rowCount(), columns), split.offsets());
        }
    }

    /**
     * Counts, scans, reads the offsets and writes {@code order}; returns the P + 2 bucket offsets (bucket
     * P holds the rows with invalid ids, and the last entry is n).
     */
    private static int[] order(Device device, long order, long pids, long n, int numPartitions, Stream stream) {
        long tileRows = PartitionKernels.tileRows(n, numPartitions);
        long numTiles = PartitionKernels.tileCount(n, tileRows);
        long entries = (numPartitions + 1L) * numTiles;
        LaunchConfig tiles = tileLaunch(device, numTiles);
        try (DeviceBuffer positions = device.allocate(entries * 4, stream);
                DeviceBuffer offsets = device.allocate((numPartitions + 2L) * 4, stream)) {
            device.memset(positions.address(), (byte) 0, entries * 4, stream);
            device.kernel(PartitionKernels.COUNT).launch(tiles, KernelArgs.create().ptr(positions.address()).ptr(pids)
                    .i32(numPartitions).i64(tileRows).i64(numTiles).i64(n), stream);
            int total = PrefixSum.exclusiveSumInt(device, positions.address(), positions.address(), entries, stream);
            if (total != n) {
                throw new IllegalStateException("the partition counts add up to " + total + ", not " + n + " rows");
            }
            device.kernel(PartitionKernels.OFFSETS).launch(LaunchConfig.gridStride(numPartitions + 2L,
                    device.multiProcessorCount()), KernelArgs.create().ptr(offsets.address()).ptr(positions.address())
                    .i32(numPartitions).i64(numTiles).i64(n), stream);
            device.kernel(PartitionKernels.ORDER).launch(tiles, KernelArgs.create().ptr(order).ptr(positions.address())
                    .ptr(pids).i32(numPartitions).i64(tileRows).i64(numTiles).i64(n), stream);
            return download(device, offsets.address(), numPartitions + 2, stream);
        }
    }

    private static int[] download(Device device, long address, int count, Stream stream) {
        try (PinnedBuffer host = device.allocatePinned(count * 4L)) {
            device.copyDeviceToHost(address, host.address(), count * 4L, stream);
            stream.synchronize();
            int[] out = new int[count];
            IntBuffer view = host.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            view.get(out);
            return out;
        }
    }

    private static void checkShape(long n, int numPartitions) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a split takes 0.." + Integer.MAX_VALUE + " rows (int32 row indices), not "
                    + n);
        }
        if (numPartitions < 1 || numPartitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("a split takes 1.." + MAX_PARTITIONS + " partitions, not "
                    + numPartitions);
        }
    }
}
