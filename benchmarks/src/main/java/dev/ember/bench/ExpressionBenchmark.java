package dev.ember.bench;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.Devices;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.expr.Program;
import dev.ember.cuda.expr.ProgramEvaluator;
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

/**
 * The expression interpreter ({@code ember_eval_program} through {@link ProgramEvaluator}) over 1M-row
 * device tables: one operation per row, so JMH's throughput is rows per second. The device is
 * {@code -Dember.device} (emulated by default, {@code cuda} on a GPU).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ExpressionBenchmark.ROWS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
public class ExpressionBenchmark {
    public static final int ROWS = 1_000_000;
    public static final String DEVICE_PROPERTY = "ember.device";

    @Param({"filter", "projection", "mixed20"})
    public String program;

    private Device device;
    private Stream stream;
    private Program compiled;
    /** {@link #ROWS}; smaller only in the benchmarks' smoke test, which calls {@link #setUp(int)}. */
    private int rows;
    private final List<Column> inputs = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() {
        setUp(ROWS);
    }

    void setUp(int rowCount) {
        rows = rowCount;
        DeviceKind kind = DeviceKind.parse(System.getProperty(DEVICE_PROPERTY, "emulated"));
        device = Devices.open(kind, 4L << 30).orElseThrow(() -> new IllegalStateException(
                "no device of kind " + kind.configValue() + ": " + Devices.cudaStatus().reason()));
        stream = device.defaultStream();
        compiled = ExpressionPrograms.named(program);
        Random r = new Random(42);
        long[] a = new long[rows];
        double[] b = new double[rows];
        double[] c = new double[rows];
        int[] d = new int[rows];
        boolean[] aNull = new boolean[rows];
        boolean[] bNull = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            a[i] = r.nextInt(1000) - 100;
            b[i] = r.nextGaussian() * 50;
            c[i] = r.nextDouble() * 10;
            d[i] = r.nextInt(20_000);
            aNull[i] = r.nextInt(20) == 0;
            bNull[i] = r.nextInt(10) == 0;
        }
        try (ColumnTransfer transfer = ColumnTransfer.create(device);
                HostTable host = HostTable.of(HostColumn.fromLongs(a, aNull), HostColumn.fromDoubles(b, bNull),
                        HostColumn.fromDoubles(c, null), HostColumn.fromDates(d, null))) {
            var table = transfer.toDevice(host, stream);
            for (Column col : table.columns()) {
                inputs.add(col.incRef());
            }
            table.close();
        }
    }

    @Benchmark
    public long evaluate() {
        List<Column> out = ProgramEvaluator.evaluate(device, compiled, inputs, rows, stream);
        stream.synchronize();
        long total = 0;
        for (Column c : out) {
            total += c.rowCount();
            c.close();
        }
        return total;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inputs.forEach(Column::close);
        inputs.clear();
        BenchDevices.close(device);
    }
}
