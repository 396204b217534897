package dev.ember.spark.planning;

import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.GpuFilterExec;
import dev.ember.spark.exec.GpuFilterProjectExec;
import dev.ember.spark.exec.GpuProjectExec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import scala.jdk.javaapi.CollectionConverters;

/** The rules of Spark's filter and projection operators; a projection over a GPU filter fuses with it. */
final class FilterProjectRules {
    private FilterProjectRules() {}

    static ExecRule<FilterExec> filter() {
        return ExecRule.of(FilterExec.class, "keeps the rows whose condition is true: one expression program "
                        + "gives the flags, stream compaction the row indices, a gather per column the rows",
                        TypeSig.ALL,
                        (p, children, conf) -> new GpuFilterExec(p.condition(), p.output(), children.get(0)))
                .evaluating(p -> List.of(p.condition()))
                .withTagger((p, conf) -> ExprPrograms.compileProblem(List.of(p.condition()), input(p), conf));
    }

    static ExecRule<ProjectExec> project() {
        return ExecRule.of(ProjectExec.class, "computes the projected columns with one expression program per "
                        + "batch, passing plain column references through; fused with a filter directly below it",
                        TypeSig.ALL, FilterProjectRules::convertProject)
                .evaluating(FilterProjectRules::projected)
                .withTagger((p, conf) -> {
                    List<Attribute> input = input(p);
                    ExprPrograms.Projection projection = ExprPrograms.plan(CollectionConverters.asJava(p.projectList()),
                            input);
                    return ExprPrograms.compileProblem(projection.computed(), input, conf);
                });
    }

    private static SparkPlan convertProject(ProjectExec p, List<SparkPlan> children, dev.ember.spark.conf.EmberConf conf) {
        SparkPlan child = children.get(0);
        if (child instanceof GpuFilterExec filter) {
            return new GpuFilterProjectExec(p.projectList(), filter.condition(), filter.child());
        }
        return new GpuProjectExec(p.projectList(), child);
    }

    private static List<Attribute> input(SparkPlan p) {
        return new ArrayList<>(CollectionConverters.asJava(p.children().head().output()));
    }

    private static List<Expression> projected(ProjectExec p) {
        List<Expression> out = new ArrayList<>();
        for (Object e : CollectionConverters.asJava(p.projectList())) {
            out.add((Expression) e);
        }
        return out;
    }
}
