package dev.ember.it.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * Takes the screenshots of docs/ui.md (run by docs/images/take-screenshots.sh): a session with the UI
 * on runs TPC-H-style queries on small generated tables, then headless Chromium captures the Ember
 * tab and Spark's SQL page of a query that runs on the GPU.
 *
 * <p>Arguments: the output directory and the Chromium binary.
 */
public final class UiScreenshots {
    private static final DecimalType MONEY = DataTypes.createDecimalType(15, 2);
    private static final String Q1 = "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, "
            + "sum(l_extendedprice) AS sum_base_price, sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, "
            + "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, avg(l_quantity) AS avg_qty, "
            + "avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, count(*) AS count_order "
            + "FROM lineitem WHERE l_shipdate <= date '1998-12-01' - interval '90' day "
            + "GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus";
    private static final String Q1_WITHOUT_CHARGES = "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, "
            + "sum(l_extendedprice) AS sum_base_price, avg(l_quantity) AS avg_qty, count(*) AS count_order "
            + "FROM lineitem WHERE l_shipdate <= date '1998-12-01' - interval '90' day "
            + "GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus";
    private static final String Q3 = "SELECT l_orderkey, sum(l_price * (1 - l_disc)) AS revenue, o_orderdate, "
            + "o_shippriority FROM customer, orders, lineitem_d WHERE c_mktsegment = 'BUILDING' "
            + "AND c_custkey = o_custkey AND l_orderkey = o_orderkey AND o_orderdate < date '1995-03-15' "
            + "AND l_shipdate > date '1995-03-15' GROUP BY l_orderkey, o_orderdate, o_shippriority "
            + "ORDER BY revenue DESC, o_orderdate, l_orderkey LIMIT 10";
    private static final String BINARY_KEYS = "SELECT CAST(l_returnflag AS BINARY) AS flag, count(*) AS n "
            + "FROM lineitem GROUP BY CAST(l_returnflag AS BINARY)";

    private static final String GPU_QUERY = "TPC-H Q1 without the charge columns";

    private UiScreenshots() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String chromium = args[1];
        Files.createDirectories(out);
        Map<String, String> conf = SparkSessionExtension.baseConf();
        conf.put("spark.app.name", "TPC-H sample on Ember");
        conf.put("spark.ui.enabled", "true");
        conf.put("spark.ui.port", "0");
        SparkSession spark = SparkSessionExtension.start(conf);
        Path data = Files.createTempDirectory("ember-ui-screenshots");
        try {
            createTables(spark, data.resolve("lineitem.parquet").toString());
            run(spark, "TPC-H Q1 (decimal charges)", Q1);
            run(spark, GPU_QUERY, Q1_WITHOUT_CHARGES);
            run(spark, "TPC-H Q3", Q3);
            run(spark, "Group by a binary column", BINARY_KEYS);
            String base = "http://127.0.0.1:" + spark.sparkContext().ui().get().boundPort();
            long gpuQuery = awaitEmberTab(base, 4, GPU_QUERY);
            screenshot(chromium, base + "/ember/", out.resolve("ember-tab.png"));
            screenshot(chromium, base + "/SQL/execution/?id=" + gpuQuery, out.resolve("sql-plan.png"));
        } finally {
            SparkSessionExtension.stop(spark);
        }
    }

    private static void run(SparkSession spark, String description, String sql) {
        spark.sparkContext().setJobDescription(description);
        try {
            spark.sql(sql).collectAsList();
        } finally {
            spark.sparkContext().setJobDescription(null);
        }
    }

    /** Waits until the Ember tab lists {@code executions}; returns the execution id of {@code description}. */
    private static long awaitEmberTab(String base, int executions, String description) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode listed = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/ember/json"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).get("executions");
            if (listed.size() >= executions) {
                for (JsonNode e : listed) {
                    if (e.get("description").asText().equals(description)) {
                        return e.get("executionId").asLong();
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Ember tab did not list " + executions + " executions within 60 s");
    }

    private static void screenshot(String chromium, String url, Path file) throws Exception {
        Process p = new ProcessBuilder(chromium, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                "--virtual-time-budget=5000", "--window-size=1400,1000", "--screenshot=" + file.toAbsolutePath(), url)
                .inheritIO().start();
        if (p.waitFor() != 0 || !Files.isRegularFile(file)) {
            throw new IllegalStateException("chromium failed (exit " + p.exitValue() + ") to capture " + url);
        }
    }

    private static void createTables(SparkSession spark, String lineitemPath) {
        Random r = new Random(1);
        String[] flags = {"A", "N", "R"};
        List<Row> lineitem = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            int quantity = 1 + r.nextInt(50);
            BigDecimal price = BigDecimal.valueOf((90_000L + r.nextInt(120_000)) * quantity, 2);
            LocalDate ship = LocalDate.of(1992, 1, 2).plusDays(r.nextInt(2526));
            boolean open = ship.isAfter(LocalDate.of(1995, 6, 17));
            lineitem.add(RowFactory.create(BigDecimal.valueOf(quantity, 0).setScale(2), price,
                    BigDecimal.valueOf(r.nextInt(11), 2), BigDecimal.valueOf(r.nextInt(9), 2),
                    open ? "N" : flags[r.nextInt(3)], open ? "O" : "F", Date.valueOf(ship)));
        }
        spark.createDataFrame(lineitem, new StructType().add("l_quantity", MONEY).add("l_extendedprice", MONEY)
                .add("l_discount", MONEY).add("l_tax", MONEY).add("l_returnflag", DataTypes.StringType)
                .add("l_linestatus", DataTypes.StringType).add("l_shipdate", DataTypes.DateType))
                .repartition(2).write().parquet(lineitemPath);
        spark.read().parquet(lineitemPath).createOrReplaceTempView("lineitem");

        String[] segments = {"BUILDING", "AUTOMOBILE", "MACHINERY", "HOUSEHOLD", "FURNITURE"};
        List<Row> customers = new ArrayList<>();
        for (int c = 1; c <= 300; c++) {
            customers.add(RowFactory.create(c, segments[r.nextInt(segments.length)]));
        }
        List<Row> orders = new ArrayList<>();
        List<Row> lines = new ArrayList<>();
        for (int o = 1; o <= 2000; o++) {
            LocalDate ordered = LocalDate.of(1992, 1, 1).plusDays(r.nextInt(2400));
            orders.add(RowFactory.create(o, 1 + r.nextInt(300), Date.valueOf(ordered), r.nextInt(2)));
            for (int l = 0, n = 1 + r.nextInt(5); l < n; l++) {
                lines.add(RowFactory.create(o, Math.round(r.nextDouble() * 1e7) / 100.0, r.nextInt(11) / 100.0,
                        Date.valueOf(ordered.plusDays(1 + r.nextInt(120)))));
            }
        }
        spark.createDataFrame(customers, new StructType().add("c_custkey", DataTypes.IntegerType, false)
                .add("c_mktsegment", DataTypes.StringType)).createOrReplaceTempView("customer");
        spark.createDataFrame(orders, new StructType().add("o_orderkey", DataTypes.IntegerType, false)
                .add("o_custkey", DataTypes.IntegerType, false).add("o_orderdate", DataTypes.DateType)
                .add("o_shippriority", DataTypes.IntegerType)).createOrReplaceTempView("orders");
        spark.createDataFrame(lines, new StructType().add("l_orderkey", DataTypes.IntegerType, false)
                .add("l_price", DataTypes.DoubleType).add("l_disc", DataTypes.DoubleType)
                .add("l_shipdate", DataTypes.DateType)).createOrReplaceTempView("lineitem_d");
    }
}
