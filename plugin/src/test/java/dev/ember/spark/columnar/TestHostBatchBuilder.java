package dev.ember.spark.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.memory.HostMemory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
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
import org.apache.arrow.vector.TinyIntVector;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.execution.vectorized.Dictionary;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spark host vectors of every kind → host columns: values (bits of NaN and -0.0 included), nulls and
 * the copy path taken, across batches whose sizes leave the bitmap at every bit offset.
 */
class TestHostBatchBuilder {
    private static final DataType[] TYPES = {DataTypes.BooleanType, DataTypes.ByteType, DataTypes.ShortType,
        DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType, DataTypes.DoubleType, DataTypes.DateType,
        DataTypes.TimestampType, DataTypes.createDecimalType(5, 2), DataTypes.createDecimalType(12, 3),
        DataTypes.createDecimalType(30, 5), DataTypes.createDecimalType(38, 0)};
    private static final int[] BATCH_ROWS = {13, 64, 1, 100, 0, 37, 8, 250};

    private final List<AutoCloseable> open = new ArrayList<>();
    private final BufferAllocator arrow = HostMemory.allocator().newChildAllocator("test-arrow", 0, Long.MAX_VALUE);

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        arrow.close();
    }

    private static StructType schema() {
        StructType s = new StructType();
        for (int i = 0; i < TYPES.length; i++) {
            s = s.add("c" + i, TYPES[i], true);
        }
        return s;
    }

    /** A random value of {@code type} (specials often), or null about one time in six. */
    private static Object value(DataType type, Random r) {
        if (r.nextInt(6) == 0) {
            return null;
        }
        boolean special = r.nextInt(4) == 0;
        if (type == DataTypes.BooleanType) {
            return r.nextBoolean();
        } else if (type == DataTypes.ByteType) {
            return special ? (byte) (r.nextBoolean() ? Byte.MIN_VALUE : Byte.MAX_VALUE) : (byte) r.nextInt();
        } else if (type == DataTypes.ShortType) {
            return special ? (short) (r.nextBoolean() ? Short.MIN_VALUE : Short.MAX_VALUE) : (short) r.nextInt();
        } else if (type == DataTypes.IntegerType || type == DataTypes.DateType) {
            return special ? (r.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE) : r.nextInt();
        } else if (type == DataTypes.LongType || type == DataTypes.TimestampType) {
            return special ? (r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE) : r.nextLong();
        } else if (type == DataTypes.FloatType) {
            float[] specials = {Float.NaN, -0.0f, 0.0f, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, Float.MIN_VALUE};
            return special ? specials[r.nextInt(specials.length)] : r.nextFloat() * 1e6f - 5e5f;
        } else if (type == DataTypes.DoubleType) {
            double[] specials = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, -Double.MAX_VALUE, Double.MIN_VALUE};
            return special ? specials[r.nextInt(specials.length)] : r.nextDouble() * 1e12 - 5e11;
        } else if (type instanceof DecimalType d) {
            BigInteger limit = BigInteger.TEN.pow(d.precision()).subtract(BigInteger.ONE);
            BigInteger unscaled = special ? (r.nextBoolean() ? limit : limit.negate())
                    : new BigInteger(limit.bitLength() - 1, r).multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1));
            return new BigDecimal(unscaled, d.scale());
        }
        throw new IllegalArgumentException(type.toString());
    }

    private static void put(WritableColumnVector v, int row, DataType type, Object value) {
        if (value == null) {
            v.putNull(row);
        } else if (value instanceof Boolean b) {
            v.putBoolean(row, b);
        } else if (value instanceof Byte b) {
            v.putByte(row, b);
        } else if (value instanceof Short s) {
            v.putShort(row, s);
        } else if (value instanceof Integer i) {
            v.putInt(row, i);
        } else if (value instanceof Long l) {
            v.putLong(row, l);
        } else if (value instanceof Float f) {
            v.putFloat(row, f);
        } else if (value instanceof Double d) {
            v.putDouble(row, d);
        } else if (value instanceof BigDecimal d) {
            DecimalType t = (DecimalType) type;
            v.putDecimal(row, Decimal.apply(d, t.precision(), t.scale()), t.precision());
        }
    }

    /** The vector kinds under test. */
    private enum Kind {
        ON_HEAP, OFF_HEAP, ARROW, CONSTANT, FORWARDING
    }

    private ColumnVector vector(Kind kind, DataType type, Object[] values) {
        int n = values.length;
        ColumnVector v = switch (kind) {
            case ON_HEAP -> writable(new OnHeapColumnVector(Math.max(n, 1), type), type, values);
            case OFF_HEAP -> writable(new OffHeapColumnVector(Math.max(n, 1), type), type, values);
            case ARROW -> new ArrowColumnVector(arrowVector(type, values));
            case CONSTANT -> constant(type, values);
            case FORWARDING -> new ForwardingVector(writable(new OnHeapColumnVector(Math.max(n, 1), type), type, values));
        };
        open.add(v);
        return v;
    }

    private static WritableColumnVector writable(WritableColumnVector v, DataType type, Object[] values) {
        for (int i = 0; i < values.length; i++) {
            put(v, i, type, values[i]);
        }
        return v;
    }

    private static ColumnVector constant(DataType type, Object[] values) {
        ConstantColumnVector c = new ConstantColumnVector(Math.max(values.length, 1), type);
        Object first = values.length == 0 ? null : values[0];
        java.util.Arrays.fill(values, first);
        if (first == null) {
            c.setNull();
        } else if (first instanceof Boolean b) {
            c.setBoolean(b);
        } else if (first instanceof Byte b) {
            c.setByte(b);
        } else if (first instanceof Short s) {
            c.setShort(s);
        } else if (first instanceof Integer i) {
            c.setInt(i);
        } else if (first instanceof Long l) {
            c.setLong(l);
        } else if (first instanceof Float f) {
            c.setFloat(f);
        } else if (first instanceof Double d) {
            c.setDouble(d);
        } else if (first instanceof BigDecimal d) {
            DecimalType t = (DecimalType) type;
            c.setDecimal(Decimal.apply(d, t.precision(), t.scale()), t.precision());
        }
        return c;
    }

    private FieldVector arrowVector(DataType type, Object[] values) {
        int n = values.length;
        FieldVector v;
        if (type == DataTypes.BooleanType) {
            BitVector b = new BitVector("v", arrow);
            b.allocateNew(n);
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    b.set(i, (Boolean) values[i] ? 1 : 0);
                }
            }
            v = b;
        } else if (type == DataTypes.ByteType) {
            TinyIntVector t = new TinyIntVector("v", arrow);
            t.allocateNew(n);
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    t.set(i, (Byte) values[i]);
                }
            }
            v = t;
        } else if (type == DataTypes.ShortType) {
            SmallIntVector t = new SmallIntVector("v", arrow);
            t.allocateNew(n);
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    t.set(i, (Short) values[i]);
                }
            }
            v = t;
        } else if (type == DataTypes.IntegerType || type == DataTypes.DateType) {
            boolean date = type == DataTypes.DateType;
            org.apache.arrow.vector.BaseFixedWidthVector t = date ? new DateDayVector("v", arrow) : new IntVector("v", arrow);
            t.allocateNew(n);
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    t.getDataBuffer().setInt(4L * i, (Integer) values[i]);
                    org.apache.arrow.vector.BitVectorHelper.setBit(t.getValidityBuffer(), i);
                }
            }
            v = t;
        } else if (type == DataTypes.LongType || type == DataTypes.TimestampType) {
            org.apache.arrow.vector.BaseFixedWidthVector t = type == DataTypes.LongType ? new BigIntVector("v", arrow)
                    : new TimeStampMicroTZVector("v", arrow, "UTC");
            t.allocateNew(n);
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    t.getDataBuffer().setLong(8L * i, (Long) values[i]);
                    org.apache.arrow.vector.BitVectorHelper.setBit(t.getValidityBuffer(), i);
                }
            }
            v = t;
        } else if (type == DataTypes.FloatType) {
            Float4Vector t = new Float4Vector("v", arrow);
            t.allocateNew(n);
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    t.set(i, (Float) values[i]);
                }
            }
            v = t;
        } else if (type == DataTypes.DoubleType) {
            Float8Vector t = new Float8Vector("v", arrow);
            t.allocateNew(n);
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    t.set(i, (Double) values[i]);
                }
            }
            v = t;
        } else {
            DecimalType d = (DecimalType) type;
            DecimalVector t = new DecimalVector("v", arrow, d.precision(), d.scale());
            t.allocateNew(n);
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    t.set(i, (BigDecimal) values[i]);
                }
            }
            v = t;
        }
        v.setValueCount(n);
        return v;
    }

    private static void assertRow(HostColumn c, int row, Object expected, String where) {
        assertThat(c.isNull(row)).as("%s null", where).isEqualTo(expected == null);
        if (expected == null) {
            return;
        }
        Object actual = switch (c.type().id()) {
            case BOOL8 -> c.getBoolean(row);
            case INT8 -> c.getByte(row);
            case INT16 -> c.getShort(row);
            case INT32, DATE32 -> c.getInt(row);
            case INT64, TIMESTAMP_US -> c.getLong(row);
            case FLOAT32 -> Float.floatToRawIntBits(c.getFloat(row));
            case FLOAT64 -> Double.doubleToRawLongBits(c.getDouble(row));
            default -> c.getBigDecimal(row);
        };
        Object want = expected instanceof Float f ? Float.floatToRawIntBits(f)
                : expected instanceof Double d ? Double.doubleToRawLongBits(d) : expected;
        assertThat(actual).as(where).isEqualTo(want);
    }

    private void check(List<Kind> kinds, long seed) {
        StructType schema = schema();
        Random r = new Random(seed);
        List<Object[][]> expected = new ArrayList<>();
        try (HostBatchBuilder builder = new HostBatchBuilder(schema, 16)) {
            for (int b = 0; b < BATCH_ROWS.length; b++) {
                Kind kind = kinds.get(b % kinds.size());
                int n = BATCH_ROWS[b];
                ColumnVector[] vectors = new ColumnVector[TYPES.length];
                Object[][] columns = new Object[TYPES.length][];
                for (int c = 0; c < TYPES.length; c++) {
                    columns[c] = new Object[n];
                    for (int i = 0; i < n; i++) {
                        columns[c][i] = value(TYPES[c], r);
                    }
                    vectors[c] = vector(kind, TYPES[c], columns[c]);
                }
                builder.append(new ColumnarBatch(vectors, n));
                expected.add(columns);
            }
            assertThat(builder.paths()).as("copy paths of %s", kinds).containsAll(expectedPaths(kinds));
            try (HostTable table = builder.build()) {
                int total = 0;
                for (int n : BATCH_ROWS) {
                    total += n;
                }
                assertThat(table.rowCount()).isEqualTo(total);
                for (int c = 0; c < TYPES.length; c++) {
                    int row = 0;
                    for (int b = 0; b < BATCH_ROWS.length; b++) {
                        for (int i = 0; i < BATCH_ROWS[b]; i++, row++) {
                            assertRow(table.column(c), row, expected.get(b)[c][i],
                                    TYPES[c].simpleString() + " batch " + b + " row " + i + " (" + kinds + ")");
                        }
                    }
                }
            }
        }
    }

    private static List<VectorCopy.Path> expectedPaths(List<Kind> kinds) {
        return kinds.stream().map(k -> switch (k) {
            case ON_HEAP -> VectorCopy.Path.ON_HEAP_BULK;
            case OFF_HEAP -> VectorCopy.Path.OFF_HEAP_BULK;
            case ARROW -> VectorCopy.Path.ARROW_BULK;
            case CONSTANT -> VectorCopy.Path.CONSTANT;
            case FORWARDING -> VectorCopy.Path.PER_VALUE;
        }).toList();
    }

    @Test
    void onHeapVectors() {
        check(List.of(Kind.ON_HEAP), 1);
    }

    @Test
    void offHeapVectors() {
        check(List.of(Kind.OFF_HEAP), 2);
    }

    @Test
    void arrowVectors() {
        check(List.of(Kind.ARROW), 3);
    }

    @Test
    void constantVectors() {
        check(List.of(Kind.CONSTANT), 4);
    }

    @Test
    void otherVectorsValueByValue() {
        check(List.of(Kind.FORWARDING), 5);
    }

    @Test
    void everyKindInOneTable() {
        check(List.of(Kind.OFF_HEAP, Kind.ARROW, Kind.CONSTANT, Kind.ON_HEAP, Kind.FORWARDING), 6);
    }

    @Test
    void dictionaryEncodedVectorsAreDecoded() {
        int n = 77;
        long[] dictionary = {Long.MIN_VALUE, -1, 0, 42, Long.MAX_VALUE};
        OnHeapColumnVector v = new OnHeapColumnVector(n, DataTypes.LongType);
        open.add(v);
        WritableColumnVector ids = v.reserveDictionaryIds(n);
        v.setDictionary(new LongDictionary(dictionary));
        for (int i = 0; i < n; i++) {
            if (i % 7 == 3) {
                v.putNull(i);
            } else {
                ids.putInt(i, i % dictionary.length);
            }
        }
        try (HostBatchBuilder builder = new HostBatchBuilder(new StructType().add("l", DataTypes.LongType), 8)) {
            builder.append(new ColumnarBatch(new ColumnVector[] {v}, n));
            assertThat(builder.paths()).containsExactly(VectorCopy.Path.PER_VALUE);
            try (HostTable t = builder.build()) {
                for (int i = 0; i < n; i++) {
                    assertRow(t.column(0), i, i % 7 == 3 ? null : dictionary[i % dictionary.length], "row " + i);
                }
            }
        }
    }

    @Test
    void allNullWritableVectorsNeedNoValues() {
        OnHeapColumnVector v = new OnHeapColumnVector(50, DataTypes.DoubleType);
        open.add(v);
        v.putNulls(0, 50);
        try (HostBatchBuilder builder = new HostBatchBuilder(new StructType().add("d", DataTypes.DoubleType), 8)) {
            builder.append(new ColumnarBatch(new ColumnVector[] {v}, 50));
            try (HostTable t = builder.build()) {
                assertThat(t.column(0).nullCount()).isEqualTo(50);
            }
        }
    }

    private record LongDictionary(long[] values) implements Dictionary {
        @Override
        public int decodeToInt(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long decodeToLong(int id) {
            return values[id];
        }

        @Override
        public float decodeToFloat(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public double decodeToDouble(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] decodeToBinary(int id) {
            throw new UnsupportedOperationException();
        }
    }
}
