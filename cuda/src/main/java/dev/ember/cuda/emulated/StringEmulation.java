package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.StringKernels.GATHER_CHARS_THREAD;
import static dev.ember.cuda.kernel.StringKernels.GATHER_CHARS_WARP;
import static dev.ember.cuda.kernel.StringKernels.GATHER_SIZES;
import static dev.ember.cuda.kernel.StringKernels.REBASE_OFFSETS;

import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import java.util.Map;

/** Emulations of {@code strings.cu}, sequentially. */
final class StringEmulation {
    private StringEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        KernelEmulation chars = StringEmulation::gatherChars;
        return Map.of(
                GATHER_SIZES, StringEmulation::gatherSizes,
                // The two copy strategies share one contract.
                GATHER_CHARS_THREAD, chars,
                GATHER_CHARS_WARP, chars,
                REBASE_OFFSETS, (cfg, a, m) -> {
                    long out = a.ptrAt(0), in = a.ptrAt(1), n = a.i64At(2);
                    int delta = a.i32At(3);
                    m.check(out, n * 4);
                    m.check(in, n * 4);
                    for (long i = 0; i < n; i++) {
                        m.putInt(out + i * 4, m.getInt(in + i * 4) + delta);
                    }
                });
    }

    private static void gatherSizes(LaunchConfig cfg, KernelArgs a,
            EmulatedMemory m) {
        long sizes = a.ptrAt(0), outValidity = a.ptrAt(1), total = a.ptrAt(2), srcOffsets = a.ptrAt(3);
        long srcValidity = a.ptrAt(4), srcRows = a.i64At(5), map = a.ptrAt(6), n = a.i64At(7);
        m.check(sizes, (n + 1) * 4);
        m.putInt(sizes + n * 4, 0);
        if (n == 0) {
            return;
        }
        long validityBytes = (n + 63) / 64 * 8;
        m.check(outValidity, validityBytes);
        m.check(total, 8);
        m.check(map, n * 4);
        m.check(srcOffsets, (srcRows + 1) * 4);
        if (srcValidity != 0) {
            m.check(srcValidity, (srcRows + 7) / 8);
        }
        m.set(outValidity, (byte) 0, validityBytes);
        long sum = 0;
        for (long i = 0; i < n; i++) {
            long j = m.getInt(map + i * 4);
            boolean valid = j >= 0 && j < srcRows && m.isValid(srcValidity, j);
            int size = 0;
            if (valid) {
                size = m.getInt(srcOffsets + (j + 1) * 4) - m.getInt(srcOffsets + j * 4);
                long bitByte = outValidity + (i >>> 3);
                m.putByte(bitByte, (byte) (m.getByte(bitByte) | (1 << (i & 7))));
            }
            m.putInt(sizes + i * 4, size);
            sum += Integer.toUnsignedLong(size);
        }
        m.putLong(total, m.getLong(total) + sum);
    }

    private static void gatherChars(LaunchConfig cfg, KernelArgs a,
            EmulatedMemory m) {
        long outChars = a.ptrAt(0), outOffsets = a.ptrAt(1), srcChars = a.ptrAt(2), srcOffsets = a.ptrAt(3);
        long map = a.ptrAt(4), n = a.i64At(5);
        if (n == 0) {
            return;
        }
        m.check(outOffsets, (n + 1) * 4);
        for (long i = 0; i < n; i++) {
            int start = m.getInt(outOffsets + i * 4);
            int len = m.getInt(outOffsets + (i + 1) * 4) - start;
            if (len > 0) {
                m.check(map + i * 4, 4);
                int j = m.getInt(map + i * 4);
                m.check(srcOffsets + (long) j * 4, 4);
                long from = srcChars + m.getInt(srcOffsets + (long) j * 4);
                m.check(from, len);
                m.check(outChars + start, len);
                m.copy(from, outChars + start, len);
            }
        }
    }
}
