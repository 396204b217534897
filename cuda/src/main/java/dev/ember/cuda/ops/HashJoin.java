package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.GpuOutOfMemoryError;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.kernel.HashJoinKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.memory.Closeables;
import java.util.ArrayList;
import java.util.List;

/**
 * Equi-joins on the GPU, as gather maps: the caller builds a hash table over the build side's key
 * columns once ({@link #build}), probes it with the key columns of each probe-side batch ({@link
 * Build#probe}) and gathers both sides' columns through the returned maps ({@link Gather}, {@link
 * Strings#gather}; -1 gathers a null row). The probe side is Spark's left / stream side.
 *
 * <p>Keys: one or more columns per side, pairwise of the same type (any device type: BOOL8…FLOAT64,
 * dates, timestamps, decimals, STRING). Two rows match when every key column is equal: floating point
 * -0.0 equals 0.0 and NaN equals NaN (Spark normalizes join keys), strings by their bytes. A null key
 * matches nothing, unless its column is null-safe ({@code <=>}, per column), where null equals null.
 *
 * <p>Join types ({@link JoinType}): pairs (probe row, build row) for INNER; LEFT_OUTER adds each probe
 * row without a match once with build row -1; RIGHT_OUTER and FULL_OUTER mark the build rows they
 * match, and after every probe {@link Build#unmatchedBuildRows} lists the build rows no probe matched
 * (probe row -1); LEFT_SEMI / LEFT_ANTI give only the probe rows with / without a match ({@link
 * Chunk#buildRows()} is null); NULL_AWARE_LEFT_ANTI is Spark's {@code NOT IN} anti join for a single key
 * column: empty when the build side has a null key, every probe row when the build side is empty,
 * otherwise the probe rows with a non-null key and no match.
 *
 * <p>Bounded output: a probe yields its result as {@link Chunk}s of at most {@code maxRows} rows each
 * (never an empty chunk), so a key that matches many rows on both sides streams out instead of
 * needing one huge allocation; one probe row's matches are split over chunks when they exceed the
 * bound. The order of pairs (within and across chunks) is not specified; their multiset is
 * deterministic.
 *
 * <p>Extra (non-equi) join conditions: probe with {@link Build#probeWithCondition}. Its first chunks
 * are candidates ({@link Chunk#candidates()}): every pair of equal keys, for every join type. The
 * caller gathers the candidates' columns, evaluates the condition to a BOOL8 mask per pair (null =
 * false) and passes it to {@link HashJoinProbe#filter}, which returns the surviving pairs (empty for
 * LEFT_SEMI / LEFT_ANTI, which output probe rows only) and records which probe and build rows have a
 * surviving pair. Every candidate chunk must be filtered before the next {@code next()}. After the
 * candidates the probe yields the rows that depend on the condition over all of them: LEFT_OUTER /
 * FULL_OUTER probe rows without a survivor (build row -1), LEFT_SEMI / LEFT_ANTI probe rows with /
 * without one; RIGHT_OUTER / FULL_OUTER build rows come from {@link Build#unmatchedBuildRows} as
 * without a condition.
 *
 * <p>How: Murmur3 hashes of the keys; {@code hashjoin.cu} builds a table of the distinct build keys
 * (one slot per key, open addressing with linear probing, capacity at least twice the build rows)
 * and lays each key's build rows out contiguously (counts per key, {@link PrefixSum}, placement); a
 * probe counts each probe row's matches (one table lookup), scans the counts into int64 output
 * offsets with {@link PrefixSum}, and fills each chunk's pairs with one thread per output pair;
 * semi/anti rows and unmatched rows are selected by {@link Compaction}.
 */
public final class HashJoin {
    /** The table never has more than 2^31 slots (int32 slot indices). */
    static final long MAX_CAPACITY = 1L << 31;
    private static final long MIN_CAPACITY = 16;

    private HashJoin() {}

    /** Join types, the probe side being the left / stream side. */
    public enum JoinType {
        INNER,
        LEFT_OUTER,
        RIGHT_OUTER,
        FULL_OUTER,
        LEFT_SEMI,
        LEFT_ANTI,
        /** Spark's null-aware anti join ({@code NOT IN}) over a single key column without {@code <=>}. */
        NULL_AWARE_LEFT_ANTI;

        /** Whether the result has (probe row, build row) pairs; the others output probe rows only. */
        public boolean pairs() {
            return this == INNER || this == LEFT_OUTER || this == RIGHT_OUTER || this == FULL_OUTER;
        }

        /** Whether probe rows without a match are output with build row -1. */
        boolean keepsUnmatchedProbeRows() {
            return this == LEFT_OUTER || this == FULL_OUTER;
        }

        /** Whether build rows without a match are output, after every probe. */
        public boolean keepsUnmatchedBuildRows() {
            return this == RIGHT_OUTER || this == FULL_OUTER;
        }
    }

    /**
     * Part of a join's result: {@code rows} int32 probe-row indices and, for joins with pairs, as many
     * build-row indices ({@code null} for LEFT_SEMI / LEFT_ANTI chunks), -1 meaning "no row" (gathered
     * as nulls). {@code candidates}: the pairs are condition candidates to pass to {@link
     * HashJoinProbe#filter}.
     * Closing frees the buffers.
     */
    public record Chunk(DeviceBuffer probeRows, DeviceBuffer buildRows, int rows, boolean candidates)
            implements AutoCloseable {
        public Chunk {
            requireNonNull(probeRows, "probeRows is null");
            if (rows < 0 || probeRows.size() < rows * 4L || (buildRows != null && buildRows.size() < rows * 4L)) {
                throw new IllegalArgumentException(rows + " rows do not fit " + probeRows + " / " + buildRows);
            }
        }

        @Override
        public void close() {
            try (probeRows) {
                if (buildRows != null) {
                    buildRows.close();
                }
            }
        }
    }

    /** Chunks of a join's result, in no particular order; closing frees what has not been returned. */
    public interface Chunks extends AutoCloseable {
        boolean hasNext();

        /** The next chunk, owned by the caller. */
        Chunk next();

        @Override
        void close();
    }

    /**
     * Builds the hash table over {@code keys} (the build side's key columns, equal lengths, at most
     * 2^31-1 rows); {@code nullSafe.get(k)}: key column k matches null to null ({@code <=>}). The build
     * keeps the key columns open (a reference each) until it is closed.
     *
     * @throws GpuOutOfMemoryError naming the table when the pool cannot hold it
     */
    public static Build build(Device device, List<Column> keys, List<Boolean> nullSafe, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        List<Column> keyColumns = List.copyOf(requireNonNull(keys, "keys is null"));
        List<Boolean> safe = List.copyOf(requireNonNull(nullSafe, "nullSafe is null"));
        long n = checkKeys(keyColumns, "build");
        if (safe.size() != keyColumns.size()) {
            throw new IllegalArgumentException("nullSafe needs one flag per key column: " + keyColumns.size()
                    + " keys, " + safe.size() + " flags");
        }
        List<DeviceBuffer> owned = new ArrayList<>();
        List<Column> held = new ArrayList<>();
        try {
            for (Column key : keyColumns) {
                held.add(key.incRef());
            }
            DeviceBuffer hashes = add(owned, Murmur3.hashColumns(device,
                    keyColumns.stream().map(Murmur3.Input::of).toList(), n, stream));
            DeviceBuffer descriptor = add(owned, KeyDescriptor.upload(device, keyColumns, stream));
            long capacity = capacityFor(n);
            DeviceBuffer slots = add(owned, allocateTable(device, capacity, n, stream));
            DeviceBuffer slotCount = add(owned, allocateTable(device, capacity, n, stream));
            DeviceBuffer slotEnd = add(owned, allocateTable(device, capacity, n, stream));
            Fill.fill(device, slots.address(), capacity, 4, -1, stream);
            device.memset(slotCount.address(), (byte) 0, capacity * 4, stream);
            DeviceBuffer rows;
            int inserted;
            try (DeviceBuffer rowValid = rowValidity(device, keyColumns, safe, n, stream);
                    DeviceBuffer rowSlot = device.allocate(n * 4, stream)) {
                if (n > 0) {
                    device.kernel(HashJoinKernels.BUILD).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                            KernelArgs.create().ptr(slots.address()).ptr(slotCount.address()).ptr(rowSlot.address())
                                    .ptr(hashes.address()).ptr(descriptor.address()).i32(keyColumns.size())
                                    .ptr(address(rowValid)).i64(capacity).i64(n),
                            stream);
                }
                // At most n <= 2^31-1 rows are inserted: the int32 scan cannot wrap.
                inserted = PrefixSum.exclusiveSumInt(device, slotCount.address(), slotEnd.address(), capacity, stream);
                rows = add(owned, device.allocate(inserted * 4L, stream));
                if (n > 0) {
                    device.kernel(HashJoinKernels.PLACE).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                            KernelArgs.create().ptr(rows.address()).ptr(slotEnd.address()).ptr(rowSlot.address()).i64(n),
                            stream);
                }
            }
            return new Build(device, held, safe, n, inserted, capacity, hashes, descriptor, slots, slotCount, slotEnd,
                    rows);
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(owned);
            Closeables.closeAll(held);
            throw e;
        }
    }

    private static DeviceBuffer add(List<DeviceBuffer> owned, DeviceBuffer buffer) {
        owned.add(buffer);
        return buffer;
    }

    static long address(DeviceBuffer buffer) {
        return buffer == null ? 0 : buffer.address();
    }

    private static DeviceBuffer allocateTable(Device device, long capacity, long n, Stream stream) {
        try {
            return device.allocate(capacity * 4, stream);
        } catch (GpuOutOfMemoryError e) {
            throw new GpuOutOfMemoryError(e.requestedBytes(), e.pool(), "the hash join table over " + n
                    + " build rows needs 3 x " + capacity + " int32 slots (" + capacity * 12 + " bytes)");
        }
    }

    /** The smallest power of two >= 2 * rows (at least 16, at most {@link #MAX_CAPACITY}, always > rows). */
    static long capacityFor(long rows) {
        long want = Math.max(MIN_CAPACITY, 2 * rows);
        long capacity = Long.highestOneBit(want);
        return Math.min(MAX_CAPACITY, capacity < want ? capacity << 1 : capacity);
    }

    /** The common row count of key columns, checked: at least one column, at most 2^31-1 rows. */
    static long checkKeys(List<Column> keys, String side) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a hash join needs at least one key column on the " + side
                    + " side; joins without equi-keys are not hash joins");
        }
        long n = keys.get(0).rowCount();
        for (Column c : keys) {
            if (c.rowCount() != n) {
                throw new IllegalArgumentException("the " + side + " side's key columns must have equal lengths, found "
                        + n + " and " + c.rowCount() + " rows");
            }
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a hash join takes at most 2^31-1 rows per " + side + " batch (int32 row "
                    + "indices), not " + n + "; split the batch");
        }
        return n;
    }

    /**
     * The rows that can match: the AND of the validity of the key columns that are not null-safe, as a
     * buffer the caller closes, or null when every row can.
     */
    static DeviceBuffer rowValidity(Device device, List<Column> keys, List<Boolean> nullSafe, long n, Stream stream) {
        DeviceBuffer result = null;
        try {
            for (int k = 0; k < keys.size(); k++) {
                Column key = keys.get(k);
                if (nullSafe.get(k) || !key.hasValidity()) {
                    continue;
                }
                if (result == null) {
                    result = key.validity().incRef();
                } else {
                    DeviceBuffer and = Bitmaps.and(device, result.address(), key.validityAddress(), n, stream);
                    result.close();
                    result = and;
                }
            }
            return result;
        } catch (RuntimeException | Error e) {
            if (result != null) {
                result.close();
            }
            throw e;
        }
    }

    /**
     * The hash table over one build side, reusable by any number of probes (which must not outlive
     * it). Probes on several streams may run at once; {@link #unmatchedBuildRows} must be ordered after
     * every RIGHT_OUTER / FULL_OUTER probe and filter it should account for (the same stream, or a
     * synchronization).
     */
    public static final class Build implements AutoCloseable {
        private final Device device;
        private final List<Column> keys;
        private final List<Boolean> nullSafe;
        private final long rows;
        private final long inserted;
        private final long capacity;
        private final DeviceBuffer hashes;
        private final DeviceBuffer descriptor;
        private final DeviceBuffer slots;
        private final DeviceBuffer slotCount;
        private final DeviceBuffer slotEnd;
        private final DeviceBuffer placed;
        private DeviceBuffer unmatched;
        private boolean closed;

        private Build(Device device, List<Column> keys, List<Boolean> nullSafe, long rows, long inserted,
                long capacity, DeviceBuffer hashes, DeviceBuffer descriptor, DeviceBuffer slots, DeviceBuffer slotCount,
                DeviceBuffer slotEnd, DeviceBuffer placed) {
            this.device = device;
            this.keys = List.copyOf(keys);
            this.nullSafe = nullSafe;
            this.rows = rows;
            this.inserted = inserted;
            this.capacity = capacity;
            this.hashes = hashes;
            this.descriptor = descriptor;
            this.slots = slots;
            this.slotCount = slotCount;
            this.slotEnd = slotEnd;
            this.placed = placed;
        }

        /** The build side's row count. */
        public long rowCount() {
            return rows;
        }

        /** Build rows that can match (no null in a key column without {@code <=>}). */
        public long matchableRows() {
            return inserted;
        }

        /** The table's slot count. */
        public long capacity() {
            return capacity;
        }

        /** Probes with {@code probeKeys} (same count and types as the build keys). */
        public HashJoinProbe probe(List<Column> probeKeys, JoinType type, long maxRows, Stream stream) {
            return new HashJoinProbe(this, probeKeys, type, maxRows, false, stream);
        }

        /** Probes for a join with an extra condition: candidates first, see {@link HashJoin}. */
        public HashJoinProbe probeWithCondition(List<Column> probeKeys, JoinType type, long maxRows, Stream stream) {
            return new HashJoinProbe(this, probeKeys, type, maxRows, true, stream);
        }

        /**
         * The build rows that no RIGHT_OUTER / FULL_OUTER probe (or surviving condition pair) matched so
         * far, paired with probe row -1, in chunks of at most {@code maxRows}: every build row when there
         * was no such probe.
         */
        public Chunks unmatchedBuildRows(long maxRows, Stream stream) {
            checkOpen();
            HashJoinProbe.checkMaxRows(maxRows);
            Compaction.Selected selected = Compaction.selectedRows(device, unmatchedFlags(stream), 0, rows, stream);
            return new HashJoinRowChunks(device, selected, HashJoinRowChunks.Layout.BUILD_ONLY, maxRows, stream);
        }

        Device device() {
            return device;
        }

        List<Column> keys() {
            return keys;
        }

        List<Boolean> nullSafe() {
            return nullSafe;
        }

        DeviceBuffer hashes() {
            return hashes;
        }

        DeviceBuffer descriptor() {
            return descriptor;
        }

        DeviceBuffer slots() {
            return slots;
        }

        DeviceBuffer slotCount() {
            return slotCount;
        }

        DeviceBuffer slotEnd() {
            return slotEnd;
        }

        DeviceBuffer placed() {
            return placed;
        }

        /** One byte per build row, 1 until a probe or filter matches the row; allocated on first use. */
        synchronized long unmatchedFlags(Stream stream) {
            checkOpen();
            if (unmatched == null) {
                DeviceBuffer flags = device.allocate(Math.max(1, rows), stream);
                try {
                    Fill.fill(device, flags.address(), rows, 1, 1, stream);
                } catch (RuntimeException | Error e) {
                    flags.close();
                    throw e;
                }
                unmatched = flags;
            }
            return unmatched.address();
        }

        void checkOpen() {
            if (closed) {
                throw new IllegalStateException("the hash join build is closed");
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            List<AutoCloseable> all = new ArrayList<>(List.of(hashes, descriptor, slots, slotCount, slotEnd, placed));
            if (unmatched != null) {
                all.add(unmatched);
            }
            all.addAll(keys);
            Closeables.closeAll(all);
        }
    }
}
