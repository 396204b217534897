package dev.ember.bench;

import dev.ember.cuda.Device;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Single kernels and operator steps on data resident on the device, with their ceilings: one method
 * per {@link KernelCase}, each running that case's {@link KernelWorkload} once per invocation (and
 * waiting for the device). The setup allocates only the workload of the method being run; it is not
 * timed.
 *
 * <p>Results are the {@link Counters}: {@code rows} (input rows) and {@code bytes} (bytes read plus
 * written, or copied, as each workload defines), which JMH reports as rates, i.e. rows/s and bytes/s.
 * {@link RunKernelBenchmarks} runs the kernels and the ceilings in one JMH invocation and prints each
 * kernel's GB/s next to its ceiling's.
 *
 * <p>{@code rows} defaults to 33,554,432 (256 MiB per int64 column), enough to saturate a GPU's
 * memory; the CPU emulation takes a smaller {@code -p rows=...}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
public class KernelBenchmarks {
    static final long POOL_LIMIT_BYTES = 16L << 30;

    /** Rows (int64 values) per invocation. */
    @Param({"33554432"})
    public int rows;

    /** Distinct build keys of the join cases: 65,536 keep the table (about 2.5 MB) in an H100's L2. */
    @Param({"65536"})
    public int joinBuildRows;

    /** Distinct keys of the hash aggregate. */
    @Param({"10000"})
    public int groups;

    private Device device;
    private KernelWorkload workload;

    /** Rows and bytes of the invocations of one iteration; JMH reports them per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long rows;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            rows = 0;
            bytes = 0;
        }

        void add(KernelWorkload.Work work) {
            rows += work.rows();
            bytes += work.bytes();
        }
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        setUp(KernelCase.forMethod(benchmark.substring(benchmark.lastIndexOf('.') + 1)));
    }

    void setUp(KernelCase kernel) {
        device = BenchDevices.open(POOL_LIMIT_BYTES);
        try {
            workload = kernel.create(device, new KernelWorkload.Sizes(rows, joinBuildRows, groups));
        } catch (RuntimeException | Error e) {
            device.close();
            throw e;
        }
    }

    @Benchmark
    public void copyDeviceToDevice(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void copyHostToDevicePinned(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void copyDeviceToHostPinned(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void filter(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void projection(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void gather(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void prefixSum(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void sortInt32(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void sortInt64(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void sortTwoKeys(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void sortStrings(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void hashAggregate(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void joinBuild(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void joinProbe(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void hostToDevice(Counters counters) {
        counters.add(workload.run());
    }

    @Benchmark
    public void deviceToHost(Counters counters) {
        counters.add(workload.run());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (workload != null) {
                workload.close();
                workload = null;
            }
        } finally {
            BenchDevices.close(device);
            device = null;
        }
    }
}
