package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.ENGINE;
import static dev.ember.spark.expressions.ExprSupport.ENGINE_AND_STRING;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.regs;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.expr.Reg;
import dev.ember.spark.planning.ExprRule;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.types.StringType;

/**
 * IF, CASE WHEN and COALESCE: a null condition takes the next branch, as in Spark. With string
 * results, a row selection in the pre-stage ({@link StringConditionals}).
 */
public final class ConditionalRules {
    private ConditionalRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(If.class, "IF(c, a, b): b when c is false or null (strings: a pre-stage row selection)",
                        ENGINE_AND_STRING, ENGINE_AND_STRING, null, (e, c, ctx) -> e.dataType() instanceof StringType
                                ? StringConditionals.ifThenElse(e, c, ctx)
                                : builder(ctx).ifThenElse(reg(c.get(0)), reg(c.get(1)), reg(c.get(2)))),
                // Children arrive flattened: condition, value, condition, value, ..., then the ELSE value if any.
                rule(CaseWhen.class, "CASE WHEN c THEN v ... [ELSE e] END (strings: a pre-stage row selection)",
                        ENGINE_AND_STRING, ENGINE_AND_STRING, null, (e, c, ctx) -> {
                    if (e.dataType() instanceof StringType) {
                        return StringConditionals.caseWhen(e, c, ctx);
                    }
                    int branches = e.branches().size();
                    List<Reg> conditions = new ArrayList<>();
                    List<Reg> values = new ArrayList<>();
                    for (int i = 0; i < branches; i++) {
                        conditions.add(reg(c.get(2 * i)));
                        values.add(reg(c.get(2 * i + 1)));
                    }
                    Reg otherwise = e.elseValue().isDefined() ? reg(c.get(2 * branches)) : null;
                    return builder(ctx).caseWhen(conditions, values, otherwise);
                }),
                rule(Coalesce.class, "the first non-null argument (strings: a pre-stage row selection)",
                        ENGINE_AND_STRING, ENGINE_AND_STRING, null, (e, c, ctx) -> e.dataType() instanceof StringType
                                ? StringConditionals.coalesce(c, ctx) : builder(ctx).coalesce(regs(c))));
    }
}
