package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code partition.cu}: the stable split of rows by partition id (per-tile bucket counts, the buckets'
 * offsets, the gather map in bucket then input order) and range partition ids by binary search over
 * sorted bounds. The block size and the shared bucket limit are part of the kernels' contract and
 * must equal {@code PARTITION_BLOCK_THREADS} / {@code PARTITION_SHARED_BUCKETS} in {@code partition.cu}.
 */
public final class PartitionKernels {
    /** {@code (counts, pids, numPartitions, tileRows, numTiles, n)}. */
    public static final String COUNT = "ember_partition_count";
    /** {@code (offsets, positions, numPartitions, numTiles, n)}. */
    public static final String OFFSETS = "ember_partition_offsets";
    /** {@code (order, positions, pids, numPartitions, tileRows, numTiles, n)}. */
    public static final String ORDER = "ember_partition_order";
    /** {@code (pids, descriptor, numKeys, numBounds, n)}. */
    public static final String RANGE = "ember_partition_range";

    /** Threads per block of {@link #COUNT} and {@link #ORDER} (they are compiled for exactly this). */
    public static final int BLOCK_THREADS = 256;
    /** Up to this many buckets (partitions + 1) the count and order kernels keep them in shared memory. */
    public static final int SHARED_BUCKETS = 4096;
    /** The bucket-by-tile counter matrix stays within this many int32 entries (4 MiB) unless one tile needs more. */
    public static final long MAX_COUNTERS = 1L << 20;
    /** The fewest rows per tile: a tile's per-bucket work (zeroing, loading, storing) needs rows to pay for it. */
    public static final long MIN_TILE_ROWS = 8L * BLOCK_THREADS;

    /** Order word bits of the range descriptor ({@code ember_order.cuh}). */
    public static final long ORDER_DESCENDING = 1;
    public static final long ORDER_NULLS_FIRST = 2;

    public static final KernelFamily FAMILY = KernelFamily.of("partition", List.of(
            KernelSpec.of("partition", COUNT, PTR, PTR, I32, I64, I64, I64),
            KernelSpec.of("partition", OFFSETS, PTR, PTR, I32, I64, I64),
            KernelSpec.of("partition", ORDER, PTR, PTR, PTR, I32, I64, I64, I64),
            KernelSpec.of("partition", RANGE, PTR, PTR, I32, I64, I64)));

    private PartitionKernels() {}

    /**
     * Rows per tile for {@code n} rows and {@code numPartitions} partitions: a whole number of blocks, at
     * least {@link #MIN_TILE_ROWS} and twice the buckets (each tile pays for every bucket), and enough
     * that the (partitions + 1) x tiles matrix fits {@link #MAX_COUNTERS} (at one tile it has just
     * partitions + 1 entries, whatever their number).
     */
    public static long tileRows(long n, int numPartitions) {
        long buckets = numPartitions + 1L;
        long maxTiles = Math.max(1, MAX_COUNTERS / buckets);
        long rows = Math.max(MIN_TILE_ROWS, Math.max(2 * buckets, (n + maxTiles - 1) / maxTiles));
        return (rows + BLOCK_THREADS - 1) / BLOCK_THREADS * BLOCK_THREADS;
    }

    /** The number of tiles of {@code tileRows} rows that {@code n} rows make (0 for none). */
    public static long tileCount(long n, long tileRows) {
        return (n + tileRows - 1) / tileRows;
    }
}
