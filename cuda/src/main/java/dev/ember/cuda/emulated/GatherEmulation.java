package dev.ember.cuda.emulated;

import dev.ember.cuda.kernel.GatherKernels;
import java.util.HashMap;
import java.util.Map;

/** Emulations of {@code gather.cu}. */
final class GatherEmulation {
    private GatherEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        Map<String, KernelEmulation> map = new HashMap<>();
        for (int mapWidth : new int[] {4, 8}) {
            for (int width : new int[] {1, 2, 4, 8, 16}) {
                map.put(GatherKernels.name(mapWidth, width), gather(mapWidth, width));
            }
        }
        return map;
    }

    private static KernelEmulation gather(int mapWidth, int width) {
        return (cfg, a, m) -> {
            long out = a.ptrAt(0), outValidity = a.ptrAt(1), src = a.ptrAt(2), srcValidity = a.ptrAt(3);
            long srcRows = a.i64At(4), map = a.ptrAt(5), n = a.i64At(6);
            if (n == 0) {
                return;
            }
            long validityBytes = (n + 63) / 64 * 8;
            m.check(out, n * width);
            m.check(outValidity, validityBytes);
            m.check(map, n * mapWidth);
            m.check(src, srcRows * width);
            if (srcValidity != 0) {
                m.check(srcValidity, (srcRows + 7) / 8);
            }
            // Bits past n of the output are 0: clear everything, then set the valid rows.
            m.set(outValidity, (byte) 0, validityBytes);
            for (long i = 0; i < n; i++) {
                long j = mapWidth == 4 ? m.getInt(map + i * 4) : m.getLong(map + i * 8);
                boolean valid = j >= 0 && j < srcRows && m.isValid(srcValidity, j);
                if (valid) {
                    m.copy(src + j * width, out + i * width, width);
                    long bitByte = outValidity + (i >>> 3);
                    m.putByte(bitByte, (byte) (m.getByte(bitByte) | (1 << (i & 7))));
                } else {
                    m.set(out + i * width, (byte) 0, width);
                }
            }
        };
    }
}
