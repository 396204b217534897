package dev.ember.cuda.expr;

import static org.assertj.core.api.Assertions.fail;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.Bitmaps;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Runs programs on the test device over boxed values (null = SQL null) and compares every output row
 * with a reference. Also checks the output layout: BOOL8 data is 0 or 1, null rows hold 0, and
 * validity bits past the row count are 0.
 */
final class EvalHarness {
    static final DType[] NUMERIC = {DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.FLOAT32, DType.FLOAT64};
    static final DType[] FLOATING = {DType.FLOAT32, DType.FLOAT64};
    static final int[] SIZES = {0, 1, 33, 257, 100_003};

    /** A reference for one output from one row of inputs (nulls included). */
    interface Ref {
        Object apply(Object[] row);
    }

    /** A reference for every output of a program from one row of inputs. */
    interface MultiRef {
        Object[] apply(Object[] row);
    }

    private EvalHarness() {}

    /** Null in, null out; otherwise {@code f}. */
    static Ref strict(Ref f) {
        return row -> {
            for (Object v : row) {
                if (v == null) {
                    return null;
                }
            }
            return f.apply(row);
        };
    }

    /** One program with one output built by {@code body} over inputs of {@code inputTypes}, at every size. */
    static void check(String what, DType[] inputTypes, Function<ProgramBuilder, Reg> body, Ref ref) {
        check(what, inputTypes, body, ref, SIZES);
    }

    /** {@link #check(String, DType[], Function, Ref)} at the given row counts. */
    static void check(String what, DType[] inputTypes, Function<ProgramBuilder, Reg> body, Ref ref, int[] sizes) {
        ProgramBuilder b = new ProgramBuilder();
        b.output(body.apply(b));
        checkProgram(what, inputTypes, b.build(), row -> new Object[] {ref.apply(row)}, sizes);
    }

    static void checkProgram(String what, DType[] inputTypes, Program program, MultiRef ref) {
        checkProgram(what, inputTypes, program, ref, SIZES);
    }

    static void checkProgram(String what, DType[] inputTypes, Program program, MultiRef ref, int[] sizes) {
        for (int n : sizes) {
            Random r = new Random(what.hashCode() * 31L + n);
            List<Values> inputs = new ArrayList<>();
            for (int k = 0; k < inputTypes.length; k++) {
                // The first input of odd sizes has no nulls (and sometimes no bitmap).
                inputs.add(randomValues(r, inputTypes[k], n, k != 0 || n % 2 == 0));
            }
            List<Object[]> outputs = run(program, inputs, n, r);
            Object[] row = new Object[inputTypes.length];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = inputs.get(k).values()[i];
                }
                Object[] expected = ref.apply(row);
                for (int k = 0; k < expected.length; k++) {
                    Object actual = outputs.get(k)[i];
                    if (!same(expected[k], actual)) {
                        fail("%s, %d rows: output %d of row %d with inputs %s is %s, expected %s%n%s", what, n, k, i,
                                Arrays.toString(row), describe(actual), describe(expected[k]), program);
                    }
                }
            }
        }
    }

    /** A column of boxed values of one type. */
    record Values(DType type, Object[] values) {}

    /** Runs {@code program} over {@code n} rows of {@code inputs}; one boxed array per output. */
    static List<Object[]> run(Program program, List<Values> inputs, int n) {
        return run(program, inputs, n, new Random(n));
    }

    static List<Object[]> run(Program program, List<Values> inputs, int n, Random r) {
        Device device = TestDevices.device();
        List<Column> columns = new ArrayList<>();
        try {
            for (Values v : inputs) {
                columns.add(upload(device, v, n, r));
            }
            List<Column> outputs = ProgramEvaluator.evaluate(device, program, columns, n, device.defaultStream());
            try {
                List<Object[]> result = new ArrayList<>();
                for (Column c : outputs) {
                    result.add(download(c, n));
                }
                return result;
            } finally {
                outputs.forEach(Column::close);
            }
        } finally {
            columns.forEach(Column::close);
        }
    }

    static Values randomValues(Random r, DType type, int n, boolean nulls) {
        Object[] out = new Object[n];
        switch (type.id()) {
            case BOOL8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = r.nextBoolean();
                }
            }
            case INT8 -> {
                byte[] v = RandomData.bytes(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case INT16 -> {
                short[] v = RandomData.shorts(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case INT32 -> {
                int[] v = RandomData.ints(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = r.nextInt(4) == 0 ? r.nextInt(21) - 10 : v[i];
                }
            }
            case DATE32 -> {
                int[] v = RandomData.ints(r, n);
                for (int i = 0; i < n; i++) {
                    // Mostly dates within a few centuries of 1970 (both signs), some anywhere in int32.
                    out[i] = r.nextInt(4) == 0 ? v[i] : r.nextInt(400_000) - 200_000;
                }
            }
            case TIMESTAMP_US -> {
                long[] v = RandomData.longs(r, n);
                for (int i = 0; i < n; i++) {
                    // Mostly instants within a few centuries of 1970 (both signs, any microsecond), some anywhere.
                    out[i] = r.nextInt(4) == 0 ? v[i] : (r.nextLong() % 20_000_000_000_000_000L);
                }
            }
            case INT64 -> {
                long[] v = RandomData.longs(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = r.nextInt(4) == 0 ? (long) (r.nextInt(21) - 10) : v[i];
                }
            }
            case FLOAT32 -> {
                float[] v = RandomData.floats(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case FLOAT64 -> {
                double[] v = RandomData.doubles(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case DECIMAL64 -> {
                // Extremes, zero, one unit either way, small values and values of every digit count.
                long max = BigInteger.TEN.pow(type.precision()).longValueExact() - 1;
                for (int i = 0; i < n; i++) {
                    long unscaled = switch (r.nextInt(8)) {
                        case 0 -> r.nextBoolean() ? max : -max;
                        case 1 -> r.nextInt(3) - 1;
                        case 2 -> (r.nextInt(2001) - 1000) % (max + 1);
                        default -> {
                            long bound = BigInteger.TEN.pow(1 + r.nextInt(type.precision())).longValueExact();
                            yield (r.nextLong() >>> 1) % bound * (r.nextBoolean() ? 1 : -1);
                        }
                    };
                    out[i] = BigDecimal.valueOf(unscaled, type.scale());
                }
            }
            case DECIMAL128 -> {
                // Extremes, zero, one unit either way and values of every digit count; small values too.
                for (int i = 0; i < n; i++) {
                    BigInteger unscaled = r.nextInt(8) == 0 ? BigInteger.valueOf(r.nextInt(2001) - 1000)
                            : RandomDecimals.next(r, type.precision());
                    out[i] = new BigDecimal(unscaled, type.scale());
                }
            }
            default -> throw new IllegalArgumentException("no values for " + type);
        }
        if (nulls) {
            for (int i = 0; i < n; i++) {
                if (r.nextInt(5) == 0) {
                    out[i] = null;
                }
            }
        }
        return new Values(type, out);
    }

    /** The int128 of (low, high) two's-complement words. */
    static BigInteger int128(long lo, long hi) {
        return BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
    }

    /** Literals for IN lists: each type's special values. */
    static Object[] specialValues(DType type) {
        return switch (type.id()) {
            case BOOL8 -> new Object[] {true};
            case INT8 -> new Object[] {(byte) 0, Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) -1, (byte) 7};
            case INT16 -> new Object[] {(short) 0, Short.MIN_VALUE, Short.MAX_VALUE, (short) 1, (short) -3};
            case INT32 -> new Object[] {0, Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 5};
            case INT64 -> new Object[] {0L, Long.MIN_VALUE, Long.MAX_VALUE, 1L, -7L};
            case FLOAT32 -> new Object[] {Float.NaN, -0.0f, Float.POSITIVE_INFINITY, 1.5f, -Float.MAX_VALUE};
            case FLOAT64 -> new Object[] {Double.NaN, 0.0, Double.NEGATIVE_INFINITY, 0.5, Double.MIN_VALUE};
            case DATE32 -> new Object[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 18_000};
            default -> throw new IllegalArgumentException("no literals for " + type);
        };
    }

    private static Column upload(Device device, Values v, int n, Random r) {
        int width = v.type().sizeInBytes();
        ByteBuffer data = ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
        byte[] validity = new byte[(int) Bitmaps.bitmapBytes(n)];
        r.nextBytes(validity);
        boolean anyNull = false;
        for (int i = 0; i < n; i++) {
            Object value = v.values()[i];
            boolean valid = value != null;
            anyNull |= !valid;
            if (valid) {
                validity[i >>> 3] |= (byte) (1 << (i & 7));
            } else {
                validity[i >>> 3] &= (byte) ~(1 << (i & 7));
            }
            int at = i * width;
            if (value == null) {
                // Garbage under null rows: the program must not depend on it.
                for (int k = 0; k < width; k++) {
                    data.put(at + k, (byte) r.nextInt());
                }
            } else if (value instanceof Boolean bool) {
                // True is any non-zero byte.
                data.put(at, bool ? (byte) (r.nextInt(4) == 0 ? r.nextInt(255) + 1 : 1) : 0);
            } else if (value instanceof Byte x) {
                data.put(at, x);
            } else if (value instanceof Short x) {
                data.putShort(at, x);
            } else if (value instanceof Integer x) {
                data.putInt(at, x);
            } else if (value instanceof Long x) {
                data.putLong(at, x);
            } else if (value instanceof Float x) {
                data.putInt(at, Float.floatToRawIntBits(x));
            } else if (value instanceof BigDecimal x && width == 16) {
                // DECIMAL128: 16-byte little-endian two's complement, the low word first.
                data.putLong(at, x.unscaledValue().longValue());
                data.putLong(at + 8, x.unscaledValue().shiftRight(64).longValue());
            } else if (value instanceof BigDecimal x) {
                data.putLong(at, x.unscaledValue().longValueExact());
            } else {
                data.putLong(at, Double.doubleToRawLongBits((Double) value));
            }
        }
        DeviceBuffer dataBuffer = DeviceArrays.upload(device, data.array());
        DeviceBuffer validityBuffer = null;
        if (anyNull || r.nextBoolean()) {
            try {
                validityBuffer = DeviceArrays.upload(device, validity);
            } catch (RuntimeException | Error e) {
                dataBuffer.close();
                throw e;
            }
        }
        return Column.create(v.type(), n, dataBuffer, validityBuffer, Column.UNKNOWN_NULL_COUNT);
    }

    private static Object[] download(Column c, int n) {
        int width = c.type().sizeInBytes();
        ByteBuffer data = ByteBuffer.wrap(DeviceArrays.downloadBytes(c.data(), 0, n * width)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] validity = DeviceArrays.downloadBytes(c.validity(), 0, (int) Bitmaps.bitmapBytes(n));
        for (int bit = n; bit < validity.length * 8; bit++) {
            if (RandomData.isValid(validity, bit)) {
                fail("validity bit %d of %d rows is set past the end", bit, n);
            }
        }
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            int at = i * width;
            if (!RandomData.isValid(validity, i)) {
                for (int k = 0; k < width; k++) {
                    if (data.get(at + k) != 0) {
                        fail("null row %d of %d holds non-zero data", i, n);
                    }
                }
                continue;
            }
            out[i] = switch (c.type().id()) {
                case BOOL8 -> {
                    byte b = data.get(at);
                    if (b != 0 && b != 1) {
                        fail("boolean row %d is %d, not 0 or 1", i, b);
                    }
                    yield b == 1;
                }
                case INT8 -> data.get(at);
                case INT16 -> data.getShort(at);
                case INT32, DATE32 -> data.getInt(at);
                case INT64, TIMESTAMP_US -> data.getLong(at);
                case FLOAT32 -> Float.intBitsToFloat(data.getInt(at));
                case FLOAT64 -> Double.longBitsToDouble(data.getLong(at));
                case DECIMAL64 -> BigDecimal.valueOf(data.getLong(at), c.type().scale());
                case DECIMAL128 -> new BigDecimal(int128(data.getLong(at), data.getLong(at + 8)), c.type().scale());
                default -> throw new IllegalArgumentException("unexpected output type " + c.type());
            };
        }
        return out;
    }

    /** Equal values of the same boxed type; floats bit for bit except that any NaN equals any NaN. */
    static boolean same(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected instanceof Float x && actual instanceof Float y) {
            return Float.floatToIntBits(x) == Float.floatToIntBits(y);
        }
        if (expected instanceof Double x && actual instanceof Double y) {
            return Double.doubleToLongBits(x) == Double.doubleToLongBits(y);
        }
        return expected.equals(actual);
    }

    private static String describe(Object v) {
        return v == null ? "null" : v + " (" + v.getClass().getSimpleName() + ")";
    }
}
