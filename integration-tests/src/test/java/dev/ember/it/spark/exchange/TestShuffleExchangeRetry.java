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
import org.apache.spark.MapOutputTrackerMaster;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.shuffle.FetchFailedException;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A task that fails while it reads a GPU shuffle is retried. The session's local master gives a
 * failed task no second attempt, but a fetch failure is not a task failure: Spark marks the map
 * output lost, runs the GPU map stage again and then the failed stage. A UDF above the exchange (on
 * the CPU, in the reducing task) raises the fetch failure once, at its n-th row, while the task has
 * read only part of its shuffle batches; the retried query must still return Spark's rows, and the
 * class's leak check sees every buffer of the failed task released.
 */
@ExtendWith(SparkSessionExtension.class)
class TestShuffleExchangeRetry {
    /** Rows the UDF lets through before it fails; 0 when disarmed. */
    private static final AtomicInteger COUNTDOWN = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();

    @BeforeAll
    static void register(SparkSession spark) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("k", DataTypes.IntegerType, true).add("s", DataTypes.StringType, true);
        Random r = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int k = r.nextInt(50);
            rows.add(RowFactory.create(i, r.nextInt(20) == 0 ? null : k, "v" + r.nextInt(500)));
        }
        spark.createDataFrame(rows, schema).createOrReplaceTempView("t");
        spark.udf().register("fail_once", (UDF1<Integer, Integer>) v -> {
            if (COUNTDOWN.get() > 0 && COUNTDOWN.decrementAndGet() == 0) {
                FAILURES.incrementAndGet();
                throw fetchFailure();
            }
            return v;
        }, DataTypes.IntegerType);
    }

    /**
     * A fetch failure of the newest shuffle (the query's only one) at map output 0 of this block
     * manager: Spark unregisters the outputs and resubmits the map stage.
     */
    private static FetchFailedException fetchFailure() {
        MapOutputTrackerMaster tracker = (MapOutputTrackerMaster) SparkEnv.get().mapOutputTracker();
        int shuffleId = CollectionConverters.asJava(tracker.shuffleStatuses().keySet()).stream()
                .mapToInt(id -> (Integer) id).max().orElseThrow();
        return new FetchFailedException(SparkEnv.get().blockManager().blockManagerId(), shuffleId, 0L, 0, 0,
                "injected fetch failure", null);
    }

    /** {@code sql}, failing once at its {@code failAt}-th UDF row when Ember runs it. */
    private static Function<SparkSession, Dataset<Row>> failingOnGpu(String sql, int failAt) {
        return s -> {
            if (Boolean.parseBoolean(s.conf().get("spark.ember.sql.enabled"))) {
                COUNTDOWN.set(failAt);
            }
            return s.sql(sql);
        };
    }

    static GpuDiff diff(SparkSession spark, boolean adaptive) {
        return GpuDiff.of(spark).adaptive(adaptive)
                .conf("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
                .conf("spark.ember.sql.batchSizeBytes", "4k")
                .expectGpu(GPU_EXCHANGE).allowCpu("ProjectExec", "HashAggregateExec");
    }

    @BothAdaptiveModes
    void fetchFailureWhileReadingIsRetried(boolean adaptive, SparkSession spark) {
        int before = FAILURES.get();
        // A reducing task fails after 300 of its rows, with shuffle batches still unread.
        diff(spark, adaptive).assertGpuAndCpuEqual(failingOnGpu("SELECT fail_once(id) AS id, k, s FROM "
                + "(SELECT * FROM t DISTRIBUTE BY k)", 300));
        assertThat(FAILURES.get() - before).as("injected failures").isEqualTo(1);
        // The task reading the aggregate's shuffle fails at its tenth group.
        diff(spark, adaptive).expectGpu("GpuHashAggregate").assertGpuAndCpuEqual(failingOnGpu("SELECT k, "
                + "fail_once(c) FROM (SELECT k, CAST(count(*) AS INT) AS c FROM t GROUP BY k)", 10));
        assertThat(FAILURES.get() - before).as("injected failures").isEqualTo(2);
        COUNTDOWN.set(0);
    }
}
