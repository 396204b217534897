package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.columnar.HostBatches;
import dev.ember.spark.conf.EmberConf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.columnar.CachedBatchSerializer;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.columnar.DefaultCachedBatchSerializer;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A scan of a cached relation ({@code df.cache()}, {@code CACHE TABLE}) that produces device batches.
 * Spark's {@code InMemoryTableScanExec} is kept whole as this operator's product field (not a child)
 * and does the actual work: it builds or reads the cache, prunes cached batches with their statistics
 * (its partition filters), decodes the requested columns into host column batches
 * ({@code DefaultCachedBatchSerializer}'s on- or off-heap vectors) and counts its output rows. This
 * operator concatenates those batches on the host up to {@code targetBatchBytes} and copies each
 * concatenation to the device once, as {@link GpuFileSourceScanExec} does for Parquet.
 */
public final class GpuInMemoryTableScanExec extends GpuLeafExecBase {
    private final InMemoryTableScanExec cpu;
    private final long targetBatchBytes;

    public GpuInMemoryTableScanExec(InMemoryTableScanExec cpu, long targetBatchBytes) {
        this.cpu = requireNonNull(cpu, "cpu is null");
        this.targetBatchBytes = targetBatchBytes;
    }

    /**
     * Why {@code scan} cannot be read for the GPU, or empty: only Spark's default cache serializer is
     * read, and only when it returns column batches (column types are checked by the rule).
     */
    public static Optional<String> whyNot(InMemoryTableScanExec scan, EmberConf conf) {
        CachedBatchSerializer serializer = scan.relation().cacheBuilder().serializer();
        if (!(serializer instanceof DefaultCachedBatchSerializer)) {
            return Optional.of("the relation is cached by " + serializer.getClass().getName()
                    + " (spark.sql.cache.serializer): only Spark's DefaultCachedBatchSerializer is read for the GPU");
        }
        if (scan.supportsColumnar()) {
            return Optional.empty();
        }
        SQLConf sql = scan.conf();
        if (!sql.cacheVectorizedReaderEnabled()) {
            return Optional.of("spark.sql.inMemoryColumnarStorage.enableVectorizedReader=false makes Spark read the "
                    + "cache as rows: set it to true to read cached column batches for the GPU");
        }
        StructType cached = scan.relation().schema();
        List<String> rowOnly = new ArrayList<>();
        for (StructField f : cached.fields()) {
            if (!hasColumnarCacheOutput(f.dataType())) {
                rowOnly.add(f.name() + " " + f.dataType().simpleString());
            }
        }
        if (!rowOnly.isEmpty()) {
            return Optional.of("Spark's cache serializer returns rows, not column batches, for a cached relation with "
                    + "column(s) " + String.join(", ", rowOnly) + " (it returns column batches only when every cached "
                    + "column is boolean, tinyint, smallint, int, bigint, float or double)");
        }
        return Optional.of("the cached relation has " + cached.fields().length + " columns, more than "
                + "spark.sql.codegen.maxFields (" + sql.wholeStageMaxNumFields() + "), so Spark reads it as rows");
    }

    /** The types for which Spark 3.5's {@code DefaultCachedBatchSerializer} decodes cached batches into columns. */
    private static boolean hasColumnarCacheOutput(DataType t) {
        return t instanceof BooleanType || t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType
                || t instanceof LongType || t instanceof FloatType || t instanceof DoubleType;
    }

    /** Spark's scan, which does the work. */
    public InMemoryTableScanExec cpuScan() {
        return cpu;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {cpu, targetBatchBytes};
    }

    /** Output rows are counted by Spark's scan (its {@code numOutputRows}). */
    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_BATCHES, OpMetrics.Kind.BYTES_TO_DEVICE);
    }

    /** Spark's scan metric (output rows) followed by Ember's. */
    @Override
    public scala.collection.immutable.Map<String, SQLMetric> metrics() {
        Map<String, SQLMetric> all = new LinkedHashMap<>(CollectionConverters.asJava(cpu.metrics()));
        all.putAll(CollectionConverters.asJava(opMetrics().asScala()));
        return scala.collection.immutable.Map.from(CollectionConverters.asScala(all));
    }

    @Override
    public Seq<Attribute> output() {
        return cpu.output();
    }

    @Override
    public Partitioning outputPartitioning() {
        return cpu.outputPartitioning();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return cpu.outputOrdering();
    }

    @Override
    public SparkPlan doCanonicalize() {
        return new GpuInMemoryTableScanExec((InMemoryTableScanExec) cpu.canonicalized(), targetBatchBytes);
    }

    /** Spark's scan line ({@code InMemoryTableScan [a#1, b#2], [isnotnull(a#1)]}), renamed. */
    @Override
    public String simpleString(int maxFields) {
        String cpuText = cpu.simpleString(maxFields);
        String cpuName = cpu.nodeName();
        return cpuText.startsWith(cpuName) ? nodeName() + cpuText.substring(cpuName.length()) : nodeName() + " " + cpuText;
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        StructType schema = schema();
        int rowsPerBatch = HostBatches.rowsPerBatch(schema, targetBatchBytes);
        long target = targetBatchBytes;
        OpMetrics metrics = opMetrics();
        return cpu.executeColumnar().toJavaRDD()
                .mapPartitions(batches -> HostBatchUploads.concatenated(batches, schema, rowsPerBatch, target, metrics), true)
                .rdd();
    }
}
