package dev.ember.cuda.column;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.memory.HostMemory;
import dev.ember.cuda.testing.RandomColumns;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TestHostColumn {
    private static final boolean[] NULLS = {false, true, false, false, true};

    @Test
    void buildersAndAccessorsForEveryType() {
        try (HostColumn b = HostColumn.fromBooleans(new boolean[] {true, false, false, true, true}, NULLS);
                HostColumn i8 = HostColumn.fromBytes(new byte[] {Byte.MIN_VALUE, 0, 1, -1, Byte.MAX_VALUE}, NULLS);
                HostColumn i16 = HostColumn.fromShorts(new short[] {Short.MIN_VALUE, 0, 1, -1, Short.MAX_VALUE}, NULLS);
                HostColumn i32 = HostColumn.fromInts(new int[] {Integer.MIN_VALUE, 0, 1, -1, Integer.MAX_VALUE}, NULLS);
                HostColumn i64 = HostColumn.fromLongs(new long[] {Long.MIN_VALUE, 0, 1, -1, Long.MAX_VALUE}, NULLS);
                HostColumn dates = HostColumn.fromDates(new int[] {-719162, 0, 19000, -1, 2932896}, NULLS);
                HostColumn ts = HostColumn.fromTimestamps(new long[] {Long.MIN_VALUE, 0, 1, -1, 1_700_000_000_000_000L}, NULLS)) {
            assertThat(b.type()).isEqualTo(DType.BOOL8);
            assertThat(b.getBoolean(0)).isTrue();
            assertThat(b.getBoolean(2)).isFalse();
            assertThat(b.getByte(3)).isEqualTo((byte) 1);
            assertThat(i8.getByte(0)).isEqualTo(Byte.MIN_VALUE);
            assertThat(i16.getShort(4)).isEqualTo(Short.MAX_VALUE);
            assertThat(i32.getInt(0)).isEqualTo(Integer.MIN_VALUE);
            assertThat(i64.getLong(4)).isEqualTo(Long.MAX_VALUE);
            assertThat(dates.type()).isEqualTo(DType.DATE32);
            assertThat(dates.getInt(0)).isEqualTo(-719162);
            assertThat(ts.type()).isEqualTo(DType.TIMESTAMP_US);
            assertThat(ts.getLong(4)).isEqualTo(1_700_000_000_000_000L);
            for (HostColumn c : new HostColumn[] {b, i8, i16, i32, i64, dates, ts}) {
                assertThat(c.rowCount()).isEqualTo(5);
                assertThat(c.nullCount()).isEqualTo(2);
                assertThat(c.isNull(1)).isTrue();
                assertThat(c.isNull(4)).isTrue();
                assertThat(c.isValid(0)).isTrue();
            }
            assertThatThrownBy(() -> i32.getLong(0)).hasMessageContaining("holds int values");
            assertThatThrownBy(() -> i32.getInt(5)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void floatsKeepTheirBits() {
        float nanPayload = Float.intBitsToFloat(0x7fc00123);
        double negativeNan = Double.longBitsToDouble(0xfff8000000000042L);
        try (HostColumn f = HostColumn.fromFloats(new float[] {nanPayload, -0.0f}, null);
                HostColumn d = HostColumn.fromDoubles(new double[] {negativeNan, -0.0}, null)) {
            assertThat(Float.floatToRawIntBits(f.getFloat(0))).isEqualTo(0x7fc00123);
            assertThat(Float.floatToRawIntBits(f.getFloat(1))).isEqualTo(0x80000000);
            assertThat(Double.doubleToRawLongBits(d.getDouble(0))).isEqualTo(0xfff8000000000042L);
            assertThat(Double.doubleToRawLongBits(d.getDouble(1))).isEqualTo(Long.MIN_VALUE);
            assertThat(f.hasValidity()).isFalse();
            assertThat(f.nullCount()).isZero();
        }
    }

    @Test
    void decimalsOfBothWidths() {
        BigDecimal big = new BigDecimal("-12345678901234567890123456.789012345678");
        try (HostColumn d64 = HostColumn.fromBigDecimals(DType.decimal64(18, 2),
                        new BigDecimal[] {new BigDecimal("-9999999999999999.99"), null, new BigDecimal("1.5")});
                HostColumn d128 = HostColumn.fromBigDecimals(DType.decimal128(38, 12), new BigDecimal[] {big, null, BigDecimal.ONE});
                HostColumn halves = HostColumn.fromDecimal128(20, 0, new long[] {-1}, new long[] {Long.MAX_VALUE}, null)) {
            assertThat(d64.getLong(0)).isEqualTo(-999999999999999999L);
            assertThat(d64.getBigDecimal(0)).isEqualTo(new BigDecimal("-9999999999999999.99"));
            assertThat(d64.getBigDecimal(1)).isNull();
            assertThat(d64.getBigDecimal(2)).isEqualTo(new BigDecimal("1.50"));
            assertThat(d128.getBigDecimal(0)).isEqualTo(big);
            assertThat(d128.getBigDecimal(2)).isEqualTo(new BigDecimal("1.000000000000"));
            assertThat(d128.getDecimal128Low(2)).isEqualTo(1_000_000_000_000L);
            assertThat(d128.getDecimal128High(2)).isZero();
            assertThat(d128.getDecimal128High(0)).isNegative();
            assertThat(halves.getUnscaled(0)).isEqualTo(BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE));
        }
        assertThatThrownBy(() -> HostColumn.fromBigDecimals(DType.decimal64(5, 1), new BigDecimal[] {new BigDecimal("1.25")}))
                .hasMessageContaining("more than 1 fraction digits");
        assertThatThrownBy(() -> HostColumn.fromBigDecimals(DType.decimal64(5, 1), new BigDecimal[] {new BigDecimal("12345.6")}))
                .hasMessageContaining("does not fit decimal(5,1)");
    }

    @Test
    void rejectsMismatchedInputs() {
        assertThatThrownBy(() -> HostColumn.fromInts(new int[3], new boolean[2])).hasMessageContaining("2 null flags for 3 values");
        assertThatThrownBy(() -> HostColumn.fromInts(DType.INT64, new int[1], null)).hasMessageContaining("fromInts builds");
        assertThatThrownBy(() -> HostColumn.fromRaw(DType.INT32, 2, new byte[7], null)).hasMessageContaining("are 8 bytes, not 7");
        assertThatThrownBy(() -> HostColumn.fromRaw(DType.STRING, 0, new byte[0], null))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    static java.util.stream.Stream<DType> types() {
        return java.util.stream.Stream.of(RandomColumns.FIXED_WIDTH_TYPES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void arrowRoundTripKeepsValuesAndNulls(DType type) {
        Random r = new Random(type.hashCode());
        int rows = 1001;
        try (HostColumn column = RandomColumns.column(r, type, rows, 0.3);
                FieldVector vector = column.toArrow("c");
                HostColumn back = HostColumn.fromArrow(vector)) {
            assertThat(vector.getValueCount()).isEqualTo(rows);
            assertThat(vector.getNullCount()).isEqualTo(column.nullCount());
            assertThat(back.type()).isEqualTo(type);
            assertThat(back.nullCount()).isEqualTo(column.nullCount());
            assertThat(RandomColumns.validFlags(back)).isEqualTo(RandomColumns.validFlags(column));
            for (int i = 0; i < rows; i++) {
                assertThat(vector.isNull(i)).isEqualTo(column.isNull(i));
                if (column.isValid(i) && vector instanceof TimeStampMicroVector micros) {
                    // getObject would build a LocalDateTime, which cannot hold the extreme values.
                    assertThat(micros.get(i)).isEqualTo(column.getLong(i));
                } else if (column.isValid(i)) {
                    assertThat(vector.getObject(i)).isEqualTo(expectedArrowObject(column, i));
                }
            }
            if (type.id() == DType.TypeId.BOOL8 || type.id() == DType.TypeId.DECIMAL64) {
                // Converted row by row: valid rows agree, values under nulls are not carried.
                for (int i = 0; i < rows; i++) {
                    if (column.isValid(i)) {
                        assertThat(expectedArrowObject(back, i)).isEqualTo(expectedArrowObject(column, i));
                    }
                }
            } else {
                assertThat(vector.getDataBufferAddress()).as("shared, not copied").isEqualTo(column.dataBuffer().memoryAddress());
                assertThat(back.dataBuffer().memoryAddress()).isEqualTo(column.dataBuffer().memoryAddress());
                assertThat(RandomColumns.dataBytes(back)).isEqualTo(RandomColumns.dataBytes(column));
            }
        }
    }

    /** What Arrow's {@code getObject} returns for the row, computed from the column's accessors. */
    private static Object expectedArrowObject(HostColumn c, int i) {
        return switch (c.type().id()) {
            case BOOL8 -> c.getBoolean(i);
            case INT8 -> c.getByte(i);
            case INT16 -> c.getShort(i);
            case INT32 -> c.getInt(i);
            case INT64 -> c.getLong(i);
            case FLOAT32 -> c.getFloat(i);
            case FLOAT64 -> c.getDouble(i);
            case DATE32 -> c.getInt(i);
            case TIMESTAMP_US -> c.getLong(i);
            case DECIMAL64, DECIMAL128 -> c.getBigDecimal(i);
            case STRING -> throw new AssertionError();
        };
    }

    @Test
    void importsEveryArrowVectorKind() {
        BufferAllocator a = HostMemory.allocator();
        try (TinyIntVector i8 = new TinyIntVector("a", a);
                SmallIntVector i16 = new SmallIntVector("b", a);
                IntVector i32 = new IntVector("c", a);
                BigIntVector i64 = new BigIntVector("d", a);
                Float4Vector f32 = new Float4Vector("e", a);
                Float8Vector f64 = new Float8Vector("f", a);
                DateDayVector date = new DateDayVector("g", a);
                TimeStampMicroVector ts = new TimeStampMicroVector("h", a);
                TimeStampMicroTZVector tsz = new TimeStampMicroTZVector("i", a, "UTC");
                DecimalVector d128 = new DecimalVector("j", a, 30, 4);
                DecimalVector d64 = new DecimalVector("k", a, 9, 4);
                BitVector bits = new BitVector("l", a)) {
            i8.setSafe(0, -3);
            i16.setSafe(0, -300);
            i32.setSafe(0, -70000);
            i64.setSafe(0, -5_000_000_000L);
            f32.setSafe(0, 1.5f);
            f64.setSafe(0, -2.25);
            date.setSafe(0, 19000);
            ts.setSafe(0, 123456789L);
            tsz.setSafe(0, -123456789L);
            d128.setSafe(0, new BigDecimal("-12345678901234567890.1234"));
            d64.setSafe(0, new BigDecimal("-12345.6789"));
            bits.setSafe(0, 1);
            FieldVector[] all = {i8, i16, i32, i64, f32, f64, date, ts, tsz, d128, d64, bits};
            for (FieldVector v : all) {
                v.setNull(1);
                v.setValueCount(2);
            }
            DType[] expected = {DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.FLOAT32, DType.FLOAT64,
                DType.DATE32, DType.TIMESTAMP_US, DType.TIMESTAMP_US, DType.decimal128(30, 4), DType.decimal64(9, 4),
                DType.BOOL8};
            for (int k = 0; k < all.length; k++) {
                try (HostColumn c = HostColumn.fromArrow(all[k])) {
                    assertThat(c.type()).isEqualTo(expected[k]);
                    assertThat(c.rowCount()).isEqualTo(2);
                    assertThat(c.nullCount()).isEqualTo(1);
                    assertThat(c.isNull(1)).isTrue();
                }
            }
            try (HostColumn c = HostColumn.fromArrow(i64)) {
                i64.close();
                assertThat(c.getLong(0)).as("the column keeps its own reference").isEqualTo(-5_000_000_000L);
            }
            try (HostColumn c = HostColumn.fromArrow(d64)) {
                assertThat(c.getBigDecimal(0)).isEqualTo(new BigDecimal("-12345.6789"));
            }
            try (HostColumn c = HostColumn.fromArrow(tsz)) {
                assertThat(c.getLong(0)).isEqualTo(-123456789L);
            }
        }
    }

    @Test
    void rejectsArrowVectorsWithoutAFixedWidthLayout() {
        try (VarBinaryVector binary = new VarBinaryVector("b", HostMemory.allocator())) {
            assertThatThrownBy(() -> HostColumn.fromArrow(binary))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("VarBinaryVector")
                    .hasMessageContaining("supported: BitVector");
        }
    }

    @Test
    void exportToAnotherRootAllocatorCopies() {
        try (RootAllocator other = new RootAllocator(1 << 20);
                HostColumn column = HostColumn.fromInts(new int[] {4, 5, 6}, new boolean[] {false, true, false})) {
            try (FieldVector vector = column.toArrow("x", other)) {
                assertThat(vector.getDataBufferAddress()).isNotEqualTo(column.dataBuffer().memoryAddress());
                assertThat(vector.getObject(0)).isEqualTo(4);
                assertThat(vector.isNull(1)).isTrue();
                assertThat(vector.getObject(2)).isEqualTo(6);
                assertThat(other.getAllocatedMemory()).isPositive();
            }
            assertThat(other.getAllocatedMemory()).isZero();
        }
    }

    @Test
    void closingReleasesHostMemory() {
        long before = HostMemory.allocatedBytes();
        HostColumn column = HostColumn.fromLongs(new long[10_000], new boolean[10_000]);
        assertThat(HostMemory.allocatedBytes()).isGreaterThanOrEqualTo(before + 80_000);
        HostColumn shared = column.incRef();
        column.close();
        assertThat(shared.getLong(9_999)).isZero();
        shared.close();
        assertThat(HostMemory.allocatedBytes()).isEqualTo(before);
        assertThat(HostMemory.limitBytes()).isEqualTo(HostMemory.DEFAULT_LIMIT_BYTES);
        assertThatThrownBy(() -> column.getLong(0)).hasMessageContaining("is closed");
    }
}
