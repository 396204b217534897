package dev.ember.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A plain Spark SQL job that knows nothing of Ember: it writes a small fact table and a dimension table
 * as Parquet, then filters, joins and aggregates them and prints the plan and the result. Submitted
 * with and without Ember's jar it prints the same rows; with Ember its plan shows the {@code Gpu*}
 * operators.
 *
 * <p>Argument: an optional working directory (a new temporary one by default).
 */
public final class QuickStart {
    private QuickStart() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            throw new IllegalArgumentException("usage: QuickStart [working-directory]");
        }
        Path dir = args.length == 1 ? Path.of(args[0]) : Files.createTempDirectory("ember-quickstart");
        SparkSession spark = SparkSession.builder().appName("ember-quickstart").getOrCreate();
        try {
            String sales = dir.resolve("sales").toString();
            String stores = dir.resolve("stores").toString();
            spark.sql("SELECT id AS sale_id, id % 50 AS store_id, CAST(id % 1000 AS DOUBLE) / 10 AS amount, "
                    + "IF(id % 7 = 0, NULL, id % 5) AS quantity FROM range(0, 200000, 1, 4)")
                    .write().mode("overwrite").parquet(sales);
            spark.sql("SELECT id AS store_id, CONCAT('store-', CAST(id AS STRING)) AS store_name, "
                    + "IF(id % 2 = 0, 'north', 'south') AS region FROM range(0, 50)")
                    .write().mode("overwrite").parquet(stores);
            spark.read().parquet(sales).createOrReplaceTempView("sales");
            spark.read().parquet(stores).createOrReplaceTempView("stores");

            Dataset<Row> report = spark.sql("SELECT st.region, count(*) AS sales, sum(s.amount) AS revenue, "
                    + "avg(s.quantity) AS avg_quantity, max(s.amount) AS largest "
                    + "FROM sales s JOIN stores st ON s.store_id = st.store_id "
                    + "WHERE s.amount > 10 GROUP BY st.region ORDER BY st.region");
            List<Row> rows = report.collectAsList();
            System.out.println("== Physical plan");
            System.out.println(report.queryExecution().executedPlan().treeString());
            System.out.println("== Result");
            for (Row row : rows) {
                System.out.println(row.mkString(" | "));
            }
        } finally {
            spark.stop();
        }
    }
}
