package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.HashJoinKernels.BUILD;
import static dev.ember.cuda.kernel.HashJoinKernels.COUNT;
import static dev.ember.cuda.kernel.HashJoinKernels.FILL;
import static dev.ember.cuda.kernel.HashJoinKernels.MARK;
import static dev.ember.cuda.kernel.HashJoinKernels.PLACE;
import static dev.ember.cuda.kernel.HashJoinKernels.SELECT;

import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import java.util.Map;

/**
 * Emulations of {@code hashjoin.cu}, sequentially: build rows claim slots and take list positions in
 * row order, which is one of the orders the GPU's threads may produce; the counts, which rows share
 * a key and the multiset of output pairs are those of any order.
 */
final class HashJoinEmulation {
    private static final int EMPTY = -1;

    private HashJoinEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(BUILD, HashJoinEmulation::build, PLACE, HashJoinEmulation::place, COUNT,
                HashJoinEmulation::count, FILL, HashJoinEmulation::fill, SELECT, HashJoinEmulation::select, MARK,
                HashJoinEmulation::mark);
    }

    private static void build(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long slots = a.ptrAt(0), slotCount = a.ptrAt(1), rowSlot = a.ptrAt(2), hashes = a.ptrAt(3);
        long keys = a.ptrAt(4);
        int numKeys = a.i32At(5);
        long rowValid = a.ptrAt(6), capacity = a.i64At(7), n = a.i64At(8);
        if (n == 0) {
            return;
        }
        m.check(slots, capacity * 4);
        m.check(slotCount, capacity * 4);
        m.check(rowSlot, n * 4);
        m.check(hashes, n * 4);
        checkBitmap(m, rowValid, n);
        EmulatedKeys k = EmulatedKeys.read(m, keys, numKeys, n);
        long mask = capacity - 1;
        for (long i = 0; i < n; i++) {
            long found = -1;
            if (m.isValid(rowValid, i)) {
                int hash = m.getInt(hashes + i * 4);
                long slot = Integer.toUnsignedLong(hash) & mask;
                for (long probe = 0; probe < capacity; probe++) {
                    int cur = m.getInt(slots + slot * 4);
                    if (cur == EMPTY) {
                        m.putInt(slots + slot * 4, (int) i);
                        found = slot;
                        break;
                    }
                    if (m.getInt(hashes + cur * 4L) == hash && EmulatedKeys.equal(m, k, cur, k, i)) {
                        found = slot;
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
                if (found >= 0) {
                    m.putInt(slotCount + found * 4, m.getInt(slotCount + found * 4) + 1);
                }
            }
            m.putInt(rowSlot + i * 4, (int) found);
        }
    }

    private static void place(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long rows = a.ptrAt(0), slotEnd = a.ptrAt(1), rowSlot = a.ptrAt(2), n = a.i64At(3);
        m.check(rowSlot, n * 4);
        for (long i = 0; i < n; i++) {
            int s = m.getInt(rowSlot + i * 4);
            if (s >= 0) {
                long at = slotEnd + s * 4L;
                m.check(at, 4);
                int position = m.getInt(at);
                m.putInt(at, position + 1);
                m.check(rows + position * 4L, 4);
                m.putInt(rows + position * 4L, (int) i);
            }
        }
    }

    private static void count(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long matchSlot = a.ptrAt(0), counts = a.ptrAt(1), hashes = a.ptrAt(2), keys = a.ptrAt(3);
        long rowValid = a.ptrAt(4), slots = a.ptrAt(5), slotCount = a.ptrAt(6), buildHashes = a.ptrAt(7);
        long buildKeys = a.ptrAt(8);
        int numKeys = a.i32At(9);
        long capacity = a.i64At(10);
        boolean outer = a.i32At(11) != 0;
        long n = a.i64At(12);
        if (n == 0) {
            return;
        }
        m.check(matchSlot, n * 4);
        m.check(counts, n * 4);
        m.check(hashes, n * 4);
        checkBitmap(m, rowValid, n);
        m.check(slots, capacity * 4);
        m.check(slotCount, capacity * 4);
        EmulatedKeys probeKeys = EmulatedKeys.read(m, keys, numKeys, n);
        // The build side's extent: its largest row index in the table.
        long buildRows = 0;
        for (long s = 0; s < capacity; s++) {
            buildRows = Math.max(buildRows, m.getInt(slots + s * 4) + 1L);
        }
        m.check(buildHashes, buildRows * 4);
        EmulatedKeys build = EmulatedKeys.read(m, buildKeys, numKeys, buildRows);
        long mask = capacity - 1;
        for (long i = 0; i < n; i++) {
            int found = -1;
            int count = 0;
            if (m.isValid(rowValid, i)) {
                int hash = m.getInt(hashes + i * 4);
                long slot = Integer.toUnsignedLong(hash) & mask;
                for (long probe = 0; probe < capacity; probe++) {
                    int cur = m.getInt(slots + slot * 4);
                    if (cur == EMPTY) {
                        break;
                    }
                    if (m.getInt(buildHashes + cur * 4L) == hash && EmulatedKeys.equal(m, build, cur, probeKeys, i)) {
                        found = (int) slot;
                        count = m.getInt(slotCount + slot * 4);
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
            }
            m.putInt(matchSlot + i * 4, found);
            m.putInt(counts + i * 4, outer && count == 0 ? 1 : count);
        }
    }

    private static void fill(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long outProbe = a.ptrAt(0), outBuild = a.ptrAt(1), buildUnmatched = a.ptrAt(2), offsets = a.ptrAt(3);
        long matchSlot = a.ptrAt(4), slotEnd = a.ptrAt(5), slotCount = a.ptrAt(6), rows = a.ptrAt(7);
        long probeRows = a.i64At(8), outBegin = a.i64At(9), outCount = a.i64At(10);
        if (outCount == 0) {
            return;
        }
        m.check(outProbe, outCount * 4);
        m.check(outBuild, outCount * 4);
        m.check(offsets, probeRows * 8);
        m.check(matchSlot, probeRows * 4);
        // Walk the probe rows alongside the outputs instead of searching: the same pairs.
        long i = 0;
        for (long t = 0; t < outCount; t++) {
            long j = outBegin + t;
            while (i + 1 < probeRows && m.getLong(offsets + (i + 1) * 8) <= j) {
                i++;
            }
            int s = m.getInt(matchSlot + i * 4);
            int build = -1;
            if (s >= 0) {
                m.check(slotEnd + s * 4L, 4);
                m.check(slotCount + s * 4L, 4);
                long position = m.getInt(slotEnd + s * 4L) - (long) m.getInt(slotCount + s * 4L)
                        + (j - m.getLong(offsets + i * 8));
                m.check(rows + position * 4, 4);
                build = m.getInt(rows + position * 4);
                if (buildUnmatched != 0) {
                    m.check(buildUnmatched + build, 1);
                    m.putByte(buildUnmatched + build, (byte) 0);
                }
            }
            m.putInt(outProbe + t * 4, (int) i);
            m.putInt(outBuild + t * 4, build);
        }
    }

    private static void select(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long flags = a.ptrAt(0), counts = a.ptrAt(1), validity = a.ptrAt(2);
        boolean wantMatch = a.i32At(3) != 0;
        long n = a.i64At(4);
        if (n == 0) {
            return;
        }
        m.check(flags, n);
        m.check(counts, n * 4);
        checkBitmap(m, validity, n);
        for (long i = 0; i < n; i++) {
            boolean selected = (m.getInt(counts + i * 4) != 0) == wantMatch && m.isValid(validity, i);
            m.putByte(flags + i, (byte) (selected ? 1 : 0));
        }
    }

    private static void mark(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long probeMatched = a.ptrAt(0), buildUnmatched = a.ptrAt(1), pairProbe = a.ptrAt(2), pairBuild = a.ptrAt(3);
        long mask = a.ptrAt(4), maskValidity = a.ptrAt(5), n = a.i64At(6);
        if (n == 0) {
            return;
        }
        m.check(pairProbe, n * 4);
        m.check(pairBuild, n * 4);
        m.check(mask, n);
        checkBitmap(m, maskValidity, n);
        for (long p = 0; p < n; p++) {
            if (m.getByte(mask + p) == 0 || !m.isValid(maskValidity, p)) {
                continue;
            }
            if (probeMatched != 0) {
                long at = probeMatched + m.getInt(pairProbe + p * 4) * 4L;
                m.check(at, 4);
                m.putInt(at, 1);
            }
            int b = m.getInt(pairBuild + p * 4);
            if (buildUnmatched != 0 && b >= 0) {
                m.check(buildUnmatched + b, 1);
                m.putByte(buildUnmatched + b, (byte) 0);
            }
        }
    }

    private static void checkBitmap(EmulatedMemory m, long bitmap, long n) {
        if (bitmap != 0 && n > 0) {
            m.check(bitmap, (n + 7) / 8);
        }
    }
}
