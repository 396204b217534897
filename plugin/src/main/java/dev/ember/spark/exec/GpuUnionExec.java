package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Spark's {@code UnionExec} on device batches: the children's partitions one after the other, batches untouched. */
public final class GpuUnionExec extends GpuPlanBase implements GpuExec {
    private final Seq<SparkPlan> children;

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
    protected Object[] fields() {
        return new Object[] {children};
    }

    @Override
    protected List<OpMetrics.Kind> metricKinds() {
        return List.of(OpMetrics.Kind.OUTPUT_BATCHES, OpMetrics.Kind.OUTPUT_ROWS);
    }
}
