package dev.ember.it.spark.exchange;

import static dev.ember.it.spark.exchange.ExchangePlans.GPU_EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A map task that fails while it writes a GPU shuffle is retried by Spark and the query still returns
 * Spark's rows. The session allows task retries ({@code local[2,4]}); a UDF below the exchange (on the
 * CPU, feeding the GPU map side in small batches) throws in the first attempt of one map task after
 * some of its batches were already partitioned and handed to Spark's shuffle writer. The class's leak
 * check sees every buffer of the failed attempt released.
 */
@ExtendWith(SparkSessionExtension.class)
@SparkSessionExtension.Conf({"spark.master=local[2,4]"})
class TestShuffleExchangeTaskRetry {
    /** Rows the UDF lets through in a first attempt before it fails; 0 when disarmed. */
    private static final AtomicInteger COUNTDOWN = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();

    @BeforeAll
    static void register(SparkSession spark) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("k", DataTypes.IntegerType, true).add("s", DataTypes.StringType, true);
        Random r = new Random(5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            rows.add(RowFactory.create(i, r.nextInt(25) == 0 ? null : r.nextInt(60), "v" + r.nextInt(700)));
        }
        spark.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("t");
        spark.udf().register("fail_first_attempt", (UDF1<Integer, Integer>) v -> {
            TaskContext task = TaskContext.get();
            if (task != null && task.attemptNumber() == 0 && COUNTDOWN.get() > 0
                    && COUNTDOWN.decrementAndGet() == 0) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure of a map task mid-shuffle");
            }
            return v;
        }, DataTypes.IntegerType);
    }

    /** {@code sql}, whose UDF fails once at its {@code failAt}-th row when Ember runs it. */
    private static Function<SparkSession, Dataset<Row>> failingOnGpu(String sql, int failAt) {
        return s -> {
            if (Boolean.parseBoolean(s.conf().get("spark.ember.sql.enabled"))) {
                COUNTDOWN.set(failAt);
            }
            return s.sql(sql);
        };
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.batchSizeBytes", "4k")
                .expectGpu(GPU_EXCHANGE).allowCpu("ProjectExec");
    }

    @BothAdaptiveModes
    void mapTaskFailingMidShuffleIsRetried(boolean adaptive, SparkSession spark) {
        int before = FAILURES.get();
        // A map task fails after 900 of its rows: a few 4 KiB batches were already written to the shuffle.
        diff(spark, adaptive).expectGpu("GpuHashAggregate").assertGpuAndCpuEqual(failingOnGpu("SELECT k, count(*), "
                + "sum(id), max(s) FROM (SELECT fail_first_attempt(id) AS id, k, s FROM t) GROUP BY k", 900));
        assertThat(FAILURES.get() - before).as("injected failures").isEqualTo(1);
        // String keys, failing later in the task.
        diff(spark, adaptive).expectGpu("GpuHashAggregate").assertGpuAndCpuEqual(failingOnGpu("SELECT s, count(*), "
                + "min(id) FROM (SELECT fail_first_attempt(id) AS id, k, s FROM t) GROUP BY s", 1100));
        assertThat(FAILURES.get() - before).as("injected failures").isEqualTo(2);
        COUNTDOWN.set(0);
    }
}
