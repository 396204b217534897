package dev.ember.it.spark.join;

import dev.ember.it.spark.GpuDiff;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The sides of the nested loop join tests: {@code nl} (300 rows) and {@code nr} (40 rows), each with
 * an id and nullable int, long, double (NaN, -0.0, infinities), string (empty, non-ASCII) and
 * decimal(10,2) columns (named i, n, d, s, m).
 */
final class JoinTables {
    private JoinTables() {}

    static void register(SparkSession spark) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("i", DataTypes.IntegerType, true).add("n", DataTypes.LongType, true)
                .add("d", DataTypes.DoubleType, true).add("s", DataTypes.StringType, true)
                .add("m", DataTypes.createDecimalType(10, 2), true);
        spark.createDataFrame(side(300, 11), schema).createOrReplaceTempView("nl");
        spark.createDataFrame(side(40, 12), schema).createOrReplaceTempView("nr");
    }

    private static List<Row> side(int n, long seed) {
        double[] doubles = {0.0, -0.0, Double.NaN, 1.5, -2.25, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            7.0, 1e300};
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            int k = r.nextInt(40) - 5;
            rows.add(RowFactory.create(id, r.nextInt(13) == 0 ? null : k,
                    r.nextInt(11) == 0 ? null : r.nextInt(7) == 0 ? Long.MIN_VALUE : (long) k * 1_000_000_007L,
                    r.nextInt(9) == 0 ? null : doubles[r.nextInt(doubles.length)],
                    r.nextInt(10) == 0 ? null : k % 7 == 0 ? "" : "s" + (k % 13) + (k % 3 == 0 ? "\u00e9" : ""),
                    r.nextInt(8) == 0 ? null : BigDecimal.valueOf(r.nextInt(200_000) - 100_000, 2)));
        }
        return rows;
    }

    /** A diff over the local tables (kept as scans), with small batches and four shuffle partitions. */
    static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "2k")
                .conf("spark.sql.shuffle.partitions", "4")
                .allowCpu("ShuffleExchangeExec", "BroadcastExchangeExec");
    }
}
