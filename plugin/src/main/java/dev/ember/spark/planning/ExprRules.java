package dev.ember.spark.planning;

import dev.ember.spark.expressions.ArithmeticRules;
import dev.ember.spark.expressions.BasicRules;
import dev.ember.spark.expressions.BitwiseRules;
import dev.ember.spark.expressions.CastRules;
import dev.ember.spark.expressions.ConditionalRules;
import dev.ember.spark.expressions.DateRules;
import dev.ember.spark.expressions.HashRules;
import dev.ember.spark.expressions.MathRules;
import dev.ember.spark.expressions.DecimalRules;
import dev.ember.spark.expressions.PredicateRules;
import dev.ember.spark.expressions.SplitElementRules;
import dev.ember.spark.expressions.StringFunctionRules;
import dev.ember.spark.expressions.StringRules;
import dev.ember.spark.expressions.TimestampRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * The expression rules, one per Spark expression class, declared by family in {@code
 * dev.ember.spark.expressions} with their types, checks and translations into the GPU expression program.
 */
public final class ExprRules {
    private static final List<ExprRule<?>> ALL = concat(BasicRules.rules(), ArithmeticRules.rules(),
            PredicateRules.rules(), ConditionalRules.rules(), DateRules.rules(), CastRules.rules(), StringRules.rules(),
            DecimalRules.rules(), MathRules.rules(), BitwiseRules.rules(), TimestampRules.rules(),
            StringFunctionRules.rules(), SplitElementRules.rules(), HashRules.rules());

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

    @SafeVarargs
    private static List<ExprRule<?>> concat(List<ExprRule<?>>... families) {
        List<ExprRule<?>> all = new ArrayList<>();
        for (List<ExprRule<?>> f : families) {
            all.addAll(f);
        }
        return List.copyOf(all);
    }
}
