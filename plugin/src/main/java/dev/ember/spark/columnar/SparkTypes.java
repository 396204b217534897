package dev.ember.spark.columnar;

import dev.ember.cuda.column.DType;
import java.util.Optional;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType;

/** Spark SQL types ↔ Ember's device types. */
public final class SparkTypes {
    private SparkTypes() {}

    /** The device type holding {@code type}'s values, or empty when Ember has none for it. */
    public static Optional<DType> toDType(DataType type) {
        if (type instanceof BooleanType) {
            return Optional.of(DType.BOOL8);
        } else if (type instanceof ByteType) {
            return Optional.of(DType.INT8);
        } else if (type instanceof ShortType) {
            return Optional.of(DType.INT16);
        } else if (type instanceof IntegerType) {
            return Optional.of(DType.INT32);
        } else if (type instanceof LongType) {
            return Optional.of(DType.INT64);
        } else if (type instanceof FloatType) {
            return Optional.of(DType.FLOAT32);
        } else if (type instanceof DoubleType) {
            return Optional.of(DType.FLOAT64);
        } else if (type instanceof DateType) {
            return Optional.of(DType.DATE32);
        } else if (type instanceof TimestampType) {
            return Optional.of(DType.TIMESTAMP_US);
        } else if (type instanceof DecimalType d && d.precision() <= DType.MAX_DECIMAL128_PRECISION) {
            return Optional.of(DType.decimal(d.precision(), d.scale()));
        } else if (type instanceof StringType) {
            // UTF-8 bytes in Arrow's variable-width layout, as UTF8String holds them.
            return Optional.of(DType.STRING);
        }
        return Optional.empty();
    }

    /** The device type of {@code type}; throws for a type the planner should have kept on the CPU. */
    public static DType requireDType(DataType type) {
        return toDType(type).orElseThrow(() -> new IllegalArgumentException("Spark type " + type.simpleString()
                + " has no Ember device type; the planner keeps such columns on the CPU"));
    }
}
