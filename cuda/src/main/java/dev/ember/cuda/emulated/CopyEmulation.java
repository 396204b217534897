package dev.ember.cuda.emulated;

import dev.ember.cuda.kernel.CopyKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import java.util.HashMap;
import java.util.Map;

/** Emulations of {@code copy.cu}. */
final class CopyEmulation {
    private CopyEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        Map<String, KernelEmulation> map = new HashMap<>();
        for (int width : new int[] {1, 2, 4, 8}) {
            map.put(CopyKernels.name(width), copy(width));
        }
        map.put(CopyKernels.COPYBITS_B1, CopyEmulation::copyBits);
        return map;
    }

    private static KernelEmulation copy(int width) {
        return (cfg, a, m) -> {
            long dst = a.ptrAt(0), dstOffset = a.i64At(1), src = a.ptrAt(2), srcOffset = a.i64At(3), n = a.i64At(4);
            if (n == 0) {
                return;
            }
            long from = src + srcOffset * width, to = dst + dstOffset * width, bytes = n * width;
            m.check(from, bytes);
            m.check(to, bytes);
            if (from < to + bytes && to < from + bytes) {
                throw new IllegalArgumentException("copy ranges overlap: the kernel's contract forbids it");
            }
            m.copy(from, to, bytes);
        };
    }

    private static void copyBits(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long dst = a.ptrAt(0), dstBit = a.i64At(1), src = a.ptrAt(2), srcBit = a.i64At(3), n = a.i64At(4);
        if (n == 0) {
            return;
        }
        // The kernel touches exactly the 32-bit words holding the copied bits.
        long dstFirstWord = dstBit >>> 5, dstLastWord = (dstBit + n - 1) >>> 5;
        m.check(dst + dstFirstWord * 4, (dstLastWord - dstFirstWord + 1) * 4);
        if (src != 0) {
            long srcFirstWord = srcBit >>> 5, srcLastWord = (srcBit + n - 1) >>> 5;
            m.check(src + srcFirstWord * 4, (srcLastWord - srcFirstWord + 1) * 4);
        }
        for (long i = 0; i < n; i++) {
            boolean bit = src == 0 || m.isValid(src, srcBit + i);
            long d = dstBit + i;
            long bitByte = dst + (d >>> 3);
            int mask = 1 << (d & 7);
            int old = m.getByte(bitByte);
            m.putByte(bitByte, (byte) (bit ? old | mask : old & ~mask));
        }
    }
}
