package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.HashAggDecKernels.AVERAGE_DEC128;
import static dev.ember.cuda.kernel.HashAggDecKernels.AVERAGE_DEC64;
import static dev.ember.cuda.kernel.HashAggDecKernels.EMIT_DEC128;
import static dev.ember.cuda.kernel.HashAggDecKernels.EMIT_DEC64;
import static dev.ember.cuda.kernel.HashAggDecKernels.SUM_DEC128;
import static dev.ember.cuda.kernel.HashAggDecKernels.SUM_DEC64;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Emulations of {@code hashaggdec.cu}: the 192-bit slot sums as {@link BigInteger}s reduced modulo
 * 2^192 (the words the GPU ends with in any thread order), the overflow checks and the HALF_UP
 * division with {@link BigDecimal}.
 */
final class HashAggDecEmulation {
    private static final BigInteger MOD_192 = BigInteger.ONE.shiftLeft(192);
    private static final BigInteger MASK_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private HashAggDecEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                SUM_DEC64, sum(8),
                SUM_DEC128, sum(16),
                EMIT_DEC64, emit(1),
                EMIT_DEC128, emit(2),
                AVERAGE_DEC64, average(8),
                AVERAGE_DEC128, average(16));
    }

    /** {@code (sums, nulls, rowSlot, data, validity, n)}. */
    private static KernelEmulation sum(int width) {
        return (cfg, a, m) -> {
            long sums = a.ptrAt(0), nulls = a.ptrAt(1), rowSlot = a.ptrAt(2), data = a.ptrAt(3);
            long validity = a.ptrAt(4), n = a.i64At(5);
            m.check(rowSlot, n * 4);
            m.check(data, n * width);
            if (validity != 0) {
                m.check(validity, (n + 7) / 8);
            }
            for (long i = 0; i < n; i++) {
                int s = m.getInt(rowSlot + i * 4);
                if (s < 0) {
                    continue;
                }
                if (m.isValid(validity, i)) {
                    long at = sums + s * 24L;
                    m.check(at, 24);
                    BigInteger value = width == 8 ? BigInteger.valueOf(m.getLong(data + i * 8))
                            : signed128(m.getLong(data + i * 16), m.getLong(data + i * 16 + 8));
                    putWords(m, at, readWords(m, at, 3).add(value).mod(MOD_192), 3);
                } else if (nulls != 0) {
                    long at = nulls + s * 8L;
                    m.check(at, 8);
                    m.putLong(at, m.getLong(at) + 1);
                }
            }
        };
    }

    /** {@code (out, outValidity, sums, nulls, groupSlots, precision, groups)}. */
    private static KernelEmulation emit(int words) {
        return (cfg, a, m) -> {
            long out = a.ptrAt(0), outValidity = a.ptrAt(1), sums = a.ptrAt(2), nulls = a.ptrAt(3);
            long groupSlots = a.ptrAt(4);
            int precision = a.i32At(5);
            long groups = a.i64At(6);
            if (groups == 0) {
                return;
            }
            BigInteger bound = BigInteger.TEN.pow(precision);
            m.check(out, groups * words * 8);
            m.check(groupSlots, groups * 4);
            Validity valid = new Validity(m, outValidity, groups);
            for (long g = 0; g < groups; g++) {
                int s = m.getInt(groupSlots + g * 4);
                m.check(sums + s * 24L, 24);
                BigInteger sum = readWords(m, sums + s * 24L, 3);
                if (sum.testBit(191)) {
                    sum = sum.subtract(MOD_192);
                }
                boolean ok = sum.abs().compareTo(bound) < 0;
                if (nulls != 0) {
                    m.check(nulls + s * 8L, 8);
                    ok &= m.getLong(nulls + s * 8L) == 0;
                }
                putWords(m, out + g * words * 8, ok ? sum.mod(BigInteger.ONE.shiftLeft(64 * words)) : BigInteger.ZERO,
                        words);
                valid.set(g, ok);
            }
        };
    }

    /** {@code (out, outValidity, sums, sumValidity, counts, countValidity, shift, precision, outWords, n)}. */
    private static KernelEmulation average(int sumWidth) {
        return (cfg, a, m) -> {
            long out = a.ptrAt(0), outValidity = a.ptrAt(1), sums = a.ptrAt(2), sumValidity = a.ptrAt(3);
            long counts = a.ptrAt(4), countValidity = a.ptrAt(5);
            int shift = a.i32At(6), precision = a.i32At(7), outWords = a.i32At(8);
            long n = a.i64At(9);
            if (n == 0) {
                return;
            }
            BigInteger bound = BigInteger.TEN.pow(precision);
            m.check(out, n * outWords * 8);
            m.check(sums, n * sumWidth);
            m.check(counts, n * 8);
            for (long bitmap : new long[] {sumValidity, countValidity}) {
                if (bitmap != 0) {
                    m.check(bitmap, (n + 7) / 8);
                }
            }
            Validity valid = new Validity(m, outValidity, n);
            for (long i = 0; i < n; i++) {
                long count = m.getLong(counts + i * 8);
                BigInteger result = null;
                if (m.isValid(sumValidity, i) && m.isValid(countValidity, i) && count != 0) {
                    BigInteger sum = sumWidth == 8 ? BigInteger.valueOf(m.getLong(sums + i * 8))
                            : signed128(m.getLong(sums + i * 16), m.getLong(sums + i * 16 + 8));
                    BigInteger q = new BigDecimal(sum.multiply(BigInteger.TEN.pow(shift)))
                            .divide(BigDecimal.valueOf(count), 0, RoundingMode.HALF_UP).toBigIntegerExact();
                    result = q.abs().compareTo(bound) < 0 ? q : null;
                }
                BigInteger stored = result == null ? BigInteger.ZERO : result.mod(BigInteger.ONE.shiftLeft(64 * outWords));
                putWords(m, out + i * outWords * 8, stored, outWords);
                valid.set(i, result != null);
            }
        };
    }

    /** An output bitmap written as the kernels write it: every bit of its whole 64-bit words, 0 past the rows. */
    private static final class Validity {
        private final EmulatedMemory m;
        private final long address;

        Validity(EmulatedMemory m, long address, long rows) {
            this.m = m;
            this.address = address;
            if (address != 0) {
                long bytes = (rows + 63) / 64 * 8;
                m.check(address, bytes);
                m.set(address, (byte) 0, bytes);
            }
        }

        void set(long row, boolean valid) {
            if (address != 0 && valid) {
                long at = address + row / 8;
                m.putByte(at, (byte) (m.getByte(at) | (1 << (row % 8))));
            }
        }
    }

    private static BigInteger signed128(long low, long high) {
        return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
    }

    /** {@code words} little-endian uint64 words as a non-negative integer. */
    private static BigInteger readWords(EmulatedMemory m, long at, int words) {
        BigInteger v = BigInteger.ZERO;
        for (int w = words - 1; w >= 0; w--) {
            v = v.shiftLeft(64).add(new BigInteger(Long.toUnsignedString(m.getLong(at + w * 8L))));
        }
        return v;
    }

    /** The low {@code words} 64-bit words of a non-negative integer. */
    private static void putWords(EmulatedMemory m, long at, BigInteger v, int words) {
        for (int w = 0; w < words; w++) {
            m.putLong(at + w * 8L, v.shiftRight(64 * w).and(MASK_64).longValue());
        }
    }
}
