package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.PartitionKernels.BLOCK_THREADS;
import static dev.ember.cuda.kernel.PartitionKernels.COUNT;
import static dev.ember.cuda.kernel.PartitionKernels.OFFSETS;
import static dev.ember.cuda.kernel.PartitionKernels.ORDER;
import static dev.ember.cuda.kernel.PartitionKernels.RANGE;

import dev.ember.cuda.kernel.HashAggKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import java.util.Map;

/**
 * Emulations of {@code partition.cu}, row by row in input order: the per-tile bucket counts, the
 * buckets' offsets, the gather map (each row at its bucket's next position, which is what the CUDA
 * kernel's warp ranking computes) and range partition ids by binary search under {@link EmulatedOrder}.
 */
final class PartitionEmulation {
    private PartitionEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                COUNT, PartitionEmulation::count,
                OFFSETS, PartitionEmulation::offsets,
                ORDER, PartitionEmulation::order,
                RANGE, PartitionEmulation::range);
    }

    /** The matrix layout shared by the split kernels, checked against the contract. */
    private record Tiles(int numPartitions, long tileRows, long numTiles, long n) {
        static Tiles of(String kernel, int numPartitions, long tileRows, long numTiles, long n) {
            if (numPartitions < 1 || n < 0 || n > Integer.MAX_VALUE || tileRows < 1
                    || numTiles != (n + tileRows - 1) / tileRows) {
                throw new IllegalArgumentException(kernel + ": " + n + " rows in " + numTiles + " tiles of " + tileRows
                        + " rows for " + numPartitions + " partitions do not fit the contract");
            }
            return new Tiles(numPartitions, tileRows, numTiles, n);
        }

        long entries() {
            return (numPartitions + 1L) * numTiles;
        }

        /** The bucket of row i: its id, or numPartitions for an id outside [0, numPartitions). */
        long bucket(EmulatedMemory m, long pids, long i) {
            int pid = m.getInt(pids + i * 4);
            return pid >= 0 && pid < numPartitions ? pid : numPartitions;
        }

        long entry(long bucket, long tile) {
            return bucket * numTiles + tile;
        }
    }

    private static void checkBlock(String kernel, LaunchConfig cfg) {
        if (cfg.blockX() != BLOCK_THREADS || cfg.blockY() != 1 || cfg.blockZ() != 1) {
            throw new IllegalArgumentException(kernel + " is compiled for blocks of " + BLOCK_THREADS + " threads, not "
                    + cfg);
        }
    }

    private static void count(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        checkBlock(COUNT, cfg);
        long counts = a.ptrAt(0), pids = a.ptrAt(1);
        Tiles t = Tiles.of(COUNT, a.i32At(2), a.i64At(3), a.i64At(4), a.i64At(5));
        m.check(counts, t.entries() * 4);
        m.check(pids, t.n() * 4);
        // The matrix must be zero on entry: adding (rather than storing) makes a missing memset show.
        for (long i = 0; i < t.n(); i++) {
            long at = counts + t.entry(t.bucket(m, pids, i), i / t.tileRows()) * 4;
            m.putInt(at, m.getInt(at) + 1);
        }
    }

    private static void offsets(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long offsets = a.ptrAt(0), positions = a.ptrAt(1);
        int numPartitions = a.i32At(2);
        long numTiles = a.i64At(3), n = a.i64At(4);
        if (numPartitions < 1 || numTiles < 1) {
            throw new IllegalArgumentException(OFFSETS + ": " + numPartitions + " partitions, " + numTiles + " tiles");
        }
        m.check(offsets, (numPartitions + 2L) * 4);
        m.check(positions, (numPartitions + 1L) * numTiles * 4);
        for (long b = 0; b <= numPartitions; b++) {
            m.putInt(offsets + b * 4, m.getInt(positions + b * numTiles * 4));
        }
        m.putInt(offsets + (numPartitions + 1L) * 4, (int) n);
    }

    private static void order(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        checkBlock(ORDER, cfg);
        long order = a.ptrAt(0), positions = a.ptrAt(1), pids = a.ptrAt(2);
        Tiles t = Tiles.of(ORDER, a.i32At(3), a.i64At(4), a.i64At(5), a.i64At(6));
        m.check(order, t.n() * 4);
        m.check(positions, t.entries() * 4);
        m.check(pids, t.n() * 4);
        for (long i = 0; i < t.n(); i++) {
            long at = positions + t.entry(t.bucket(m, pids, i), i / t.tileRows()) * 4;
            int position = m.getInt(at);
            if (position < 0 || position >= t.n()) {
                // On a GPU this row would be written out of bounds: the positions are not the counts' scan.
                throw new IllegalStateException(ORDER + ": row " + i + " has position " + position + " outside [0, "
                        + t.n() + ")");
            }
            m.putInt(order + position * 4L, (int) i);
            m.putInt(at, position + 1);
        }
    }

    private static void range(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long pids = a.ptrAt(0), desc = a.ptrAt(1);
        int numKeys = a.i32At(2);
        long numBounds = a.i64At(3), n = a.i64At(4);
        if (numKeys < 1 || numBounds < 0 || numBounds > Integer.MAX_VALUE || n < 0) {
            throw new IllegalArgumentException(RANGE + ": " + numKeys + " keys, " + numBounds + " bounds, " + n
                    + " rows");
        }
        long columnBytes = (long) HashAggKernels.KEY_WORDS * 8 * numKeys;
        m.check(desc, 2 * columnBytes + 8L * numKeys);
        m.check(pids, n * 4);
        EmulatedOrder rows = EmulatedOrder.read(m, desc, desc + 2 * columnBytes, numKeys, n);
        EmulatedOrder bounds = EmulatedOrder.read(m, desc + columnBytes, desc + 2 * columnBytes, numKeys, numBounds);
        rows.checkSameKinds(bounds);
        for (long i = 0; i < n; i++) {
            long lo = 0;
            long hi = numBounds;
            while (lo < hi) {
                long mid = (lo + hi) >>> 1;
                if (EmulatedOrder.compare(m, bounds, mid, rows, i) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            m.putInt(pids + i * 4, (int) lo);
        }
    }
}
