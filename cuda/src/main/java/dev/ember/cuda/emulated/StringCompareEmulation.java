package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.StringCompareKernels.COMPARE_CC;
import static dev.ember.cuda.kernel.StringCompareKernels.COMPARE_CS;

import java.util.Map;

/** Emulations of {@code strcmp.cu}, sequentially. */
final class StringCompareEmulation {
    private StringCompareEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                COMPARE_CC, (cfg, a, m) -> {
                    long out = a.ptrAt(0), outValidity = a.ptrAt(1);
                    long aOffsets = a.ptrAt(2), aChars = a.ptrAt(3), aValidity = a.ptrAt(4);
                    long bOffsets = a.ptrAt(5), bChars = a.ptrAt(6), bValidity = a.ptrAt(7), n = a.i64At(8);
                    if (n == 0) {
                        return;
                    }
                    begin(m, out, outValidity, n);
                    m.check(aOffsets, (n + 1) * 4);
                    m.check(bOffsets, (n + 1) * 4);
                    checkBitmap(m, aValidity, n);
                    checkBitmap(m, bValidity, n);
                    for (long i = 0; i < n; i++) {
                        boolean valid = m.isValid(aValidity, i) && m.isValid(bValidity, i);
                        byte r = 0;
                        if (valid) {
                            int aStart = m.getInt(aOffsets + i * 4), aLen = m.getInt(aOffsets + i * 4 + 4) - aStart;
                            int bStart = m.getInt(bOffsets + i * 4), bLen = m.getInt(bOffsets + i * 4 + 4) - bStart;
                            r = compare(m, aChars + aStart, aLen, bChars + bStart, bLen);
                            setBit(m, outValidity, i);
                        }
                        m.putByte(out + i, r);
                    }
                },
                COMPARE_CS, (cfg, a, m) -> {
                    long out = a.ptrAt(0), outValidity = a.ptrAt(1);
                    long aOffsets = a.ptrAt(2), aChars = a.ptrAt(3), aValidity = a.ptrAt(4);
                    long sChars = a.ptrAt(5);
                    int sLen = a.i32At(6);
                    long n = a.i64At(7);
                    if (n == 0) {
                        return;
                    }
                    begin(m, out, outValidity, n);
                    m.check(aOffsets, (n + 1) * 4);
                    checkBitmap(m, aValidity, n);
                    m.check(sChars, sLen);
                    for (long i = 0; i < n; i++) {
                        boolean valid = m.isValid(aValidity, i);
                        byte r = 0;
                        if (valid) {
                            int aStart = m.getInt(aOffsets + i * 4), aLen = m.getInt(aOffsets + i * 4 + 4) - aStart;
                            r = compare(m, aChars + aStart, aLen, sChars, sLen);
                            setBit(m, outValidity, i);
                        }
                        m.putByte(out + i, r);
                    }
                });
    }

    /** Checks the outputs and clears the whole output bitmap, so bits past n stay 0. */
    private static void begin(EmulatedMemory m, long out, long outValidity, long n) {
        long validityBytes = (n + 63) / 64 * 8;
        m.check(out, n);
        m.check(outValidity, validityBytes);
        m.set(outValidity, (byte) 0, validityBytes);
    }

    private static void checkBitmap(EmulatedMemory m, long bitmap, long n) {
        if (bitmap != 0) {
            m.check(bitmap, (n + 7) / 8);
        }
    }

    private static void setBit(EmulatedMemory m, long bitmap, long i) {
        long at = bitmap + (i >>> 3);
        m.putByte(at, (byte) (m.getByte(at) | (1 << (i & 7))));
    }

    /** Unsigned bytes first, then length; -1, 0 or 1. */
    private static byte compare(EmulatedMemory m, long a, int aLen, long b, int bLen) {
        m.check(a, aLen);
        m.check(b, bLen);
        int common = Math.min(aLen, bLen);
        for (int k = 0; k < common; k++) {
            int x = m.getByte(a + k) & 0xff;
            int y = m.getByte(b + k) & 0xff;
            if (x != y) {
                return (byte) (x < y ? -1 : 1);
            }
        }
        return (byte) Integer.signum(Integer.compare(aLen, bLen));
    }
}
