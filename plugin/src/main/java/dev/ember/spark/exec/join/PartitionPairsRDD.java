package dev.ember.spark.exec.join;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * One partition per pair of a left and a right partition, as Spark's cartesian RDD, but computing a
 * pair with both partitions' batch iterators at once: the function reads the right one whole (the
 * build side) before it streams the left one, so each parent partition is computed once per pair
 * (Spark's own cartesian RDD recomputes the right partition for every left element).
 */
final class PartitionPairsRDD extends RDD<ColumnarBatch> {
    private static final long serialVersionUID = 1L;

    /** Computes a pair of partitions: the left one's batches streamed against the right one's. */
    interface PairFunction extends Serializable {
        Iterator<ColumnarBatch> apply(Iterator<ColumnarBatch> left, Iterator<ColumnarBatch> right);
    }

    /** Pair {@code index}: left partition {@code index / rightCount}, right partition {@code index % rightCount}. */
    private record Pair(int index, Partition left, Partition right) implements Partition {
        @Override
        public int index() {
            return index;
        }
    }

    private final RDD<ColumnarBatch> left;
    private final RDD<ColumnarBatch> right;
    private final PairFunction function;

    PartitionPairsRDD(RDD<ColumnarBatch> left, RDD<ColumnarBatch> right, PairFunction function) {
        super(left.context(), dependencies(left, right), ClassTag$.MODULE$.apply(ColumnarBatch.class));
        this.left = left;
        this.right = right;
        this.function = requireNonNull(function, "function is null");
    }

    private static Seq<Dependency<?>> dependencies(RDD<ColumnarBatch> left, RDD<ColumnarBatch> right) {
        int rights = right.getNumPartitions();
        Dependency<?> l = new NarrowDependency<ColumnarBatch>(left) {
            private static final long serialVersionUID = 1L;

            @Override
            public scala.collection.immutable.Seq<Object> getParents(int partitionId) {
                return CollectionConverters.asScala(List.<Object>of(partitionId / rights)).toList();
            }
        };
        Dependency<?> r = new NarrowDependency<ColumnarBatch>(right) {
            private static final long serialVersionUID = 1L;

            @Override
            public scala.collection.immutable.Seq<Object> getParents(int partitionId) {
                return CollectionConverters.asScala(List.<Object>of(partitionId % rights)).toList();
            }
        };
        return CollectionConverters.asScala(List.<Dependency<?>>of(l, r)).toList();
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] lefts = left.partitions();
        Partition[] rights = right.partitions();
        Partition[] out = new Partition[lefts.length * rights.length];
        for (int i = 0; i < lefts.length; i++) {
            for (int j = 0; j < rights.length; j++) {
                int index = i * rights.length + j;
                out[index] = new Pair(index, lefts[i], rights[j]);
            }
        }
        return out;
    }

    @Override
    public scala.collection.Iterator<ColumnarBatch> compute(Partition split, TaskContext context) {
        Pair pair = (Pair) split;
        Iterator<ColumnarBatch> rightBatches = CollectionConverters.asJava(right.iterator(pair.right(), context));
        Iterator<ColumnarBatch> leftBatches = CollectionConverters.asJava(left.iterator(pair.left(), context));
        return CollectionConverters.asScala(function.apply(leftBatches, rightBatches));
    }
}
