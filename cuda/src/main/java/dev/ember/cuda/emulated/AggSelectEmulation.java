package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.AggSelectKernels.FIRST;
import static dev.ember.cuda.kernel.AggSelectKernels.LAST;
import static dev.ember.cuda.kernel.AggSelectKernels.MAX_DEC128;
import static dev.ember.cuda.kernel.AggSelectKernels.MAX_STRING;
import static dev.ember.cuda.kernel.AggSelectKernels.MIN_DEC128;
import static dev.ember.cuda.kernel.AggSelectKernels.MIN_STRING;
import static dev.ember.cuda.kernel.AggSelectKernels.ROWS;

import dev.ember.cuda.kernel.KernelArgs;
import java.util.HashMap;
import java.util.Map;

/**
 * Emulations of {@code aggselect.cu}, sequentially in row order. The contracts fix every result
 * (smallest / largest row, the first row of a strict total order), so the order of the updates does
 * not matter.
 */
final class AggSelectEmulation {
    private AggSelectEmulation() {}

    /** Compares the values of two rows of a column. */
    private interface RowOrder {
        int compare(long a, long b);
    }

    static Map<String, KernelEmulation> emulations() {
        Map<String, KernelEmulation> map = new HashMap<>();
        map.put(FIRST, (cfg, a, m) -> firstOrLast(a, m, false));
        map.put(LAST, (cfg, a, m) -> firstOrLast(a, m, true));
        map.put(MIN_STRING, (cfg, a, m) -> strings(a, m, false));
        map.put(MAX_STRING, (cfg, a, m) -> strings(a, m, true));
        map.put(MIN_DEC128, (cfg, a, m) -> decimals(a, m, false));
        map.put(MAX_DEC128, (cfg, a, m) -> decimals(a, m, true));
        map.put(ROWS, (cfg, a, m) -> {
            long rows = a.ptrAt(0), state = a.ptrAt(1), groupSlots = a.ptrAt(2), groups = a.i64At(3);
            m.check(rows, groups * 4);
            m.check(groupSlots, groups * 4);
            for (long g = 0; g < groups; g++) {
                long at = state + m.getInt(groupSlots + g * 4) * 4L;
                m.check(at, 4);
                m.putInt(rows + g * 4, m.getInt(at));
            }
        });
        return Map.copyOf(map);
    }

    /** {@code (state, rowSlot, validity, n)}. */
    private static void firstOrLast(KernelArgs a, EmulatedMemory m, boolean last) {
        long state = a.ptrAt(0), rowSlot = a.ptrAt(1), validity = a.ptrAt(2), n = a.i64At(3);
        checkRows(m, rowSlot, validity, n);
        for (long i = 0; i < n; i++) {
            int s = m.getInt(rowSlot + i * 4);
            if (s >= 0 && m.isValid(validity, i)) {
                long at = state + s * 4L;
                m.check(at, 4);
                int cur = m.getInt(at);
                // -1 is "no row": below every row for last, above every row (as uint32) for first.
                if (last ? i > cur : Integer.toUnsignedLong(cur) > i) {
                    m.putInt(at, (int) i);
                }
            }
        }
    }

    /** {@code (state, rowSlot, offsets, chars, validity, n)}. */
    private static void strings(KernelArgs a, EmulatedMemory m, boolean max) {
        long state = a.ptrAt(0), rowSlot = a.ptrAt(1), offsets = a.ptrAt(2), chars = a.ptrAt(3);
        long validity = a.ptrAt(4), n = a.i64At(5);
        checkRows(m, rowSlot, validity, n);
        EmulatedStrings.Rows rows = EmulatedStrings.read(m, offsets, chars, validity, n);
        byte[] bytes = rows.chars();
        RowOrder order = (x, y) -> {
            int i = (int) x, j = (int) y;
            return Integer.signum(java.util.Arrays.compareUnsigned(bytes, rows.start(i), rows.start(i) + rows.length(i),
                    bytes, rows.start(j), rows.start(j) + rows.length(j)));
        };
        select(m, state, rowSlot, validity, n, order, max);
    }

    /** {@code (state, rowSlot, data, validity, n)}. */
    private static void decimals(KernelArgs a, EmulatedMemory m, boolean max) {
        long state = a.ptrAt(0), rowSlot = a.ptrAt(1), data = a.ptrAt(2), validity = a.ptrAt(3), n = a.i64At(4);
        checkRows(m, rowSlot, validity, n);
        m.check(data, n * 16);
        RowOrder order = (x, y) -> {
            long hx = m.getLong(data + x * 16 + 8), hy = m.getLong(data + y * 16 + 8);
            if (hx != hy) {
                return Long.compare(hx, hy);
            }
            return Long.compareUnsigned(m.getLong(data + x * 16), m.getLong(data + y * 16));
        };
        select(m, state, rowSlot, validity, n, order, max);
    }

    /** Keeps per slot the first valid row by (value, index), values descending for max. */
    private static void select(EmulatedMemory m, long state, long rowSlot, long validity, long n, RowOrder order,
            boolean max) {
        for (long i = 0; i < n; i++) {
            int s = m.getInt(rowSlot + i * 4);
            if (s >= 0 && m.isValid(validity, i)) {
                long at = state + s * 4L;
                m.check(at, 4);
                int cur = m.getInt(at);
                if (cur < 0) {
                    m.putInt(at, (int) i);
                    continue;
                }
                int c = order.compare(i, cur);
                if (max ? c > 0 : c < 0) {
                    m.putInt(at, (int) i);
                }
                // Rows come in increasing order here, so an equal value never replaces the earlier row.
            }
        }
    }

    private static void checkRows(EmulatedMemory m, long rowSlot, long validity, long n) {
        m.check(rowSlot, n * 4);
        if (validity != 0) {
            m.check(validity, (n + 7) / 8);
        }
    }
}
