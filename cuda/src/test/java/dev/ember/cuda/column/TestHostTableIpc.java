package dev.ember.cuda.column;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.memory.HostMemory;
import dev.ember.cuda.testing.LeakCheckExtension;
import dev.ember.cuda.testing.RandomColumns;
import dev.ember.cuda.testing.RandomStrings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class TestHostTableIpc {
    private static final List<DType> TYPES = new ArrayList<>(Arrays.asList(RandomColumns.FIXED_WIDTH_TYPES));

    static {
        TYPES.add(DType.STRING);
    }

    private static HostTable randomTable(Random r, int rows, double nullFraction) {
        List<HostColumn> columns = new ArrayList<>();
        for (DType type : TYPES) {
            columns.add(type.id() == DType.TypeId.STRING
                    ? HostColumn.fromUtf8(RandomStrings.utf8(r, rows, Math.max(0, nullFraction), 12))
                    : RandomColumns.column(r, type, rows, nullFraction));
        }
        return HostTable.of(rows, columns);
    }

    /** Row {@code row} of {@code c} as comparable bytes: null, or the value's bytes. */
    private static byte[] value(HostColumn c, int row) {
        if (c.isNull(row)) {
            return null;
        }
        if (c.type().id() == DType.TypeId.STRING) {
            return c.getUtf8(row);
        }
        int width = c.type().sizeInBytes();
        byte[] out = new byte[width];
        c.dataBuffer().getBytes((long) row * width, out);
        return out;
    }

    private static void assertRowsEqual(HostTable expected, int from, HostTable actual) {
        for (int c = 0; c < expected.columnCount(); c++) {
            HostColumn e = expected.column(c);
            HostColumn a = actual.column(c);
            assertThat(a.type()).isEqualTo(e.type());
            for (int i = 0; i < actual.rowCount(); i++) {
                assertThat(value(a, i)).as("column %s row %s", e.type(), from + i).isEqualTo(value(e, from + i));
            }
        }
    }

    @Test
    void slicesRoundTripAtEveryBitOffset() throws Exception {
        Random r = new Random(7);
        try (HostTable table = randomTable(r, 301, 0.3)) {
            int[][] ranges = {{0, 301}, {0, 0}, {300, 1}, {1, 9}, {3, 64}, {8, 100}, {13, 0}, {77, 200}, {5, 296}};
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            long written = 0;
            for (int[] range : ranges) {
                written += HostTableIpc.write(table, range[0], range[1], Channels.newChannel(bytes));
            }
            assertThat(written).isEqualTo(bytes.size());
            ReadableByteChannel in = Channels.newChannel(new ByteArrayInputStream(bytes.toByteArray()));
            for (int[] range : ranges) {
                try (HostTable back = HostTableIpc.read(in, TYPES)) {
                    assertThat(back.rowCount()).isEqualTo(range[1]);
                    assertRowsEqual(table, range[0], back);
                }
            }
            assertThat(HostTableIpc.read(in, TYPES)).isNull();
        }
    }

    @Test
    void columnsWithoutNullsAndTablesWithoutColumns() throws Exception {
        Random r = new Random(8);
        try (HostTable table = randomTable(r, 50, -1); HostTable none = HostTable.of(17, List.of())) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            HostTableIpc.write(table, 10, 30, Channels.newChannel(bytes));
            HostTableIpc.write(none, 0, 17, Channels.newChannel(bytes));
            ReadableByteChannel in = Channels.newChannel(new ByteArrayInputStream(bytes.toByteArray()));
            try (HostTable back = HostTableIpc.read(in, TYPES)) {
                assertRowsEqual(table, 10, back);
                assertThat(back.columns()).allSatisfy(c -> assertThat(c.hasValidity()).isFalse());
            }
            try (HostTable back = HostTableIpc.read(in, List.of())) {
                assertThat(back.rowCount()).isEqualTo(17);
                assertThat(back.columnCount()).isZero();
            }
        }
    }

    /** Arrow's own loader reads a message into vectors of the documented schema. */
    @Test
    void arrowReadsTheMessagesWithTheDocumentedSchema() throws Exception {
        byte[][] strings = {"a".getBytes(), null, "héllo wörld".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            new byte[0], "z".getBytes()};
        try (HostTable table = HostTable.of(HostColumn.fromLongs(new long[] {1, 2, 3, 4, 5},
                new boolean[] {false, false, true, false, false}), HostColumn.fromUtf8(strings))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            HostTableIpc.write(table, 1, 4, Channels.newChannel(bytes));
            var schema = HostTableIpc.arrowSchema(List.of("n", "s"), List.of(DType.INT64, DType.STRING));
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, HostMemory.allocator());
                    ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(new ReadChannel(
                            Channels.newChannel(new ByteArrayInputStream(bytes.toByteArray()))),
                            HostMemory.allocator())) {
                new VectorLoader(root).load(batch);
                BigIntVector n = (BigIntVector) root.getVector(0);
                VarCharVector s = (VarCharVector) root.getVector(1);
                assertThat(root.getRowCount()).isEqualTo(4);
                assertThat(n.get(0)).isEqualTo(2);
                assertThat(n.isNull(1)).isTrue();
                assertThat(n.get(3)).isEqualTo(5);
                assertThat(s.isNull(0)).isTrue();
                assertThat(new String(s.get(1), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("héllo wörld");
                assertThat(s.get(2)).isEmpty();
                assertThat(new String(s.get(3))).isEqualTo("z");
            }
        }
    }

    @Test
    void concatenationKeepsEveryRow() {
        Random r = new Random(9);
        try (HostTable a = randomTable(r, 13, 0.4); HostTable b = randomTable(r, 0, 0.4);
                HostTable c = randomTable(r, 70, -1); HostTable d = randomTable(r, 9, 0.5);
                HostTable all = HostTables.concat(List.of(a, b, c, d))) {
            assertThat(all.rowCount()).isEqualTo(92);
            int at = 0;
            for (HostTable part : List.of(a, b, c, d)) {
                for (int col = 0; col < part.columnCount(); col++) {
                    for (int i = 0; i < part.rowCount(); i++) {
                        assertThat(value(all.column(col), at + i)).isEqualTo(value(part.column(col), i));
                    }
                }
                at += part.rowCount();
            }
        }
    }

    @Test
    void copyBitsMatchesBitByBitCopies() {
        Random r = new Random(10);
        for (int trial = 0; trial < 200; trial++) {
            int srcBits = 1 + r.nextInt(300);
            int count = r.nextInt(srcBits + 1);
            int srcBit = r.nextInt(srcBits - count + 1);
            int dstBit = r.nextInt(64);
            byte[] src = new byte[(srcBits + 7) / 8];
            r.nextBytes(src);
            byte[] dst = new byte[(dstBit + count + 7) / 8 + 1];
            r.nextBytes(dst);
            byte[] expected = dst.clone();
            for (int i = 0; i < count; i++) {
                boolean bit = (src[(srcBit + i) >> 3] >> ((srcBit + i) & 7) & 1) != 0;
                int at = dstBit + i;
                expected[at >> 3] = (byte) (bit ? expected[at >> 3] | 1 << (at & 7) : expected[at >> 3] & ~(1 << (at & 7)));
            }
            try (var s = HostMemory.allocator().buffer(src.length); var d = HostMemory.allocator().buffer(dst.length)) {
                s.setBytes(0, src);
                d.setBytes(0, dst);
                HostBitmaps.copyBits(s.memoryAddress(), srcBit, d.memoryAddress(), dstBit, count);
                byte[] actual = new byte[dst.length];
                d.getBytes(0, actual);
                assertThat(actual).as("src %s+%s to %s", srcBit, count, dstBit).isEqualTo(expected);
            }
        }
    }
}
