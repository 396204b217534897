package dev.ember.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the eight TPC-H tables as Parquet under {@code <root>/sf<scale>/<table>}, one Spark task per
 * part of the generator (so the parts are generated on every core of the session), and a marker file
 * last. A scale whose marker exists is complete and is not generated again.
 */
public final class TpchData {
    /** Written after every table, so its presence means the data of the scale is complete. */
    public static final String MARKER = "_EMBER_TPCH_COMPLETE";
    /** At most this many rows per generator part (one Parquet file each). */
    static final long ROWS_PER_PART = 500_000L;
    /** Parts are at least this large when a table is split only to use more cores. */
    static final long MIN_ROWS_PER_PART = 50_000L;

    private TpchData() {}

    /** The folder of one scale factor's tables. */
    public static Path scaleDir(Path root, double scale) {
        return root.resolve("sf" + BigDecimal.valueOf(scale).stripTrailingZeros().toPlainString());
    }

    /** The folder of one table at one scale. */
    public static Path tableDir(Path root, double scale, String table) {
        return scaleDir(root, scale).resolve(table);
    }

    public static boolean isComplete(Path root, double scale) {
        return Files.isRegularFile(scaleDir(root, scale).resolve(MARKER));
    }

    /**
     * Generates the tables of {@code scale} under {@code root} unless they are complete already;
     * returns the scale's folder. Ember is disabled for the writes.
     */
    public static Path ensure(SparkSession spark, Path root, double scale) {
        requireNonNull(spark, "spark is null");
        requireNonNull(root, "root is null");
        checkScale(scale);
        Path dir = scaleDir(root, scale);
        if (isComplete(root, scale)) {
            return dir;
        }
        String enabledKey = "spark.ember.sql.enabled";
        String previous = spark.conf().contains(enabledKey) ? spark.conf().get(enabledKey) : null;
        spark.conf().set(enabledKey, "false");
        try {
            Files.createDirectories(dir);
            int cores = spark.sparkContext().defaultParallelism();
            long start = System.nanoTime();
            for (String table : TpchTables.names()) {
                write(spark, root, scale, table, partCount(table, scale, cores));
            }
            Files.writeString(dir.resolve(MARKER), "scale=" + scale + "\ntables=" + String.join(",", TpchTables.names())
                    + "\n", StandardCharsets.UTF_8);
            System.out.printf("generated TPC-H-derived data, scale factor %s, in %.1f s under %s%n", scale,
                    (System.nanoTime() - start) / 1e9, dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TPC-H-derived data under " + dir, e);
        } finally {
            if (previous == null) {
                spark.conf().unset(enabledKey);
            } else {
                spark.conf().set(enabledKey, previous);
            }
        }
    }

    /** How many generator parts (and Parquet files) {@code table} gets at {@code scale} with {@code cores}. */
    static int partCount(String table, double scale, int cores) {
        long rows = (long) Math.ceil(TpchTables.rowsAtScaleOne(table) * scale);
        if (rows == 0) {
            return 1;
        }
        long bySize = ceilDiv(rows, ROWS_PER_PART);
        long byCores = Math.min(Math.max(1, cores), ceilDiv(rows, MIN_ROWS_PER_PART));
        return (int) Math.max(1, Math.max(bySize, byCores));
    }

    static void checkScale(double scale) {
        if (!(scale >= 0.01 && scale <= 100_000)) {
            throw new IllegalArgumentException("scale factor must be between 0.01 and 100000, got " + scale);
        }
    }

    private static void write(SparkSession spark, Path root, double scale, String table, int parts) {
        List<Integer> ids = new ArrayList<>();
        IntStream.rangeClosed(1, parts).forEach(ids::add);
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ids, parts)
                .flatMap(new PartRows(table, scale, parts));
        spark.createDataFrame(rows, TpchTables.schema(table)).write().mode(SaveMode.Overwrite)
                .parquet(tableDir(root, scale, table).toString());
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** The rows of one generator part, produced on the executor that runs the part's task. */
    private record PartRows(String table, double scale, int parts) implements FlatMapFunction<Integer, Row> {
        @Override
        public Iterator<Row> call(Integer part) {
            return TpchTables.rows(table, scale, part, parts);
        }
    }

    /** Generates one scale: {@code TpchData <data root> <scale factor>} (local[*]). */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: TpchData <data root> <scale factor>");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().master("local[*]").appName("ember-tpch-data")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            ensure(spark, Path.of(args[0]), Double.parseDouble(args[1]));
        } finally {
            spark.stop();
        }
    }
}
