package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.CompactKernels.BLOCK_THREADS;
import static dev.ember.cuda.kernel.CompactKernels.COUNT_BOOL8;
import static dev.ember.cuda.kernel.CompactKernels.INDICES_BOOL8;
import static dev.ember.cuda.kernel.CompactKernels.TILE;

import java.util.Map;

/** Emulations of {@code compact.cu}: one tile per block, as the launch's grid says. */
final class CompactEmulation {
    private CompactEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                COUNT_BOOL8, (cfg, a, m) -> {
                    long flags = a.ptrAt(0), validity = a.ptrAt(1), counts = a.ptrAt(2), n = a.i64At(3);
                    int tiles = ScanEmulation.checkTileLaunch(COUNT_BOOL8, cfg, n, TILE, BLOCK_THREADS);
                    checkInputs(flags, validity, n, m);
                    m.check(counts, tiles * 4L);
                    for (int b = 0; b < tiles; b++) {
                        long start = (long) b * TILE;
                        long end = Math.min(n, start + TILE);
                        int count = 0;
                        for (long i = start; i < end; i++) {
                            if (selected(flags, validity, i, m)) {
                                count++;
                            }
                        }
                        m.putInt(counts + b * 4L, count);
                    }
                },
                INDICES_BOOL8, (cfg, a, m) -> {
                    long flags = a.ptrAt(0), validity = a.ptrAt(1), offsets = a.ptrAt(2), out = a.ptrAt(3);
                    long n = a.i64At(4);
                    if (n > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException(INDICES_BOOL8 + " writes int32 indices: n must be at most 2^31-1, not " + n);
                    }
                    int tiles = ScanEmulation.checkTileLaunch(INDICES_BOOL8, cfg, n, TILE, BLOCK_THREADS);
                    checkInputs(flags, validity, n, m);
                    m.check(offsets, tiles * 4L);
                    for (int b = 0; b < tiles; b++) {
                        long start = (long) b * TILE;
                        long end = Math.min(n, start + TILE);
                        int count = 0;
                        for (long i = start; i < end; i++) {
                            if (selected(flags, validity, i, m)) {
                                count++;
                            }
                        }
                        long dst = out + m.getInt(offsets + b * 4L) * 4L;
                        m.check(dst, count * 4L);
                        for (long i = start; i < end; i++) {
                            if (selected(flags, validity, i, m)) {
                                m.putInt(dst, (int) i);
                                dst += 4;
                            }
                        }
                    }
                });
    }

    private static void checkInputs(long flags, long validity, long n, EmulatedMemory m) {
        m.check(flags, n);
        if (validity != 0) {
            // The kernels read the bitmap bytes that hold rows [0, n), nothing past them.
            m.check(validity, (n + 7) / 8);
        }
    }

    /** A row is selected when its flag is non-zero and it is not null. */
    private static boolean selected(long flags, long validity, long i, EmulatedMemory m) {
        return m.getByte(flags + i) != 0 && m.isValid(validity, i);
    }
}
