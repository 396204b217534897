package dev.ember.it.spark;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Random rows for differential tests: about 10% nulls per column, mixed with each type's specials
 * (NaN, ±0.0, ±Infinity, min/max values, zero) and otherwise uniform values. Deterministic per seed.
 */
public final class RandomRows {
    /** One column of every type Ember's device columns hold. */
    public static final StructType ALL_TYPES = new StructType(new StructField[] {
        DataTypes.createStructField("b", DataTypes.BooleanType, true),
        DataTypes.createStructField("i8", DataTypes.ByteType, true),
        DataTypes.createStructField("i16", DataTypes.ShortType, true),
        DataTypes.createStructField("i32", DataTypes.IntegerType, true),
        DataTypes.createStructField("i64", DataTypes.LongType, true),
        DataTypes.createStructField("f32", DataTypes.FloatType, true),
        DataTypes.createStructField("f64", DataTypes.DoubleType, true),
        DataTypes.createStructField("d", DataTypes.DateType, true),
        DataTypes.createStructField("ts", DataTypes.TimestampType, true),
        DataTypes.createStructField("dec10", new DecimalType(10, 2), true),
        DataTypes.createStructField("dec30", new DecimalType(30, 5), true),
        DataTypes.createStructField("dec38", new DecimalType(38, 0), true),
    });

    private RandomRows() {}

    /** The named columns of {@link #ALL_TYPES}, in the order given. */
    public static StructType columns(String... names) {
        StructType schema = new StructType();
        for (String name : names) {
            schema = schema.add(ALL_TYPES.apply(name));
        }
        return schema;
    }

    public static List<Row> rows(StructType schema, int count, long seed) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Object[] values = new Object[schema.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = r.nextInt(10) == 0 ? null : value(schema.fields()[c].dataType(), r);
            }
            rows.add(RowFactory.create(values));
        }
        return rows;
    }

    /** A local table (Spark's {@code LocalTableScanExec}) of random rows. */
    public static Dataset<Row> table(SparkSession spark, StructType schema, int count, long seed) {
        return spark.createDataFrame(rows(schema, count, seed), schema);
    }

    private static boolean special(Random r) {
        return r.nextInt(4) == 0;
    }

    static Object value(DataType type, Random r) {
        if (type == DataTypes.BooleanType) {
            return r.nextBoolean();
        } else if (type == DataTypes.ByteType) {
            return special(r) ? pick(r, Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0) : (byte) r.nextInt();
        } else if (type == DataTypes.ShortType) {
            return special(r) ? pick(r, Short.MIN_VALUE, Short.MAX_VALUE, (short) 0) : (short) r.nextInt();
        } else if (type == DataTypes.IntegerType) {
            return special(r) ? pick(r, Integer.MIN_VALUE, Integer.MAX_VALUE, 0) : r.nextInt();
        } else if (type == DataTypes.LongType) {
            return special(r) ? pick(r, Long.MIN_VALUE, Long.MAX_VALUE, 0L) : r.nextLong();
        } else if (type == DataTypes.FloatType) {
            return special(r) ? pick(r, Float.NaN, -0.0f, 0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                    Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE) : (r.nextFloat() - 0.5f) * 1e6f;
        } else if (type == DataTypes.DoubleType) {
            return special(r) ? pick(r, Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE) : (r.nextDouble() - 0.5) * 1e12;
        } else if (type == DataTypes.DateType) {
            // 1902..2106: inside the range where every calendar agrees.
            return Date.valueOf(java.time.LocalDate.ofEpochDay(r.nextInt(75_000) - 25_000));
        } else if (type == DataTypes.TimestampType) {
            long micros = (long) ((r.nextDouble() - 0.3) * 4e15);
            Timestamp ts = new Timestamp(Math.floorDiv(micros, 1000));
            ts.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
            return ts;
        } else if (type instanceof DecimalType d) {
            BigInteger limit = BigInteger.TEN.pow(d.precision());
            BigInteger unscaled = special(r) ? pick(r, limit.subtract(BigInteger.ONE), limit.negate().add(BigInteger.ONE),
                    BigInteger.ZERO) : new BigInteger(limit.bitLength() + 8, r).mod(limit.shiftLeft(1)).subtract(limit);
            if (unscaled.abs().compareTo(limit) >= 0) {
                unscaled = BigInteger.ZERO;
            }
            return new BigDecimal(unscaled, d.scale());
        }
        throw new IllegalArgumentException("no generator for " + type);
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }
}
