package dev.ember.it.spark.window;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows for window tests: {@code id} unique (the tie-breaker that makes ROWS frames, row_number and
 * lag/lead deterministic), partition keys with nulls ({@code k} of {@code groups} values, {@code ks} a
 * string key, long for some rows; {@code kd} a double key with NaN, -0.0 and 0.0), values with nulls and
 * ties ({@code v} int, {@code l} long, {@code x} double with NaN, -0.0 and infinities, {@code f} float),
 * a date {@code dt}, a timestamp {@code ts} and a string {@code s}.
 */
final class WindowData {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("k", DataTypes.IntegerType, true)
            .add("ks", DataTypes.StringType, true)
            .add("kd", DataTypes.DoubleType, true)
            .add("v", DataTypes.IntegerType, true)
            .add("l", DataTypes.LongType, true)
            .add("x", DataTypes.DoubleType, true)
            .add("f", DataTypes.FloatType, true)
            .add("dt", DataTypes.DateType, true)
            .add("ts", DataTypes.TimestampType, true)
            .add("s", DataTypes.StringType, true);

    private WindowData() {}

    static Dataset<Row> table(SparkSession spark, int rows, int groups, long seed, int partitions) {
        Random r = new Random(seed);
        List<Row> out = new ArrayList<>(rows);
        String longPrefix = "p".repeat(300);
        for (int i = 0; i < rows; i++) {
            Integer k = r.nextInt(20) == 0 ? null : r.nextInt(groups);
            String ks = k == null ? null : (k % 3 == 0 ? longPrefix + k : "g" + k);
            Double kd = r.nextInt(15) == 0 ? null : switch (r.nextInt(6)) {
                case 0 -> Double.NaN;
                case 1 -> -0.0;
                case 2 -> 0.0;
                default -> (double) r.nextInt(3);
            };
            Integer v = r.nextInt(10) == 0 ? null : r.nextInt(40) - 20;
            Long l = r.nextInt(10) == 0 ? null : r.nextInt(8) == 0 ? (r.nextBoolean() ? Long.MAX_VALUE
                    : Long.MIN_VALUE) : r.nextLong() % 1_000_000L;
            Double x = r.nextInt(10) == 0 ? null : switch (r.nextInt(12)) {
                case 0 -> Double.NaN;
                case 1 -> -0.0;
                case 2 -> Double.POSITIVE_INFINITY;
                default -> (r.nextInt(2000) - 1000) / 8.0;
            };
            Float f = r.nextInt(10) == 0 ? null : r.nextInt(12) == 0 ? Float.NaN : (r.nextInt(200) - 100) / 4.0f;
            Date dt = r.nextInt(10) == 0 ? null : Date.valueOf(java.time.LocalDate.ofEpochDay(19_000 + r.nextInt(60)));
            Timestamp ts = r.nextInt(10) == 0 ? null : new Timestamp(1_700_000_000_000L + r.nextInt(100) * 3_600_000L);
            String s = r.nextInt(10) == 0 ? null : "s" + r.nextInt(50);
            out.add(RowFactory.create((long) i, k, ks, kd, v, l, x, f, dt, ts, s));
        }
        return spark.createDataFrame(out, SCHEMA).repartition(partitions);
    }
}
