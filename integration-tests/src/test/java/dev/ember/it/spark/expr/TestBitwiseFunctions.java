package dev.ember.it.spark.expr;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.RandomRows;
import dev.ember.it.spark.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * &, |, ^, ~ and the shifts on the GPU against Spark, over random rows and the extremes of every
 * integral type, with shift distances that are negative or past the width; in ANSI mode too.
 */
@ExtendWith(SparkSessionExtension.class)
class TestBitwiseFunctions {
    private static final StructType BITS = new StructType()
            .add("b", DataTypes.ByteType, true)
            .add("s", DataTypes.ShortType, true)
            .add("i", DataTypes.IntegerType, true)
            .add("l", DataTypes.LongType, true)
            .add("n", DataTypes.IntegerType, true)
            .add("m", DataTypes.LongType, true);

    @BeforeAll
    static void register(SparkSession spark) {
        List<Row> rows = new ArrayList<>(RandomRows.rows(BITS, 2000, 11));
        int[] distances = {0, 1, 31, 32, 33, 63, 64, 65, -1, -31, -64, Integer.MIN_VALUE, Integer.MAX_VALUE};
        for (int k = 0; k < distances.length; k++) {
            rows.add(RowFactory.create(k % 2 == 0 ? Byte.MIN_VALUE : Byte.MAX_VALUE,
                    k % 2 == 0 ? Short.MIN_VALUE : Short.MAX_VALUE, k % 2 == 0 ? Integer.MIN_VALUE : -1,
                    k % 2 == 0 ? Long.MIN_VALUE : Long.MAX_VALUE, distances[k], (long) -k));
        }
        rows.add(RowFactory.create(null, null, null, null, null, null));
        rows.add(RowFactory.create((byte) -1, (short) -1, -1, -1L, null, 0L));
        spark.createDataFrame(rows, BITS).createOrReplaceTempView("bits");
    }

    @BothAdaptiveModes
    void andOrXorNot(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT b & b2 AS a1, b | 7 AS a2, b ^ b2 AS a3, ~b AS a4, "
                        + "s & s AS c1, s | CAST(-256 AS SMALLINT) AS c2, s ^ 255S AS c3, ~s AS c4, i & n AS e1, i | n AS e2, "
                        + "i ^ n AS e3, ~i AS e4, l & m AS g1, l | m AS g2, l ^ m AS g3, ~l AS g4, i & l AS h1, "
                        + "b | i AS h2 FROM (SELECT *, CAST(n AS TINYINT) AS b2 FROM bits)"));
    }

    @BothAdaptiveModes
    void shifts(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT shiftleft(i, n) AS a1, shiftright(i, n) AS a2, "
                        + "shiftrightunsigned(i, n) AS a3, shiftleft(l, n) AS b1, shiftright(l, n) AS b2, "
                        + "shiftrightunsigned(l, n) AS b3, shiftleft(b, 3) AS c1, shiftright(s, n) AS c2, "
                        + "shiftrightunsigned(b, 1) AS c3, shiftleft(i, 2) AS e1, shiftright(l, 70) AS e2, "
                        + "shiftrightunsigned(i, -n) AS e3 FROM bits"));
    }

    @BothAdaptiveModes
    void ansiModeKeepsThemOnTheGpu(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true")
                .expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT i & n AS a, ~l AS b, shiftright(l, n) AS c, "
                        + "shiftleft(i, n) AS e FROM bits"));
    }
}
