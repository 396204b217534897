package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.BitmapKernels.AND_B1;
import static dev.ember.cuda.kernel.BitmapKernels.FROMBOOL8_B1;
import static dev.ember.cuda.kernel.BitmapKernels.NOT_B1;
import static dev.ember.cuda.kernel.BitmapKernels.OR_B1;
import static dev.ember.cuda.kernel.BitmapKernels.POPCOUNT_B1;
import static dev.ember.cuda.kernel.BitmapKernels.TOBOOL8_B1;

import java.util.Map;

/**
 * Emulations of {@code bitmap.cu}, bit by bit. A 0 input bitmap means all bits set; bitmap outputs
 * cover the whole 64-bit-word allocation with zeros past n.
 */
final class BitmapEmulation {
    private BitmapEmulation() {}

    private interface BitOp {
        boolean apply(boolean a, boolean b);
    }

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                AND_B1, (cfg, a, m) -> binary(m, a.ptrAt(0), a.ptrAt(1), a.ptrAt(2), a.i64At(3), (x, y) -> x && y),
                OR_B1, (cfg, a, m) -> binary(m, a.ptrAt(0), a.ptrAt(1), a.ptrAt(2), a.i64At(3), (x, y) -> x || y),
                NOT_B1, (cfg, a, m) -> binary(m, a.ptrAt(0), a.ptrAt(1), 0, a.i64At(2), (x, y) -> !x),
                POPCOUNT_B1, (cfg, a, m) -> {
                    long count = a.ptrAt(0), bits = a.ptrAt(1), n = a.i64At(2);
                    m.check(count, 8);
                    checkInput(m, bits, n);
                    long set = 0;
                    for (long i = 0; i < n; i++) {
                        set += m.isValid(bits, i) ? 1 : 0;
                    }
                    m.putLong(count, m.getLong(count) + set);
                },
                FROMBOOL8_B1, (cfg, a, m) -> {
                    long out = a.ptrAt(0), flags = a.ptrAt(1), n = a.i64At(2);
                    if (n == 0) {
                        return;
                    }
                    m.check(flags, n);
                    long bytes = (n + 63) / 64 * 8;
                    m.check(out, bytes);
                    m.set(out, (byte) 0, bytes);
                    for (long i = 0; i < n; i++) {
                        if (m.getByte(flags + i) != 0) {
                            setBit(m, out, i);
                        }
                    }
                },
                TOBOOL8_B1, (cfg, a, m) -> {
                    long out = a.ptrAt(0), bits = a.ptrAt(1), n = a.i64At(2);
                    if (n == 0) {
                        return;
                    }
                    m.check(out, n);
                    if (bits != 0) {
                        m.check(bits, (n + 7) / 8);
                    }
                    for (long i = 0; i < n; i++) {
                        m.putByte(out + i, (byte) (m.isValid(bits, i) ? 1 : 0));
                    }
                });
    }

    private static void binary(EmulatedMemory m, long out, long a, long b, long n, BitOp op) {
        if (n == 0) {
            return;
        }
        long bytes = (n + 63) / 64 * 8;
        checkInput(m, a, n);
        checkInput(m, b, n);
        m.check(out, bytes);
        // Output byte k depends only on byte k of the inputs, so out may be one of them.
        for (long k = 0; k < bytes; k++) {
            int result = 0;
            for (int bit = 0; bit < 8; bit++) {
                long i = k * 8 + bit;
                if (i < n && op.apply(m.isValid(a, i), m.isValid(b, i))) {
                    result |= 1 << bit;
                }
            }
            m.putByte(out + k, (byte) result);
        }
    }

    /** The kernels read the 32-bit words holding bits [0, n) of an input. */
    private static void checkInput(EmulatedMemory m, long bits, long n) {
        if (bits != 0) {
            m.check(bits, (n + 31) / 32 * 4);
        }
    }

    private static void setBit(EmulatedMemory m, long bitmap, long i) {
        long at = bitmap + (i >>> 3);
        m.putByte(at, (byte) (m.getByte(at) | (1 << (i & 7))));
    }
}
