package dev.ember.spark.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.memory.HostMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spark string vectors and rows → STRING host columns (offsets, bytes, nulls; copy path taken), and
 * host columns → UTF8Strings, with ASCII, 2-, 3- and 4-byte code points, empty strings and nulls.
 */
class TestStringHostCopies {
    private static final StructType SCHEMA = new StructType().add("s", DataTypes.StringType, true);
    private static final int[] BATCH_ROWS = {13, 64, 1, 100, 0, 37, 8};

    private final List<AutoCloseable> open = new ArrayList<>();
    private final BufferAllocator arrow = HostMemory.allocator().newChildAllocator("test-arrow", 0, Long.MAX_VALUE);

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        arrow.close();
    }

    /** A random string (null about one time in six, empty one in ten) mixing 1- to 4-byte UTF-8 code points. */
    static String randomString(Random r) {
        int kind = r.nextInt(60);
        if (kind < 10) {
            return null;
        }
        if (kind < 16) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        int length = r.nextInt(kind < 50 ? 12 : 200);
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(5)) {
                case 0 -> b.appendCodePoint(0x80 + r.nextInt(0x780));          // 2 bytes
                case 1 -> b.appendCodePoint(0x800 + r.nextInt(0xD000 - 0x800)); // 3 bytes
                case 2 -> b.appendCodePoint(0x10000 + r.nextInt(0x10000));     // 4 bytes (a surrogate pair)
                default -> b.append((char) (0x20 + r.nextInt(0x5F)));         // ASCII
            }
        }
        return b.toString();
    }

    private static List<String> values(int n, Random r) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(randomString(r));
        }
        return out;
    }

    private static void put(WritableColumnVector v, int row, String value) {
        if (value == null) {
            v.putNull(row);
        } else {
            v.putByteArray(row, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private ColumnVector writable(boolean onHeap, List<String> values) {
        WritableColumnVector v = onHeap ? new OnHeapColumnVector(Math.max(1, values.size()), DataTypes.StringType)
                : new OffHeapColumnVector(Math.max(1, values.size()), DataTypes.StringType);
        open.add(v);
        for (int i = 0; i < values.size(); i++) {
            put(v, i, values.get(i));
        }
        return v;
    }

    private ColumnVector arrowVector(List<String> values) {
        VarCharVector v = new VarCharVector("s", arrow);
        v.allocateNew();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                v.setNull(i);
            } else {
                v.setSafe(i, values.get(i).getBytes(StandardCharsets.UTF_8));
            }
        }
        v.setValueCount(values.size());
        ArrowColumnVector a = new ArrowColumnVector(v);
        open.add(a);
        return a;
    }

    private static void assertColumn(HostColumn c, List<String> expected) {
        assertThat(c.rowCount()).isEqualTo(expected.size());
        long bytes = 0;
        for (int i = 0; i < expected.size(); i++) {
            String e = expected.get(i);
            assertThat(c.isNull(i)).as("null at row %d", i).isEqualTo(e == null);
            if (e != null) {
                assertThat(c.getUtf8(i)).as("row %d", i).isEqualTo(e.getBytes(StandardCharsets.UTF_8));
                bytes += e.getBytes(StandardCharsets.UTF_8).length;
            } else {
                assertThat(c.getUtf8(i)).isNull();
            }
        }
        assertThat(c.dataBytes()).isEqualTo(bytes);
    }

    private interface Source {
        ColumnVector vector(List<String> values);
    }

    private void check(Source source, VectorCopy.Path path, long seed) {
        Random r = new Random(seed);
        List<String> all = new ArrayList<>();
        try (HostBatchBuilder builder = new HostBatchBuilder(SCHEMA, 4)) {
            for (int n : BATCH_ROWS) {
                List<String> values = values(n, r);
                ColumnarBatch batch = new ColumnarBatch(new ColumnVector[] {source.vector(values)}, n);
                assertThat(builder.fits(batch)).isTrue();
                builder.append(batch);
                all.addAll(values);
            }
            assertThat(builder.paths()).contains(path);
            assertThat(builder.bytes()).isGreaterThanOrEqualTo(4L * all.size());
            try (HostTable t = builder.build()) {
                assertColumn(t.column(0), all);
            }
        }
    }

    @Test
    void onHeapVectorsInOneCopy() {
        check(v -> writable(true, v), VectorCopy.Path.ON_HEAP_BULK, 1);
    }

    @Test
    void offHeapVectorsInOneCopy() {
        check(v -> writable(false, v), VectorCopy.Path.OFF_HEAP_BULK, 2);
    }

    @Test
    void arrowVarCharVectors() {
        check(this::arrowVector, VectorCopy.Path.ARROW_BULK, 3);
    }

    @Test
    void otherVectorsValueByValue() {
        check(v -> new ForwardingVector(writable(true, v)), VectorCopy.Path.PER_VALUE, 4);
    }

    @Test
    void writableRowsOutOfOrderAreCopiedOneByOne() {
        // Rows written in reverse: their bytes are not back to back in row order.
        List<String> values = List.of("first", "", "∂ßç", "𝄞 clef", "last one");
        OnHeapColumnVector v = new OnHeapColumnVector(8, DataTypes.StringType);
        open.add(v);
        for (int i = values.size() - 1; i >= 0; i--) {
            put(v, i, values.get(i));
        }
        v.putNull(1);
        List<String> expected = new ArrayList<>(values);
        expected.set(1, null);
        try (HostBatchBuilder builder = new HostBatchBuilder(SCHEMA, 4)) {
            builder.append(new ColumnarBatch(new ColumnVector[] {v}, values.size()));
            try (HostTable t = builder.build()) {
                assertColumn(t.column(0), expected);
            }
        }
    }

    @Test
    void constantAndAllNullVectors() {
        ConstantColumnVector c = new ConstantColumnVector(5, DataTypes.StringType);
        c.setUtf8String(UTF8String.fromString("part=ü"));
        ConstantColumnVector nulls = new ConstantColumnVector(3, DataTypes.StringType);
        nulls.setNull();
        OnHeapColumnVector allNull = new OnHeapColumnVector(4, DataTypes.StringType);
        allNull.putNulls(0, 4);
        open.add(c);
        open.add(nulls);
        open.add(allNull);
        try (HostBatchBuilder builder = new HostBatchBuilder(SCHEMA, 2)) {
            builder.append(new ColumnarBatch(new ColumnVector[] {c}, 5));
            builder.append(new ColumnarBatch(new ColumnVector[] {nulls}, 3));
            builder.append(new ColumnarBatch(new ColumnVector[] {allNull}, 4));
            builder.append(new ColumnarBatch(new ColumnVector[] {c}, 2));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expected.add("part=ü");
            }
            for (int i = 0; i < 7; i++) {
                expected.add(null);
            }
            expected.add("part=ü");
            expected.add("part=ü");
            try (HostTable t = builder.build()) {
                assertColumn(t.column(0), expected);
            }
        }
    }

    @Test
    void aLongRowGrowsTheBytes() {
        String big = "é".repeat(600_000); // 1.2 MB in one row
        List<String> values = List.of("a", big, "", "z");
        try (HostBatchBuilder builder = new HostBatchBuilder(SCHEMA, 1)) {
            builder.append(new ColumnarBatch(new ColumnVector[] {writable(false, values)}, values.size()));
            try (HostTable t = builder.build()) {
                assertColumn(t.column(0), values);
            }
        }
    }

    @Test
    void rowsStopAtTheByteTargetAndRoundTripThroughUtf8Strings() {
        Random r = new Random(7);
        List<String> values = values(500, r);
        values.set(3, "x".repeat(1 << 20));
        List<InternalRow> rows = new ArrayList<>();
        for (String s : values) {
            rows.add(new GenericInternalRow(new Object[] {s == null ? null : UTF8String.fromString(s)}));
        }
        Iterator<InternalRow> it = rows.iterator();
        HostBatches.RowReader reader = new HostBatches.RowReader(it, SCHEMA);
        List<String> readBack = new ArrayList<>();
        int tables = 0;
        UnsafeProjection projection = UnsafeProjection.create(SCHEMA);
        while (reader.hasNext()) {
            HostTable t = reader.next(1000, 64 << 10);
            tables++;
            assertThat(t.rowCount()).isPositive();
            // The batch takes the table over; its rows are read while it is open.
            try (ColumnarBatch batch = HostBatches.toSparkBatch(t, SCHEMA)) {
                Iterator<InternalRow> out = HostBatches.rows(batch, projection);
                while (out.hasNext()) {
                    InternalRow row = out.next();
                    readBack.add(row.isNullAt(0) ? null : row.getUTF8String(0).toString());
                }
            }
        }
        assertThat(readBack).isEqualTo(values);
        // The 1 MiB row ends its table at once: the rest of the rows fit after it.
        assertThat(tables).isGreaterThan(1);
    }
}
