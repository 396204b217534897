package dev.ember.bench;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.ops.HashJoin;
import dev.ember.cuda.ops.HashJoin.JoinType;
import dev.ember.cuda.ops.HashJoinProbe;
import java.util.List;
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
 * GPU hash join ({@link HashJoin}) of one INT64 key column per side, data resident on the device:
 * {@link #build} builds the hash table over {@code buildRows} distinct keys (and closes it), {@link
 * #probe} probes a table built once per trial with {@code probeRows} keys drawn from the build keys
 * plus {@code missFraction} misses (an inner join: one pair per matching probe row), taking the result
 * as gather maps in chunks of at most {@code chunkRows} pairs and closing each. Keys are generated on the
 * host once per trial and uploaded in the setup, which is not timed; each invocation waits for the
 * stream, and {@link #probe} checks the pair count.
 *
 * <p>The build size varies by {@code @Param}, so {@code @OperationsPerInvocation} (a constant) cannot
 * count rows: the counters {@link BuildCounters#buildRows} and {@link ProbeCounters#probeRows} do.
 * They are JMH operation counters, reported as rates: build rows per second and probe rows per second
 * ({@link RunJoinBenchmarks} prints them by those names). The primary score, invocations per second,
 * is not the figure to read.
 *
 * <p>{@code probeRows} defaults to 20,000,000, meant for a GPU; the CPU emulation takes a smaller
 * {@code -p probeRows=...} ({@link RunJoinBenchmarks} passes 2,000,000 there unless told otherwise).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
public class HashJoinBenchmark {
    /** Room for the 50M-row table (3 x 2^27 int32 slots, keys, hashes, rows) and a 20M-row probe. */
    static final long POOL_LIMIT_BYTES = 16L << 30;
    static final String BUILD_METHOD = "build";
    static final String PROBE_METHOD = "probe";
    static final long SEED = 42;

    /** Distinct build keys. */
    @Param({"1000", "1000000", "50000000"})
    public int buildRows;

    /** Probe rows per {@link #probe} invocation. */
    @Param({"20000000"})
    public int probeRows;

    /** The fraction of probe rows whose key is in no build row. */
    @Param({"0.1"})
    public double missFraction;

    /** The most pairs per result chunk (the gather maps of one output batch). */
    @Param({"4194304"})
    public int chunkRows;

    private Device device;
    private Stream stream;
    private Column buildKeys;
    private Column probeKeys;
    private HashJoin.Build table;
    private long expectedPairs;

    /** Counts built rows; JMH reports the count per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class BuildCounters {
        public long buildRows;

        @Setup(Level.Iteration)
        public void reset() {
            buildRows = 0;
        }
    }

    /** Counts probed rows; JMH reports the count per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ProbeCounters {
        public long probeRows;

        @Setup(Level.Iteration)
        public void reset() {
            probeRows = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        setUp(params.getBenchmark().endsWith("." + PROBE_METHOD));
    }

    /** Uploads the build keys and, for {@link #probe}, the probe keys and builds the table. */
    void setUp(boolean forProbe) {
        device = BenchDevices.open(POOL_LIMIT_BYTES);
        stream = device.defaultStream();
        JoinKeys keys = JoinKeys.generate(buildRows, forProbe ? probeRows : 0, missFraction, SEED);
        buildKeys = BenchDevices.int64Column(device, keys.build());
        if (forProbe) {
            probeKeys = BenchDevices.int64Column(device, keys.probe());
            expectedPairs = keys.matches();
            table = HashJoin.build(device, List.of(buildKeys), List.of(false), stream);
        }
        stream.synchronize();
    }

    @Benchmark
    public long build(BuildCounters counters) {
        try (HashJoin.Build built = HashJoin.build(device, List.of(buildKeys), List.of(false), stream)) {
            stream.synchronize();
            counters.buildRows += built.rowCount();
            return built.matchableRows();
        }
    }

    @Benchmark
    public long probe(ProbeCounters counters) {
        long pairs = 0;
        try (HashJoinProbe chunks = table.probe(List.of(probeKeys), JoinType.INNER, chunkRows, stream)) {
            while (chunks.hasNext()) {
                try (HashJoin.Chunk chunk = chunks.next()) {
                    pairs += chunk.rows();
                }
            }
            stream.synchronize();
        }
        if (pairs != expectedPairs) {
            throw new IllegalStateException("the probe produced " + pairs + " pairs, expected " + expectedPairs);
        }
        counters.probeRows += probeRows;
        return pairs;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (table != null) {
                table.close();
                table = null;
            }
            for (Column c : new Column[] {buildKeys, probeKeys}) {
                if (c != null) {
                    c.close();
                }
            }
            buildKeys = null;
            probeKeys = null;
        } finally {
            BenchDevices.close(device);
            device = null;
        }
    }
}
