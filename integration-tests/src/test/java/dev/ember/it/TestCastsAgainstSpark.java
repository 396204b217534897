package dev.ember.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.ops.Casts;
import dev.ember.cuda.ops.Casts.Type;
import dev.ember.cuda.testing.CastValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scala.Option;

/**
 * Spark is the oracle: its own {@code Cast} with ANSI off (evalMode LEGACY), evaluated on
 * {@code InternalRow}s, must equal Ember's cast for every ordered pair of fixed-width types, on
 * random values mixed with each type's specials (NaN payloads, ±0.0, ±Inf, min/max, rounding ties,
 * saturation edges) and nulls. Floating-point results are compared by {@code floatToIntBits} /
 * {@code doubleToLongBits}: NaN payloads are not observable in Spark, the sign of zero is.
 */
class TestCastsAgainstSpark {
    private static final int ROWS = 4000;

    private final Device device = TestDevices.device();

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (Type from : Type.values()) {
            for (Type to : Type.values()) {
                if (from != to) {
                    pairs.add(Arguments.of(from, to));
                }
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void castEqualsSpark(Type from, Type to) {
        Random r = new Random(from.ordinal() * 131L + to.ordinal());
        byte[] validity = RandomData.validity(r, ROWS, 0.1);
        Object[] inputs = new Object[ROWS];
        Cast cast = new Cast(new BoundReference(0, sparkType(from), true), sparkType(to), Option.apply("UTC"),
                EvalMode.LEGACY());
        try (DeviceBuffer in = generate(from, r, inputs);
                DeviceBuffer out = Casts.cast(device, from, to, in.address(), ROWS, device.defaultStream())) {
            Object[] ember = download(to, out);
            for (int i = 0; i < ROWS; i++) {
                boolean valid = RandomData.isValid(validity, i);
                Object spark = cast.eval(new GenericInternalRow(new Object[] {valid ? inputs[i] : null}));
                if (!valid) {
                    // Ember keeps the input's validity: the row stays null, as in Spark.
                    assertThat(spark).as("Spark's cast of null").isNull();
                    continue;
                }
                // Boxed Float / Double equality is floatToIntBits / doubleToLongBits equality.
                assertThat(ember[i]).as("%s %s (row %d) cast to %s", from, inputs[i], i, to).isEqualTo(spark);
            }
        }
    }

    private static DataType sparkType(Type type) {
        return switch (type) {
            case BOOL8 -> DataTypes.BooleanType;
            case INT8 -> DataTypes.ByteType;
            case INT16 -> DataTypes.ShortType;
            case INT32 -> DataTypes.IntegerType;
            case INT64 -> DataTypes.LongType;
            case FLOAT32 -> DataTypes.FloatType;
            case FLOAT64 -> DataTypes.DoubleType;
        };
    }

    /** Uploads random values of {@code type} and stores Spark's representation of each in {@code spark}. */
    private DeviceBuffer generate(Type type, Random r, Object[] spark) {
        int n = spark.length;
        switch (type) {
            case BOOL8 -> {
                byte[] v = new byte[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (byte) (r.nextBoolean() ? 1 : 0);
                    spark[i] = v[i] != 0;
                }
                return DeviceArrays.upload(device, v);
            }
            case INT8 -> {
                byte[] v = RandomData.bytes(r, n);
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                return DeviceArrays.upload(device, v);
            }
            case INT16 -> {
                short[] v = RandomData.shorts(r, n);
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                return DeviceArrays.upload(device, v);
            }
            case INT32 -> {
                int[] v = CastValues.mixIn(r, RandomData.ints(r, n));
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                return DeviceArrays.upload(device, v);
            }
            case INT64 -> {
                long[] v = CastValues.mixIn(r, RandomData.longs(r, n));
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                return DeviceArrays.upload(device, v);
            }
            case FLOAT32 -> {
                float[] v = CastValues.mixIn(r, RandomData.floats(r, n));
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                return DeviceArrays.upload(device, v);
            }
            case FLOAT64 -> {
                double[] v = CastValues.mixIn(r, RandomData.doubles(r, n));
                for (int i = 0; i < n; i++) {
                    spark[i] = v[i];
                }
                return DeviceArrays.upload(device, v);
            }
            default -> throw new IllegalStateException("unhandled type " + type);
        }
    }

    /** Ember's results boxed as Spark returns them (Boolean, Byte, Short, Integer, Long, Float, Double). */
    private static Object[] download(Type type, DeviceBuffer out) {
        int n = ROWS;
        Object[] values = new Object[n];
        switch (type) {
            case BOOL8 -> {
                byte[] v = DeviceArrays.downloadBytes(out, 0, n);
                for (int i = 0; i < n; i++) {
                    assertThat(v[i]).as("bool8 results are 0 or 1").isBetween((byte) 0, (byte) 1);
                    values[i] = v[i] != 0;
                }
            }
            case INT8 -> {
                byte[] v = DeviceArrays.downloadBytes(out, 0, n);
                for (int i = 0; i < n; i++) {
                    values[i] = v[i];
                }
            }
            case INT16 -> {
                short[] v = DeviceArrays.downloadShorts(out, 0, n);
                for (int i = 0; i < n; i++) {
                    values[i] = v[i];
                }
            }
            case INT32 -> {
                int[] v = DeviceArrays.downloadInts(out, 0, n);
                for (int i = 0; i < n; i++) {
                    values[i] = v[i];
                }
            }
            case INT64 -> {
                long[] v = DeviceArrays.downloadLongs(out, 0, n);
                for (int i = 0; i < n; i++) {
                    values[i] = v[i];
                }
            }
            case FLOAT32 -> {
                float[] v = DeviceArrays.downloadFloats(out, 0, n);
                for (int i = 0; i < n; i++) {
                    values[i] = v[i];
                }
            }
            case FLOAT64 -> {
                double[] v = DeviceArrays.downloadDoubles(out, 0, n);
                for (int i = 0; i < n; i++) {
                    values[i] = v[i];
                }
            }
            default -> throw new IllegalStateException("unhandled type " + type);
        }
        return values;
    }
}
