package dev.ember.cuda.emulated;

import dev.ember.cuda.kernel.HashAggKernels;
import dev.ember.cuda.kernel.PartitionKernels;

/**
 * Sort keys of {@code ember_order.cuh} read from emulated memory: the key descriptor of {@link
 * EmulatedKeys} (kind, data, validity, aux per column) plus one order word per column, and Spark's
 * row ordering over them: nulls by their null ordering in either direction, BOOL8 false before true,
 * integers signed, floats with -0.0 equal to 0.0 and NaN equal to NaN and above +Infinity, DECIMAL128
 * as signed 128-bit, strings by unsigned bytes then length; a descending column reverses the values'
 * order only.
 */
final class EmulatedOrder {
    private final long[][] columns;
    private final long[] orders;

    private EmulatedOrder(long[][] columns, long[] orders) {
        this.columns = columns;
        this.orders = orders;
    }

    /** Reads the descriptor at {@code keys} (rows {@code [0, n)}, ranges checked) and the order words. */
    static EmulatedOrder read(EmulatedMemory m, long keys, long orderWords, int numKeys, long n) {
        EmulatedKeys.read(m, keys, numKeys, n);
        long words = HashAggKernels.KEY_WORDS * 8L;
        long[][] columns = new long[numKeys][];
        long[] orders = new long[numKeys];
        for (int k = 0; k < numKeys; k++) {
            columns[k] = new long[] {m.getLong(keys + k * words), m.getLong(keys + k * words + 8),
                m.getLong(keys + k * words + 16), m.getLong(keys + k * words + 24)};
            orders[k] = m.getLong(orderWords + k * 8L);
        }
        return new EmulatedOrder(columns, orders);
    }

    void checkSameKinds(EmulatedOrder other) {
        for (int k = 0; k < columns.length; k++) {
            if (columns[k][0] != other.columns[k][0]) {
                throw new IllegalArgumentException("key column " + k + " has kind " + columns[k][0] + " on one side and "
                        + other.columns[k][0] + " on the other");
            }
        }
    }

    /** Row {@code a} of {@code x} against row {@code b} of {@code y} under x's order words: -1, 0 or 1. */
    static int compare(EmulatedMemory m, EmulatedOrder x, long a, EmulatedOrder y, long b) {
        for (int k = 0; k < x.columns.length; k++) {
            long[] cx = x.columns[k];
            long[] cy = y.columns[k];
            boolean nullsFirst = (x.orders[k] & PartitionKernels.ORDER_NULLS_FIRST) != 0;
            boolean va = m.isValid(cx[2], a);
            boolean vb = m.isValid(cy[2], b);
            if (!va && !vb) {
                continue;
            }
            if (!va || !vb) {
                return !va == nullsFirst ? -1 : 1;
            }
            int c = compareValues(m, (int) cx[0], cx[1], cx[3], a, cy[1], cy[3], b);
            if ((x.orders[k] & PartitionKernels.ORDER_DESCENDING) != 0) {
                c = -c;
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareValues(EmulatedMemory m, int kind, long da, long auxA, long a, long db, long auxB,
            long b) {
        return switch (kind) {
            case HashAggKernels.KIND_BOOL8 -> Boolean.compare(m.getByte(da + a) != 0, m.getByte(db + b) != 0);
            case HashAggKernels.KIND_I8 -> Integer.signum(Byte.compare(m.getByte(da + a), m.getByte(db + b)));
            case HashAggKernels.KIND_I16 -> Integer.signum(Short.compare(m.getShort(da + a * 2), m.getShort(db + b * 2)));
            case HashAggKernels.KIND_I32 -> Integer.compare(m.getInt(da + a * 4), m.getInt(db + b * 4));
            case HashAggKernels.KIND_I64 -> Long.compare(m.getLong(da + a * 8), m.getLong(db + b * 8));
            case HashAggKernels.KIND_F32 -> {
                // Spark's SQLOrderingUtil.compareFloats: equal numbers (-0.0 and 0.0 too) first, then
                // Float.compare, which puts NaN (any payload) last and equal to itself.
                float p = m.getFloat(da + a * 4), q = m.getFloat(db + b * 4);
                yield p == q ? 0 : Integer.signum(Float.compare(p, q));
            }
            case HashAggKernels.KIND_F64 -> {
                double p = m.getDouble(da + a * 8), q = m.getDouble(db + b * 8);
                yield p == q ? 0 : Integer.signum(Double.compare(p, q));
            }
            case HashAggKernels.KIND_DEC128 -> {
                int high = Long.compare(m.getLong(da + a * 16 + 8), m.getLong(db + b * 16 + 8));
                yield high != 0 ? high : Long.compareUnsigned(m.getLong(da + a * 16), m.getLong(db + b * 16));
            }
            case HashAggKernels.KIND_STRING -> compareStrings(m, da, auxA, a, db, auxB, b);
            default -> throw new IllegalArgumentException("unknown key kind " + kind);
        };
    }

    private static int compareStrings(EmulatedMemory m, long offsetsA, long charsA, long a, long offsetsB,
            long charsB, long b) {
        int startA = m.getInt(offsetsA + a * 4), lengthA = m.getInt(offsetsA + a * 4 + 4) - startA;
        int startB = m.getInt(offsetsB + b * 4), lengthB = m.getInt(offsetsB + b * 4 + 4) - startB;
        int common = Math.min(lengthA, lengthB);
        for (int k = 0; k < common; k++) {
            int x = Byte.toUnsignedInt(m.getByte(charsA + startA + k));
            int y = Byte.toUnsignedInt(m.getByte(charsB + startB + k));
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        return Integer.compare(lengthA, lengthB);
    }
}
