package dev.ember.spark.planning;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * A translator that takes over some descendants of its expression: {@link ExprMeta} wraps, tags and
 * translates {@link #operands} as the expression's children instead of its own children, so a shape
 * such as an element of {@code split(s, literal)} runs on the GPU although the array in between
 * cannot. The translator receives the operands' handles.
 *
 * @param <E> the Spark expression class
 */
public interface FusingTranslator<E extends Expression> extends ExprTranslator<E> {
    /** The expressions to treat as {@code expression}'s children, in the order of the handles. */
    List<Expression> operands(E expression);
}
