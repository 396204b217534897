package dev.ember.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.ops.Murmur3;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Murmur3Hash;
import org.apache.spark.sql.catalyst.expressions.Pmod;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark is the oracle: its own {@code Murmur3Hash} (seed 42) and {@code Pmod(Murmur3Hash, n)} (the
 * partition id of HashPartitioning), evaluated on {@code InternalRow}s, must equal Ember's hashes and
 * partition ids for every fixed-width type and for strings, single and multi-column, with nulls and
 * special values.
 */
class TestMurmur3AgainstSpark {
    private static final int ROWS = 3000;
    private static final int[] PARTITION_COUNTS = {1, 2, 7, 200, 1009, Integer.MAX_VALUE};

    private final Device device = TestDevices.device();

    /** A Spark column type, Ember's hash type for it, and random data in both representations. */
    enum Kind {
        BOOLEAN(DataTypes.BooleanType, Murmur3.Type.BOOL8),
        BYTE(DataTypes.ByteType, Murmur3.Type.INT8),
        SHORT(DataTypes.ShortType, Murmur3.Type.INT16),
        INT(DataTypes.IntegerType, Murmur3.Type.INT32),
        LONG(DataTypes.LongType, Murmur3.Type.INT64),
        FLOAT(DataTypes.FloatType, Murmur3.Type.FLOAT32),
        DOUBLE(DataTypes.DoubleType, Murmur3.Type.FLOAT64),
        DATE(DataTypes.DateType, Murmur3.Type.DATE32),
        TIMESTAMP(DataTypes.TimestampType, Murmur3.Type.TIMESTAMP_US),
        DECIMAL_10_2(DataTypes.createDecimalType(10, 2), Murmur3.Type.DECIMAL64),
        DECIMAL_38_10(DataTypes.createDecimalType(38, 10), Murmur3.Type.DECIMAL128),
        /** Random ASCII and multi-byte UTF-8 (4-byte code points included), empty and long strings. */
        STRING(DataTypes.StringType, Murmur3.Type.STRING);

        final DataType sparkType;
        final Murmur3.Type emberType;

        Kind(DataType sparkType, Murmur3.Type emberType) {
            this.sparkType = sparkType;
            this.emberType = emberType;
        }
    }

    /**
     * One generated column: Spark's values (null where invalid) and Ember's device buffers, or for
     * strings Ember's device string column.
     */
    private record Column(Kind kind, Object[] spark, DeviceBuffer data, DeviceBuffer validity,
            dev.ember.cuda.column.Column strings) implements AutoCloseable {
        Murmur3.Input input() {
            return strings != null ? Murmur3.Input.of(strings)
                    : Murmur3.Input.of(kind.emberType, data.address(), validity.address());
        }

        @Override
        public void close() {
            if (strings != null) {
                strings.close();
            } else {
                data.close();
                validity.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void singleColumnHashesAndPartitionIdsEqualSpark(Kind kind) {
        try (Column column = generate(kind, new Random(kind.ordinal() * 7919L + 1), ROWS, 0.1)) {
            compare(List.of(column), ROWS);
        }
    }

    @Test
    void multiColumnRowsEqualSpark() {
        Random r = new Random(20240917);
        List<Column> columns = new ArrayList<>();
        try {
            for (Kind kind : Kind.values()) {
                columns.add(generate(kind, r, ROWS, 0.2));
            }
            compare(columns, ROWS);
            // Another order gives other hashes, still equal to Spark's.
            List<Column> reversed = new ArrayList<>(columns);
            java.util.Collections.reverse(reversed);
            compare(reversed, ROWS);
        } finally {
            columns.forEach(Column::close);
        }
    }

    @Test
    void allNullRowsAndEmptyInputEqualSpark() {
        Random r = new Random(5);
        try (Column ints = generate(Kind.INT, r, 64, 1.0); Column doubles = generate(Kind.DOUBLE, r, 64, 1.0);
                Column strings = generate(Kind.STRING, r, 64, 1.0)) {
            compare(List.of(ints, doubles, strings), 64);
            compare(List.of(ints, doubles, strings), 0);
        }
    }

    private void compare(List<Column> columns, int n) {
        List<Expression> refs = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            refs.add(new BoundReference(c, columns.get(c).kind().sparkType, true));
        }
        Murmur3Hash hash = new Murmur3Hash(CollectionConverters.asScala(refs).toSeq(), 42);
        List<Murmur3.Input> inputs = columns.stream().map(Column::input).toList();
        try (DeviceBuffer hashes = Murmur3.hashColumns(device, inputs, n, device.defaultStream())) {
            int[] ember = DeviceArrays.downloadInts(hashes, 0, n);
            InternalRow[] rows = new InternalRow[n];
            int[] expected = new int[n];
            for (int i = 0; i < n; i++) {
                Object[] values = new Object[columns.size()];
                for (int c = 0; c < columns.size(); c++) {
                    values[c] = columns.get(c).spark()[i];
                }
                rows[i] = new GenericInternalRow(values);
                expected[i] = (Integer) hash.eval(rows[i]);
            }
            assertThat(ember).as("hashes of %s", kindsOf(columns)).containsExactly(expected);
            for (int partitions : PARTITION_COUNTS) {
                Pmod pmod = new Pmod(hash, Literal.create(partitions, DataTypes.IntegerType), EvalMode.LEGACY());
                int[] expectedIds = new int[n];
                for (int i = 0; i < n; i++) {
                    expectedIds[i] = (Integer) pmod.eval(rows[i]);
                }
                try (DeviceBuffer ids = Murmur3.partitionIds(device, hashes.address(), n, partitions, device.defaultStream())) {
                    assertThat(DeviceArrays.downloadInts(ids, 0, n))
                            .as("partition ids of %s into %d partitions", kindsOf(columns), partitions)
                            .containsExactly(expectedIds);
                }
            }
        }
    }

    private static List<Kind> kindsOf(List<Column> columns) {
        return columns.stream().map(Column::kind).toList();
    }

    @Test
    void stringEdgeCasesEqualSpark() {
        String[] values = {"", "a", "ab", "abc", "abcd", "abcde", "\u00e9", "\u65e5\u672c", "\ud83d\ude00",
            "\udbff\udfff\u0000", "\u007f\u0080", null, "x".repeat(10_000),
            RandomStrings.string(new Random(3), 70_000), "replaced below"};
        byte[][] utf8 = new byte[values.length][];
        Object[] spark = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            utf8[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
            spark[i] = values[i] == null ? null : UTF8String.fromString(values[i]);
        }
        // Bytes that are not valid UTF-8: Spark hashes whatever bytes a UTF8String holds.
        int last = values.length - 1;
        utf8[last] = new byte[] {(byte) 0xff, (byte) 0x80, (byte) 0xc0};
        spark[last] = UTF8String.fromBytes(utf8[last]);
        try (Column column = new Column(Kind.STRING, spark, null, null, DeviceStrings.column(device, utf8))) {
            compare(List.of(column), values.length);
        }
    }

    private Column strings(Random r, int n, byte[] validity) {
        byte[][] values = RandomStrings.utf8(r, n, 0.0, 30);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(100) == 0) {
                values[i] = RandomStrings.string(r, 500 + r.nextInt(3000)).getBytes(StandardCharsets.UTF_8);
            } else if (r.nextInt(10) == 0) {
                values[i] = RandomStrings.ascii(r, r.nextInt(20)).getBytes(StandardCharsets.UTF_8);
            }
            if (!RandomData.isValid(validity, i)) {
                values[i] = null;
            }
        }
        Object[] spark = new Object[n];
        for (int i = 0; i < n; i++) {
            spark[i] = values[i] == null ? null : UTF8String.fromBytes(values[i]);
        }
        return new Column(Kind.STRING, spark, null, null, DeviceStrings.column(device, values));
    }

    private Column generate(Kind kind, Random r, int n, double nullFraction) {
        byte[] validity = RandomData.validity(r, Math.max(n, 1), nullFraction);
        if (kind == Kind.STRING) {
            return strings(r, n, validity);
        }
        Object[] spark = new Object[n];
        DeviceBuffer data;
        switch (kind) {
            case BOOLEAN -> {
                byte[] v = RandomData.bytes(r, n + 1);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (byte) (v[i] & 1);
                }
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i] != 0;
                }
                data = DeviceArrays.upload(device, v);
            }
            case BYTE -> {
                byte[] v = RandomData.bytes(r, n + 1);
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                data = DeviceArrays.upload(device, v);
            }
            case SHORT -> {
                short[] v = RandomData.shorts(r, n + 1);
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                data = DeviceArrays.upload(device, v);
            }
            case INT, DATE -> {
                int[] v = RandomData.ints(r, n + 1);
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                data = DeviceArrays.upload(device, v);
            }
            case LONG, TIMESTAMP -> {
                long[] v = RandomData.longs(r, n + 1);
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                data = DeviceArrays.upload(device, v);
            }
            case FLOAT -> {
                float[] v = RandomData.floats(r, n + 1);
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                data = DeviceArrays.upload(device, v);
            }
            case DOUBLE -> {
                double[] v = RandomData.doubles(r, n + 1);
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                data = DeviceArrays.upload(device, v);
            }
            case DECIMAL_10_2 -> {
                long max = 9_999_999_999L;
                long[] specials = {0, 1, -1, max, -max, 99, -100};
                long[] v = new long[n + 1];
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.nextDouble() < 0.2 ? specials[r.nextInt(specials.length)] : r.nextLong() % (max + 1);
                }
                for (int i = 0; i < n; i++) {
                    spark[i] = Decimal.apply(v[i], 10, 2);
                }
                data = DeviceArrays.upload(device, v);
            }
            case DECIMAL_38_10 -> {
                long[] words = RandomDecimals.words(r, n + 1);
                for (int i = 0; i < n; i++) {
                    BigInteger unscaled = RandomDecimals.valueAt(words, i);
                    spark[i] = Decimal.apply(new BigDecimal(unscaled, 10), 38, 10);
                }
                data = DeviceArrays.upload(device, words);
            }
            default -> throw new IllegalStateException("unhandled kind " + kind);
        }
        for (int i = 0; i < n; i++) {
            if (!RandomData.isValid(validity, i)) {
                spark[i] = null;
            }
        }
        try {
            return new Column(kind, spark, data, DeviceArrays.upload(device, validity), null);
        } catch (RuntimeException | Error e) {
            data.close();
            throw e;
        }
    }
}
