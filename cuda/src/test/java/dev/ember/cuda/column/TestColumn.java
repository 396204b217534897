package dev.ember.cuda.column;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestColumn {
    private final Device device = TestDevices.device();

    @Test
    void ownsItsBuffersAndSharesByReference() {
        DeviceBuffer data = DeviceArrays.upload(device, new int[] {1, 2, 3});
        DeviceBuffer validity = DeviceArrays.upload(device, new long[] {0b101});
        Column column = Column.create(DType.INT32, 3, data, validity, 1);
        assertThat(column.data()).isSameAs(data);
        assertThat(column.validityAddress()).isEqualTo(validity.address());
        Column second = column.incRef();
        assertThat(second).isSameAs(column);
        assertThat(column.refCount()).isEqualTo(2);
        column.close();
        assertThat(data.isClosed()).isFalse();
        second.close();
        assertThat(data.isClosed()).isTrue();
        assertThat(validity.isClosed()).isTrue();
        assertThatThrownBy(column::close).hasMessageContaining("closed more often than referenced");
        assertThatThrownBy(column::data).hasMessageContaining("is closed");
        assertThatThrownBy(column::incRef).hasMessageContaining("already closed");
    }

    @Test
    void aColumnWithoutBitmapHasNoNulls() {
        try (Column column = Column.create(DType.INT64, 2, DeviceArrays.upload(device, new long[] {5, 6}))) {
            assertThat(column.hasValidity()).isFalse();
            assertThat(column.validityAddress()).isZero();
            assertThat(column.nullCount()).isZero();
            assertThat(column.dataBytes()).isEqualTo(16);
            assertThat(column).hasToString("Column[bigint, 2 rows, no nulls]");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 65, 1000})
    void countsUnknownNullsOnFirstUse(int rows) {
        byte[] bitmap = RandomData.validity(new Random(rows), rows, 0.4);
        int nulls = 0;
        for (int i = 0; i < rows; i++) {
            nulls += RandomData.isValid(bitmap, i) ? 0 : 1;
        }
        try (Column column = Column.create(DType.INT8, rows, device.allocate(rows),
                DeviceArrays.upload(device, bitmap), Column.UNKNOWN_NULL_COUNT)) {
            assertThat(column.isNullCountKnown()).isFalse();
            assertThat(column.nullCount(device.defaultStream())).isEqualTo(nulls);
            assertThat(column.isNullCountKnown()).isTrue();
        }
    }

    @Test
    void createTakesOwnershipEvenWhenItRejectsTheBuffers() {
        DeviceBuffer small = device.allocate(7);
        assertThatThrownBy(() -> Column.create(DType.INT64, 1, small))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 rows of bigint need 8 data bytes");
        assertThat(small.isClosed()).isTrue();

        DeviceBuffer data = device.allocate(80);
        DeviceBuffer shortBitmap = device.allocate(4);
        assertThatThrownBy(() -> Column.create(DType.INT64, 10, data, shortBitmap, 0))
                .hasMessageContaining("validity bitmap of 8 bytes (whole 64-bit words)");
        assertThat(data.isClosed()).isTrue();
        assertThat(shortBitmap.isClosed()).isTrue();

        DeviceBuffer noBitmap = device.allocate(8);
        assertThatThrownBy(() -> Column.create(DType.INT64, 1, noBitmap, null, 1))
                .hasMessageContaining("without a validity bitmap has no nulls");
        assertThat(noBitmap.isClosed()).isTrue();

        DeviceBuffer strings = device.allocate(8);
        assertThatThrownBy(() -> Column.create(DType.STRING, 1, strings))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Column supports only fixed-width types");
        assertThat(strings.isClosed()).isTrue();

        DeviceBuffer d = device.allocate(8);
        DeviceBuffer v = device.allocate(8);
        assertThatThrownBy(() -> Column.create(DType.INT8, 8, d, v, 9)).hasMessageContaining("null count 9 is outside 0..8");
        assertThat(d.isClosed()).isTrue();
        assertThat(v.isClosed()).isTrue();
    }

    @Test
    void tablesHoldColumnsOfOneRowCount() {
        Column a = Column.create(DType.INT32, 2, DeviceArrays.upload(device, new int[] {1, 2}));
        Column b = Column.create(DType.FLOAT64, 2, DeviceArrays.upload(device, new double[] {1, 2}));
        Table table = Table.of(a, b);
        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(table.columnCount()).isEqualTo(2);
        assertThat(table.column(1)).isSameAs(b);
        assertThat(table.columns()).containsExactly(a, b);
        assertThat(table.deviceBytes()).isEqualTo(24);
        table.close();
        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
        assertThatThrownBy(table::close).hasMessageContaining("already closed");
        assertThatThrownBy(() -> table.column(0)).hasMessageContaining("closed");
    }

    @Test
    void tableOfMismatchedRowCountsClosesItsColumns() {
        Column a = Column.create(DType.INT32, 2, DeviceArrays.upload(device, new int[] {1, 2}));
        Column b = Column.create(DType.INT32, 1, DeviceArrays.upload(device, new int[] {1}));
        assertThatThrownBy(() -> Table.of(2, List.of(a, b)))
                .hasMessageContaining("column 1 has 1 rows, but the table has 2");
        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
        try (Table empty = Table.of(5, List.of())) {
            assertThat(empty.rowCount()).isEqualTo(5);
            assertThat(empty.columnCount()).isZero();
        }
    }
}
