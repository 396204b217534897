package dev.ember.bench;

import static dev.ember.bench.CopyWorkloads.add;
import static dev.ember.bench.CopyWorkloads.workload;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.expr.Program;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.ProgramEvaluator;
import dev.ember.cuda.expr.Reg;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.Compaction;
import dev.ember.cuda.ops.Gather;
import dev.ember.cuda.ops.HashAggregate;
import dev.ember.cuda.ops.HashJoin;
import dev.ember.cuda.ops.HashJoinProbe;
import dev.ember.cuda.ops.PrefixSum;
import dev.ember.cuda.ops.RadixSort;
import dev.ember.cuda.ops.SortKey;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The device kernel workloads, each over data resident on the device. Bytes counted are the least
 * traffic the work needs: every input column read once (values and validity bitmaps) and every
 * output written once; intermediate buffers (flags, hashes, tables, offsets) are not counted. So GB/s
 * compare with the device-to-device copy ceiling, which reads and writes each byte once.
 */
final class OperatorWorkloads {
    /** Probe rows per join result chunk, as in {@link HashJoinBenchmark}. */
    static final int JOIN_CHUNK_ROWS = 4_194_304;

    private OperatorWorkloads() {}

    /**
     * What {@code GpuFilterExec} does to a batch: the condition {@code a > 450 AND b IS NOT NULL}
     * (an expression program) over a BIGINT with 5% nulls, b DOUBLE with 10% nulls and c BIGINT, stream
     * compaction of its BOOL8 result into row indices, and a gather of all three columns by them (about
     * half the rows survive). Bytes: the three input columns read, the three gathered columns written.
     */
    static KernelWorkload filter(Device device, KernelWorkload.Sizes sizes) {
        int n = sizes.rows();
        SplittableRandom random = new SplittableRandom(11);
        long[] a = new long[n];
        double[] b = new double[n];
        long[] c = new long[n];
        boolean[] aNull = new boolean[n];
        boolean[] bNull = new boolean[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(1000);
            b[i] = random.nextDouble() * 100;
            c[i] = random.nextLong();
            aNull[i] = random.nextInt(20) == 0;
            bNull[i] = random.nextInt(10) == 0;
        }
        ProgramBuilder p = new ProgramBuilder();
        Reg ra = p.input(0, DType.INT64);
        Reg rb = p.input(1, DType.FLOAT64);
        p.output(p.and(p.greaterThan(ra, p.literal(450L)), p.isNotNull(rb)));
        Program condition = p.build();
        Stream stream = device.defaultStream();
        List<Column> inputs = upload(device, stream, HostColumn.fromLongs(a, aNull), HostColumn.fromDoubles(b, bNull),
                HostColumn.fromLongs(c, null));
        long inputBytes = BenchDevices.columnBytes(inputs);
        return workload(new ArrayList<>(inputs), () -> {
            long outputBytes = 0;
            List<Column> flags = ProgramEvaluator.evaluate(device, condition, inputs, n, stream);
            try (Column f = flags.get(0);
                    Compaction.Selected selected = Compaction.selectedRows(device, f.dataAddress(), f.validityAddress(),
                            n, stream)) {
                for (Column in : inputs) {
                    try (Gather.Gathered g = Gather.gather(device, in.data(), in.hasValidity() ? in.validity() : null,
                            n, in.type().sizeInBytes(), selected.indices(), Gather.MapType.INT32, selected.count(),
                            stream)) {
                        outputBytes += g.data().size() + g.validity().size();
                    }
                }
                stream.synchronize();
            }
            return new KernelWorkload.Work(n, inputBytes + outputBytes);
        });
    }

    /**
     * A fused projection: one expression program with three outputs, {@code a + b, c * 2.0, year(d)}
     * ({@link ExpressionPrograms#projection}) over a BIGINT with 5% nulls, b DOUBLE with 10% nulls, c
     * DOUBLE and d DATE. Bytes: the four input columns read, the three output columns written.
     */
    static KernelWorkload projection(Device device, KernelWorkload.Sizes sizes) {
        int n = sizes.rows();
        SplittableRandom random = new SplittableRandom(13);
        long[] a = new long[n];
        double[] b = new double[n];
        double[] c = new double[n];
        int[] d = new int[n];
        boolean[] aNull = new boolean[n];
        boolean[] bNull = new boolean[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(1000) - 100;
            b[i] = random.nextDouble() * 100 - 50;
            c[i] = random.nextDouble() * 10;
            d[i] = random.nextInt(20_000);
            aNull[i] = random.nextInt(20) == 0;
            bNull[i] = random.nextInt(10) == 0;
        }
        Program program = ExpressionPrograms.projection();
        Stream stream = device.defaultStream();
        List<Column> inputs = upload(device, stream, HostColumn.fromLongs(a, aNull), HostColumn.fromDoubles(b, bNull),
                HostColumn.fromDoubles(c, null), HostColumn.fromDates(d, null));
        long inputBytes = BenchDevices.columnBytes(inputs);
        return workload(new ArrayList<>(inputs), () -> {
            List<Column> out = ProgramEvaluator.evaluate(device, program, inputs, n, stream);
            try {
                stream.synchronize();
                return new KernelWorkload.Work(n, inputBytes + BenchDevices.columnBytes(out));
            } finally {
                Closeables.closeAll(out);
            }
        });
    }

    /**
     * {@link Gather#gather} of an INT64 column without nulls by a map of {@code rows} random int32 row
     * indices. Bytes: the map read, one source value read per row, the values and validity written.
     */
    static KernelWorkload gather(Device device, KernelWorkload.Sizes sizes) {
        int n = sizes.rows();
        SplittableRandom random = new SplittableRandom(17);
        int[] map = new int[n];
        for (int i = 0; i < n; i++) {
            map[i] = random.nextInt(n);
        }
        Stream stream = device.defaultStream();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Column src = add(owned, BenchDevices.int64Column(device, CopyWorkloads.randomLongs(n)));
            DeviceBuffer indices = add(owned, BenchDevices.int32Buffer(device, map));
            return workload(owned, () -> {
                try (Gather.Gathered g = Gather.gather(device, src.data(), null, n, 8, indices, Gather.MapType.INT32, n,
                        stream)) {
                    stream.synchronize();
                    return new KernelWorkload.Work(n, 4L * n + 8L * n + g.data().size() + g.validity().size());
                }
            });
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(owned);
            throw e;
        }
    }

    /**
     * {@link PrefixSum#exclusiveSumLong} of {@code rows} int64 values into another array (the total comes
     * back to the host). Bytes: the input read, the output written.
     */
    static KernelWorkload prefixSum(Device device, KernelWorkload.Sizes sizes) {
        int n = sizes.rows();
        List<AutoCloseable> owned = new ArrayList<>();
        Stream stream = device.defaultStream();
        try {
            Column in = add(owned, BenchDevices.int64Column(device, CopyWorkloads.randomLongs(n)));
            DeviceBuffer out = add(owned, device.allocate(8L * n, stream));
            return workload(owned, () -> {
                PrefixSum.exclusiveSumLong(device, in.dataAddress(), out.address(), n, stream);
                stream.synchronize();
                return new KernelWorkload.Work(n, 16L * n);
            });
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(owned);
            throw e;
        }
    }

    /**
     * {@link HashAggregate} of an INT64 key with {@code groups} distinct values (random row order) and
     * two value columns, INT64 with 5% nulls and FLOAT64, computing count(*) and sum, min and max of both
     * (as {@link AggregationBenchmark}); the exact group count sizes the table. Bytes: the three input
     * columns read, the result table written.
     */
    static KernelWorkload hashAggregate(Device device, KernelWorkload.Sizes sizes) {
        int n = sizes.rows();
        long groups = Math.min(sizes.groups(), n);
        SplittableRandom random = new SplittableRandom(19);
        long[] keys = new long[n];
        long[] ints = new long[n];
        boolean[] intNulls = new boolean[n];
        double[] doubles = new double[n];
        for (int i = 0; i < n; i++) {
            keys[i] = random.nextLong(groups) * 0x9E3779B97F4A7C15L;
            ints[i] = random.nextInt(2_000_000) - 1_000_000;
            intNulls[i] = random.nextInt(20) == 0;
            doubles[i] = random.nextDouble() * 1000;
        }
        Stream stream = device.defaultStream();
        List<Column> columns = upload(device, stream, HostColumn.fromLongs(keys, null), HostColumn.fromLongs(ints, intNulls),
                HostColumn.fromDoubles(doubles, null));
        long inputBytes = BenchDevices.columnBytes(columns);
        List<Column> key = List.of(columns.get(0));
        List<Column> values = columns.subList(1, 3);
        return workload(new ArrayList<>(columns), () -> {
            try (HashAggregate.Result result = HashAggregate.aggregate(device, key, values,
                    AggregationBenchmark.AGGREGATIONS, groups, stream)) {
                stream.synchronize();
                return new KernelWorkload.Work(n, inputBytes + result.table().deviceBytes());
            }
        });
    }

    /**
     * {@link HashJoin#build} over {@code joinBuildRows} distinct INT64 keys, then closed. With the
     * default 65,536 keys the table and keys take about 2.5 MB, well inside an H100's 50 MB L2. Bytes:
     * the keys read.
     */
    static KernelWorkload joinBuild(Device device, KernelWorkload.Sizes sizes) {
        JoinKeys keys = JoinKeys.generate(sizes.joinBuildRows(), 0, 0, 23);
        Stream stream = device.defaultStream();
        Column buildKeys = BenchDevices.int64Column(device, keys.build());
        List<AutoCloseable> owned = new ArrayList<>(List.of(buildKeys));
        return workload(owned, () -> {
            try (HashJoin.Build build = HashJoin.build(device, List.of(buildKeys), List.of(false), stream)) {
                stream.synchronize();
                return new KernelWorkload.Work(build.rowCount(), buildKeys.data().size());
            }
        });
    }

    /**
     * An inner join probe of {@code rows} INT64 keys (10% misses) against a table over {@code
     * joinBuildRows} distinct keys built once (L2-resident at the default size), taking the gather maps in
     * chunks of {@link #JOIN_CHUNK_ROWS}. Bytes: the probe keys read, the two int32 gather maps written.
     */
    static KernelWorkload joinProbe(Device device, KernelWorkload.Sizes sizes) {
        JoinKeys keys = JoinKeys.generate(sizes.joinBuildRows(), sizes.rows(), 0.1, 29);
        Stream stream = device.defaultStream();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Column buildKeys = add(owned, BenchDevices.int64Column(device, keys.build()));
            Column probeKeys = add(owned, BenchDevices.int64Column(device, keys.probe()));
            HashJoin.Build build = add(owned, HashJoin.build(device, List.of(buildKeys), List.of(false), stream));
            stream.synchronize();
            return workload(owned, () -> {
                long pairs = 0;
                try (HashJoinProbe chunks = build.probe(List.of(probeKeys), HashJoin.JoinType.INNER, JOIN_CHUNK_ROWS,
                        stream)) {
                    while (chunks.hasNext()) {
                        try (HashJoin.Chunk chunk = chunks.next()) {
                            pairs += chunk.rows();
                        }
                    }
                    stream.synchronize();
                }
                if (pairs != keys.matches()) {
                    throw new IllegalStateException("the probe produced " + pairs + " pairs, expected " + keys.matches());
                }
                return new KernelWorkload.Work(probeKeys.rowCount(), probeKeys.data().size() + 8 * pairs);
            });
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(owned);
            throw e;
        }
    }

    /** The key columns of the sort workloads. */
    enum SortKeys {
        /** One INT32 column of random values over the whole range, no nulls. */
        INT32,
        /** One INT64 column of random values over the whole range, no nulls. */
        INT64,
        /**
         * An INT32 column of 1,000 distinct values with 5% nulls (ascending, nulls first), then a random
         * INT64 column (descending) that orders the ties.
         */
        INT32_INT64,
        /** One STRING column of 4 to 24 random ASCII bytes, 5% nulls: nearly every 7-byte prefix unique. */
        STRING
    }

    /**
     * {@link RadixSort#sortOrder} of {@code rows} rows by the keys, which returns the sorted order (the
     * gather map), without the gather. Bytes: the key columns read once (values, validity, a string's
     * offsets and bytes) and the int32 order written, so GB/s compare with a copy though a radix sort
     * reads and writes each row's words once per pass.
     */
    static KernelWorkload sort(Device device, KernelWorkload.Sizes sizes, SortKeys keys) {
        int n = sizes.rows();
        SplittableRandom random = new SplittableRandom(23);
        Stream stream = device.defaultStream();
        List<Column> columns = switch (keys) {
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = random.nextInt();
                }
                yield upload(device, stream, HostColumn.fromInts(v, null));
            }
            case INT64 -> upload(device, stream, HostColumn.fromLongs(CopyWorkloads.randomLongs(n), null));
            case INT32_INT64 -> {
                int[] v = new int[n];
                boolean[] nulls = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = random.nextInt(1_000);
                    nulls[i] = random.nextInt(20) == 0;
                }
                yield upload(device, stream, HostColumn.fromInts(v, nulls),
                        HostColumn.fromLongs(CopyWorkloads.randomLongs(n), null));
            }
            case STRING -> {
                byte[][] v = new byte[n][];
                for (int i = 0; i < n; i++) {
                    if (random.nextInt(20) != 0) {
                        v[i] = new byte[4 + random.nextInt(21)];
                        for (int j = 0; j < v[i].length; j++) {
                            v[i][j] = (byte) (0x20 + random.nextInt(0x5f));
                        }
                    }
                }
                yield upload(device, stream, HostColumn.fromUtf8(v));
            }
        };
        List<SortKey> order = keys == SortKeys.INT32_INT64 ? List.of(SortKey.ASCENDING, SortKey.DESCENDING)
                : List.of(SortKey.ASCENDING);
        long inputBytes = BenchDevices.columnBytes(columns);
        for (Column c : columns) {
            inputBytes += c.offsets() != null ? c.offsets().size() : 0;
        }
        long keyBytes = inputBytes;
        return workload(new ArrayList<>(columns), () -> {
            try (DeviceBuffer sorted = RadixSort.sortOrder(device, columns, order, stream)) {
                stream.synchronize();
                return new KernelWorkload.Work(n, keyBytes + sorted.size());
            }
        });
    }

    /** Uploads host columns (closing them) as device columns the caller owns. */
    private static List<Column> upload(Device device, Stream stream, HostColumn... host) {
        try (ColumnTransfer transfer = ColumnTransfer.create(device); HostTable table = HostTable.of(host);
                Table onDevice = transfer.toDevice(table, stream)) {
            List<Column> columns = new ArrayList<>();
            for (Column c : onDevice.columns()) {
                columns.add(c.incRef());
            }
            stream.synchronize();
            return columns;
        }
    }
}
