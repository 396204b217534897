package dev.ember.it.spark.expr;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.SparkSessionExtension;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * hash(...) on the GPU against Spark: every column type alone and several together, with nulls (which
 * leave the running hash unchanged), NaN, -0.0, extremes, empty and multi-byte strings, wide decimals,
 * computed arguments and other seeds than 42 being impossible from SQL; in ANSI mode too.
 */
@ExtendWith(SparkSessionExtension.class)
class TestHashFunctions {
    private static final StructType HASHED = new StructType()
            .add("bo", DataTypes.BooleanType, true)
            .add("b", DataTypes.ByteType, true)
            .add("s", DataTypes.ShortType, true)
            .add("i", DataTypes.IntegerType, true)
            .add("l", DataTypes.LongType, true)
            .add("f", DataTypes.FloatType, true)
            .add("d", DataTypes.DoubleType, true)
            .add("dt", DataTypes.DateType, true)
            .add("ts", DataTypes.TimestampType, true)
            .add("p", new DecimalType(10, 2), true)
            .add("w", new DecimalType(30, 5), true)
            .add("str", DataTypes.StringType, true);

    @BeforeAll
    static void register(SparkSession spark) {
        Random r = new Random(5);
        String[] strings = {"", "a", "ab", "abc", "abcd", "hello world", "é", "日本語", "😀x", "0123456789abcdef0"};
        double[] doubles = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, Double.MAX_VALUE, 1.5, -2.25};
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < 3000; k++) {
            boolean edge = k % 7 == 0;
            double d = edge ? doubles[k % doubles.length] : r.nextGaussian() * 1e6;
            rows.add(RowFactory.create(
                    nullOr(r, r.nextBoolean()),
                    nullOr(r, edge ? (k % 2 == 0 ? Byte.MIN_VALUE : Byte.MAX_VALUE) : (byte) r.nextInt()),
                    nullOr(r, edge ? Short.MIN_VALUE : (short) r.nextInt()),
                    nullOr(r, edge ? Integer.MIN_VALUE : r.nextInt()),
                    nullOr(r, edge ? Long.MAX_VALUE : r.nextLong()),
                    nullOr(r, (float) d),
                    nullOr(r, d),
                    nullOr(r, Date.valueOf(java.time.LocalDate.ofEpochDay(r.nextInt(200_000) - 100_000))),
                    nullOr(r, new Timestamp(r.nextLong() % 4_000_000_000_000L)),
                    nullOr(r, BigDecimal.valueOf(r.nextLong() % 10_000_000_000L, 2)),
                    nullOr(r, new BigDecimal(new java.math.BigInteger(96, r)).movePointLeft(5)
                            .multiply(BigDecimal.valueOf(r.nextBoolean() ? 1 : -1))),
                    nullOr(r, edge ? strings[k % strings.length] : Long.toString(r.nextLong(), 36))));
        }
        Object[] nulls = new Object[HASHED.size()];
        rows.add(RowFactory.create(nulls));
        spark.createDataFrame(rows, HASHED).createOrReplaceTempView("hashed");
    }

    private static Object nullOr(Random r, Object value) {
        return r.nextInt(10) == 0 ? null : value;
    }

    @BothAdaptiveModes
    void eachTypeAlone(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT hash(bo) AS a, hash(b) AS c, hash(s) AS e, hash(i) AS g, "
                        + "hash(l) AS h, hash(f) AS k, hash(d) AS m, hash(dt) AS n, hash(ts) AS o, hash(p) AS q, "
                        + "hash(w) AS t, hash(str) AS u, i FROM hashed"));
    }

    @BothAdaptiveModes
    void severalArgumentsAndComputedOnes(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT hash(bo, b, s, i, l, f, d, dt, ts, p, w, str) AS a, "
                        + "hash(str, i) AS c, hash(i + 1, upper(str), d * 2) AS e, hash(i, i) AS g, "
                        + "hash(CAST(NULL AS INT), l) AS h, hash('x', i) AS k FROM hashed"));
    }

    @BothAdaptiveModes
    void inFiltersAndAnsiMode(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true")
                .expectGpu("GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT i, str, hash(str, l) AS h FROM hashed "
                        + "WHERE hash(i, str) > 0 OR hash(d) < -1000000"));
    }
}
