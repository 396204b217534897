package dev.ember.spark.planning;

import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.sort.GpuSortExec;
import dev.ember.spark.exec.sort.GpuTakeOrderedAndProjectExec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.TakeOrderedAndProjectExec;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** The rules of Spark's sort and top-N operators, and the removal of sorts an operator above no longer needs. */
final class SortRules {
    private SortRules() {}

    static ExecRule<SortExec> sort() {
        return ExecRule.of(SortExec.class, "sorts each partition on the GPU: the key columns normalized to "
                        + "order-preserving words (strings ranked by their bytes first), a stable LSD radix sort of "
                        + "the row indices, one gather per column; a global sort reads range-partitioned input. A "
                        + "partition larger than spark.ember.sql.sort.runBytes is sorted in runs kept on the host "
                        + "and merged on the GPU", TypeSig.ALL,
                        (p, children, conf) -> new GpuSortExec(p.sortOrder(), p.global(), conf.sortRunBytes(),
                                conf.batchSizeBytes(), children.get(0)))
                .evaluating(p -> keys(p.sortOrder()))
                .withTagger((p, conf) -> keysProblem(p.sortOrder(), input(p), conf));
    }

    static ExecRule<TakeOrderedAndProjectExec> takeOrderedAndProject() {
        return ExecRule.of(TakeOrderedAndProjectExec.class, "ORDER BY … LIMIT on the GPU: each partition keeps its "
                        + "first rows in sort order (each batch sorted together with the rows kept so far), the GPU "
                        + "shuffle brings them to one partition, which keeps the first rows again, skips the offset "
                        + "and projects", TypeSig.ALL,
                        (p, children, conf) -> new GpuTakeOrderedAndProjectExec(p.limit(), p.sortOrder(),
                                p.projectList(), p.offset(), conf.batchSizeBytes(), children.get(0)))
                .evaluating(p -> {
                    List<Expression> all = keys(p.sortOrder());
                    all.addAll(projected(p.projectList()));
                    return all;
                })
                .withTagger((p, conf) -> keysProblem(p.sortOrder(), input(p), conf).or(() -> {
                    List<Attribute> input = input(p);
                    return ExprPrograms.compileProblem(ExprPrograms.plan(CollectionConverters.asJava(
                            p.projectList()), input).computed(), input, conf);
                }));
    }

    /**
     * {@code child} without the non-global sort in exactly the ordering {@code required} (CPU or GPU) that
     * Spark's EnsureRequirements put there for an operator whose GPU version needs no order: nothing
     * else reads that sort.
     */
    static SparkPlan withoutSort(SparkPlan child, Seq<SortOrder> required) {
        Seq<SortOrder> ordering;
        SparkPlan below;
        if (child instanceof SortExec sort && !sort.global()) {
            ordering = sort.sortOrder();
            below = sort.child();
        } else if (child instanceof GpuSortExec sort && !sort.global()) {
            ordering = sort.sortOrder();
            below = sort.child();
        } else {
            return child;
        }
        List<SortOrder> want = CollectionConverters.asJava(required);
        List<SortOrder> have = CollectionConverters.asJava(ordering);
        if (want.size() != have.size()) {
            return child;
        }
        for (int i = 0; i < want.size(); i++) {
            if (!want.get(i).semanticEquals(have.get(i))) {
                return child;
            }
        }
        return below;
    }

    /** The sort key expressions (Spark's float normalization left out: the sort orders -0.0 and NaN itself). */
    private static List<Expression> keys(Seq<SortOrder> order) {
        List<Expression> out = new ArrayList<>();
        for (SortOrder o : CollectionConverters.asJava(order)) {
            out.add(ExprPrograms.withoutFloatNormalization(o.child()));
        }
        return out;
    }

    private static Optional<String> keysProblem(Seq<SortOrder> order, List<Attribute> input, EmberConf conf) {
        if (input.isEmpty()) {
            return Optional.of("its input has no columns");
        }
        List<Expression> computed = new ArrayList<>();
        for (Expression key : keys(order)) {
            if (!(key instanceof AttributeReference ref) || ExprPrograms.indexOf(input, ref) < 0) {
                computed.add(key);
            }
        }
        return ExprPrograms.compileProblem(computed, input, conf);
    }

    private static List<Attribute> input(SparkPlan p) {
        return new ArrayList<>(CollectionConverters.asJava(p.children().head().output()));
    }

    private static List<Expression> projected(Seq<NamedExpression> projectList) {
        List<Expression> out = new ArrayList<>();
        for (NamedExpression e : CollectionConverters.asJava(projectList)) {
            out.add((Expression) e);
        }
        return out;
    }
}
