package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.FillKernels;
import dev.ember.cuda.kernel.GatherKernels;
import dev.ember.cuda.kernel.ScanKernels;
import dev.ember.cuda.kernel.WindowKernels;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.FrameBounds;
import dev.ember.cuda.ops.SortKey;
import dev.ember.cuda.ops.WindowAggregates;
import dev.ember.cuda.ops.WindowAggregates.Kind;
import dev.ember.cuda.ops.WindowFunctions;
import dev.ember.cuda.ops.WindowSegments;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.KeyRows;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Conformance cases for {@code window.cu}, through the ops as a window operator drives them, on tables of
 * up to {@link #MAX_ROWS} rows sorted by (partition, order): partition groups of random sizes (one big
 * group, groups of 1 to 8 rows, groups of up to 2,000 rows; a null partition key), order columns of every
 * key type with nulls, NaN, -0.0, extremes and repeated values (so peer groups have several rows), in every
 * direction and null order. Cases: segments and ranking (row_number, rank, dense_rank, percent_rank,
 * cume_dist, ntile, lag/lead maps); ROWS frames with frame, running and whole-group aggregates of every
 * value type; RANGE frames of every order type with small, zero, unbounded and extreme offsets.
 */
final class WindowConformance {
    /** The most rows a case uses whatever the size, to keep the simulator's time small. */
    static final int MAX_ROWS = 100_003;

    private static final List<DType> KEY_TYPES = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32,
            DType.INT64, DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(18, 2),
            DType.decimal128(38, 10), DType.STRING);
    private static final List<DType> VALUE_TYPES = List.of(DType.INT8, DType.INT16, DType.INT32, DType.INT64,
            DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(18, 2));
    private static final List<DType> RANGE_TYPES = List.of(DType.INT8, DType.INT16, DType.INT32, DType.INT64,
            DType.decimal64(18, 2), DType.FLOAT32, DType.FLOAT64);

    private WindowConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(ranking());
        for (DType t : VALUE_TYPES) {
            cases.add(aggregates(t));
        }
        for (DType t : RANGE_TYPES) {
            cases.add(range(t));
        }
        return cases;
    }

    /** Partition ids of {@code rows} sorted rows: one group, tiny groups, or groups of up to 2,000 rows. */
    private static Object[] partitions(Random r, int rows) {
        int mode = r.nextInt(3);
        Object[] p = new Object[rows];
        int id = 0;
        int left = 0;
        for (int i = 0; i < rows; i++) {
            if (left == 0) {
                id++;
                left = mode == 0 ? Integer.MAX_VALUE : 1 + r.nextInt(mode == 1 ? 8 : 2_000);
            }
            left--;
            // The first group's key is null half the time (null keys group together).
            p[i] = id == 1 && r.nextBoolean() ? null : id;
        }
        if (rows > 0 && p[0] == null) {
            for (int i = 0; i < rows && (p[i] == null || (Integer) p[i] == 1); i++) {
                p[i] = null;
            }
        }
        return p;
    }

    /** Values of {@code type}, half the time drawn from a pool of 1 to 4 of them (so equal values repeat). */
    private static Object[] values(Random r, DType type, int rows) {
        Object[] all = KeyRows.values(r, type, rows);
        if (rows == 0 || r.nextBoolean()) {
            return all;
        }
        int pool = 1 + r.nextInt(Math.min(4, rows));
        Object[] out = new Object[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = all[r.nextInt(pool)];
        }
        return out;
    }

    /** {@code values} sorted within each group of {@code partition} by {@code key}. */
    private static Object[] sortWithinGroups(DType type, Object[] values, Object[] partition, SortKey key) {
        KeyRows rows = KeyRows.of(List.of(type), List.<Object[]>of(values));
        List<SortKey> order = List.of(key);
        Object[] out = new Object[values.length];
        int start = 0;
        while (start < values.length) {
            int end = start + 1;
            while (end < values.length && java.util.Objects.equals(partition[end], partition[start])) {
                end++;
            }
            List<Integer> idx = new ArrayList<>();
            for (int i = start; i < end; i++) {
                idx.add(i);
            }
            idx.sort((a, b) -> rows.compare(a, rows, b, order));
            for (int i = start; i < end; i++) {
                out[i] = values[idx.get(i - start)];
            }
            start = end;
        }
        return out;
    }

    private static byte[] bytes(DeviceBuffer b, long n, int width) {
        return DeviceArrays.downloadBytes(b, 0, (int) (n * width));
    }

    private static void add(List<byte[]> out, Column c) {
        try (c) {
            HostValues h = HostValues.download(c);
            out.add(h.data());
            out.add(h.validity() == null ? new byte[0] : h.validity());
        }
    }

    private static void add(List<byte[]> out, WindowSegments s) {
        out.add(bytes(s.start(), s.rowCount(), 4));
        out.add(bytes(s.end(), s.rowCount(), 4));
    }

    private static void add(List<byte[]> out, FrameBounds f) {
        out.add(bytes(f.start(), f.rowCount(), 4));
        out.add(bytes(f.end(), f.rowCount(), 4));
    }

    private static Column upload(Device device, DType type, Object[] values) {
        return KeyRows.of(List.of(type), List.<Object[]>of(values)).upload(device).get(0);
    }

    private static ConformanceCase ranking() {
        Set<String> kernels = Set.of(WindowKernels.BOUNDARIES, WindowKernels.SEGMENT_STARTS, WindowKernels.SEGMENT_BOUNDS,
                WindowKernels.HEAD_FLAGS, WindowKernels.ROW_NUMBER, WindowKernels.RANK, WindowKernels.DENSE_RANK,
                WindowKernels.PERCENT_RANK, WindowKernels.CUME_DIST, WindowKernels.NTILE, WindowKernels.OFFSET_MAP,
                ScanKernels.SCAN_TILES_I32, FillKernels.FILL_I32);
        return LambdaCase.of("window segments and ranking", kernels, (device, seed, n) -> {
            Random r = new Random(seed);
            Stream s = device.defaultStream();
            int rows = Math.min(n, MAX_ROWS);
            DType type = KEY_TYPES.get(r.nextInt(KEY_TYPES.size()));
            Object[] p = partitions(r, rows);
            SortKey key = new SortKey(r.nextBoolean(), r.nextBoolean());
            Object[] o = sortWithinGroups(type, values(r, type, rows), p, key);
            List<byte[]> out = new ArrayList<>();
            List<Column> cols = KeyRows.of(List.of(DType.INT32, type), List.of(p, o)).upload(device);
            try (WindowSegments groups = WindowSegments.of(device, List.of(cols.get(0)), null, s);
                    WindowSegments peers = WindowSegments.of(device, List.of(cols.get(1)), groups, s);
                    WindowSegments whole = WindowSegments.whole(device, rows, s);
                    WindowSegments both = WindowSegments.of(device, cols, null, s)) {
                add(out, groups);
                add(out, peers);
                add(out, whole);
                add(out, both);
                add(out, WindowFunctions.rowNumber(device, groups, s));
                add(out, WindowFunctions.rank(device, groups, peers, s));
                add(out, WindowFunctions.denseRank(device, groups, peers, s));
                add(out, WindowFunctions.percentRank(device, groups, peers, s));
                add(out, WindowFunctions.cumeDist(device, groups, peers, s));
                add(out, WindowFunctions.ntile(device, groups, 1 + r.nextInt(r.nextBoolean() ? 5 : 3_000), s));
                long[] offsets = {-1, 1, -1 - r.nextInt(20), 1 + r.nextInt(20), Long.MIN_VALUE, Long.MAX_VALUE};
                for (long offset : offsets) {
                    try (DeviceBuffer map = WindowFunctions.offsetMap(device, groups, offset, s)) {
                        out.add(bytes(map, rows, 4));
                    }
                }
            } finally {
                Closeables.closeAll(cols);
            }
            return out;
        });
    }

    private static ConformanceCase aggregates(DType type) {
        String t = WindowKernels.minMaxType(type);
        boolean floating = t.startsWith("f");
        boolean intSum = type.id() == DType.TypeId.INT8 || type.id() == DType.TypeId.INT16
                || type.id() == DType.TypeId.INT32 || type.id() == DType.TypeId.INT64;
        Set<String> kernels = new HashSet<>(Set.of(WindowKernels.ROWS_FRAME, WindowKernels.PREFIX_COUNTS,
                WindowKernels.FRAME_COUNT, WindowKernels.frameMinMax(t), WindowKernels.scanPrep(t),
                WindowKernels.scanChunksMinMax(t), WindowKernels.scanFixupMinMax(t), WindowKernels.STATE_VALIDITY,
                WindowKernels.LAST_MAP, GatherKernels.name(4, type.sizeInBytes())));
        if (intSum) {
            kernels.addAll(Set.of(WindowKernels.prefixSums(t), WindowKernels.FRAME_SUM_I64, ScanKernels.SCAN_TILES_I64));
        }
        if (floating) {
            kernels.addAll(Set.of(WindowKernels.frameSum(t), t.equals("f32") ? WindowKernels.SCAN_PREP_SUM_F32
                    : WindowKernels.SCAN_PREP_SUM_F64, WindowKernels.SCAN_CHUNKS_SUM_F64, WindowKernels.SCAN_FIXUP_SUM_F64));
        }
        return LambdaCase.of("window rows frames and aggregates " + type, kernels, (device, seed, n) -> {
            Random r = new Random(seed);
            Stream s = device.defaultStream();
            int rows = Math.min(n, MAX_ROWS);
            Object[] p = partitions(r, rows);
            Object[] v = values(r, type, rows);
            List<byte[]> out = new ArrayList<>();
            // Bounded frames only for the loop kernels (a frame of the whole group would cost rows^2 here).
            Long lower = (long) (r.nextInt(8) - 5);
            Long upper = lower + r.nextInt(8);
            Long wideLower = r.nextBoolean() ? null : (long) r.nextInt(11) - 5;
            Long wideUpper = r.nextBoolean() ? null : (long) r.nextInt(11) - 5;
            try (Column pc = upload(device, DType.INT32, p);
                    Column vc = upload(device, type, v);
                    WindowSegments groups = WindowSegments.of(device, List.of(pc), null, s);
                    FrameBounds bounded = WindowFunctions.rowsFrame(device, groups, lower, upper, s);
                    FrameBounds wide = WindowFunctions.rowsFrame(device, groups, wideLower, wideUpper, s)) {
                add(out, bounded);
                add(out, wide);
                for (Kind kind : Kind.values()) {
                    if (kind == Kind.SUM && !(intSum || floating)) {
                        continue;
                    }
                    add(out, WindowAggregates.frameAggregate(device, kind, vc, bounded, s));
                    if (kind == Kind.COUNT || (kind == Kind.SUM && intSum)) {
                        add(out, WindowAggregates.frameAggregate(device, kind, vc, wide, s));
                    }
                    add(out, WindowAggregates.runningAggregate(device, kind, vc, groups, s));
                    add(out, WindowAggregates.groupAggregate(device, kind, vc, groups, s));
                }
            }
            return out;
        });
    }

    private static ConformanceCase range(DType type) {
        String t = WindowKernels.rangeType(type);
        Set<String> kernels = Set.of(WindowKernels.rangeFrame(t));
        return LambdaCase.of("window range frames " + type, kernels, (device, seed, n) -> {
            Random r = new Random(seed);
            Stream s = device.defaultStream();
            int rows = Math.min(n, MAX_ROWS);
            Object[] p = partitions(r, rows);
            List<byte[]> out = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                SortKey key = new SortKey(r.nextBoolean(), r.nextBoolean());
                Object[] o = sortWithinGroups(type, values(r, type, rows), p, key);
                try (Column pc = upload(device, DType.INT32, p);
                        Column oc = upload(device, type, o);
                        WindowSegments groups = WindowSegments.of(device, List.of(pc), null, s);
                        WindowSegments peers = WindowSegments.of(device, List.of(oc), groups, s)) {
                    for (int b = 0; b < 3; b++) {
                        Number lower = offset(r, t, true);
                        Number upper = offset(r, t, false);
                        try (FrameBounds f = WindowFunctions.rangeFrame(device, groups, peers, oc, key.ascending(),
                                key.nullsFirst(), lower, upper, s)) {
                            add(out, f);
                        }
                    }
                }
            }
            return out;
        });
    }

    /** A RANGE offset: unbounded, current row, small, or (integers) extreme so the bound wraps. */
    private static Number offset(Random r, String t, boolean lower) {
        int pick = r.nextInt(8);
        if (pick == 0) {
            return null;
        }
        if (pick == 1) {
            return 0L;
        }
        int sign = lower ? -1 : 1;
        if (t.startsWith("f")) {
            return pick == 2 ? sign * Double.POSITIVE_INFINITY : sign * r.nextDouble() * Math.pow(10, r.nextInt(12) - 2);
        }
        if (pick == 2) {
            return r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return (long) sign * (r.nextInt(4) == 0 ? r.nextInt(1_000_000) : r.nextInt(100));
    }
}
