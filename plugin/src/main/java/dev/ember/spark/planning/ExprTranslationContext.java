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

    /**
     * The column operations evaluated before the program, where translators put sub-expressions the
     * program cannot compute (string operations); see {@link dev.ember.spark.expressions.PreStage}.
     *
     * @throws IllegalStateException when this translation has none
     */
    default dev.ember.spark.expressions.PreStage preStage() {
        throw new IllegalStateException("this translation has no pre-stage for column operations (string "
                + "expressions); translate through dev.ember.spark.exec.ExprPrograms");
    }

    /**
     * Whether this translation only checks that the expressions compile (at planning, before the
     * query's subqueries have run): a scalar subquery then stands for a constant of its type whose
     * value is not known yet.
     */
    default boolean checkOnly() {
        return false;
    }
}
