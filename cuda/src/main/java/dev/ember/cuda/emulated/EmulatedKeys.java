package dev.ember.cuda.emulated;

import dev.ember.cuda.kernel.HashAggKernels;

/**
 * A key descriptor of {@code ember_keys.cuh} read from emulated memory (four int64 words per key
 * column: kind, data, validity, aux) with its ranges checked for {@code n} rows, and the key
 * equality of that header: nulls equal nulls, floating-point NaN equals NaN and -0.0 equals 0.0,
 * strings by their bytes, DECIMAL128 by both words.
 */
final class EmulatedKeys {
    private final long[][] columns;

    private EmulatedKeys(long[][] columns) {
        this.columns = columns;
    }

    /** Reads {@code numKeys} columns of the descriptor at {@code keys} for rows {@code [0, n)}. */
    static EmulatedKeys read(EmulatedMemory m, long keys, int numKeys, long n) {
        long words = HashAggKernels.KEY_WORDS * 8L;
        m.check(keys, numKeys * words);
        long[][] columns = new long[numKeys][];
        for (int k = 0; k < numKeys; k++) {
            long kind = m.getLong(keys + k * words), data = m.getLong(keys + k * words + 8);
            long validity = m.getLong(keys + k * words + 16), aux = m.getLong(keys + k * words + 24);
            if (n > 0) {
                if (kind == HashAggKernels.KIND_STRING) {
                    m.check(data, (n + 1) * 4);
                    long bytes = m.getInt(data + n * 4);
                    if (bytes > 0) {
                        m.check(aux, bytes);
                    }
                } else {
                    m.check(data, n * width((int) kind));
                }
                if (validity != 0) {
                    m.check(validity, (n + 7) / 8);
                }
            }
            columns[k] = new long[] {kind, data, validity, aux};
        }
        return new EmulatedKeys(columns);
    }

    private static int width(int kind) {
        return switch (kind) {
            case HashAggKernels.KIND_BOOL8, HashAggKernels.KIND_I8 -> 1;
            case HashAggKernels.KIND_I16 -> 2;
            case HashAggKernels.KIND_I32, HashAggKernels.KIND_F32 -> 4;
            case HashAggKernels.KIND_I64, HashAggKernels.KIND_F64 -> 8;
            case HashAggKernels.KIND_DEC128 -> 16;
            default -> throw new IllegalArgumentException("unknown key kind " + kind);
        };
    }

    /** Row {@code a} of key {@code x} against row {@code b} of key {@code y} (kinds taken from {@code x}). */
    static boolean equal(EmulatedMemory m, EmulatedKeys x, long a, EmulatedKeys y, long b) {
        for (int k = 0; k < x.columns.length; k++) {
            long[] cx = x.columns[k];
            long[] cy = y.columns[k];
            long da = cx[1], db = cy[1];
            boolean va = m.isValid(cx[2], a);
            if (va != m.isValid(cy[2], b)) {
                return false;
            }
            if (!va) {
                continue;
            }
            boolean eq = switch ((int) cx[0]) {
                case HashAggKernels.KIND_BOOL8 -> (m.getByte(da + a) != 0) == (m.getByte(db + b) != 0);
                case HashAggKernels.KIND_I8 -> m.getByte(da + a) == m.getByte(db + b);
                case HashAggKernels.KIND_I16 -> m.getShort(da + a * 2) == m.getShort(db + b * 2);
                case HashAggKernels.KIND_I32 -> m.getInt(da + a * 4) == m.getInt(db + b * 4);
                case HashAggKernels.KIND_I64 -> m.getLong(da + a * 8) == m.getLong(db + b * 8);
                case HashAggKernels.KIND_F32 -> {
                    float p = m.getFloat(da + a * 4), q = m.getFloat(db + b * 4);
                    yield p == q || (Float.isNaN(p) && Float.isNaN(q));
                }
                case HashAggKernels.KIND_F64 -> {
                    double p = m.getDouble(da + a * 8), q = m.getDouble(db + b * 8);
                    yield p == q || (Double.isNaN(p) && Double.isNaN(q));
                }
                case HashAggKernels.KIND_DEC128 -> m.getLong(da + a * 16) == m.getLong(db + b * 16)
                        && m.getLong(da + a * 16 + 8) == m.getLong(db + b * 16 + 8);
                case HashAggKernels.KIND_STRING -> stringsEqual(m, da, cx[3], a, db, cy[3], b);
                default -> false;
            };
            if (!eq) {
                return false;
            }
        }
        return true;
    }

    private static boolean stringsEqual(EmulatedMemory m, long offsetsA, long charsA, long a, long offsetsB,
            long charsB, long b) {
        int startA = m.getInt(offsetsA + a * 4), lengthA = m.getInt(offsetsA + a * 4 + 4) - startA;
        int startB = m.getInt(offsetsB + b * 4), lengthB = m.getInt(offsetsB + b * 4 + 4) - startB;
        if (lengthA != lengthB) {
            return false;
        }
        for (int k = 0; k < lengthA; k++) {
            if (m.getByte(charsA + startA + k) != m.getByte(charsB + startB + k)) {
                return false;
            }
        }
        return true;
    }
}
