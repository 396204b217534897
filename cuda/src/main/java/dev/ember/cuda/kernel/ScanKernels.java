package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code scan.cu}: exclusive prefix sums, one tile per block ({@code scan_tiles}: per-tile scan and
 * tile totals) and the per-tile offset pass ({@code scan_add_offsets}). The tile geometry is part of
 * the kernels' contract and must equal {@code SCAN_BLOCK_THREADS} / {@code SCAN_ITEMS_PER_THREAD} in
 * {@code scan.cu}.
 */
public final class ScanKernels {
    /** Threads per block of the {@code scan_tiles} kernels (they are compiled for exactly this). */
    public static final int BLOCK_THREADS = 256;
    /** Consecutive elements each thread of a {@code scan_tiles} block holds. */
    public static final int ITEMS_PER_THREAD = 8;
    /** Elements per tile: one block scans one tile. */
    public static final int TILE = BLOCK_THREADS * ITEMS_PER_THREAD;

    public static final String SCAN_TILES_I32 = "ember_scan_tiles_i32";
    public static final String SCAN_TILES_I64 = "ember_scan_tiles_i64";
    public static final String SCAN_TILES_I32_I64 = "ember_scan_tiles_i32_i64";
    public static final String ADD_OFFSETS_I32 = "ember_scan_add_offsets_i32";
    public static final String ADD_OFFSETS_I64 = "ember_scan_add_offsets_i64";

    public static final KernelFamily FAMILY = KernelFamily.of("scan", List.of(
            KernelSpec.of("scan", SCAN_TILES_I32, PTR, PTR, PTR, I64),
            KernelSpec.of("scan", SCAN_TILES_I64, PTR, PTR, PTR, I64),
            KernelSpec.of("scan", SCAN_TILES_I32_I64, PTR, PTR, PTR, I64),
            KernelSpec.of("scan", ADD_OFFSETS_I32, PTR, PTR, I64),
            KernelSpec.of("scan", ADD_OFFSETS_I64, PTR, PTR, I64)));

    private ScanKernels() {}

    /** The only valid launch of a {@code scan_tiles} kernel over {@code n} elements: one block per tile. */
    public static LaunchConfig tileLaunch(long n) {
        return LaunchConfig.tiles(n, TILE, BLOCK_THREADS);
    }

    /** The number of tiles (and tile totals) of {@code n} elements; 0 for none. */
    public static long tileCount(long n) {
        return (n + TILE - 1) / TILE;
    }
}
