package dev.ember.spark.planning;

import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.GpuExpandExec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.ExpandExec;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** The rule of Spark's expand (grouping sets, rollups, cubes, several groups of distinct aggregates). */
final class ExpandRules {
    private ExpandRules() {}

    static ExecRule<ExpandExec> expand() {
        return ExecRule.of(ExpandExec.class, "one output batch per input batch and projection (grouping sets, "
                        + "ROLLUP, CUBE, several DISTINCT aggregates): plain column references pass through, the "
                        + "other columns of each projection come from one expression program", TypeSig.ALL,
                        (p, children, conf) -> new GpuExpandExec(p.projections(), p.output(), children.get(0)))
                .evaluating(ExpandRules::evaluated)
                .withTagger((p, conf) -> {
                    List<Attribute> input = new ArrayList<>(CollectionConverters.asJava(p.child().output()));
                    for (GpuExpandExec.Split split : GpuExpandExec.split(p.projections(), input)) {
                        Optional<String> problem = ExprPrograms.compileProblem(split.computed(), input, conf);
                        if (problem.isPresent()) {
                            return problem;
                        }
                    }
                    return Optional.empty();
                });
    }

    private static List<Expression> evaluated(ExpandExec p) {
        List<Expression> out = new ArrayList<>();
        for (Seq<Expression> projection : CollectionConverters.asJava(p.projections())) {
            out.addAll(CollectionConverters.asJava(projection));
        }
        return out;
    }
}
