package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.WindowAggregates.Kind;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.KeyRows;
import dev.ember.cuda.testing.TestDevices;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WindowSegments}, {@link WindowFunctions} and {@link WindowAggregates} on small tables with results
 * worked out by hand (partition keys with nulls, order keys with -0.0, NaN and nulls, values with nulls),
 * and aggregates over random groups against plain Java loops, large enough for three scan levels.
 */
class TestWindowFunctions {
    private final Device device = TestDevices.device();

    // Partition key p (INT32) and order key o (FLOAT64), sorted by (p nulls first, o nulls first):
    // groups [0,2) [2,7) [7,8) [8,10); peers {0,1} {2,3} (-0.0 = 0.0) {4} {5,6} (NaN = NaN) {7} {8} {9}.
    private static final Object[] P = {null, null, 1, 1, 1, 1, 1, 2, 3, 3};
    private static final Object[] O = {5.0, 5.0, -0.0, 0.0, 1.5, Double.NaN, Double.NaN, 7.0, null, 2.0};
    private static final Object[] V = {10L, null, 1L, 2L, 3L, null, 5L, 7L, null, null};
    private static final Object[] D = {-0.0, 1.0, Double.NaN, -0.0, 0.0, 2.5, null, -1.0, null, 3.0};

    private List<Column> keys;
    private WindowSegments groups;
    private WindowSegments peers;

    @BeforeEach
    void setUp() {
        keys = KeyRows.of(List.of(DType.INT32, DType.FLOAT64), List.of(P, O)).upload(device);
        groups = WindowSegments.of(device, List.of(keys.get(0)), null, device.defaultStream());
        peers = WindowSegments.of(device, List.of(keys.get(1)), groups, device.defaultStream());
    }

    @AfterEach
    void tearDown() {
        peers.close();
        groups.close();
        keys.forEach(Column::close);
    }

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int[] ints(DeviceBuffer b, long n) {
        return DeviceArrays.downloadInts(b, 0, (int) n);
    }

    private static Object[] values(Column c) {
        HostValues h = HostValues.download(c);
        Object[] out = new Object[h.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = h.isValid(i) ? h.get(i) : null;
        }
        return out;
    }

    private Object[] result(Column c) {
        try (c) {
            return values(c);
        }
    }

    private Column upload(DType type, Object[] values) {
        return KeyRows.of(List.of(type), List.<Object[]>of(values)).upload(device).get(0);
    }

    @Test
    void segments() {
        assertThat(ints(groups.start(), 10)).containsExactly(0, 0, 2, 2, 2, 2, 2, 7, 8, 8);
        assertThat(ints(groups.end(), 10)).containsExactly(2, 2, 7, 7, 7, 7, 7, 8, 10, 10);
        assertThat(ints(peers.start(), 10)).containsExactly(0, 0, 2, 2, 4, 5, 5, 7, 8, 9);
        assertThat(ints(peers.end(), 10)).containsExactly(2, 2, 4, 4, 5, 7, 7, 8, 9, 10);
        try (WindowSegments whole = WindowSegments.whole(device, 3, device.defaultStream())) {
            assertThat(ints(whole.start(), 3)).containsExactly(0, 0, 0);
            assertThat(ints(whole.end(), 3)).containsExactly(3, 3, 3);
        }
        try (Column s = KeyRows.of(List.of(DType.STRING), List.<Object[]>of(new Object[] {b("a"), b("a"), null, null, b("ab"), b("")}))
                .upload(device).get(0);
                WindowSegments seg = WindowSegments.of(device, List.of(s), null, device.defaultStream())) {
            assertThat(ints(seg.start(), 6)).containsExactly(0, 0, 2, 2, 4, 5);
            assertThat(ints(seg.end(), 6)).containsExactly(2, 2, 4, 4, 5, 6);
        }
    }

    @Test
    void ranking() {
        var s = device.defaultStream();
        assertThat(result(WindowFunctions.rowNumber(device, groups, s))).containsExactly(1, 2, 1, 2, 3, 4, 5, 1, 1, 2);
        assertThat(result(WindowFunctions.rank(device, groups, peers, s))).containsExactly(1, 1, 1, 1, 3, 4, 4, 1, 1, 2);
        assertThat(result(WindowFunctions.denseRank(device, groups, peers, s)))
                .containsExactly(1, 1, 1, 1, 2, 3, 3, 1, 1, 2);
        assertThat(result(WindowFunctions.percentRank(device, groups, peers, s)))
                .containsExactly(0.0, 0.0, 0.0, 0.0, 0.5, 0.75, 0.75, 0.0, 0.0, 1.0);
        assertThat(result(WindowFunctions.cumeDist(device, groups, peers, s)))
                .containsExactly(1.0, 1.0, 0.4, 0.4, 0.6, 1.0, 1.0, 1.0, 0.5, 1.0);
        assertThat(result(WindowFunctions.ntile(device, groups, 2, s))).containsExactly(1, 2, 1, 1, 1, 2, 2, 1, 1, 2);
        assertThat(result(WindowFunctions.ntile(device, groups, 3, s))).containsExactly(1, 2, 1, 1, 2, 2, 3, 1, 1, 2);
    }

    @Test
    void ntileMatchesSparkLoopForEverySize() {
        for (int size = 1; size <= 23; size++) {
            for (int k = 1; k <= 25; k++) {
                try (WindowSegments whole = WindowSegments.whole(device, size, device.defaultStream())) {
                    Object[] got = result(WindowFunctions.ntile(device, whole, k, device.defaultStream()));
                    // Spark's NTile update expressions, row by row.
                    int q = size / k, r = size % k, row = 0, bucket = 0, threshold = 0;
                    for (int i = 0; i < size; i++) {
                        if (row >= threshold) {
                            threshold += q + (bucket < r ? 1 : 0);
                            bucket++;
                        }
                        row++;
                        assertThat(got[i]).as("size %d k %d row %d", size, k, i).isEqualTo(bucket);
                    }
                }
            }
        }
    }

    @Test
    void offsets() {
        var s = device.defaultStream();
        try (DeviceBuffer lag = WindowFunctions.offsetMap(device, groups, -1, s);
                DeviceBuffer lead = WindowFunctions.offsetMap(device, groups, 2, s);
                DeviceBuffer far = WindowFunctions.offsetMap(device, groups, Long.MIN_VALUE, s)) {
            assertThat(ints(lag, 10)).containsExactly(-1, 0, -1, 2, 3, 4, 5, -1, -1, 8);
            assertThat(ints(lead, 10)).containsExactly(-1, -1, 4, 5, 6, -1, -1, -1, -1, -1);
            assertThat(ints(far, 10)).containsOnly(-1);
        }
    }

    @Test
    void rowsFramesAndAggregates() {
        var s = device.defaultStream();
        try (FrameBounds f = WindowFunctions.rowsFrame(device, groups, -1L, 1L, s); Column v = upload(DType.INT64, V)) {
            assertThat(ints(f.start(), 10)).containsExactly(0, 0, 2, 2, 3, 4, 5, 7, 8, 8);
            assertThat(ints(f.end(), 10)).containsExactly(2, 2, 4, 5, 6, 7, 7, 8, 10, 10);
            assertThat(result(WindowAggregates.frameAggregate(device, Kind.SUM, v, f, s)))
                    .containsExactly(10L, 10L, 3L, 6L, 5L, 8L, 5L, 7L, null, null);
            assertThat(result(WindowAggregates.frameAggregate(device, Kind.COUNT, v, f, s)))
                    .containsExactly(1L, 1L, 2L, 3L, 2L, 2L, 1L, 1L, 0L, 0L);
            assertThat(result(WindowAggregates.frameAggregate(device, Kind.MIN, v, f, s)))
                    .containsExactly(10L, 10L, 1L, 1L, 2L, 3L, 5L, 7L, null, null);
            assertThat(result(WindowAggregates.frameAggregate(device, Kind.MAX, v, f, s)))
                    .containsExactly(10L, 10L, 2L, 3L, 3L, 5L, 5L, 7L, null, null);
            assertThat(result(WindowAggregates.runningAggregate(device, Kind.SUM, v, groups, s)))
                    .containsExactly(10L, 10L, 1L, 3L, 6L, 6L, 11L, 7L, null, null);
            assertThat(result(WindowAggregates.runningAggregate(device, Kind.MAX, v, groups, s)))
                    .containsExactly(10L, 10L, 1L, 2L, 3L, 3L, 5L, 7L, null, null);
            assertThat(result(WindowAggregates.groupAggregate(device, Kind.SUM, v, groups, s)))
                    .containsExactly(10L, 10L, 11L, 11L, 11L, 11L, 11L, 7L, null, null);
            assertThat(result(WindowAggregates.groupAggregate(device, Kind.MIN, v, groups, s)))
                    .containsExactly(10L, 10L, 1L, 1L, 1L, 1L, 1L, 7L, null, null);
        }
        try (FrameBounds f = WindowFunctions.rowsFrame(device, groups, 1L, null, s)) {
            assertThat(ints(f.start(), 10)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
            assertThat(ints(f.end(), 10)).containsExactly(2, 2, 7, 7, 7, 7, 7, 8, 10, 10);
        }
    }

    @Test
    void floatAggregatesFollowSparkOrderAndZeros() {
        var s = device.defaultStream();
        double nan = Double.NaN;
        try (Column d = upload(DType.FLOAT64, D)) {
            assertThat(result(WindowAggregates.runningAggregate(device, Kind.MAX, d, groups, s)))
                    .containsExactly(-0.0, 1.0, nan, nan, nan, nan, nan, -1.0, null, 3.0);
            // Equal values: the first met stays (-0.0 before 0.0).
            assertThat(result(WindowAggregates.runningAggregate(device, Kind.MIN, d, groups, s)))
                    .containsExactly(-0.0, -0.0, nan, -0.0, -0.0, -0.0, -0.0, -1.0, null, 3.0);
            // Spark adds to 0.0: a sum of -0.0 is 0.0.
            assertThat(result(WindowAggregates.runningAggregate(device, Kind.SUM, d, groups, s)))
                    .containsExactly(0.0, 1.0, nan, nan, nan, nan, nan, -1.0, null, 3.0);
            assertThat(result(WindowAggregates.groupAggregate(device, Kind.MAX, d, groups, s)))
                    .containsExactly(1.0, 1.0, nan, nan, nan, nan, nan, -1.0, 3.0, 3.0);
            try (FrameBounds f = WindowFunctions.rowsFrame(device, groups, 0L, 0L, s)) {
                assertThat(result(WindowAggregates.frameAggregate(device, Kind.SUM, d, f, s)))
                        .containsExactly(0.0, 1.0, nan, 0.0, 0.0, 2.5, null, -1.0, null, 3.0);
            }
        }
    }

    @Test
    void rangeFrames() {
        var s = device.defaultStream();
        try (Column asc = upload(DType.INT32, new Object[] {null, 1, 2, 2, 5, 9});
                WindowSegments g = WindowSegments.whole(device, 6, s);
                WindowSegments p = WindowSegments.of(device, List.of(asc), g, s);
                FrameBounds f = WindowFunctions.rangeFrame(device, g, p, asc, true, true, -1L, 2L, s);
                FrameBounds running = WindowFunctions.rangeFrame(device, g, p, asc, true, true, null, 0L, s)) {
            assertThat(ints(f.start(), 6)).containsExactly(0, 1, 1, 1, 4, 5);
            assertThat(ints(f.end(), 6)).containsExactly(1, 4, 4, 4, 5, 6);
            assertThat(ints(running.start(), 6)).containsOnly(0);
            assertThat(ints(running.end(), 6)).containsExactly(1, 2, 4, 4, 5, 6);
        }
        try (Column desc = upload(DType.INT64, new Object[] {9L, 5L, 2L, 2L, 1L, null});
                WindowSegments g = WindowSegments.whole(device, 6, s);
                WindowSegments p = WindowSegments.of(device, List.of(desc), g, s);
                FrameBounds f = WindowFunctions.rangeFrame(device, g, p, desc, false, false, -1L, 2L, s)) {
            assertThat(ints(f.start(), 6)).containsExactly(0, 1, 2, 2, 2, 5);
            assertThat(ints(f.end(), 6)).containsExactly(1, 2, 5, 5, 5, 6);
        }
        try (Column dbl = upload(DType.FLOAT64, new Object[] {-1.0, -0.0, 0.0, 0.5, Double.NaN, Double.NaN});
                WindowSegments g = WindowSegments.whole(device, 6, s);
                WindowSegments p = WindowSegments.of(device, List.of(dbl), g, s);
                FrameBounds f = WindowFunctions.rangeFrame(device, g, p, dbl, true, true, -0.5, 0.5, s)) {
            assertThat(ints(f.start(), 6)).containsExactly(0, 1, 1, 1, 4, 4);
            assertThat(ints(f.end(), 6)).containsExactly(1, 4, 4, 4, 6, 6);
        }
    }

    @Test
    void randomGroupsAgainstJavaLoops() {
        Random r = new Random(7);
        int n = 5_000;
        Object[] part = new Object[n];
        Object[] vals = new Object[n];
        Object[] dbls = new Object[n];
        int key = 0;
        for (int i = 0; i < n; i++) {
            if (r.nextInt(i < 2_000 ? 700 : 9) == 0) {
                key++;
            }
            part[i] = key;
            vals[i] = r.nextInt(6) == 0 ? null : (long) r.nextInt(2_000) - 1_000;
            dbls[i] = r.nextInt(6) == 0 ? null : (double) (r.nextInt(2_000) - 1_000);
        }
        var s = device.defaultStream();
        try (Column pc = upload(DType.INT32, part); Column vc = upload(DType.INT64, vals); Column dc = upload(DType.FLOAT64, dbls);
                WindowSegments g = WindowSegments.of(device, List.of(pc), null, s);
                FrameBounds f = WindowFunctions.rowsFrame(device, g, -3L, 2L, s)) {
            int[] gs = ints(g.start(), n);
            int[] ge = ints(g.end(), n);
            BiFunction<Integer, Integer, int[]> frame = (lo, hi) -> new int[] {lo, hi};
            for (Kind kind : Kind.values()) {
                Object[] bounded = result(WindowAggregates.frameAggregate(device, kind, vc, f, s));
                Object[] running = result(WindowAggregates.runningAggregate(device, kind, vc, g, s));
                Object[] runningD = kind == Kind.COUNT ? null : result(WindowAggregates.runningAggregate(device, kind, dc, g, s));
                for (int i = 0; i < n; i++) {
                    int[] b = frame.apply(Math.max(gs[i], i - 3), Math.min(ge[i], i + 3));
                    assertThat(bounded[i]).as("%s bounded row %d", kind, i).isEqualTo(loop(kind, vals, b[0], b[1], false));
                    assertThat(running[i]).as("%s running row %d", kind, i).isEqualTo(loop(kind, vals, gs[i], i + 1, false));
                    if (runningD != null) {
                        // Integral doubles: every association adds exactly.
                        assertThat(runningD[i]).as("%s running double row %d", kind, i)
                                .isEqualTo(loop(kind, dbls, gs[i], i + 1, true));
                    }
                }
            }
        }
    }

    /** The aggregate over rows [lo, hi) by a plain loop. */
    private static Object loop(Kind kind, Object[] values, int lo, int hi, boolean doubles) {
        long count = 0;
        double sumD = 0;
        long sum = 0;
        Object best = null;
        for (int j = lo; j < hi; j++) {
            if (values[j] == null) {
                continue;
            }
            count++;
            if (doubles) {
                double v = (Double) values[j];
                sumD += v;
                if (best == null || (kind == Kind.MIN ? v < (Double) best : v > (Double) best)) {
                    best = v;
                }
            } else {
                long v = (Long) values[j];
                sum += v;
                if (best == null || (kind == Kind.MIN ? v < (Long) best : v > (Long) best)) {
                    best = v;
                }
            }
        }
        return switch (kind) {
            case COUNT -> count;
            case SUM -> count == 0 ? null : (doubles ? (Object) sumD : (Object) sum);
            default -> best;
        };
    }
}
