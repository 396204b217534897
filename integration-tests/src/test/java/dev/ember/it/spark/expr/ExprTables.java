package dev.ember.it.spark.expr;

import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.RandomRows;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The inputs of the expression suites: table {@code t} with two columns of each type the expression
 * engine computes with ({@code <type>a}, {@code <type>b}: b, i8, i16, i32, i64, f32, f64, d), random
 * rows with nulls and each type's specials, held in a local table that Ember scans on the GPU.
 */
final class ExprTables {
    /** The type prefixes of the columns, in order. */
    static final List<String> TYPES = List.of("b", "i8", "i16", "i32", "i64", "f32", "f64", "d");
    static final List<String> NUMERIC = List.of("i8", "i16", "i32", "i64", "f32", "f64");
    static final List<String> INTEGRAL = List.of("i8", "i16", "i32", "i64");

    static final StructType SCHEMA;

    static {
        List<DataType> types = List.of(DataTypes.BooleanType, DataTypes.ByteType, DataTypes.ShortType,
                DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType, DataTypes.DoubleType,
                DataTypes.DateType);
        StructField[] fields = new StructField[types.size() * 2];
        for (int i = 0; i < types.size(); i++) {
            fields[2 * i] = DataTypes.createStructField(TYPES.get(i) + "a", types.get(i), true);
            fields[2 * i + 1] = DataTypes.createStructField(TYPES.get(i) + "b", types.get(i), true);
        }
        SCHEMA = new StructType(fields);
    }

    private static final List<Row> ROWS = RandomRows.rows(SCHEMA, 1500, 42);

    private ExprTables() {}

    /** Registers {@code t} (the random rows) in {@code spark}. */
    static Dataset<Row> t(SparkSession spark) {
        Dataset<Row> df = spark.createDataFrame(ROWS, SCHEMA);
        df.createOrReplaceTempView("t");
        return df;
    }

    /**
     * A diff whose runs keep the local table's filters and projections as operators (Spark would
     * otherwise evaluate them on the driver while optimizing) and cut the rows into many small batches.
     */
    static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules",
                        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "4k");
    }
}
