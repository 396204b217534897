package dev.ember.cuda.column;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.memory.HostMemory;
import dev.ember.cuda.ops.Bitmaps;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** STRING host and device columns: builders, accessors, invariants, Arrow and transfers. */
class TestStringColumns {
    private static final String[] VALUES = {"héllo", null, "", "\ud83d\ude00 4-byte", "plain", null, "日本語"};

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    @Test
    void hostColumnFromStringsHasArrowLayoutAndEmptyNullRows() {
        try (HostColumn c = HostColumn.fromStrings(VALUES)) {
            assertThat(c.type()).isEqualTo(DType.STRING);
            assertThat(c.rowCount()).isEqualTo(7);
            assertThat(c.nullCount()).isEqualTo(2);
            int expectedBytes = 0;
            for (int i = 0; i < VALUES.length; i++) {
                assertThat(c.getString(i)).as("row %d", i).isEqualTo(VALUES[i]);
                assertThat(c.isNull(i)).isEqualTo(VALUES[i] == null);
                byte[] utf8 = VALUES[i] == null ? null : VALUES[i].getBytes(StandardCharsets.UTF_8);
                assertThat(c.getUtf8(i)).isEqualTo(utf8);
                int start = expectedBytes;
                expectedBytes += utf8 == null ? 0 : utf8.length;
                assertThat(c.offsetsBuffer().getInt(4L * i)).isEqualTo(start);
                assertThat(c.offsetsBuffer().getInt(4L * i + 4)).isEqualTo(expectedBytes);
            }
            assertThat(c.dataBytes()).isEqualTo(expectedBytes);
            assertThatThrownBy(() -> c.getInt(0)).hasMessageContaining("holds string values");
        }
        try (HostColumn ints = HostColumn.fromInts(new int[] {1}, null)) {
            assertThat(ints.offsetsBuffer()).isNull();
            assertThatThrownBy(() -> ints.getUtf8(0)).hasMessageContaining("holds int values");
        }
    }

    @Test
    void fromUtf8KeepsBytesThatAreNotValidUtf8() {
        byte[][] raw = {{(byte) 0xff, (byte) 0xc0}, {}, null};
        try (HostColumn c = HostColumn.fromUtf8(raw)) {
            assertThat(c.getUtf8(0)).containsExactly(0xff, 0xc0);
            assertThat(c.getUtf8(1)).isEmpty();
            assertThat(c.getUtf8(2)).isNull();
            assertThat(c.getString(0)).isEqualTo("\ufffd\ufffd");
        }
        try (HostColumn empty = HostColumn.fromUtf8(new byte[0][])) {
            assertThat(empty.rowCount()).isZero();
            assertThat(empty.dataBytes()).isZero();
            assertThat(empty.offsetsBuffer().getInt(0)).isZero();
        }
    }

    @Test
    void wrapStringsChecksTheInvariantsAndClosesOnFailure() {
        assertThatThrownBy(() -> HostColumn.wrapStrings(2, offsets(1, 2, 3), data(3), null))
                .hasMessageContaining("must start at 0, not 1");
        assertThatThrownBy(() -> HostColumn.wrapStrings(2, offsets(0, 2, 1), data(3), null))
                .hasMessageContaining("decrease at row 1 (2 then 1)");
        assertThatThrownBy(() -> HostColumn.wrapStrings(2, offsets(0, 2, 5), data(3), null))
                .hasMessageContaining("end at 5 but the data buffer has");
        assertThatThrownBy(() -> HostColumn.wrapStrings(2, offsets(0, 2), data(3), null))
                .hasMessageContaining("need 12 offset bytes");
        ArrowBuf validity = HostMemory.allocator().buffer(8);
        validity.setZero(0, 8);
        validity.setByte(0, 0b01);
        assertThatThrownBy(() -> HostColumn.wrapStrings(2, offsets(0, 2, 3), data(3), validity))
                .hasMessageContaining("null string row 1 has 1 bytes");
        assertThatThrownBy(() -> HostColumn.wrap(DType.STRING, 0, data(0), null)).hasMessageContaining("wrapStrings");
        // The leak check of the test extension fails the test if any buffer above stayed open.
    }

    @Test
    void arrowVarCharRoundTripSharesBuffers() {
        try (HostColumn c = HostColumn.fromStrings(VALUES); FieldVector v = c.toArrow("s")) {
            VarCharVector strings = (VarCharVector) v;
            assertThat(strings.getValueCount()).isEqualTo(7);
            assertThat(strings.getNullCount()).isEqualTo(2);
            assertThat(strings.getOffsetBuffer().memoryAddress()).isEqualTo(c.offsetsBuffer().memoryAddress());
            assertThat(strings.getDataBuffer().memoryAddress()).isEqualTo(c.dataBuffer().memoryAddress());
            for (int i = 0; i < VALUES.length; i++) {
                assertThat(strings.getObject(i) == null ? null : strings.getObject(i).toString()).isEqualTo(VALUES[i]);
            }
            try (HostColumn back = HostColumn.fromArrow(strings)) {
                assertThat(back.offsetsBuffer().memoryAddress()).isEqualTo(c.offsetsBuffer().memoryAddress());
                assertThat(back.dataBuffer().memoryAddress()).isEqualTo(c.dataBuffer().memoryAddress());
                for (int i = 0; i < VALUES.length; i++) {
                    assertThat(back.getString(i)).isEqualTo(VALUES[i]);
                }
            }
        }
    }

    @Test
    void arrowVectorWithBytesUnderNullRowsIsCopiedIntoEmberForm() {
        try (VarCharVector v = new VarCharVector("s", HostMemory.allocator())) {
            v.allocateNew(3);
            v.setSafe(0, "ab".getBytes(StandardCharsets.UTF_8));
            v.setSafe(1, "hidden".getBytes(StandardCharsets.UTF_8));
            v.setSafe(2, "c".getBytes(StandardCharsets.UTF_8));
            v.setNull(1);
            v.setValueCount(3);
            try (HostColumn c = HostColumn.fromArrow(v)) {
                assertThat(c.dataBuffer().memoryAddress()).isNotEqualTo(v.getDataBuffer().memoryAddress());
                assertThat(c.getString(0)).isEqualTo("ab");
                assertThat(c.getString(1)).isNull();
                assertThat(c.getString(2)).isEqualTo("c");
                assertThat(c.dataBytes()).isEqualTo(3);
            }
        }
        try (VarCharVector empty = new VarCharVector("e", HostMemory.allocator()); HostColumn c = HostColumn.fromArrow(empty)) {
            assertThat(c.rowCount()).isZero();
            assertThat(c.type()).isEqualTo(DType.STRING);
        }
    }

    @Test
    void exportToAnotherRootAllocatorCopies() {
        try (RootAllocator other = new RootAllocator(1 << 20);
                HostColumn c = HostColumn.fromStrings(VALUES);
                FieldVector v = c.toArrow("s", other)) {
            assertThat(v.getDataBufferAddress()).isNotEqualTo(c.dataBuffer().memoryAddress());
            assertThat(v.getObject(3).toString()).isEqualTo(VALUES[3]);
            assertThat(v.isNull(5)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 32, 33, 257, 100_003})
    void transferRoundTripCopiesThreeBlocks(int rows) {
        Random r = new Random(rows);
        byte[][] values = RandomStrings.utf8(r, rows, 0.2, 10);
        // Small chunks, so the three buffers span several staging batches.
        try (ColumnTransfer transfer = ColumnTransfer.create(device, 4096);
                HostColumn host = HostColumn.fromUtf8(values);
                Column onDevice = transfer.toDevice(host, stream)) {
            assertThat(onDevice.type()).isEqualTo(DType.STRING);
            assertThat(onDevice.dataBytes()).isEqualTo(host.dataBytes());
            // Checked through DeviceArrays, independent of the transfer.
            assertThat(DeviceStrings.values(onDevice)).isDeepEqualTo(values);
            long bitmap = host.nullCount() > 0 ? Bitmaps.bitmapBytes(rows) : 0;
            assertThat(transfer.bytesCopiedToDevice()).isEqualTo(4L * (rows + 1) + host.dataBytes() + bitmap);
            try (HostColumn back = transfer.toHost(onDevice, stream)) {
                assertThat(back.nullCount()).isEqualTo(host.nullCount());
                for (int i = 0; i < rows; i++) {
                    assertThat(back.getUtf8(i)).as("row %d", i).isEqualTo(values[i]);
                }
            }
        }
    }

    @Test
    void tablesMixStringAndFixedWidthColumns() {
        try (ColumnTransfer transfer = ColumnTransfer.create(device);
                HostTable host = HostTable.of(HostColumn.fromInts(new int[] {1, 2, 3}, null),
                        HostColumn.fromStrings(new String[] {"x", null, "zz"}));
                Table table = transfer.toDevice(host, stream);
                HostTable back = transfer.toHost(table, stream)) {
            assertThat(table.deviceBytes()).isEqualTo(table.column(0).data().size() + table.column(1).data().size()
                    + table.column(1).validity().size() + table.column(1).offsets().size());
            assertThat(back.column(0).getInt(2)).isEqualTo(3);
            assertThat(back.column(1).getString(0)).isEqualTo("x");
            assertThat(back.column(1).getString(1)).isNull();
            assertThat(back.column(1).getString(2)).isEqualTo("zz");
        }
    }

    @Test
    void deviceColumnCreateStringsChecksSizesAndOwnsItsBuffers() {
        try (Column c = DeviceStrings.column(device, new byte[][] {"ab".getBytes(StandardCharsets.UTF_8), null})) {
            assertThat(c.offsets()).isNotNull();
            assertThat(c.dataBytes()).isEqualTo(2);
            assertThat(c.nullCount()).isEqualTo(1);
            assertThat(c.toString()).contains("string, 2 rows, 2 bytes");
        }
        DeviceBuffer shortOffsets = DeviceArrays.upload(device, new int[] {0, 1});
        DeviceBuffer chars = device.allocate(1);
        assertThatThrownBy(() -> Column.createStrings(2, shortOffsets, chars, 1, null, 0))
                .hasMessageContaining("need 12 offset bytes");
        assertThat(shortOffsets.isClosed()).isTrue();
        assertThat(chars.isClosed()).isTrue();
        DeviceBuffer o = DeviceArrays.upload(device, new int[] {0, 4});
        DeviceBuffer small = device.allocate(2);
        assertThatThrownBy(() -> Column.createStrings(1, o, small, 4, null, 0)).hasMessageContaining("does not fit");
        DeviceBuffer o2 = DeviceArrays.upload(device, new int[] {0});
        DeviceBuffer c2 = device.allocate(0);
        assertThatThrownBy(() -> Column.createStrings(0, o2, c2, 1L << 31, null, 0)).hasMessageContaining("split the batch");
        DeviceBuffer d = device.allocate(8);
        assertThatThrownBy(() -> Column.create(DType.STRING, 1, d)).hasMessageContaining("createStrings");
        try (Column ints = Column.create(DType.INT32, 1, device.allocate(4))) {
            assertThat(ints.offsets()).isNull();
            assertThatThrownBy(ints::offsetsAddress).hasMessageContaining("only string columns");
        }
        assertThat(List.of(shortOffsets, chars, o, small, o2, c2, d)).allMatch(DeviceBuffer::isClosed);
    }

    private static ArrowBuf offsets(int... values) {
        ArrowBuf b = HostMemory.allocator().buffer(4L * values.length);
        for (int i = 0; i < values.length; i++) {
            b.setInt(4L * i, values[i]);
        }
        return b;
    }

    private static ArrowBuf data(int bytes) {
        ArrowBuf b = HostMemory.allocator().buffer(bytes);
        b.setZero(0, bytes);
        return b;
    }
}
