package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code compact.cu}: stream compaction of a BOOL8 flags column into the indices of its selected rows
 * (count per tile, then indices per tile from the scanned counts). The tile geometry is part of the
 * kernels' contract and must equal {@code COMPACT_BLOCK_THREADS} / {@code COMPACT_ITEMS_PER_THREAD} in
 * {@code compact.cu}.
 */
public final class CompactKernels {
    /** Threads per block (the kernels are compiled for exactly this). */
    public static final int BLOCK_THREADS = 256;
    /** Consecutive rows each thread holds: 8, so that they share one validity byte. */
    public static final int ITEMS_PER_THREAD = 8;
    /** Rows per tile: one block handles one tile. */
    public static final int TILE = BLOCK_THREADS * ITEMS_PER_THREAD;

    public static final String COUNT_BOOL8 = "ember_compact_count_bool8";
    public static final String INDICES_BOOL8 = "ember_compact_indices_bool8";

    public static final KernelFamily FAMILY = KernelFamily.of("compact", List.of(
            KernelSpec.of("compact", COUNT_BOOL8, PTR, PTR, PTR, I64),
            KernelSpec.of("compact", INDICES_BOOL8, PTR, PTR, PTR, PTR, I64)));

    private CompactKernels() {}

    /** The only valid launch of either kernel over {@code n} rows: one block per tile. */
    public static LaunchConfig tileLaunch(long n) {
        return LaunchConfig.tiles(n, TILE, BLOCK_THREADS);
    }

    /** The number of tiles of {@code n} rows; 0 for none. */
    public static long tileCount(long n) {
        return (n + TILE - 1) / TILE;
    }
}
