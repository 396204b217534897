package dev.ember.it.spark.expr;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.RandomRows;
import dev.ember.it.spark.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * nvl, nvl2, nullif and ifnull, which Spark's analyzer rewrites into coalesce, IF, IS NOT NULL and
 * equality, on the GPU against Spark over every type programs compute with: random rows with nulls,
 * NaN, -0.0 and extremes, a third of them with equal operands (nullif's null results), many batches.
 */
@ExtendWith(SparkSessionExtension.class)
class TestNullFunctions {
    private static final List<String> COLUMNS = List.of("b", "i8", "i16", "i32", "i64", "f32", "f64", "d", "dec10",
            "dec30", "dec38");

    @BeforeAll
    static void register(SparkSession spark) {
        StructType base = RandomRows.columns(COLUMNS.toArray(String[]::new));
        StructType schema = new StructType();
        for (String suffix : new String[] {"", "_y", "_z"}) {
            for (StructField f : base.fields()) {
                schema = schema.add(f.name() + suffix, f.dataType(), true);
            }
        }
        List<Row> x = RandomRows.rows(base, 1500, 3);
        List<Row> y = RandomRows.rows(base, 1500, 4);
        List<Row> z = RandomRows.rows(base, 1500, 5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            List<Object> values = new ArrayList<>();
            Row second = i % 3 == 0 ? x.get(i) : y.get(i);
            for (Row r : List.of(x.get(i), second, z.get(i))) {
                for (int c = 0; c < r.length(); c++) {
                    values.add(r.get(c));
                }
            }
            rows.add(RowFactory.create(values.toArray()));
        }
        spark.createDataFrame(rows, schema).createOrReplaceTempView("nf");
    }

    @BothAdaptiveModes
    void nvlAndIfnull(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT " + each("nvl(%1$s, %1$s_y) AS nvl_%1$s, "
                        + "ifnull(%1$s_y, %1$s_z) AS ifnull_%1$s") + " FROM nf"));
    }

    @BothAdaptiveModes
    void nvl2(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT " + each("nvl2(%1$s, %1$s_y, %1$s_z) AS nvl2_%1$s") + ", "
                        + "nvl2(i32, f64, f64_y) AS mixed, nvl2(b, NULL, dec30) AS nulls FROM nf"));
    }

    @BothAdaptiveModes
    void nullif(boolean adaptive, SparkSession spark) {
        ExprTables.diff(spark, adaptive).expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow")
                .assertGpuAndCpuEqual(s -> s.sql("SELECT " + each("nullif(%1$s, %1$s_y) AS nullif_%1$s") + ", "
                        + "nullif(i32, 0) AS zero, nullif(f64, -0.0D) AS negzero, nullif(i8, i64) AS widened FROM nf"));
    }

    /** The template formatted for every column, joined with commas. */
    private static String each(String template) {
        List<String> parts = new ArrayList<>();
        for (String c : COLUMNS) {
            parts.add(String.format(template, c));
        }
        return String.join(", ", parts);
    }
}
