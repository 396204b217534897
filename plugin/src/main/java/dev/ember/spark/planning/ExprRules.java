package dev.ember.spark.planning;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;

/**
 * The expression rules, one per Spark expression class. Translations are added here by the
 * expression engine ({@link ExprRule#withTranslator}); until then each rule is declared with its
 * types and documentation, and the planner reports "no GPU translation yet".
 */
public final class ExprRules {
    private static final List<ExprRule<?>> ALL = List.of(
            ExprRule.of(AttributeReference.class, "a reference to an input column", TypeSig.ALL_FIXED_WIDTH),
            ExprRule.of(Alias.class, "names the result of its child expression", TypeSig.ALL_FIXED_WIDTH),
            ExprRule.of(Literal.class, "a constant value (null included)", TypeSig.ALL_FIXED_WIDTH));

    private ExprRules() {}

    public static List<ExprRule<?>> all() {
        return ALL;
    }

    /** The rule for {@code expression}'s exact class, if Ember has one. */
    public static Optional<ExprRule<?>> find(Expression expression) {
        for (ExprRule<?> rule : ALL) {
            if (rule.expressionClass() == expression.getClass()) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }
}
