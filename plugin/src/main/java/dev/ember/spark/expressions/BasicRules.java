package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.dtype;

import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.TypeSig;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Literal;

/**
 * Column references, names and constants. References and aliases accept every device type because a
 * projection passes such columns through without evaluating them; where they feed an operation, that
 * operation's operand check limits them to the engine's types.
 */
public final class BasicRules {
    private BasicRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                ExprRule.of(AttributeReference.class, "a reference to an input column", TypeSig.ALL)
                        .withTranslator((e, children, ctx) -> {
                            List<Attribute> input = ctx.input();
                            for (int i = 0; i < input.size(); i++) {
                                if (input.get(i).exprId().equals(e.exprId())) {
                                    return builder(ctx).input(i, dtype(e.dataType()));
                                }
                            }
                            throw new IllegalStateException("column " + e.sql() + " is not among the inputs " + input);
                        }),
                ExprRule.of(Alias.class, "names the result of its child expression", TypeSig.ALL)
                        .withTranslator((e, children, ctx) -> children.get(0)),
                ExprRule.of(Literal.class, "a constant value (null included)", ExprSupport.ENGINE)
                        .withTranslator((e, children, ctx) -> builder(ctx).literal(dtype(e.dataType()), e.value())));
    }
}
