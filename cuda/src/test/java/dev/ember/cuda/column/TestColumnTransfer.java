package dev.ember.cuda.column;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.Stream;
import dev.ember.cuda.testing.RandomColumns;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream.Builder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TestColumnTransfer {
    private static final int[] SIZES = {0, 1, 31, 32, 33, 255, 256, 257, 1_000_003};

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    static java.util.stream.Stream<Arguments> typesAndSizes() {
        Builder<Arguments> out = java.util.stream.Stream.builder();
        for (DType type : RandomColumns.FIXED_WIDTH_TYPES) {
            for (int rows : SIZES) {
                out.add(Arguments.of(type, rows));
            }
        }
        return out.build();
    }

    static java.util.stream.Stream<DType> types() {
        return java.util.stream.Stream.of(RandomColumns.FIXED_WIDTH_TYPES);
    }

    /**
     * Checks the device column against the host column through a path independent of the transfer
     * (DeviceArrays), then the round trip back, bit for bit.
     */
    private void roundTrip(ColumnTransfer transfer, DType type, int rows, long seed) {
        roundTripOn(device, transfer, type, rows, seed);
    }

    private static void roundTripOn(Device on, ColumnTransfer transfer, DType type, int rows, long seed) {
        Stream stream = on.defaultStream();
        Random r = new Random(seed);
        byte[] values = RandomColumns.values(r, type, rows);
        byte[] bitmap = RandomData.validity(r, rows, 0.3);
        boolean[] valid = RandomColumns.validFlags(bitmap, rows);
        int nulls = 0;
        for (boolean v : valid) {
            nulls += v ? 0 : 1;
        }
        try (HostColumn host = HostColumn.fromRaw(type, rows, values, bitmap);
                Column column = transfer.toDevice(host, stream)) {
            assertThat(column.type()).isEqualTo(type);
            assertThat(column.rowCount()).isEqualTo(rows);
            assertThat(column.isNullCountKnown()).isTrue();
            assertThat(column.nullCount()).isEqualTo(nulls);
            assertThat(DeviceArrays.downloadBytes(column.data(), 0, values.length)).isEqualTo(values);
            if (nulls == 0) {
                assertThat(column.hasValidity()).as("no bitmap without nulls").isFalse();
            } else {
                byte[] deviceBitmap = DeviceArrays.downloadBytes(column.validity(), 0, RandomColumns.bitmapBytes(rows));
                assertThat(RandomColumns.validFlags(deviceBitmap, rows)).isEqualTo(valid);
                for (int bit = rows; bit < deviceBitmap.length * 8; bit++) {
                    assertThat(RandomData.isValid(deviceBitmap, bit)).as("bit %d past %d rows is 0", bit, rows).isFalse();
                }
            }
            try (HostColumn back = transfer.toHost(column, stream)) {
                assertThat(back.type()).isEqualTo(type);
                assertThat(back.rowCount()).isEqualTo(rows);
                assertThat(back.nullCount()).isEqualTo(nulls);
                assertThat(RandomColumns.dataBytes(back)).isEqualTo(values);
                assertThat(RandomColumns.validFlags(back)).isEqualTo(valid);
            }
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("typesAndSizes")
    void roundTripsEveryTypeAndSizeBitForBit(DType type, int rows) {
        try (ColumnTransfer transfer = ColumnTransfer.create(device)) {
            roundTrip(transfer, type, rows, 31L * rows + type.hashCode());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void staysCorrectWhenCopiesRunAsynchronously(DType type) {
        // Copies run only at a synchronize: reusing a staging buffer too early would corrupt data.
        DeferredCopyDevice deferred = new DeferredCopyDevice(device);
        try (ColumnTransfer transfer = ColumnTransfer.create(deferred, 1000)) {
            roundTripOn(deferred, transfer, type, 5003, type.hashCode() + 1);
            roundTripTableOn(deferred, transfer, 2003);
        }
        assertThat(deferred.maxPendingAtSynchronize()).as("copies were deferred").isGreaterThan(1);
    }

    private static void roundTripTableOn(Device on, ColumnTransfer transfer, int rows) {
        Random r = new Random(rows);
        List<HostColumn> columns = new ArrayList<>();
        for (DType type : RandomColumns.FIXED_WIDTH_TYPES) {
            columns.add(RandomColumns.column(r, type, rows, 0.25));
        }
        try (HostTable host = HostTable.of(rows, columns);
                Table table = transfer.toDevice(host, on.defaultStream());
                HostTable back = transfer.toHost(table, on.defaultStream())) {
            for (int i = 0; i < columns.size(); i++) {
                assertThat(RandomColumns.dataBytes(back.column(i))).isEqualTo(RandomColumns.dataBytes(host.column(i)));
                assertThat(RandomColumns.validFlags(back.column(i))).isEqualTo(RandomColumns.validFlags(host.column(i)));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void roundTripsThroughManySmallChunks(DType type) {
        // 1000-byte chunks are not a multiple of any width: values and bitmaps straddle chunk edges.
        try (ColumnTransfer transfer = ColumnTransfer.create(device, 1000)) {
            int rows = 20_011;
            roundTrip(transfer, type, rows, type.hashCode());
            long expected = (long) rows * type.sizeInBytes() + dev.ember.cuda.ops.Bitmaps.bitmapBytes(rows);
            assertThat(expected).as("many chunks").isGreaterThan(20 * 1000L);
            assertThat(transfer.bytesCopiedToDevice()).isEqualTo(expected);
            assertThat(transfer.bytesCopiedToHost()).isEqualTo(expected);
        }
    }

    @Test
    void preservesNanPayloadsAndNegativeZero() {
        float[] floats = {Float.NaN, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000),
            Float.intBitsToFloat(0x7f800001), -0.0f, 0.0f, Float.MIN_VALUE, Float.NEGATIVE_INFINITY};
        double[] doubles = {Double.NaN, Double.longBitsToDouble(0x7ff8000000000001L),
            Double.longBitsToDouble(0xfff8000000000000L), Double.longBitsToDouble(0x7ff0000000000001L), -0.0, 0.0,
            Double.MIN_VALUE, Double.NEGATIVE_INFINITY};
        try (ColumnTransfer transfer = ColumnTransfer.create(device);
                HostColumn f = HostColumn.fromFloats(floats, null);
                HostColumn d = HostColumn.fromDoubles(doubles, null);
                Column df = transfer.toDevice(f, stream);
                Column dd = transfer.toDevice(d, stream);
                HostColumn f2 = transfer.toHost(df, stream);
                HostColumn d2 = transfer.toHost(dd, stream)) {
            for (int i = 0; i < floats.length; i++) {
                assertThat(Float.floatToRawIntBits(f2.getFloat(i))).isEqualTo(Float.floatToRawIntBits(floats[i]));
                assertThat(Double.doubleToRawLongBits(d2.getDouble(i))).isEqualTo(Double.doubleToRawLongBits(doubles[i]));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 64, 1000})
    void columnsWithoutNullsHaveNoDeviceBitmap(int rows) {
        Random r = new Random(rows);
        int[] values = RandomData.ints(r, rows);
        boolean[] noNulls = new boolean[rows];
        try (ColumnTransfer transfer = ColumnTransfer.create(device);
                HostColumn withoutBitmap = HostColumn.fromInts(values, null);
                HostColumn allValidBitmap = HostColumn.fromInts(values, noNulls);
                Column a = transfer.toDevice(withoutBitmap, stream);
                Column b = transfer.toDevice(allValidBitmap, stream);
                HostColumn back = transfer.toHost(b, stream)) {
            assertThat(a.hasValidity()).isFalse();
            assertThat(b.hasValidity()).isFalse();
            assertThat(a.nullCount()).isZero();
            assertThat(back.hasValidity()).isFalse();
            assertThat(back.nullCount()).isZero();
            for (int i = 0; i < rows; i++) {
                assertThat(back.getInt(i)).isEqualTo(values[i]);
            }
            assertThat(transfer.bytesCopiedToDevice()).isEqualTo(8L * rows);
            assertThat(transfer.bytesCopiedToHost()).isEqualTo(4L * rows);
        }
    }

    @Test
    void allNullColumnsKeepTheirNulls() {
        boolean[] allNull = {true, true, true, true, true};
        try (ColumnTransfer transfer = ColumnTransfer.create(device);
                HostColumn host = HostColumn.fromLongs(new long[] {1, 2, 3, 4, 5}, allNull);
                Column column = transfer.toDevice(host, stream);
                HostColumn back = transfer.toHost(column, stream)) {
            assertThat(column.nullCount()).isEqualTo(5);
            assertThat(back.nullCount()).isEqualTo(5);
            for (int i = 0; i < 5; i++) {
                assertThat(back.isNull(i)).isTrue();
                assertThat(back.getLong(i)).as("values under nulls are kept").isEqualTo(i + 1);
            }
        }
    }

    @Test
    void tablesRoundTripAllColumnsInOnePipeline() {
        Random r = new Random(7);
        int rows = 3001;
        List<HostColumn> columns = new ArrayList<>();
        long expectedBytes = 0;
        for (DType type : RandomColumns.FIXED_WIDTH_TYPES) {
            HostColumn c = RandomColumns.column(r, type, rows, columns.size() % 2 == 0 ? 0.2 : -1);
            columns.add(c);
            expectedBytes += c.dataBytes() + (c.nullCount() > 0 ? dev.ember.cuda.ops.Bitmaps.bitmapBytes(rows) : 0);
        }
        try (ColumnTransfer transfer = ColumnTransfer.create(device, 4096);
                HostTable host = HostTable.of(rows, columns);
                Table table = transfer.toDevice(host, stream);
                HostTable back = transfer.toHost(table, stream)) {
            assertThat(table.rowCount()).isEqualTo(rows);
            assertThat(table.columnCount()).isEqualTo(columns.size());
            assertThat(back.columnCount()).isEqualTo(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                HostColumn expected = host.column(i);
                HostColumn actual = back.column(i);
                assertThat(table.column(i).type()).isEqualTo(expected.type());
                assertThat(actual.type()).isEqualTo(expected.type());
                assertThat(actual.nullCount()).isEqualTo(expected.nullCount());
                assertThat(RandomColumns.dataBytes(actual)).isEqualTo(RandomColumns.dataBytes(expected));
                assertThat(RandomColumns.validFlags(actual)).isEqualTo(RandomColumns.validFlags(expected));
            }
            assertThat(transfer.bytesCopiedToDevice()).isEqualTo(expectedBytes);
            assertThat(transfer.bytesCopiedToHost()).isEqualTo(expectedBytes);
        }
    }

    @Test
    void emptyTablesAndTablesWithoutColumns() {
        try (ColumnTransfer transfer = ColumnTransfer.create(device);
                HostTable noColumns = HostTable.of(12, List.of());
                Table onDevice = transfer.toDevice(noColumns, stream);
                HostTable back = transfer.toHost(onDevice, stream)) {
            assertThat(onDevice.rowCount()).isEqualTo(12);
            assertThat(back.rowCount()).isEqualTo(12);
            assertThat(back.columnCount()).isZero();
            assertThat(transfer.bytesCopiedToDevice()).isZero();
        }
    }

    @Test
    void learnsAnUnknownNullCountFromTheHostCopy() {
        byte[] bitmap = {0b0110_1101, 0, 0, 0, 0, 0, 0, 0};
        try (ColumnTransfer transfer = ColumnTransfer.create(device);
                Column column = Column.create(DType.INT8, 8, DeviceArrays.upload(device, new byte[8]),
                        DeviceArrays.upload(device, bitmap), Column.UNKNOWN_NULL_COUNT);
                HostColumn back = transfer.toHost(column, stream)) {
            assertThat(back.nullCount()).isEqualTo(3);
            assertThat(column.isNullCountKnown()).isTrue();
            assertThat(column.nullCount()).isEqualTo(3);
        }
    }

    @Test
    void rejectsColumnsOfAnotherDevice() {
        Device other = dev.ember.cuda.emulated.EmulatedDevice.create(1 << 20);
        try (ColumnTransfer transfer = ColumnTransfer.create(other);
                Column column = Column.create(DType.INT32, 1, DeviceArrays.upload(device, new int[] {1}))) {
            assertThatThrownBy(() -> transfer.toHost(column, stream))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("another device");
            assertThat(column.isClosed()).as("the caller's column is untouched").isFalse();
        } finally {
            other.close();
        }
    }

    @Test
    void reusesItsStagingBuffers() {
        try (PinnedStagingPool pool = new PinnedStagingPool(device, 256, 2);
                ColumnTransfer transfer = ColumnTransfer.using(pool)) {
            for (int i = 0; i < 3; i++) {
                roundTrip(transfer, DType.INT64, 1000, i);
            }
            assertThat(pool.allocatedBuffers()).isEqualTo(2);
        }
    }
}
