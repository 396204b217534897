package dev.ember.spark.shuffle;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.HostTable;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.MapOutputTrackerMaster;
import org.apache.spark.Partition;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.shuffle.ShuffleReader;
import org.apache.spark.shuffle.sort.SortShuffleManager;
import org.apache.spark.sql.execution.CoalescedMapperPartitionSpec;
import org.apache.spark.sql.execution.CoalescedPartitionSpec;
import org.apache.spark.sql.execution.PartialMapperPartitionSpec;
import org.apache.spark.sql.execution.PartialReducerPartitionSpec;
import org.apache.spark.sql.execution.ShufflePartitionSpec;
import org.apache.spark.sql.execution.metric.SQLShuffleReadMetricsReporter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.Product2;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * The reduce side of a GPU shuffle as an RDD of device batches: Spark's {@code ShuffledRowRDD} for
 * batches. Each partition reads what its {@link ShufflePartitionSpec} names (whole reducer partitions,
 * coalesced ranges of them, or the map-range and map-local reads adaptive execution makes for skewed
 * joins and local reads) through Spark's shuffle manager, and hands the records to {@link
 * ReduceSideBatches}.
 */
final class ShuffledBatchRDD extends RDD<ColumnarBatch> {
    private static final long serialVersionUID = 1L;

    /** One output partition: its index and what it reads. */
    private record SpecPartition(int index, ShufflePartitionSpec spec) implements Partition {
        @Override
        public int hashCode() {
            return index;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SpecPartition p && p.index == index;
        }
    }

    private ShuffleDependency<Object, Object, Object> dependency;
    private final ShufflePartitionSpec[] specs;
    private final StructType schema;
    private final long targetBytes;
    private final ShuffleMetrics metrics;

    ShuffledBatchRDD(ShuffleDependency<Object, Object, Object> dependency, ShufflePartitionSpec[] specs,
            StructType schema, long targetBytes, ShuffleMetrics metrics) {
        super(dependency.rdd().context(), CollectionConverters.asScala(List.<Dependency<?>>of()).toSeq(),
                ClassTag$.MODULE$.apply(ColumnarBatch.class));
        this.dependency = dependency;
        this.specs = specs != null ? specs.clone() : allPartitions(dependency.partitioner().numPartitions());
        this.schema = requireNonNull(schema, "schema is null");
        this.targetBytes = targetBytes;
        this.metrics = requireNonNull(metrics, "metrics is null");
        dependency.rdd().context().setLocalProperty(SortShuffleManager.FETCH_SHUFFLE_BLOCKS_IN_BATCH_ENABLED_KEY(),
                Boolean.toString(SQLConf.get().fetchShuffleBlocksInBatch()));
    }

    private static ShufflePartitionSpec[] allPartitions(int n) {
        ShufflePartitionSpec[] out = new ShufflePartitionSpec[n];
        for (int i = 0; i < n; i++) {
            out[i] = new CoalescedPartitionSpec(i, i + 1, Option.empty());
        }
        return out;
    }

    @Override
    public Seq<Dependency<?>> getDependencies() {
        return CollectionConverters.asScala(List.<Dependency<?>>of(dependency)).toSeq();
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] out = new Partition[specs.length];
        for (int i = 0; i < specs.length; i++) {
            out[i] = new SpecPartition(i, specs[i]);
        }
        return out;
    }

    @Override
    public Seq<String> getPreferredLocations(Partition partition) {
        MapOutputTrackerMaster tracker = (MapOutputTrackerMaster) SparkEnv.get().mapOutputTracker();
        ShufflePartitionSpec spec = ((SpecPartition) partition).spec();
        if (spec instanceof CoalescedPartitionSpec c) {
            java.util.List<String> hosts = new java.util.ArrayList<>();
            for (int r = c.startReducerIndex(); r < c.endReducerIndex(); r++) {
                hosts.addAll(CollectionConverters.asJava(tracker.getPreferredLocationsForShuffle(dependency, r)));
            }
            return CollectionConverters.asScala(hosts).toSeq();
        }
        if (spec instanceof PartialReducerPartitionSpec p) {
            return tracker.getMapLocation(dependency, p.startMapIndex(), p.endMapIndex());
        }
        if (spec instanceof PartialMapperPartitionSpec p) {
            return tracker.getMapLocation(dependency, p.mapIndex(), p.mapIndex() + 1);
        }
        CoalescedMapperPartitionSpec m = (CoalescedMapperPartitionSpec) spec;
        return tracker.getMapLocation(dependency, m.startMapIndex(), m.endMapIndex());
    }

    @Override
    @SuppressWarnings("unchecked")
    public scala.collection.Iterator<ColumnarBatch> compute(Partition split, TaskContext context) {
        SQLShuffleReadMetricsReporter reporter = new SQLShuffleReadMetricsReporter(
                context.taskMetrics().createTempShuffleReadMetrics(), metrics.asScala());
        var manager = SparkEnv.get().shuffleManager();
        var handle = dependency.shuffleHandle();
        ShufflePartitionSpec spec = ((SpecPartition) split).spec();
        ShuffleReader<Object, Object> reader;
        if (spec instanceof CoalescedPartitionSpec c) {
            reader = manager.getReader(handle, 0, Integer.MAX_VALUE, c.startReducerIndex(), c.endReducerIndex(),
                    context, reporter);
        } else if (spec instanceof PartialReducerPartitionSpec p) {
            reader = manager.getReader(handle, p.startMapIndex(), p.endMapIndex(), p.reducerIndex(),
                    p.reducerIndex() + 1, context, reporter);
        } else if (spec instanceof PartialMapperPartitionSpec p) {
            reader = manager.getReader(handle, p.mapIndex(), p.mapIndex() + 1, p.startReducerIndex(),
                    p.endReducerIndex(), context, reporter);
        } else {
            CoalescedMapperPartitionSpec m = (CoalescedMapperPartitionSpec) spec;
            reader = manager.getReader(handle, m.startMapIndex(), m.endMapIndex(), 0, m.numReducers(), context,
                    reporter);
        }
        scala.collection.Iterator<Product2<Object, Object>> records = reader.read();
        java.util.Iterator<HostTable> tables = CollectionConverters.asJava(records.map(r -> (HostTable) r._2()));
        return CollectionConverters.asScala(new ReduceSideBatches(tables, schema, targetBytes, metrics));
    }

    @Override
    public void clearDependencies() {
        super.clearDependencies();
        dependency = null;
    }
}
