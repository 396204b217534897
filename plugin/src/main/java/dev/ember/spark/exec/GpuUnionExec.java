package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Spark's {@code UnionExec} on device batches: the children's partitions one after the other, batches untouched. */
public final class GpuUnionExec extends SparkPlan implements GpuExec {
    private final Seq<SparkPlan> children;
    private transient OpMetrics opMetrics;

    public GpuUnionExec(Seq<SparkPlan> children) {
        this.children = requireNonNull(children, "children is null");
    }

    @Override
    public Seq<SparkPlan> children() {
        return children;
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new GpuUnionExec(newChildren);
    }

    /** As Spark's union: the first child's columns, nullable where any child's column is. */
    @Override
    public Seq<Attribute> output() {
        List<SparkPlan> kids = CollectionConverters.asJava(children);
        List<Attribute> first = CollectionConverters.asJava(kids.get(0).output());
        List<Attribute> out = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            boolean nullable = false;
            for (SparkPlan k : kids) {
                nullable |= CollectionConverters.asJava(k.output()).get(i).nullable();
            }
            out.add(first.get(i).withNullability(nullable));
        }
        return CollectionConverters.asScala(out).toSeq();
    }

    private synchronized OpMetrics opMetrics() {
        if (opMetrics == null) {
            opMetrics = OpMetrics.create(sparkContext(), List.of(OpMetrics.Kind.OUTPUT_BATCHES, OpMetrics.Kind.OUTPUT_ROWS));
        }
        return opMetrics;
    }

    @Override
    public scala.collection.immutable.Map<String, SQLMetric> metrics() {
        return opMetrics().asScala();
    }

    @Override
    public boolean supportsColumnar() {
        return true;
    }

    @Override
    public RDD<InternalRow> doExecute() {
        throw new IllegalStateException("GpuUnion produces columnar device batches only");
    }

    @Override
    @SuppressWarnings("unchecked")
    public RDD<ColumnarBatch> doExecuteColumnar() {
        OpMetrics metrics = opMetrics();
        List<SparkPlan> kids = CollectionConverters.asJava(children);
        JavaRDD<ColumnarBatch>[] rdds = new JavaRDD[kids.size()];
        for (int i = 0; i < rdds.length; i++) {
            rdds[i] = kids.get(i).executeColumnar().toJavaRDD().map(b -> {
                metrics.outputBatch(b.numRows());
                return b;
            });
        }
        return JavaSparkContext.fromSparkContext(sparkContext()).union(rdds).rdd();
    }

    @Override
    public int productArity() {
        return 1;
    }

    @Override
    public Object productElement(int n) {
        if (n != 0) {
            throw new IndexOutOfBoundsException(n);
        }
        return children;
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof GpuUnionExec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GpuUnionExec other && children.equals(other.children);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {GpuUnionExec.class, children});
    }
}
