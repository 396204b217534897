package dev.ember.bench;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.Devices;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.ops.HashAggregate;
import dev.ember.cuda.ops.HashAggregate.Aggregation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * GPU hash aggregation ({@link HashAggregate}) of one INT64 key column and two value columns (INT64
 * with 5% nulls, FLOAT64) computing count(*), and sum, min and max of both values, for {@code groups}
 * distinct keys in random row order. One operation per input row, so JMH's throughput is aggregated
 * rows per second.
 *
 * <p>{@code @OperationsPerInvocation} must be a constant, so the row count is chosen by the method:
 * {@link #rows20M} for a GPU ({@code -Dember.device=cuda}) and {@link #rows1M} for the CPU emulation
 * (the default device), which is too slow for 20M rows per invocation. Run only the method meant for
 * the device: {@link RunAggregationBenchmarks} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
public class AggregationBenchmark {
    public static final int CUDA_ROWS = 20_000_000;
    public static final int EMULATED_ROWS = 1_000_000;
    static final String CUDA_METHOD = "rows20M";
    static final String EMULATED_METHOD = "rows1M";

    /** Distinct keys in the input (at most the row count: beyond it every row is its own group). */
    @Param({"10", "10000", "10000000"})
    public int groups;

    static final List<Aggregation> AGGREGATIONS = List.of(Aggregation.countAll(),
            Aggregation.sum(0), Aggregation.min(0), Aggregation.max(0),
            Aggregation.sum(1), Aggregation.min(1), Aggregation.max(1));

    private Device device;
    private Stream stream;
    private Column key;
    private final List<Column> values = new ArrayList<>();
    private long distinct;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        setUp(params.getBenchmark().endsWith("." + CUDA_METHOD) ? CUDA_ROWS : EMULATED_ROWS);
    }

    /** Uploads {@code rows} rows; the benchmarks' smoke test calls it with a tiny count. */
    void setUp(int rows) {
        DeviceKind kind = DeviceKind.parse(System.getProperty(ExpressionBenchmark.DEVICE_PROPERTY, "emulated"));
        device = Devices.open(kind, 4L << 30).orElseThrow(() -> new IllegalStateException(
                "no device of kind " + kind.configValue() + ": " + Devices.cudaStatus().reason()));
        stream = device.defaultStream();
        distinct = Math.min(groups, rows);
        Random r = new Random(42);
        // Columns are built and uploaded one at a time to keep the host's peak memory low at 20M rows.
        try (ColumnTransfer transfer = ColumnTransfer.create(device)) {
            key = upload(transfer, HostColumn.fromLongs(keys(rows, distinct, r), null));
            long[] ints = new long[rows];
            boolean[] intNulls = new boolean[rows];
            for (int i = 0; i < rows; i++) {
                ints[i] = r.nextInt(2_000_000) - 1_000_000;
                intNulls[i] = r.nextInt(20) == 0;
            }
            values.add(upload(transfer, HostColumn.fromLongs(ints, intNulls)));
            ints = null;
            double[] doubles = new double[rows];
            for (int i = 0; i < rows; i++) {
                doubles[i] = r.nextGaussian() * 1000;
            }
            values.add(upload(transfer, HostColumn.fromDoubles(doubles, null)));
        }
        stream.synchronize();
    }

    /**
     * Exactly {@code distinct} keys, each on rows / distinct rows (give or take one), shuffled; the
     * keys are spread over the int64 range by an odd multiplier (a bijection), not consecutive.
     */
    private static long[] keys(int rows, long distinct, Random r) {
        long[] keys = new long[rows];
        for (int i = 0; i < rows; i++) {
            keys[i] = (i % distinct) * 0x9E3779B97F4A7C15L;
        }
        for (int i = rows - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        return keys;
    }

    private Column upload(ColumnTransfer transfer, HostColumn host) {
        try (host) {
            return transfer.toDevice(host, stream);
        }
    }

    /** The input on a GPU: 20M rows per invocation. */
    @Benchmark
    @OperationsPerInvocation(CUDA_ROWS)
    public long rows20M() {
        return aggregate();
    }

    /** The input on the CPU emulation: 1M rows per invocation. */
    @Benchmark
    @OperationsPerInvocation(EMULATED_ROWS)
    public long rows1M() {
        return aggregate();
    }

    private long aggregate() {
        // The exact group count sizes the table, as a planner's estimate would at best: no rebuilds.
        try (HashAggregate.Result result = HashAggregate.aggregate(device, List.of(key), values, AGGREGATIONS,
                distinct, stream)) {
            stream.synchronize();
            long out = result.table().rowCount();
            if (out != distinct) {
                throw new IllegalStateException("aggregation produced " + out + " groups, expected " + distinct);
            }
            return out;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (key != null) {
            key.close();
            key = null;
        }
        values.forEach(Column::close);
        values.clear();
        BenchDevices.close(device);
    }
}
