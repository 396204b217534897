package dev.ember.bench;

import dev.ember.cuda.column.HostTable;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.spark.io.CompressionCodec;
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
 * Shuffle write and read on the host, one thread (one core): Spark's row shuffle ({@code
 * UnsafeRowSerializer}) against Ember's columnar shuffle (Arrow IPC record batches of host tables),
 * the same rows ({@link ShuffleWorkload}) through the same Spark compression codec into {@code
 * partitions} in-memory streams, as {@link ShufflePaths} describes.
 *
 * <ul>
 *   <li>{@code sparkWrite}: the UnsafeRows in input order, each to its partition's stream.
 *   <li>{@code sparkRead}: every partition's stream deserialized, every row's fields read.
 *   <li>{@code emberWrite}: the partition-ordered host table, one record batch per partition.
 *   <li>{@code emberRead}: every partition's record batches read and concatenated into one table.
 * </ul>
 *
 * <p>The trial setup (not timed) generates the rows, builds the form the method starts from (the
 * UnsafeRows, or the host table sorted by partition, which the GPU would have produced) and, for the
 * read methods, writes the partitions once with the same path. Results are the {@link Counters}:
 * {@code rows}, {@code serializedBytes} (the serializer's bytes before compression: Spark's row
 * records, Ember's IPC messages) and {@code compressedBytes} (the bytes stored), which JMH reports
 * per second. {@link RunShuffleBenchmarks} runs all of them and prints Ember/Spark ratios.
 *
 * <p>Spark is not in the shaded jar: run with Spark's classpath next to it (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+IgnoreUnrecognizedVMOptions",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false"})
public class ShuffleBenchmark {
    static final String SPARK_WRITE = "sparkWrite";
    static final String SPARK_READ = "sparkRead";
    static final String EMBER_WRITE = "emberWrite";
    static final String EMBER_READ = "emberRead";

    /** {@code lineitem} (numbers, a decimal, a date, two strings with nulls) or {@code numeric} (no strings). */
    @Param({ShuffleWorkload.LINEITEM, ShuffleWorkload.NUMERIC})
    public String schema;

    /** Spark's codec ({@code spark.io.compression.codec}); lz4 is Spark's default. */
    @Param({"lz4", "zstd"})
    public String codec;

    @Param({"1000000"})
    public int rows;

    /** Reduce partitions: 200 is Spark's default and the largest count the bypass-merge writer takes. */
    @Param({"200"})
    public int partitions;

    private ShuffleWorkload workload;
    private CompressionCodec compression;
    private ShufflePaths.Sink[] sinks;
    private ShuffleWorkload.SparkRows sparkRows;
    private HostTable table;
    /** The bytes of the setup's write, counted again by each read of the same partitions. */
    private ShufflePaths.Bytes written;

    /** Rows and bytes of the invocations of one iteration; JMH reports them per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long rows;
        public long serializedBytes;
        public long compressedBytes;

        @Setup(Level.Iteration)
        public void reset() {
            rows = 0;
            serializedBytes = 0;
            compressedBytes = 0;
        }

        void add(ShufflePaths.Bytes bytes) {
            rows += bytes.rows();
            serializedBytes += bytes.serialized();
            compressedBytes += bytes.compressed();
        }
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException {
        String benchmark = params.getBenchmark();
        setUp(benchmark.substring(benchmark.lastIndexOf('.') + 1));
    }

    void setUp(String method) throws IOException {
        workload = ShuffleWorkload.generate(schema, rows, partitions);
        compression = ShufflePaths.codec(codec);
        sinks = ShufflePaths.sinks(partitions);
        switch (method) {
            case SPARK_WRITE, SPARK_READ -> {
                sparkRows = workload.sparkRows();
                written = ShufflePaths.sparkWrite(sparkRows, workload.partitionIds, compression, sinks);
                if (method.equals(SPARK_READ)) {
                    sparkRows = null;
                }
            }
            case EMBER_WRITE, EMBER_READ -> {
                table = workload.partitionedTable();
                written = ShufflePaths.emberWrite(table, workload.partitionStarts, compression, sinks);
                if (method.equals(EMBER_READ)) {
                    table.close();
                    table = null;
                }
            }
            default -> throw new IllegalArgumentException("no setup for benchmark method " + method);
        }
    }

    @Benchmark
    public long sparkWrite(Counters counters) {
        ShufflePaths.Bytes bytes = ShufflePaths.sparkWrite(sparkRows, workload.partitionIds, compression, sinks);
        counters.add(bytes);
        return bytes.compressed();
    }

    @Benchmark
    public long sparkRead(Counters counters) {
        ShufflePaths.FieldChecksum checksum = new ShufflePaths.FieldChecksum(workload.kinds);
        long read = ShufflePaths.sparkRead(workload.columnCount(), sinks, compression, checksum);
        if (read != rows) {
            throw new IllegalStateException(read + " rows read, " + rows + " written");
        }
        counters.add(written);
        return checksum.sum;
    }

    @Benchmark
    public long emberWrite(Counters counters) throws IOException {
        ShufflePaths.Bytes bytes = ShufflePaths.emberWrite(table, workload.partitionStarts, compression, sinks);
        counters.add(bytes);
        return bytes.compressed();
    }

    @Benchmark
    public long emberRead(Counters counters) throws IOException {
        try (HostTable read = ShufflePaths.emberRead(workload.types, sinks, compression)) {
            if (read.rowCount() != rows) {
                throw new IllegalStateException(read.rowCount() + " rows read, " + rows + " written");
            }
            counters.add(written);
            return read.column(0).dataBuffer().memoryAddress();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (table != null) {
            table.close();
            table = null;
        }
        sparkRows = null;
        sinks = null;
        workload = null;
    }
}
