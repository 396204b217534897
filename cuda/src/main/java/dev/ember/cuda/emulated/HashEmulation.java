package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.HashKernels.MURMUR3_BOOL8;
import static dev.ember.cuda.kernel.HashKernels.MURMUR3_DEC128;
import static dev.ember.cuda.kernel.HashKernels.MURMUR3_F32;
import static dev.ember.cuda.kernel.HashKernels.MURMUR3_F64;
import static dev.ember.cuda.kernel.HashKernels.MURMUR3_I16;
import static dev.ember.cuda.kernel.HashKernels.MURMUR3_I32;
import static dev.ember.cuda.kernel.HashKernels.MURMUR3_I64;
import static dev.ember.cuda.kernel.HashKernels.MURMUR3_I8;
import static dev.ember.cuda.kernel.HashKernels.MURMUR3_STRING;
import static dev.ember.cuda.kernel.HashKernels.PMOD_I32;

import java.util.Map;

/** Emulations of {@code hash.cu}: Spark's Murmur3_x86_32 and Pmod, sequentially. */
final class HashEmulation {
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private HashEmulation() {}

    /** Reads element {@code i} of a column and returns its hash with {@code seed}. */
    private interface ElementHash {
        int hash(EmulatedMemory m, long data, long i, int seed);
    }

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                MURMUR3_BOOL8, murmur3(1, (m, d, i, s) -> hashInt(m.getByte(d + i) != 0 ? 1 : 0, s)),
                MURMUR3_I8, murmur3(1, (m, d, i, s) -> hashInt(m.getByte(d + i), s)),
                MURMUR3_I16, murmur3(2, (m, d, i, s) -> hashInt(m.getShort(d + i * 2), s)),
                MURMUR3_I32, murmur3(4, (m, d, i, s) -> hashInt(m.getInt(d + i * 4), s)),
                MURMUR3_I64, murmur3(8, (m, d, i, s) -> hashLong(m.getLong(d + i * 8), s)),
                MURMUR3_F32, murmur3(4, (m, d, i, s) -> {
                    float f = m.getFloat(d + i * 4);
                    return hashInt(f == 0.0f ? 0 : Float.floatToIntBits(f), s);
                }),
                MURMUR3_F64, murmur3(8, (m, d, i, s) -> {
                    double x = m.getDouble(d + i * 8);
                    return hashLong(x == 0.0 ? 0 : Double.doubleToLongBits(x), s);
                }),
                MURMUR3_DEC128, murmur3(16, (m, d, i, s) -> hashDecimal128(m.getLong(d + i * 16), m.getLong(d + i * 16 + 8), s)),
                MURMUR3_STRING, (cfg, a, m) -> {
                    long hashes = a.ptrAt(0), offsets = a.ptrAt(1), chars = a.ptrAt(2), validity = a.ptrAt(3);
                    long n = a.i64At(4);
                    if (n == 0) {
                        return;
                    }
                    m.check(hashes, n * 4);
                    m.check(offsets, (n + 1) * 4);
                    if (validity != 0) {
                        m.check(validity, (n + 7) / 8);
                    }
                    for (long i = 0; i < n; i++) {
                        if (m.isValid(validity, i)) {
                            int start = m.getInt(offsets + i * 4);
                            int length = m.getInt(offsets + i * 4 + 4) - start;
                            m.check(chars + start, length);
                            long at = hashes + i * 4;
                            m.putInt(at, hashBytes(m, chars + start, length, m.getInt(at)));
                        }
                    }
                },
                PMOD_I32, (cfg, a, m) -> {
                    long out = a.ptrAt(0), hashes = a.ptrAt(1), n = a.i64At(2);
                    int p = a.i32At(3);
                    if (p < 1) {
                        return;
                    }
                    m.check(out, n * 4);
                    m.check(hashes, n * 4);
                    for (long i = 0; i < n; i++) {
                        int r = m.getInt(hashes + i * 4) % p;
                        m.putInt(out + i * 4, r < 0 ? r + p : r);
                    }
                });
    }

    private static KernelEmulation murmur3(int width, ElementHash element) {
        return (cfg, a, m) -> {
            long hashes = a.ptrAt(0), data = a.ptrAt(1), validity = a.ptrAt(2), n = a.i64At(3);
            m.check(hashes, n * 4);
            m.check(data, n * width);
            if (validity != 0) {
                m.check(validity, (n + 7) / 8);
            }
            for (long i = 0; i < n; i++) {
                if (m.isValid(validity, i)) {
                    long at = hashes + i * 4;
                    m.putInt(at, element.hash(m, data, i, m.getInt(at)));
                }
            }
        };
    }

    private static int mixK1(int k1) {
        return Integer.rotateLeft(k1 * C1, 15) * C2;
    }

    private static int mixH1(int h1, int k1) {
        return Integer.rotateLeft(h1 ^ k1, 13) * 5 + 0xe6546b64;
    }

    private static int fmix(int h1, int length) {
        h1 ^= length;
        h1 ^= h1 >>> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >>> 13;
        h1 *= 0xc2b2ae35;
        return h1 ^ (h1 >>> 16);
    }

    private static int hashInt(int value, int seed) {
        return fmix(mixH1(seed, mixK1(value)), 4);
    }

    private static int hashLong(long value, int seed) {
        int h1 = mixH1(seed, mixK1((int) value));
        return fmix(mixH1(h1, mixK1((int) (value >>> 32))), 8);
    }

    /** Murmur3_x86_32.hashUnsafeBytes: little-endian ints, then each tail byte sign-extended. */
    private static int hashBytes(EmulatedMemory m, long address, int length, int seed) {
        int aligned = length & ~3;
        int h1 = seed;
        for (int k = 0; k < aligned; k += 4) {
            h1 = mixH1(h1, mixK1(m.getInt(address + k)));
        }
        for (int k = aligned; k < length; k++) {
            h1 = mixH1(h1, mixK1(m.getByte(address + k)));
        }
        return fmix(h1, length);
    }

    /** Byte {@code p} (0 = least significant) of the 128-bit value (hi:lo). */
    private static int byteOf(long lo, long hi, int p) {
        return (int) ((p < 8 ? lo : hi) >>> ((p & 7) * 8)) & 0xff;
    }

    /** Murmur3_x86_32.hashUnsafeBytes of BigInteger.toByteArray() of (hi:lo), without the array. */
    private static int hashDecimal128(long lo, long hi, int seed) {
        long sign = hi >> 63;
        long mlo = lo ^ sign, mhi = hi ^ sign;
        int bits = mhi != 0 ? 128 - Long.numberOfLeadingZeros(mhi) : 64 - Long.numberOfLeadingZeros(mlo);
        int length = bits / 8 + 1;
        int aligned = length & ~3;
        int h1 = seed;
        for (int j = 0; j < aligned; j += 4) {
            int word = byteOf(lo, hi, length - 1 - j) | byteOf(lo, hi, length - 2 - j) << 8
                    | byteOf(lo, hi, length - 3 - j) << 16 | byteOf(lo, hi, length - 4 - j) << 24;
            h1 = mixH1(h1, mixK1(word));
        }
        for (int j = aligned; j < length; j++) {
            h1 = mixH1(h1, mixK1((byte) byteOf(lo, hi, length - 1 - j)));
        }
        return fmix(h1, length);
    }
}
