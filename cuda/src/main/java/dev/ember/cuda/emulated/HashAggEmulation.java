package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.HashAggKernels.COUNT;
import static dev.ember.cuda.kernel.HashAggKernels.EMIT_SUM_F64;
import static dev.ember.cuda.kernel.HashAggKernels.INSERT;
import static dev.ember.cuda.kernel.HashAggKernels.MARK_FIRST;
import static dev.ember.cuda.kernel.HashAggKernels.NORMALIZE_F32;
import static dev.ember.cuda.kernel.HashAggKernels.NORMALIZE_F64;

import dev.ember.cuda.kernel.HashAggKernels;
import java.util.HashMap;
import java.util.Map;

/**
 * Emulations of {@code hashagg.cu}, sequentially: rows are inserted in row order, so the slot a
 * group lands in is the one a GPU gets when no two rows race; everything the contracts fix (which
 * rows share a slot, the first row of each group, counts, integral sums, min and max) is the same.
 */
final class HashAggEmulation {
    private static final int EMPTY = -1;
    private static final long CANONICAL_NAN_F64 = 0x7ff8000000000000L;
    private static final int CANONICAL_NAN_F32 = 0x7fc00000;

    private HashAggEmulation() {}

    /** Reads element {@code i} of a column as its 64-bit order key (min/max) or sum addend. */
    private interface Element {
        long get(EmulatedMemory m, long data, long i);
    }

    static Map<String, KernelEmulation> emulations() {
        Map<String, KernelEmulation> map = new HashMap<>();
        map.put(INSERT, HashAggEmulation::insert);
        map.put(MARK_FIRST, (cfg, a, m) -> {
            long flags = a.ptrAt(0), rowSlot = a.ptrAt(1), minRow = a.ptrAt(2), n = a.i64At(3);
            m.check(flags, n);
            m.check(rowSlot, n * 4);
            for (long i = 0; i < n; i++) {
                int s = m.getInt(rowSlot + i * 4);
                boolean first = false;
                if (s >= 0) {
                    m.check(minRow + s * 4L, 4);
                    first = m.getInt(minRow + s * 4L) == i;
                }
                m.putByte(flags + i, (byte) (first ? 1 : 0));
            }
        });
        map.put(COUNT, (cfg, a, m) -> {
            long counts = a.ptrAt(0), rowSlot = a.ptrAt(1), validity = a.ptrAt(2), n = a.i64At(3);
            checkRows(m, rowSlot, validity, n);
            for (long i = 0; i < n; i++) {
                int s = m.getInt(rowSlot + i * 4);
                if (s >= 0 && m.isValid(validity, i)) {
                    increment(m, counts, s);
                }
            }
        });
        Map<String, Element> integral = Map.of(
                "i8", (m, d, i) -> m.getByte(d + i),
                "i16", (m, d, i) -> m.getShort(d + i * 2),
                "i32", (m, d, i) -> m.getInt(d + i * 4),
                "i64", (m, d, i) -> m.getLong(d + i * 8));
        Map<String, Integer> widths = Map.of("bool8", 1, "i8", 1, "i16", 2, "i32", 4, "i64", 8, "f32", 4, "f64", 8);
        for (Map.Entry<String, Element> e : integral.entrySet()) {
            Element element = e.getValue();
            map.put(HashAggKernels.sum(e.getKey()), update(widths.get(e.getKey()),
                    (m, at, d, i) -> m.putLong(at, m.getLong(at) + element.get(m, d, i))));
        }
        map.put(HashAggKernels.sum("f32"), update(4,
                (m, at, d, i) -> m.putDouble(at, m.getDouble(at) + (double) m.getFloat(d + i * 4))));
        map.put(HashAggKernels.sum("f64"), update(8,
                (m, at, d, i) -> m.putDouble(at, m.getDouble(at) + m.getDouble(d + i * 8))));
        Map<String, Element> keys = new HashMap<>(integral);
        keys.put("bool8", (m, d, i) -> m.getByte(d + i) != 0 ? 1 : 0);
        keys.put("f32", (m, d, i) -> orderKey(m.getFloat(d + i * 4)));
        keys.put("f64", (m, d, i) -> orderKey(m.getDouble(d + i * 8)));
        for (Map.Entry<String, Element> e : keys.entrySet()) {
            Element element = e.getValue();
            int width = widths.get(e.getKey());
            map.put(HashAggKernels.min(e.getKey()), update(width,
                    (m, at, d, i) -> m.putLong(at, Math.min(m.getLong(at), element.get(m, d, i)))));
            map.put(HashAggKernels.max(e.getKey()), update(width,
                    (m, at, d, i) -> m.putLong(at, Math.max(m.getLong(at), element.get(m, d, i)))));
        }
        map.put(HashAggKernels.emit("i8"), emit(1, (m, out, v) -> m.putByte(out, (byte) v)));
        map.put(HashAggKernels.emit("i16"), emit(2, (m, out, v) -> m.putShort(out, (short) v)));
        map.put(HashAggKernels.emit("i32"), emit(4, (m, out, v) -> m.putInt(out, (int) v)));
        map.put(HashAggKernels.emit("i64"), emit(8, (m, out, v) -> m.putLong(out, v)));
        map.put(HashAggKernels.emit("f32"), emit(4, (m, out, v) -> {
            double d = decodeKey(v);
            m.putInt(out, Double.isNaN(d) ? CANONICAL_NAN_F32 : Float.floatToRawIntBits((float) d));
        }));
        map.put(HashAggKernels.emit("f64"), emit(8, (m, out, v) -> {
            double d = decodeKey(v);
            m.putLong(out, Double.isNaN(d) ? CANONICAL_NAN_F64 : Double.doubleToRawLongBits(d));
        }));
        map.put(EMIT_SUM_F64, emit(8, (m, out, v) -> m.putLong(out, Double.isNaN(Double.longBitsToDouble(v))
                ? CANONICAL_NAN_F64 : v)));
        map.put(HashAggKernels.EMIT_ANY_VALID, validFlags(true));
        map.put(HashAggKernels.EMIT_NONE_VALID, validFlags(false));
        map.put(NORMALIZE_F32, (cfg, a, m) -> {
            long data = a.ptrAt(0), n = a.i64At(1);
            m.check(data, n * 4);
            for (long i = 0; i < n; i++) {
                float x = m.getFloat(data + i * 4);
                if (x == 0.0f) {
                    m.putInt(data + i * 4, 0);
                } else if (Float.isNaN(x)) {
                    m.putInt(data + i * 4, CANONICAL_NAN_F32);
                }
            }
        });
        map.put(NORMALIZE_F64, (cfg, a, m) -> {
            long data = a.ptrAt(0), n = a.i64At(1);
            m.check(data, n * 8);
            for (long i = 0; i < n; i++) {
                double x = m.getDouble(data + i * 8);
                if (x == 0.0) {
                    m.putLong(data + i * 8, 0L);
                } else if (Double.isNaN(x)) {
                    m.putLong(data + i * 8, CANONICAL_NAN_F64);
                }
            }
        });
        return Map.copyOf(map);
    }

    private static void insert(dev.ember.cuda.kernel.LaunchConfig cfg, dev.ember.cuda.kernel.KernelArgs a,
            EmulatedMemory m) {
        long slots = a.ptrAt(0), minRow = a.ptrAt(1), rowSlot = a.ptrAt(2), status = a.ptrAt(3);
        long hashes = a.ptrAt(4), keys = a.ptrAt(5);
        int numKeys = a.i32At(6);
        long capacity = a.i64At(7), maxGroups = a.i64At(8), n = a.i64At(9);
        if (n == 0) {
            return;
        }
        m.check(slots, capacity * 4);
        m.check(minRow, capacity * 4);
        m.check(rowSlot, n * 4);
        m.check(status, 8);
        m.check(hashes, n * 4);
        EmulatedKeys columns = EmulatedKeys.read(m, keys, numKeys, n);
        long mask = capacity - 1;
        for (long i = 0; i < n; i++) {
            long slot = Integer.toUnsignedLong(m.getInt(hashes + i * 4)) & mask;
            long found = -1;
            for (long probe = 0; probe < capacity; probe++) {
                int cur = m.getInt(slots + slot * 4);
                if (cur == EMPTY) {
                    if (Integer.toUnsignedLong(m.getInt(status)) >= maxGroups) {
                        break;
                    }
                    m.putInt(slots + slot * 4, (int) i);
                    m.putInt(status, m.getInt(status) + 1);
                    found = slot;
                    break;
                }
                if (EmulatedKeys.equal(m, columns, cur, columns, i)) {
                    found = slot;
                    break;
                }
                slot = (slot + 1) & mask;
            }
            m.putInt(rowSlot + i * 4, (int) found);
            if (found >= 0) {
                long at = minRow + found * 4;
                m.putInt(at, (int) Math.min(m.getInt(at), i));
            } else {
                m.putInt(status + 4, m.getInt(status + 4) + 1);
            }
        }
    }

    /** {@code (out, counts, groupSlots, groups)}: out[g] = whether the group's count is non-zero, or zero. */
    private static KernelEmulation validFlags(boolean any) {
        return (cfg, a, m) -> {
            long out = a.ptrAt(0), counts = a.ptrAt(1), groupSlots = a.ptrAt(2), groups = a.i64At(3);
            m.check(out, groups);
            m.check(groupSlots, groups * 4);
            for (long g = 0; g < groups; g++) {
                long at = counts + m.getInt(groupSlots + g * 4) * 8L;
                m.check(at, 8);
                boolean nonZero = m.getLong(at) != 0;
                m.putByte(out + g, (byte) (nonZero == any ? 1 : 0));
            }
        };
    }

    /** Applies one valid row to the state at {@code at}. */
    private interface Step {
        void apply(EmulatedMemory m, long at, long data, long i);
    }

    /** {@code (state, counts, rowSlot, data, validity, n)}: step each valid row into its slot and count it. */
    private static KernelEmulation update(int width, Step step) {
        return (cfg, a, m) -> {
            long state = a.ptrAt(0), counts = a.ptrAt(1), rowSlot = a.ptrAt(2), data = a.ptrAt(3);
            long validity = a.ptrAt(4), n = a.i64At(5);
            checkRows(m, rowSlot, validity, n);
            m.check(data, n * width);
            for (long i = 0; i < n; i++) {
                int s = m.getInt(rowSlot + i * 4);
                if (s >= 0 && m.isValid(validity, i)) {
                    m.check(state + s * 8L, 8);
                    step.apply(m, state + s * 8L, data, i);
                    increment(m, counts, s);
                }
            }
        };
    }

    /** Writes one result value. */
    private interface Store {
        void put(EmulatedMemory m, long out, long state);
    }

    /** {@code (out, outValidity, state, counts, groupSlots, groups)}. */
    private static KernelEmulation emit(int width, Store store) {
        return (cfg, a, m) -> {
            long out = a.ptrAt(0), outValidity = a.ptrAt(1), state = a.ptrAt(2), counts = a.ptrAt(3);
            long groupSlots = a.ptrAt(4), groups = a.i64At(5);
            if (groups == 0) {
                return;
            }
            m.check(out, groups * width);
            m.check(groupSlots, groups * 4);
            long bitmapBytes = (groups + 63) / 64 * 8;
            if (outValidity != 0) {
                m.check(outValidity, bitmapBytes);
                m.set(outValidity, (byte) 0, bitmapBytes);
            }
            for (long g = 0; g < groups; g++) {
                int s = m.getInt(groupSlots + g * 4);
                m.check(state + s * 8L, 8);
                boolean valid = true;
                if (counts != 0) {
                    m.check(counts + s * 8L, 8);
                    valid = m.getLong(counts + s * 8L) != 0;
                }
                if (valid) {
                    store.put(m, out + g * width, m.getLong(state + s * 8L));
                    if (outValidity != 0) {
                        long at = outValidity + g / 8;
                        m.putByte(at, (byte) (m.getByte(at) | (1 << (g % 8))));
                    }
                } else {
                    m.set(out + g * width, (byte) 0, width);
                }
            }
        };
    }

    private static void checkRows(EmulatedMemory m, long rowSlot, long validity, long n) {
        m.check(rowSlot, n * 4);
        if (validity != 0) {
            m.check(validity, (n + 7) / 8);
        }
    }

    private static void increment(EmulatedMemory m, long counts, int slot) {
        long at = counts + slot * 8L;
        m.check(at, 8);
        m.putLong(at, m.getLong(at) + 1);
    }

    /** Signed order of the keys is Double.compare's order; NaN is canonical first. */
    static long orderKey(double x) {
        long b = Double.isNaN(x) ? CANONICAL_NAN_F64 : Double.doubleToRawLongBits(x);
        return b >= 0 ? b : b ^ Long.MAX_VALUE;
    }

    static double decodeKey(long k) {
        return Double.longBitsToDouble(k >= 0 ? k : k ^ Long.MAX_VALUE);
    }
}
