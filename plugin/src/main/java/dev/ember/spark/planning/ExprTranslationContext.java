package dev.ember.spark.planning;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;

/** What a {@link ExprTranslator} sees: the input columns and the program builder of the expression engine. */
public interface ExprTranslationContext {
    /** The columns the expression reads, in the order of the input batch's columns. */
    List<Attribute> input();

    /**
     * The program builder, as the type the translators expect.
     *
     * @throws IllegalStateException when the context builds a different kind of program
     */
    <B> B builder(Class<B> builderType);
}
