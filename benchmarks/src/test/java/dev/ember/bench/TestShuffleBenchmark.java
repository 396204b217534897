package dev.ember.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shuffle benchmark's two paths move the same rows: each path's write then read gives back every
 * generated row, partition after partition in input order within a partition, with every value and
 * null equal to the generated one; and each benchmark method runs once with a small size (under the
 * cuda test-jar's leak check, so host tables are closed).
 */
class TestShuffleBenchmark {
    private static final int ROWS = 5_003;

    @ParameterizedTest
    @CsvSource({"lineitem, lz4, 200", "lineitem, zstd, 7", "numeric, lz4, 13", "numeric, zstd, 31"})
    void bothPathsRoundTripTheSameRows(String schema, String codecName, int partitions) throws Exception {
        ShuffleWorkload w = ShuffleWorkload.generate(schema, ROWS, partitions);
        CompressionCodec codec = ShufflePaths.codec(codecName);
        assertThat(w.columnCount()).isEqualTo(schema.equals(ShuffleWorkload.LINEITEM) ? 11 : 9);
        // No partition is empty at 5,003 rows, so each path writes a record into every stream.
        for (int p = 0; p < partitions; p++) {
            assertThat(w.partitionStarts[p + 1]).isGreaterThan(w.partitionStarts[p]);
        }

        ShufflePaths.Sink[] sparkSinks = ShufflePaths.sinks(partitions);
        ShufflePaths.Bytes sparkBytes = ShufflePaths.sparkWrite(w.sparkRows(), w.partitionIds, codec, sparkSinks);
        assertThat(sparkBytes.rows()).isEqualTo(ROWS);
        assertThat(sparkBytes.compressed()).isPositive().isLessThan(sparkBytes.serialized());
        List<UnsafeRow> sparkRows = new ArrayList<>();
        long read = ShufflePaths.sparkRead(w.columnCount(), sparkSinks, codec, row -> sparkRows.add(row.copy()));
        assertThat(read).isEqualTo(ROWS);
        for (int j = 0; j < ROWS; j++) {
            assertSparkRow(w, sparkRows.get(j), w.order[j]);
        }

        ShufflePaths.Sink[] emberSinks = ShufflePaths.sinks(partitions);
        ShufflePaths.Bytes emberBytes;
        try (HostTable table = w.partitionedTable()) {
            emberBytes = ShufflePaths.emberWrite(table, w.partitionStarts, codec, emberSinks);
        }
        assertThat(emberBytes.rows()).isEqualTo(ROWS);
        assertThat(emberBytes.compressed()).isPositive().isLessThan(emberBytes.serialized());
        try (HostTable table = ShufflePaths.emberRead(w.types, emberSinks, codec)) {
            assertThat(table.rowCount()).isEqualTo(ROWS);
            for (int c = 0; c < w.columnCount(); c++) {
                assertThat(table.column(c).type()).isEqualTo(w.types.get(c));
                for (int j = 0; j < ROWS; j++) {
                    assertEmberValue(w, table.column(c), c, j, w.order[j]);
                }
            }
        }
    }

    private static void assertSparkRow(ShuffleWorkload w, UnsafeRow row, int i) {
        assertThat(row.numFields()).isEqualTo(w.columnCount());
        for (int c = 0; c < w.columnCount(); c++) {
            assertThat(row.isNullAt(c)).as("null flag of row %d column %d", i, c).isEqualTo(w.isNull(c, i));
            if (w.isNull(c, i)) {
                continue;
            }
            Object values = w.columns[c];
            switch (w.kinds[c]) {
                case LONG -> assertThat(row.getLong(c)).isEqualTo(((long[]) values)[i]);
                case DECIMAL -> assertThat(row.getDecimal(c, 12, 2).toUnscaledLong()).isEqualTo(((long[]) values)[i]);
                case INT, DATE -> assertThat(row.getInt(c)).isEqualTo(((int[]) values)[i]);
                case DOUBLE -> assertThat(row.getDouble(c)).isEqualTo(((double[]) values)[i]);
                case STRING -> assertThat(row.getUTF8String(c).getBytes()).isEqualTo(((byte[][]) values)[i]);
            }
        }
    }

    private static void assertEmberValue(ShuffleWorkload w, HostColumn column, int c, int j, int i) {
        assertThat(column.isNull(j)).as("null flag of row %d column %d", i, c).isEqualTo(w.isNull(c, i));
        if (w.isNull(c, i)) {
            return;
        }
        Object values = w.columns[c];
        switch (w.kinds[c]) {
            case LONG, DECIMAL -> assertThat(column.getLong(j)).isEqualTo(((long[]) values)[i]);
            case INT, DATE -> assertThat(column.getInt(j)).isEqualTo(((int[]) values)[i]);
            case DOUBLE -> assertThat(column.getDouble(j)).isEqualTo(((double[]) values)[i]);
            case STRING -> assertThat(column.getUtf8(j)).isEqualTo(((byte[][]) values)[i]);
        }
    }

    @ParameterizedTest
    @CsvSource({"sparkWrite, lineitem", "sparkRead, lineitem", "emberWrite, lineitem", "emberRead, lineitem",
        "sparkWrite, numeric", "emberRead, numeric"})
    void eachMethodRunsOnce(String method, String schema) throws Exception {
        ShuffleBenchmark benchmark = new ShuffleBenchmark();
        benchmark.schema = schema;
        benchmark.codec = "lz4";
        benchmark.rows = ROWS;
        // Few partitions: with assertions on (as in the tests), Arrow's allocator records every buffer,
        // which makes each IPC message slow to write and read.
        benchmark.partitions = 16;
        benchmark.setUp(method);
        try {
            ShuffleBenchmark.Counters counters = new ShuffleBenchmark.Counters();
            counters.reset();
            switch (method) {
                case ShuffleBenchmark.SPARK_WRITE -> benchmark.sparkWrite(counters);
                case ShuffleBenchmark.SPARK_READ -> benchmark.sparkRead(counters);
                case ShuffleBenchmark.EMBER_WRITE -> benchmark.emberWrite(counters);
                case ShuffleBenchmark.EMBER_READ -> benchmark.emberRead(counters);
                default -> throw new IllegalArgumentException(method);
            }
            assertThat(counters.rows).isEqualTo(ROWS);
            assertThat(counters.serializedBytes).isGreaterThan(counters.compressedBytes);
            assertThat(counters.compressedBytes).isPositive();
        } finally {
            benchmark.tearDown();
        }
    }
}
