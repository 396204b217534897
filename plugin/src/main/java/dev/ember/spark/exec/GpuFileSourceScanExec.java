package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.columnar.HostBatches;
import dev.ember.spark.conf.EmberConf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.collection.BitSet;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A Parquet {@code FileSourceScanExec} that produces device batches. Spark's own scan, rebuilt from
 * the same fields, still does everything a file scan does (file listing, partition pruning, pushed
 * filters, dynamic partition pruning, bucketing, the vectorized reader on the CPU, its metrics); this
 * operator concatenates the reader's host batches up to {@code targetBatchBytes} with bulk copies and
 * copies each concatenation to the device once.
 *
 * <p>The scan's fields are this operator's own product fields, so that Spark's rules that rewrite
 * expressions after planning (subquery and exchange reuse for dynamic partition pruning) see and
 * rewrite its partition filters as they would the CPU scan's.
 */
public final class GpuFileSourceScanExec extends GpuLeafExecBase {
    // Transient as in Spark's FileSourceScanExec: the relation (its file index) lives on the driver, and
    // a plan that is serialized with a task (SortExec's generated code references its plan) must not
    // carry it.
    private final transient HadoopFsRelation relation;
    private final Seq<Attribute> output;
    private final StructType requiredSchema;
    private final Seq<Expression> partitionFilters;
    private final Option<BitSet> optionalBucketSet;
    private final Option<Object> optionalNumCoalescedBuckets;
    private final Seq<Expression> dataFilters;
    private final Option<TableIdentifier> tableIdentifier;
    private final boolean disableBucketedScan;
    private final long targetBatchBytes;
    /** Spark's scan over the same fields; built on the driver when first needed. */
    private transient FileSourceScanExec cpu;

    public GpuFileSourceScanExec(HadoopFsRelation relation, Seq<Attribute> output, StructType requiredSchema,
            Seq<Expression> partitionFilters, Option<BitSet> optionalBucketSet, Option<Object> optionalNumCoalescedBuckets,
            Seq<Expression> dataFilters, Option<TableIdentifier> tableIdentifier, boolean disableBucketedScan,
            long targetBatchBytes) {
        this.relation = requireNonNull(relation, "relation is null");
        this.output = requireNonNull(output, "output is null");
        this.requiredSchema = requireNonNull(requiredSchema, "requiredSchema is null");
        this.partitionFilters = requireNonNull(partitionFilters, "partitionFilters is null");
        this.optionalBucketSet = requireNonNull(optionalBucketSet, "optionalBucketSet is null");
        this.optionalNumCoalescedBuckets = requireNonNull(optionalNumCoalescedBuckets, "optionalNumCoalescedBuckets is null");
        this.dataFilters = requireNonNull(dataFilters, "dataFilters is null");
        this.tableIdentifier = requireNonNull(tableIdentifier, "tableIdentifier is null");
        this.disableBucketedScan = disableBucketedScan;
        this.targetBatchBytes = targetBatchBytes;
    }

    /** The GPU form of {@code scan}, which it reuses as long as its fields are unchanged. */
    public static GpuFileSourceScanExec of(FileSourceScanExec scan, long targetBatchBytes) {
        GpuFileSourceScanExec gpu = new GpuFileSourceScanExec(scan.relation(), scan.output(), scan.requiredSchema(),
                scan.partitionFilters(), scan.optionalBucketSet(), scan.optionalNumCoalescedBuckets(), scan.dataFilters(),
                scan.tableIdentifier(), scan.disableBucketedScan(), targetBatchBytes);
        gpu.cpu = scan;
        return gpu;
    }

    /**
     * Why {@code scan} cannot run as a GPU scan, or empty. Column types are checked by the rule; this
     * checks that Spark's vectorized Parquet reader will produce the host batches.
     */
    public static Optional<String> whyNot(FileSourceScanExec scan, EmberConf conf) {
        if (scan.relation().fileFormat().getClass() != ParquetFileFormat.class) {
            return Optional.of("it reads " + scan.relation().fileFormat() + " files: only Parquet files are read "
                    + "for the GPU (through Spark's vectorized Parquet reader)");
        }
        SQLConf sql = scan.relation().sparkSession().sessionState().conf();
        if (!sql.parquetVectorizedReaderEnabled()) {
            return Optional.of("Spark's vectorized Parquet reader is disabled "
                    + "(spark.sql.parquet.enableVectorizedReader=false): set it to true to read Parquet for the GPU");
        }
        if (!scan.supportsColumnar()) {
            return Optional.of("Spark's Parquet reader returns rows, not column batches, for the schema "
                    + scan.schema().simpleString());
        }
        return Optional.empty();
    }

    /** Spark's scan over this operator's fields. */
    public synchronized FileSourceScanExec cpuScan() {
        if (cpu == null) {
            cpu = new FileSourceScanExec(relation, output, requiredSchema, partitionFilters, optionalBucketSet,
                    optionalNumCoalescedBuckets, dataFilters, tableIdentifier, disableBucketedScan);
        }
        return cpu;
    }

    public HadoopFsRelation relation() {
        return relation;
    }

    public Seq<Expression> partitionFilters() {
        return partitionFilters;
    }

    public Seq<Expression> dataFilters() {
        return dataFilters;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {relation, output, requiredSchema, partitionFilters, optionalBucketSet,
            optionalNumCoalescedBuckets, dataFilters, tableIdentifier, disableBucketedScan, targetBatchBytes};
    }

    /** Output rows are counted by Spark's scan (its {@code numOutputRows}). */
    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.GPU_TIME, OpMetrics.Kind.OUTPUT_BATCHES, OpMetrics.Kind.BYTES_TO_DEVICE);
    }

    /** Spark's scan metrics (files, sizes, pruning and scan times, rows) followed by Ember's. */
    @Override
    public scala.collection.immutable.Map<String, SQLMetric> metrics() {
        Map<String, SQLMetric> all = new LinkedHashMap<>(CollectionConverters.asJava(cpuScan().metrics()));
        all.putAll(CollectionConverters.asJava(opMetrics().asScala()));
        return scala.collection.immutable.Map.from(CollectionConverters.asScala(all));
    }

    @Override
    public Seq<Attribute> output() {
        return output;
    }

    @Override
    public Partitioning outputPartitioning() {
        return cpuScan().outputPartitioning();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return cpuScan().outputOrdering();
    }

    /** Equal to another GPU scan exactly when Spark's scans are (their canonical forms normalize the filters). */
    @Override
    public SparkPlan doCanonicalize() {
        FileSourceScanExec c = (FileSourceScanExec) cpuScan().canonicalized();
        return new GpuFileSourceScanExec(c.relation(), c.output(), c.requiredSchema(), c.partitionFilters(),
                c.optionalBucketSet(), c.optionalNumCoalescedBuckets(), c.dataFilters(), c.tableIdentifier(),
                c.disableBucketedScan(), targetBatchBytes);
    }

    /** Spark's scan line ({@code FileScan parquet [a#1] Batched: true, PartitionFilters: [...], ...}), renamed. */
    @Override
    public String simpleString(int maxFields) {
        return renamed(cpuScan().simpleString(maxFields));
    }

    @Override
    public String verboseStringWithOperatorId() {
        String cpuText = cpuScan().verboseStringWithOperatorId();
        int firstLineEnd = cpuText.indexOf('\n');
        return formattedNodeName() + (firstLineEnd < 0 ? "\n" : cpuText.substring(firstLineEnd));
    }

    private String renamed(String cpuText) {
        String cpuName = cpuScan().nodeNamePrefix() + "Scan";
        return cpuText.startsWith(cpuName) ? nodeName() + cpuText.substring(cpuName.length()) : nodeName() + " " + cpuText;
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        StructType schema = schema();
        int rowsPerBatch = HostBatches.rowsPerBatch(schema, targetBatchBytes);
        long target = targetBatchBytes;
        OpMetrics metrics = opMetrics();
        return cpuScan().executeColumnar().toJavaRDD()
                .mapPartitions(batches -> HostBatchUploads.concatenated(batches, schema, rowsPerBatch, target, metrics),
                        true).rdd();
    }
}
