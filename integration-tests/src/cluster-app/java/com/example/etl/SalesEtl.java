package com.example.etl;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A plain Spark ETL job, as a user writes one (it knows nothing of Ember): customers from CSV, orders
 * from Parquet; shipped orders of external customers joined to their customers and summed per region,
 * segment and order size; the summary written as Parquet.
 *
 * <p>Arguments: {@code customers.csv orders.parquet output [handshake-dir]}. With a handshake
 * directory, the job creates {@code written} there once the output is written and keeps its driver
 * (and so its UI) alive until {@code release} appears there, for at most two minutes.
 */
public final class SalesEtl {
    private SalesEtl() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4) {
            throw new IllegalArgumentException("usage: SalesEtl customers.csv orders.parquet output [handshake-dir]");
        }
        SparkSession spark = SparkSession.builder().appName("sales-etl").getOrCreate();
        try {
            StructType customerSchema = new StructType()
                    .add("customer_id", DataTypes.LongType)
                    .add("name", DataTypes.StringType)
                    .add("region", DataTypes.StringType)
                    .add("segment", DataTypes.StringType);
            Dataset<Row> customers = spark.read().option("header", "true").schema(customerSchema).csv(args[0])
                    .filter(col("segment").notEqual("internal"));
            Dataset<Row> orders = spark.read().parquet(args[1])
                    .filter(col("status").equalTo("shipped").and(col("quantity").gt(0)));
            Dataset<Row> summary = orders.join(customers, "customer_id")
                    .withColumn("size", when(col("quantity").geq(10), lit("bulk")).otherwise(lit("single")))
                    .groupBy("region", "segment", "size")
                    .agg(count(lit(1)).as("orders"),
                            sum("quantity").as("units"),
                            sum("amount").as("revenue"),
                            avg("amount").as("average_amount"),
                            min("order_id").as("first_order"),
                            max("amount").as("largest_amount"));
            summary.write().mode("overwrite").parquet(args[2]);
            if (args.length == 4) {
                awaitRelease(Path.of(args[3]));
            }
        } finally {
            spark.stop();
        }
    }

    private static void awaitRelease(Path handshake) throws Exception {
        Files.createFile(handshake.resolve("written"));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(handshake.resolve("release"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no release file in " + handshake + " within two minutes");
            }
            Thread.sleep(100);
        }
    }
}
