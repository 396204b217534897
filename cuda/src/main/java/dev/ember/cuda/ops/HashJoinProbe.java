package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.kernel.HashJoinKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.HashJoin.Chunk;
import dev.ember.cuda.ops.HashJoin.JoinType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One probe of a {@link HashJoin.Build} by one batch of probe-side keys: the result as chunks of at
 * most {@code maxRows} rows (see {@link HashJoin} for the join types and the condition protocol).
 * The match counts are computed when the probe is created; each pair chunk is filled when asked
 * for. Not thread-safe; closing frees everything not yet returned.
 */
public final class HashJoinProbe implements HashJoin.Chunks {
    private final HashJoin.Build build;
    private final Device device;
    private final JoinType type;
    private final long maxRows;
    private final boolean conditional;
    private final Stream stream;
    private final long rows;
    private final List<DeviceBuffer> owned = new ArrayList<>();
    private final DeviceBuffer matchSlot;
    private final DeviceBuffer counts;
    private final DeviceBuffer offsets;
    private final DeviceBuffer probeMatched;
    private final long total;
    private long position;
    private boolean pendingCandidate;
    private HashJoinRowChunks rest;
    private boolean closed;

    HashJoinProbe(HashJoin.Build build, List<Column> probeKeys, JoinType type, long maxRows, boolean conditional,
            Stream stream) {
        this.build = requireNonNull(build, "build is null");
        this.type = requireNonNull(type, "type is null");
        this.stream = requireNonNull(stream, "stream is null");
        this.device = build.device();
        this.maxRows = maxRows;
        this.conditional = conditional;
        build.checkOpen();
        checkMaxRows(maxRows);
        List<Column> keys = List.copyOf(requireNonNull(probeKeys, "probeKeys is null"));
        this.rows = HashJoin.checkKeys(keys, "probe");
        checkTypes(build.keys(), keys);
        if (type == JoinType.NULL_AWARE_LEFT_ANTI && (keys.size() != 1 || build.nullSafe().get(0) || conditional)) {
            throw new IllegalArgumentException("the null-aware anti join takes exactly one key column without <=> and "
                    + "no extra condition, not " + keys.size() + " key(s), null-safe " + build.nullSafe()
                    + (conditional ? ", with a condition" : ""));
        }
        try {
            matchSlot = add(device.allocate(rows * 4, stream));
            counts = add(device.allocate(rows * 4, stream));
            try (DeviceBuffer hashes = Murmur3.hashColumns(device, keys.stream().map(Murmur3.Input::of).toList(),
                            rows, stream);
                    DeviceBuffer descriptor = KeyDescriptor.upload(device, keys, stream);
                    DeviceBuffer rowValid = HashJoin.rowValidity(device, keys, build.nullSafe(), rows, stream)) {
                boolean outer = !conditional && type.keepsUnmatchedProbeRows();
                if (rows > 0) {
                    device.kernel(HashJoinKernels.COUNT).launch(LaunchConfig.gridStride(rows, device.multiProcessorCount()),
                            KernelArgs.create().ptr(matchSlot.address()).ptr(counts.address()).ptr(hashes.address())
                                    .ptr(descriptor.address()).ptr(HashJoin.address(rowValid))
                                    .ptr(build.slots().address()).ptr(build.slotCount().address())
                                    .ptr(build.hashes().address()).ptr(build.descriptor().address()).i32(keys.size())
                                    .i64(build.capacity()).i32(outer ? 1 : 0).i64(rows),
                            stream);
                }
                if (conditional || type.pairs()) {
                    offsets = add(device.allocate(Math.max(8, rows * 8), stream));
                    total = PrefixSum.exclusiveSumIntToLong(device, counts.address(), offsets.address(), rows, stream);
                } else {
                    offsets = null;
                    total = 0;
                    rest = new HashJoinRowChunks(device, semiOrAnti(rowValid), HashJoinRowChunks.Layout.PROBE_ONLY, maxRows, stream);
                }
            }
            boolean needsProbeFlags = type.keepsUnmatchedProbeRows() || !type.pairs();
            probeMatched = conditional && needsProbeFlags ? add(device.allocate(rows * 4, stream)) : null;
            if (probeMatched != null) {
                device.memset(probeMatched.address(), (byte) 0, rows * 4, stream);
            }
            if (type.keepsUnmatchedBuildRows()) {
                build.unmatchedFlags(stream);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    static void checkMaxRows(long maxRows) {
        if (maxRows < 1 || maxRows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxRows per hash join chunk must be in [1, 2^31-1] (int32 gather maps), "
                    + "not " + maxRows);
        }
    }

    private static void checkTypes(List<Column> buildKeys, List<Column> probeKeys) {
        if (buildKeys.size() != probeKeys.size()) {
            throw new IllegalArgumentException("the probe has " + probeKeys.size() + " key columns but the build has "
                    + buildKeys.size());
        }
        for (int k = 0; k < buildKeys.size(); k++) {
            if (!buildKeys.get(k).type().equals(probeKeys.get(k).type())) {
                throw new IllegalArgumentException("key column " + k + " is " + buildKeys.get(k).type()
                        + " on the build side but " + probeKeys.get(k).type() + " on the probe side; cast both to one "
                        + "type first");
            }
        }
    }

    private DeviceBuffer add(DeviceBuffer buffer) {
        owned.add(buffer);
        return buffer;
    }

    /** The probe rows of a LEFT_SEMI / LEFT_ANTI / NULL_AWARE_LEFT_ANTI join without condition. */
    private Compaction.Selected semiOrAnti(DeviceBuffer rowValid) {
        if (type == JoinType.NULL_AWARE_LEFT_ANTI) {
            if (build.rowCount() == 0) {
                // Every count is 0: every probe row, null keys included.
                return select(counts.address(), false, 0);
            }
            if (build.matchableRows() < build.rowCount()) {
                // NOT IN over a set with a null is never true.
                return new Compaction.Selected(device.allocate(0, stream), 0);
            }
            return select(counts.address(), false, HashJoin.address(rowValid));
        }
        return select(counts.address(), type == JoinType.LEFT_SEMI, 0);
    }

    /** The probe rows whose int32 at {@code flags} is non-zero == {@code wantMatch} and valid in {@code validity}. */
    private Compaction.Selected select(long flags, boolean wantMatch, long validity) {
        try (DeviceBuffer selected = device.allocate(Math.max(1, rows), stream)) {
            if (rows > 0) {
                device.kernel(HashJoinKernels.SELECT).launch(LaunchConfig.gridStride(rows, device.multiProcessorCount()),
                        KernelArgs.create().ptr(selected.address()).ptr(flags).ptr(validity).i32(wantMatch ? 1 : 0)
                                .i64(rows),
                        stream);
            }
            return Compaction.selectedRows(device, selected.address(), 0, rows, stream);
        }
    }

    /** The probe's row count. */
    public long probeRows() {
        return rows;
    }

    /** Pairs of equal keys (with LEFT/FULL OUTER, plus one per probe row without a match, no condition). */
    public long pairCount() {
        return total;
    }

    /**
     * Moves past the next {@code pairs} pairs of a probe without condition without filling them, so
     * that the next chunk starts that much later: tests reach the end of results too large to
     * enumerate. Skipped pairs do not mark their build rows as matched.
     */
    void skipPairs(long pairs) {
        if (conditional || pairs < 0 || pairs > total - position) {
            throw new IllegalArgumentException("a probe without condition can skip 0 to " + (total - position)
                    + " pairs, not " + pairs + (conditional ? " (conditional probe)" : ""));
        }
        position += pairs;
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (position < total) {
            return true;
        }
        checkNoPendingCandidate();
        if (rest == null) {
            rest = afterCandidates();
        }
        return rest != null && rest.hasNext();
    }

    @Override
    public Chunk next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more hash join chunks");
        }
        checkNoPendingCandidate();
        if (position < total) {
            return pairChunk();
        }
        return rest.next();
    }

    private void checkNoPendingCandidate() {
        if (pendingCandidate) {
            throw new IllegalStateException("pass the previous candidate chunk to filter() before asking for more "
                    + "chunks: the rows after the candidates depend on the condition's results");
        }
    }

    private Chunk pairChunk() {
        int n = (int) Math.min(maxRows, total - position);
        DeviceBuffer outProbe = device.allocate(n * 4L, stream);
        DeviceBuffer outBuild = null;
        try {
            outBuild = device.allocate(n * 4L, stream);
            long unmatched = !conditional && type.keepsUnmatchedBuildRows() ? build.unmatchedFlags(stream) : 0;
            device.kernel(HashJoinKernels.FILL).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                    KernelArgs.create().ptr(outProbe.address()).ptr(outBuild.address()).ptr(unmatched)
                            .ptr(offsets.address()).ptr(matchSlot.address()).ptr(build.slotEnd().address())
                            .ptr(build.slotCount().address()).ptr(build.placed().address()).i64(rows).i64(position)
                            .i64(n),
                    stream);
            position += n;
            pendingCandidate = conditional;
            return new Chunk(outProbe, outBuild, n, conditional);
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(outBuild == null ? List.of(outProbe) : List.of(outProbe, outBuild));
            throw e;
        }
    }

    /** With a condition: the rows that depend on all candidates' survivors; null when there are none. */
    private HashJoinRowChunks afterCandidates() {
        if (!conditional) {
            return null;
        }
        return switch (type) {
            case LEFT_OUTER, FULL_OUTER -> new HashJoinRowChunks(device, select(probeMatched.address(), false, 0),
                    HashJoinRowChunks.Layout.PROBE_WITHOUT_BUILD, maxRows, stream);
            case LEFT_SEMI, LEFT_ANTI -> new HashJoinRowChunks(device, select(probeMatched.address(), type == JoinType.LEFT_SEMI,
                    0), HashJoinRowChunks.Layout.PROBE_ONLY, maxRows, stream);
            default -> null;
        };
    }

    /**
     * Applies the condition's results to a candidate chunk (which stays the caller's to close): {@code
     * mask} holds one BOOL8 per pair (non-zero = the condition is true), {@code maskValidity} its
     * validity bitmap (0: no nulls; a null result counts as false). Returns the surviving pairs for
     * joins with pairs, an empty chunk for LEFT_SEMI / LEFT_ANTI, and records which probe and build rows
     * have a surviving pair.
     */
    public Chunk filter(Chunk candidates, long mask, long maskValidity) {
        requireNonNull(candidates, "candidates is null");
        if (!conditional || !candidates.candidates() || !pendingCandidate) {
            throw new IllegalStateException("filter() takes the candidate chunk just returned by a probe created with "
                    + "probeWithCondition, once");
        }
        int n = candidates.rows();
        long unmatched = type.keepsUnmatchedBuildRows() ? build.unmatchedFlags(stream) : 0;
        if (n > 0) {
            device.kernel(HashJoinKernels.MARK).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                    KernelArgs.create().ptr(HashJoin.address(probeMatched)).ptr(unmatched)
                            .ptr(candidates.probeRows().address()).ptr(candidates.buildRows().address()).ptr(mask)
                            .ptr(maskValidity).i64(n),
                    stream);
        }
        pendingCandidate = false;
        if (!type.pairs()) {
            return new Chunk(device.allocate(0, stream), null, 0, false);
        }
        try (Compaction.Selected survivors = Compaction.selectedRows(device, mask, maskValidity, n, stream)) {
            DeviceBuffer probe = gatherMap(candidates.probeRows(), n, survivors);
            try {
                return new Chunk(probe, gatherMap(candidates.buildRows(), n, survivors), survivors.count(), false);
            } catch (RuntimeException | Error e) {
                probe.close();
                throw e;
            }
        }
    }

    private DeviceBuffer gatherMap(DeviceBuffer map, int n, Compaction.Selected survivors) {
        Gather.Gathered g = Gather.gather(device, map, null, n, 4, survivors.indices(), Gather.MapType.INT32,
                survivors.count(), stream);
        g.validity().close();
        return g.data();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> all = new ArrayList<>(owned);
        if (rest != null) {
            all.add(rest);
        }
        Closeables.closeAll(all);
    }

    @Override
    public String toString() {
        return "HashJoinProbe" + Arrays.asList(type, rows + " probe rows", total + " pairs", "maxRows " + maxRows);
    }
}
