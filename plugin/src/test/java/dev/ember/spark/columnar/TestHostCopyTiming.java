package dev.ember.spark.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;

/**
 * Times the copy of 1M-row Spark batches (long, double, int; 10% nulls) into host columns by each
 * path and prints the figures (not asserted: timings depend on the machine); asserts that every path
 * produced the same bytes.
 */
class TestHostCopyTiming {
    private static final int ROWS = 1 << 20;
    private static final DataType[] TYPES = {DataTypes.LongType, DataTypes.DoubleType, DataTypes.IntegerType};
    private static final int ROUNDS = 7;

    private static WritableColumnVector fill(WritableColumnVector v, DataType type, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < ROWS; i++) {
            if (r.nextInt(10) == 0) {
                v.putNull(i);
            } else if (type == DataTypes.LongType) {
                v.putLong(i, r.nextLong());
            } else if (type == DataTypes.DoubleType) {
                v.putDouble(i, r.nextGaussian());
            } else {
                v.putInt(i, r.nextInt());
            }
        }
        return v;
    }

    private static ColumnarBatch batch(Function<DataType, WritableColumnVector> create, boolean forwarding) {
        ColumnVector[] vectors = new ColumnVector[TYPES.length];
        for (int c = 0; c < TYPES.length; c++) {
            WritableColumnVector v = fill(create.apply(TYPES[c]), TYPES[c], c);
            vectors[c] = forwarding ? new ForwardingVector(v) : v;
        }
        return new ColumnarBatch(vectors, ROWS);
    }

    /** Best time of {@link #ROUNDS} copies, in milliseconds; {@code last} receives the final copy's bytes. */
    private static double time(ColumnarBatch batch, StructType schema, List<byte[]> last) {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            try (HostTable t = HostBatches.fromSparkBatch(batch, schema)) {
                best = Math.min(best, System.nanoTime() - start);
                if (round == ROUNDS - 1) {
                    for (HostColumn c : t.columns()) {
                        byte[] bytes = new byte[(int) c.dataBytes()];
                        c.dataBuffer().getBytes(0, bytes);
                        last.add(bytes);
                        byte[] bits = new byte[(ROWS + 7) / 8];
                        c.validityBuffer().getBytes(0, bits);
                        last.add(bits);
                    }
                }
            }
        }
        return best / 1e6;
    }

    @Test
    void bulkPathsAgainstValueByValue() {
        StructType schema = new StructType().add("l", DataTypes.LongType).add("d", DataTypes.DoubleType)
                .add("i", DataTypes.IntegerType);
        List<byte[]> perValue = new ArrayList<>();
        List<byte[]> onHeap = new ArrayList<>();
        List<byte[]> offHeap = new ArrayList<>();
        double perValueMs;
        double onHeapMs;
        double offHeapMs;
        try (ColumnarBatch b = batch(t -> new OnHeapColumnVector(ROWS, t), true)) {
            perValueMs = time(b, schema, perValue);
        }
        try (ColumnarBatch b = batch(t -> new OnHeapColumnVector(ROWS, t), false)) {
            onHeapMs = time(b, schema, onHeap);
        }
        try (ColumnarBatch b = batch(t -> new OffHeapColumnVector(ROWS, t), false)) {
            offHeapMs = time(b, schema, offHeap);
        }
        double mib = ROWS * 20.0 / (1 << 20);
        System.out.printf(Locale.ROOT, "host batch copy, %d rows x (long, double, int), 10%% nulls, %.0f MiB of values: "
                + "value by value %.1f ms (%.0f MiB/s), on-heap bulk %.1f ms (%.0f MiB/s), off-heap bulk %.1f ms "
                + "(%.0f MiB/s)%n", ROWS, mib, perValueMs, mib / perValueMs * 1e3, onHeapMs, mib / onHeapMs * 1e3,
                offHeapMs, mib / offHeapMs * 1e3);
        assertThat(onHeap).hasSameSizeAs(perValue);
        for (int i = 0; i < perValue.size(); i++) {
            assertThat(Arrays.equals(onHeap.get(i), perValue.get(i))).as("on-heap buffer %d equal", i).isTrue();
            assertThat(Arrays.equals(offHeap.get(i), perValue.get(i))).as("off-heap buffer %d equal", i).isTrue();
        }
    }
}
