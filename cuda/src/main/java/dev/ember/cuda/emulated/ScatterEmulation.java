package dev.ember.cuda.emulated;

import dev.ember.cuda.kernel.ScatterKernels;
import java.util.HashMap;
import java.util.Map;

/**
 * Emulations of {@code scatter.cu}. Map entries are processed in order, so of duplicate targets the
 * last wins; the CUDA contract leaves the winner unspecified.
 */
final class ScatterEmulation {
    private ScatterEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        Map<String, KernelEmulation> map = new HashMap<>();
        for (int width : new int[] {1, 2, 4, 8, 16}) {
            map.put(ScatterKernels.name(width), scatter(width));
        }
        return map;
    }

    private static KernelEmulation scatter(int width) {
        return (cfg, a, m) -> {
            long out = a.ptrAt(0), outValidity = a.ptrAt(1), outRows = a.i64At(2), src = a.ptrAt(3);
            long srcValidity = a.ptrAt(4), map = a.ptrAt(5), n = a.i64At(6);
            if (n == 0) {
                return;
            }
            m.check(out, outRows * width);
            if (outValidity != 0) {
                // The kernel updates whole 32-bit words of the bits [0, outRows).
                m.check(outValidity, (outRows + 31) / 32 * 4);
            }
            m.check(src, n * width);
            if (srcValidity != 0) {
                m.check(srcValidity, (n + 7) / 8);
            }
            m.check(map, n * 4);
            for (long i = 0; i < n; i++) {
                long k = m.getInt(map + i * 4);
                if (k < 0 || k >= outRows) {
                    continue;
                }
                boolean valid = m.isValid(srcValidity, i);
                if (valid) {
                    m.copy(src + i * width, out + k * width, width);
                } else {
                    m.set(out + k * width, (byte) 0, width);
                }
                if (outValidity != 0) {
                    long bitByte = outValidity + (k >>> 3);
                    int bit = 1 << (k & 7);
                    int old = m.getByte(bitByte);
                    m.putByte(bitByte, (byte) (valid ? old | bit : old & ~bit));
                }
            }
        };
    }
}
