package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.ScanKernels.ADD_OFFSETS_I32;
import static dev.ember.cuda.kernel.ScanKernels.ADD_OFFSETS_I64;
import static dev.ember.cuda.kernel.ScanKernels.BLOCK_THREADS;
import static dev.ember.cuda.kernel.ScanKernels.SCAN_TILES_I32;
import static dev.ember.cuda.kernel.ScanKernels.SCAN_TILES_I32_I64;
import static dev.ember.cuda.kernel.ScanKernels.SCAN_TILES_I64;
import static dev.ember.cuda.kernel.ScanKernels.TILE;

import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.ScanKernels;
import java.util.Map;

/**
 * Emulations of {@code scan.cu}. A {@code scan_tiles} launch scans exactly the tiles its grid has
 * blocks for, so a host-side mistake in the launch geometry (which on the GPU would leave elements
 * unscanned or write past the tile totals) fails here instead.
 */
final class ScanEmulation {
    private ScanEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                SCAN_TILES_I32, (cfg, a, m) -> scanTiles(SCAN_TILES_I32, cfg, a.ptrAt(0), 4, a.ptrAt(1), 4,
                        a.ptrAt(2), a.i64At(3), m),
                SCAN_TILES_I64, (cfg, a, m) -> scanTiles(SCAN_TILES_I64, cfg, a.ptrAt(0), 8, a.ptrAt(1), 8,
                        a.ptrAt(2), a.i64At(3), m),
                SCAN_TILES_I32_I64, (cfg, a, m) -> scanTiles(SCAN_TILES_I32_I64, cfg, a.ptrAt(0), 4, a.ptrAt(1), 8,
                        a.ptrAt(2), a.i64At(3), m),
                ADD_OFFSETS_I32, (cfg, a, m) -> addOffsets(a.ptrAt(0), a.ptrAt(1), a.i64At(2), 4, m),
                ADD_OFFSETS_I64, (cfg, a, m) -> addOffsets(a.ptrAt(0), a.ptrAt(1), a.i64At(2), 8, m));
    }

    /**
     * Block b: out[i] = the wrapping sum of in[b * TILE .. i) over its tile, totals[b] = the tile's
     * sum. Input elements are {@code inWidth} bytes, sign-extended to the {@code outWidth} of the sums.
     */
    private static void scanTiles(String kernel, LaunchConfig cfg, long in, int inWidth, long out, int outWidth,
            long totals, long n, EmulatedMemory m) {
        int tiles = checkTileLaunch(kernel, cfg, n);
        m.check(in, n * inWidth);
        m.check(out, n * outWidth);
        m.check(totals, (long) tiles * outWidth);
        // On the GPU a block reads its tile before writing it, so out == in is fine; any other
        // overlap would race between blocks.
        if (!(in == out && inWidth == outWidth)) {
            checkDisjoint(kernel, "in", in, n * inWidth, "out", out, n * outWidth);
        }
        checkDisjoint(kernel, "in", in, n * inWidth, "tile_totals", totals, (long) tiles * outWidth);
        checkDisjoint(kernel, "out", out, n * outWidth, "tile_totals", totals, (long) tiles * outWidth);
        for (int b = 0; b < tiles; b++) {
            long start = (long) b * TILE;
            long end = Math.min(n, start + TILE);
            long sum = 0;
            for (long i = start; i < end; i++) {
                long value = inWidth == 4 ? m.getInt(in + i * 4) : m.getLong(in + i * 8);
                put(m, out + i * outWidth, outWidth, sum);
                sum += value;
            }
            put(m, totals + (long) b * outWidth, outWidth, sum);
        }
    }

    /** data[i] += offsets[i / TILE], wrapping; any grid. */
    private static void addOffsets(long data, long offsets, long n, int width, EmulatedMemory m) {
        m.check(data, n * width);
        m.check(offsets, ScanKernels.tileCount(n) * width);
        for (long i = 0; i < n; i++) {
            long offsetAddress = offsets + (i / TILE) * width;
            if (width == 4) {
                m.putInt(data + i * 4, m.getInt(data + i * 4) + m.getInt(offsetAddress));
            } else {
                m.putLong(data + i * 8, m.getLong(data + i * 8) + m.getLong(offsetAddress));
            }
        }
    }

    private static void put(EmulatedMemory m, long address, int width, long value) {
        if (width == 4) {
            m.putInt(address, (int) value);
        } else {
            m.putLong(address, value);
        }
    }

    /** The kernel is compiled for one block size and one block per tile; returns the tile count. */
    static int checkTileLaunch(String kernel, LaunchConfig cfg, long n) {
        return checkTileLaunch(kernel, cfg, n, TILE, BLOCK_THREADS);
    }

    static int checkTileLaunch(String kernel, LaunchConfig cfg, long n, int tile, int blockThreads) {
        long tiles = Math.max(1, (n + tile - 1) / tile);
        if (cfg.blockX() != blockThreads || cfg.blockY() != 1 || cfg.blockZ() != 1
                || cfg.gridX() != tiles || cfg.gridY() != 1 || cfg.gridZ() != 1) {
            throw new IllegalArgumentException(kernel + " over " + n + " elements must be launched with " + tiles
                    + " blocks of " + blockThreads + " threads (one block per tile of " + tile + "), not " + cfg);
        }
        return (int) tiles;
    }

    static void checkDisjoint(String kernel, String aName, long a, long aBytes, String bName, long b, long bBytes) {
        if (aBytes > 0 && bBytes > 0 && a < b + bBytes && b < a + aBytes) {
            throw new IllegalArgumentException(kernel + ": " + aName + " and " + bName + " overlap; give them separate buffers");
        }
    }
}
