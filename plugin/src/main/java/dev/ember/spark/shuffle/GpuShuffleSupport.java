package dev.ember.spark.shuffle;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.Table;
import dev.ember.shims.ColumnarShuffleSupport;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.columnar.HostBatches;
import dev.ember.spark.exec.DeviceBatchIterators;
import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.GpuColumnarToRowExec;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.RangePartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.codegen.LazilyGeneratedOrdering;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.RangePartitioning;
import org.apache.spark.sql.catalyst.plans.physical.RoundRobinPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.SinglePartition$;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.ShufflePartitionSpec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Function1;
import scala.Function2;
import scala.Option;
import scala.Product2;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.math.BigInt;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The plugin's side of the GPU shuffle exchange ({@link ColumnarShuffleSupport}): the map side
 * partitions device batches on the GPU and writes Arrow record batches through Spark's own shuffle
 * ({@link MapSideSlices}, {@link ArrowShuffleSerializer}); the reduce side reads them back through
 * Spark's shuffle reader, coalesces them on the host and copies each batch to the device once
 * ({@link ShuffledBatchRDD}). Range partitioning samples its bounds with Spark's own {@code
 * RangePartitioner} over the sort keys, as Spark's exchange does.
 */
public final class GpuShuffleSupport implements ColumnarShuffleSupport, Serializable {
    private static final long serialVersionUID = 1L;

    private final long targetBatchBytes;

    public GpuShuffleSupport(long targetBatchBytes) {
        if (targetBatchBytes <= 0) {
            throw new IllegalArgumentException("the target batch size must be positive, not " + targetBatchBytes);
        }
        this.targetBatchBytes = targetBatchBytes;
    }

    @Override
    public Map<String, SQLMetric> createMetrics(SparkContext context) {
        return ShuffleMetrics.create(context);
    }

    @Override
    public ShuffleDependency<Object, Object, Object> dependency(SparkPlan child, Partitioning partitioning,
            Map<String, SQLMetric> metricsByKey) {
        return dependency(child.executeColumnar(), CollectionConverters.asJava(child.output()), child.schema(),
                partitioning, metricsByKey);
    }

    /**
     * The shuffle of {@code batches} (device batches of {@code input}'s columns, {@code schema}) by
     * {@code partitioning}: what an operator that shuffles inside itself (top-N's single partition) uses.
     */
    public ShuffleDependency<Object, Object, Object> dependency(RDD<ColumnarBatch> batches, List<Attribute> input,
            StructType schema, Partitioning partitioning, Map<String, SQLMetric> metricsByKey) {
        ShuffleMetrics metrics = new ShuffleMetrics(metricsByKey);
        DevicePartitioning device = describe(partitioning, input, batches);
        Function2<Object, scala.collection.Iterator<ColumnarBatch>, scala.collection.Iterator<Product2<Object, Object>>>
                split = (Function2<Object, scala.collection.Iterator<ColumnarBatch>,
                        scala.collection.Iterator<Product2<Object, Object>>> & Serializable) (index, it) -> {
                            MapSideSlices slices = new MapSideSlices(CollectionConverters.asJava(it), device,
                                    (Integer) index, metrics);
                            DeviceBatchIterators.closeAtTaskEnd(slices);
                            return CollectionConverters.asScala(slices);
                        };
        RDD<Product2<Object, Object>> records = batches.mapPartitionsWithIndexInternal(split, false,
                device.orderSensitive(), tag(Product2.class));
        ArrowShuffleSerializer serializer = new ArrowShuffleSerializer(schema, metrics.get(ShuffleMetrics.DATA_SIZE),
                metrics.get(ShuffleMetrics.SERIALIZE_TIME), metrics.get(ShuffleMetrics.DESERIALIZE_TIME));
        ShuffleDependency<Object, Object, Object> dependency = new ShuffleDependency<>(records,
                new PartitionIdPassthrough(device.numPartitions()), serializer, Option.empty(), Option.empty(), false,
                ShuffleExchangeExec.createShuffleWriteProcessor(metrics.asScala()), tag(Object.class),
                tag(Object.class), tag(Object.class));
        SQLMetric numPartitions = metrics.get(ShuffleMetrics.NUM_PARTITIONS);
        numPartitions.set(device.numPartitions());
        SparkContext sc = batches.context();
        SQLMetrics.postDriverMetricUpdates(sc, sc.getLocalProperty(SQLExecution.EXECUTION_ID_KEY()),
                CollectionConverters.asScala(List.of(numPartitions)).toSeq());
        return dependency;
    }

    /** The device form of {@code partitioning}; range partitioning samples its bounds from {@code batches}. */
    private static DevicePartitioning describe(Partitioning partitioning, List<Attribute> input,
            RDD<ColumnarBatch> batches) {
        if (partitioning == SinglePartition$.MODULE$) {
            return new DevicePartitioning.Single();
        }
        if (partitioning instanceof RoundRobinPartitioning r) {
            return new DevicePartitioning.RoundRobin(r.numPartitions());
        }
        if (partitioning instanceof HashPartitioning h) {
            return new DevicePartitioning.Hash(hashKeys(h), input, h.numPartitions());
        }
        if (partitioning instanceof RangePartitioning r) {
            return sampleRange(CollectionConverters.asJava(r.ordering()), r.numPartitions(), input, batches);
        }
        throw new IllegalArgumentException("the GPU shuffle does not implement " + partitioning);
    }

    /**
     * The hash partitioning's keys without Spark's float normalization wrappers: the hash kernels hash
     * -0.0 as 0.0 and every NaN as the canonical one, which is what the normalization is for.
     */
    public static List<Expression> hashKeys(HashPartitioning h) {
        List<Expression> keys = new ArrayList<>();
        for (Expression e : CollectionConverters.asJava(h.expressions())) {
            keys.add(ExprPrograms.withoutFloatNormalization(e));
        }
        return keys;
    }

    private static DevicePartitioning sampleRange(List<SortOrder> order, int requested, List<Attribute> input,
            RDD<ColumnarBatch> batches) {
        List<Expression> keys = DevicePartitioning.Range.keys(order);
        List<StructField> fields = new ArrayList<>();
        List<SortOrder> bound = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Expression key = keys.get(i);
            fields.add(DataTypes.createStructField("k" + i, key.dataType(), key.nullable()));
            SortOrder o = order.get(i);
            bound.add(new SortOrder(new BoundReference(i, key.dataType(), key.nullable()), o.direction(),
                    o.nullOrdering(), CollectionConverters.asScala(List.<Expression>of()).toSeq()));
        }
        StructType keySchema = DataTypes.createStructType(fields);
        Function1<scala.collection.Iterator<ColumnarBatch>, scala.collection.Iterator<Product2<InternalRow, Object>>>
                keyRows = (Function1<scala.collection.Iterator<ColumnarBatch>,
                        scala.collection.Iterator<Product2<InternalRow, Object>>> & Serializable) it ->
                        CollectionConverters.asScala(keyRows(CollectionConverters.asJava(it), keys, input, keySchema));
        RDD<Product2<InternalRow, Object>> sample = batches.mapPartitionsInternal(keyRows, false, tag(Product2.class));
        LazilyGeneratedOrdering ordering = new LazilyGeneratedOrdering(CollectionConverters.asScala(bound).toSeq());
        RangePartitioner<InternalRow, Object> partitioner = new RangePartitioner<>(requested, sample, true,
                SQLConf.get().rangeExchangeSampleSizePerPartition(), ordering, tag(InternalRow.class));
        InternalRow[] bounds = rangeBounds(partitioner);
        return new DevicePartitioning.Range(order, input, bounds.length + 1, bounds, keySchema);
    }

    /**
     * Why the partitioning's keys cannot be computed on the GPU (keys that are input columns need no
     * program), or empty.
     */
    public static java.util.Optional<String> keysProblem(List<Expression> keys, List<Attribute> input,
            dev.ember.spark.conf.EmberConf conf) {
        return ExprPrograms.compileProblem(KeyColumns.computed(keys, input), input, conf);
    }

    /** The sort keys of each batch as copied unsafe rows, for Spark's sampler. */
    private static Iterator<Product2<InternalRow, Object>> keyRows(Iterator<ColumnarBatch> batches,
            List<Expression> keys, List<Attribute> input, StructType keySchema) {
        KeyColumns compiled = KeyColumns.of(keys, input);
        UnsafeProjection projection = UnsafeProjection.create(keySchema);
        List<Product2<InternalRow, Object>> rows = new ArrayList<>();
        return new Iterator<>() {
            private Iterator<Product2<InternalRow, Object>> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && batches.hasNext()) {
                    rows.clear();
                    try (ColumnarBatch batch = batches.next()) {
                        if (batch.numRows() > 0) {
                            readKeys(batch, rows);
                        }
                    }
                    current = rows.iterator();
                }
                return current.hasNext();
            }

            @Override
            public Product2<InternalRow, Object> next() {
                return current.next();
            }

            private void readKeys(ColumnarBatch batch, List<Product2<InternalRow, Object>> out) {
                EmberRuntime runtime = EmberRuntime.get();
                Device device = runtime.device();
                Stream stream = device.defaultStream();
                try (Table table = GpuColumnVector.toTable(batch)) {
                    List<Column> columns = compiled.evaluate(device, table.columns(), table.rowCount(), stream);
                    // The Spark batch takes over the host table.
                    try (Table keyTable = Table.of(table.rowCount(), columns);
                            ColumnTransfer transfer = runtime.newTransfer();
                            ColumnarBatch hostBatch = HostBatches.toSparkBatch(transfer.toHost(keyTable, stream),
                                    keySchema)) {
                        Iterator<InternalRow> it = HostBatches.rows(hostBatch, projection);
                        while (it.hasNext()) {
                            out.add(new Tuple2<>(it.next().copy(), null));
                        }
                    }
                }
            }
        };
    }

    /** Spark's sampled bounds: the partitioner keeps them private, and Ember assigns rows to them itself. */
    private static InternalRow[] rangeBounds(RangePartitioner<InternalRow, Object> partitioner) {
        try {
            Field field = RangePartitioner.class.getDeclaredField("rangeBounds");
            field.setAccessible(true);
            Object bounds = field.get(partitioner);
            InternalRow[] out = new InternalRow[java.lang.reflect.Array.getLength(bounds)];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((InternalRow) java.lang.reflect.Array.get(bounds, i)).copy();
            }
            return out;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read the bounds of Spark's RangePartitioner (this Spark version "
                    + "changed it); disable spark.ember.sql.exec.ShuffleExchangeExec to shuffle on the CPU", e);
        }
    }

    @Override
    public RDD<ColumnarBatch> shuffleRdd(ShuffleDependency<Object, Object, Object> dependency,
            ShufflePartitionSpec[] specs, Map<String, SQLMetric> metrics) {
        StructType schema = ((ArrowShuffleSerializer) dependency.serializer()).schema();
        return new ShuffledBatchRDD(dependency, specs, schema, targetBatchBytes, new ShuffleMetrics(metrics));
    }

    @Override
    public RDD<InternalRow> rows(RDD<ColumnarBatch> batches, SparkPlan exchange) {
        return new GpuColumnarToRowExec(exchange).execute();
    }

    @Override
    public Statistics runtimeStatistics(Map<String, SQLMetric> metrics) {
        long bytes = metrics.get(ShuffleMetrics.DATA_SIZE).value();
        long rows = metrics.get(ShuffleMetrics.ROWS_WRITTEN).value();
        return new Statistics(BigInt.apply(bytes), Option.apply(BigInt.apply(rows)), Statistics.apply$default$3(),
                Statistics.apply$default$4());
    }

    @SuppressWarnings("unchecked")
    private static <T> ClassTag<T> tag(Class<?> type) {
        return (ClassTag<T>) ClassTag$.MODULE$.apply(type);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GpuShuffleSupport s && s.targetBatchBytes == targetBatchBytes;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(targetBatchBytes);
    }

    @Override
    public String toString() {
        return "GpuShuffleSupport[targetBatchBytes=" + targetBatchBytes + "]";
    }

    /** The partition id is the key itself: the map side computed it. */
    private static final class PartitionIdPassthrough extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int numPartitions;

        PartitionIdPassthrough(int numPartitions) {
            this.numPartitions = numPartitions;
        }

        @Override
        public int numPartitions() {
            return numPartitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }
    }
}
