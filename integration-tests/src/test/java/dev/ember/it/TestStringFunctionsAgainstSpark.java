package dev.ember.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.LikePattern;
import dev.ember.cuda.ops.StringCasts;
import dev.ember.cuda.ops.StringFunctions;
import dev.ember.cuda.ops.StringFunctions.ConcatInput;
import dev.ember.cuda.ops.StringFunctions.TrimSide;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.StringCastInputs;
import dev.ember.cuda.testing.TestDevices;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Concat;
import org.apache.spark.sql.catalyst.expressions.Contains;
import org.apache.spark.sql.catalyst.expressions.EndsWith;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.Length;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.StartsWith;
import org.apache.spark.sql.catalyst.expressions.StringTrim;
import org.apache.spark.sql.catalyst.expressions.StringTrimLeft;
import org.apache.spark.sql.catalyst.expressions.StringTrimRight;
import org.apache.spark.sql.catalyst.expressions.Substring;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark is the oracle: its own string expressions and casts (ANSI off), evaluated on
 * {@code InternalRow}s of {@code UTF8String}s, must equal Ember's string operations on the test
 * device, row by row, on random ASCII and multi-byte UTF-8 (2-, 3- and 4-byte code points), empty
 * strings, nulls and rows of more than a MiB.
 */
class TestStringFunctionsAgainstSpark {
    private static final int ROWS = 3000;

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    private static byte[][] inputs(long seed) {
        Random r = new Random(seed);
        byte[][] rows = RandomStrings.utf8(r, ROWS, 0.1, 12);
        String[] specials = {" padded  ", "\tTab\t", "stra\u00dfe", "\u0130I\u0131i", "a\nb", "%_\\", "\ufb01",
            "  \u00e9t\u00e9  ", "ABCabc", "\ud83d\ude00\ud83d\ude00"};
        for (int i = 0; i < specials.length; i++) {
            rows[7 + i * 13] = specials[i].getBytes(StandardCharsets.UTF_8);
        }
        rows[ROWS - 1] = RandomStrings.string(r, (1 << 20) + 7).getBytes(StandardCharsets.UTF_8);
        return rows;
    }

    private static BoundReference ref(int ordinal, DataType type) {
        return new BoundReference(ordinal, type, true);
    }

    private static Literal lit(Object value, DataType type) {
        return Literal.create(value, type);
    }

    private static UTF8String utf8(byte[] b) {
        return b == null ? null : UTF8String.fromBytes(b);
    }

    /** Spark's value of {@code e} on each row of the given columns (null bytes: null). */
    private static Object[] spark(Expression e, byte[][]... columns) {
        Object[] out = new Object[columns[0].length];
        for (int i = 0; i < out.length; i++) {
            Object[] row = new Object[columns.length];
            for (int c = 0; c < columns.length; c++) {
                row[c] = utf8(columns[c][i]);
            }
            out[i] = e.eval(new GenericInternalRow(row));
        }
        return out;
    }

    /** A device result as Spark's Java values: UTF8String, Boolean, Integer, Long, Short, Byte or null. */
    private static Object[] ember(Column out) {
        int n = Math.toIntExact(out.rowCount());
        if (out.type().id() == DType.TypeId.STRING) {
            byte[][] v = DeviceStrings.values(out);
            Object[] o = new Object[n];
            for (int i = 0; i < n; i++) {
                o[i] = utf8(v[i]);
            }
            return o;
        }
        int width = out.type().sizeInBytes();
        ByteBuffer data = ByteBuffer.wrap(DeviceArrays.downloadBytes(out.data(), 0, n * width))
                .order(ByteOrder.LITTLE_ENDIAN);
        byte[] bits = DeviceArrays.downloadBytes(out.validity(), 0, (n + 7) / 8);
        Object[] o = new Object[n];
        for (int i = 0; i < n; i++) {
            if ((bits[i >> 3] >> (i & 7) & 1) == 0) {
                continue;
            }
            o[i] = switch (out.type().id()) {
                case BOOL8 -> data.get(i) != 0;
                case INT8 -> data.get(i);
                case INT16 -> data.getShort(i * 2);
                case INT32, DATE32 -> data.getInt(i * 4);
                case INT64 -> data.getLong(i * 8);
                default -> throw new IllegalArgumentException(out.type().toString());
            };
        }
        return o;
    }

    private void assertSame(String what, Expression e, byte[][] in, Function<Column, Column> op) {
        try (Column c = DeviceStrings.column(device, in); Column out = op.apply(c)) {
            Object[] want = spark(e, in);
            Object[] got = ember(out);
            for (int i = 0; i < in.length; i++) {
                assertThat(got[i]).as("%s of row %d [%s]", what, i, in[i] == null ? null
                        : abbreviate(new String(in[i], StandardCharsets.UTF_8))).isEqualTo(want[i]);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @Test
    void lengthUpperLower() {
        byte[][] in = inputs(1);
        BoundReference s = ref(0, DataTypes.StringType);
        assertSame("length", new Length(s), in, c -> StringFunctions.length(device, c, stream));
        assertSame("upper", new Upper(s), in, c -> StringFunctions.upper(device, c, stream));
        assertSame("lower", new Lower(s), in, c -> StringFunctions.lower(device, c, stream));
    }

    @Test
    void substring() {
        byte[][] in = inputs(2);
        int[] positions = {Integer.MIN_VALUE, -1000, -4, -1, 0, 1, 3, 12, Integer.MAX_VALUE};
        int[] lengths = {Integer.MIN_VALUE, -1, 0, 1, 3, 1000, Integer.MAX_VALUE};
        for (int pos : positions) {
            for (int len : lengths) {
                Expression e = new Substring(ref(0, DataTypes.StringType), lit(pos, DataTypes.IntegerType),
                        lit(len, DataTypes.IntegerType));
                assertSame("substring(" + pos + ", " + len + ")", e, in,
                        c -> StringFunctions.substring(device, c, pos, len, stream));
            }
        }
    }

    @Test
    void trims() {
        byte[][] in = inputs(3);
        BoundReference s = ref(0, DataTypes.StringType);
        assertSame("trim", new StringTrim(s), in, c -> StringFunctions.trim(device, c, TrimSide.BOTH, stream));
        assertSame("ltrim", new StringTrimLeft(s), in, c -> StringFunctions.trim(device, c, TrimSide.LEADING, stream));
        assertSame("rtrim", new StringTrimRight(s), in, c -> StringFunctions.trim(device, c, TrimSide.TRAILING, stream));
        for (String set : new String[] {"a \u00e9", "\ud83d\ude00b\t", ""}) {
            // Spark's two-expression constructors take the trim string first (TRIM(trimStr FROM str)).
            Literal t = lit(set, DataTypes.StringType);
            byte[] b = set.getBytes(StandardCharsets.UTF_8);
            assertSame("trim set " + set, new StringTrim(t, s), in,
                    c -> StringFunctions.trim(device, c, TrimSide.BOTH, b, Integer.MAX_VALUE, stream));
            assertSame("ltrim set " + set, new StringTrimLeft(t, s), in,
                    c -> StringFunctions.trim(device, c, TrimSide.LEADING, b, Integer.MAX_VALUE, stream));
            assertSame("rtrim set " + set, new StringTrimRight(t, s), in,
                    c -> StringFunctions.trim(device, c, TrimSide.TRAILING, b, Integer.MAX_VALUE, stream));
        }
    }

    @Test
    void startsEndsContainsLike() {
        byte[][] in = inputs(4);
        BoundReference s = ref(0, DataTypes.StringType);
        for (String p : new String[] {"", "a", "\u00e9", "\ud83d\ude00", "ab"}) {
            Literal l = lit(p, DataTypes.StringType);
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            assertSame("startswith " + p, new StartsWith(s, l), in, c -> StringFunctions.startsWith(device, c, b, stream));
            assertSame("endswith " + p, new EndsWith(s, l), in, c -> StringFunctions.endsWith(device, c, b, stream));
            assertSame("contains " + p, new Contains(s, l), in, c -> StringFunctions.contains(device, c, b, stream));
        }
        String[] patterns = {"", "%", "_", "a%", "%a", "%a%", "a_%", "%_\u00e9%", "\ud83d\ude00_%", "_\ud83d\ude00%",
            "%\\%%", "%\\_", "a\nb", "a_b", "%a%b%c%", "__", "%\\\\%", "s%e"};
        for (String p : patterns) {
            assertSame("like " + p, new Like(s, lit(p, DataTypes.StringType), '\\'), in,
                    c -> StringFunctions.like(device, c, LikePattern.parse(p), stream));
        }
    }

    @Test
    void inAndConcat() {
        byte[][] a = inputs(5);
        byte[][] b = inputs(6);
        BoundReference s = ref(0, DataTypes.StringType);
        List<byte[]> values = new ArrayList<>(Arrays.asList(a[3], a[10], "".getBytes(StandardCharsets.UTF_8)));
        for (boolean withNull : new boolean[] {false, true}) {
            List<Expression> list = new ArrayList<>();
            List<byte[]> literals = new ArrayList<>();
            for (byte[] v : values) {
                if (v != null) {
                    list.add(lit(new String(v, StandardCharsets.UTF_8), DataTypes.StringType));
                    literals.add(v);
                }
            }
            if (withNull) {
                list.add(lit(null, DataTypes.StringType));
                literals.add(null);
            }
            assertSame("in " + withNull, new In(s, CollectionConverters.asScala(list).toSeq()), a,
                    c -> StringFunctions.in(device, c, literals, stream));
        }
        Expression concat = new Concat(CollectionConverters.asScala(List.<Expression>of(s,
                lit("-\u00e9-", DataTypes.StringType), ref(1, DataTypes.StringType))).toSeq());
        try (Column ca = DeviceStrings.column(device, a); Column cb = DeviceStrings.column(device, b);
                Column out = StringFunctions.concat(device, List.of(ConcatInput.column(ca),
                        ConcatInput.scalar("-\u00e9-".getBytes(StandardCharsets.UTF_8)), ConcatInput.column(cb)),
                        stream)) {
            assertThat(ember(out)).containsExactly(spark(concat, a, b));
        }
    }

    @Test
    void castsFromString() {
        byte[][] ints = StringCastInputs.integralTexts(new Random(7), ROWS);
        BoundReference s = ref(0, DataTypes.StringType);
        DataType[] sparkTypes = {DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType, DataTypes.LongType};
        DType[] types = {DType.INT8, DType.INT16, DType.INT32, DType.INT64};
        for (int t = 0; t < types.length; t++) {
            DType type = types[t];
            assertSame("cast to " + type, new Cast(s, sparkTypes[t], Option.apply("UTC"), EvalMode.LEGACY()), ints,
                    c -> StringCasts.toIntegral(device, c, type, stream));
        }
        byte[][] dates = StringCastInputs.dateTexts(new Random(8), ROWS);
        assertSame("cast to date", new Cast(s, DataTypes.DateType, Option.apply("UTC"), EvalMode.LEGACY()), dates,
                c -> StringCasts.toDate(device, c, stream));
    }

    /**
     * Years of up to 7 digits whose day number leaves the int32 range: Spark's localDateToDays
     * overflows (Math.toIntExact), catches it and returns null; Ember must not wrap the day number.
     */
    @Test
    void castToDateBeyondTheInt32DayRange() {
        String[] texts = {"9999999-12-31", "+9999999-12-31", "-9999999-01-01", "1000000-01-01", "5881580-07-11",
            "5881580-07-12", "5881580-08", "5881581", "9999999", "-5877641-06-23", "-5877641-06-22", "-5877642",
            " +5881580-07-11T00:00 ", "-1000000-01-01"};
        byte[][] in = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            in[i] = texts[i].getBytes(StandardCharsets.UTF_8);
        }
        Cast cast = new Cast(ref(0, DataTypes.StringType), DataTypes.DateType, Option.apply("UTC"), EvalMode.LEGACY());
        // Spark itself: null past the range, the extreme days at its ends.
        assertThat(spark(cast, in)).containsExactly(null, null, null, 364_522_972, Integer.MAX_VALUE, null, null, null,
                null, Integer.MIN_VALUE, null, null, Integer.MAX_VALUE, -365_962_028);
        assertSame("cast to date", cast, in, c -> StringCasts.toDate(device, c, stream));
    }

    @Test
    void castsToString() {
        Random r = new Random(9);
        int[] days = StringCastInputs.days(r, ROWS);
        long[] longs = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            longs[i] = i < 3 ? new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}[i] : r.nextLong() >> r.nextInt(64);
        }
        Cast dateCast = new Cast(ref(0, DataTypes.DateType), DataTypes.StringType, Option.apply("UTC"), EvalMode.LEGACY());
        Cast longCast = new Cast(ref(0, DataTypes.LongType), DataTypes.StringType, Option.apply("UTC"), EvalMode.LEGACY());
        try (Column d = Column.create(DType.DATE32, ROWS, DeviceArrays.upload(device, days));
                Column l = Column.create(DType.INT64, ROWS, DeviceArrays.upload(device, longs));
                Column ds = StringCasts.fromDate(device, d, stream);
                Column ls = StringCasts.fromIntegral(device, l, stream)) {
            Object[] gotDates = ember(ds);
            Object[] gotLongs = ember(ls);
            for (int i = 0; i < ROWS; i++) {
                assertThat(gotDates[i]).as("day %d", days[i])
                        .isEqualTo(dateCast.eval(new GenericInternalRow(new Object[] {days[i]})));
                assertThat(gotLongs[i]).as("long %d", longs[i])
                        .isEqualTo(longCast.eval(new GenericInternalRow(new Object[] {longs[i]})));
            }
        }
    }
}
