package dev.ember.spark.planning;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Translates one Spark expression into the GPU expression program. The expression engine
 * implements one per {@link ExprRule}; {@link ExprMeta#translate} calls them children first.
 *
 * @param <E> the Spark expression class
 */
@FunctionalInterface
public interface ExprTranslator<E extends Expression> {
    /**
     * Adds {@code expression} to the program being built ({@link ExprTranslationContext#builder}) and
     * returns the builder's handle of its result.
     *
     * @param children the handles returned for the expression's children, in order
     */
    Object translate(E expression, List<Object> children, ExprTranslationContext context);
}
