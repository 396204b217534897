package dev.ember.spark.planning;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.conf.ConfEntry;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * How one Spark expression class runs on the GPU: its switch ({@code spark.ember.sql.expression.<Name>}),
 * documentation, the result types it supports, an optional extra tagging check and the translation
 * into the GPU expression program (absent until the expression engine provides it, which keeps the
 * expression, and so its operator, on the CPU with the reason "no GPU translation yet").
 *
 * @param <E> the expression class
 */
public final class ExprRule<E extends Expression> {
    /** An extra check: returns why this particular expression cannot run on the GPU, or empty. */
    @FunctionalInterface
    public interface Tagger<E extends Expression> {
        Optional<String> check(E expression);
    }

    private final Class<E> expressionClass;
    private final String doc;
    private final TypeSig types;
    private final Tagger<E> tagger;
    private final ExprTranslator<E> translator;
    private final ConfEntry<Boolean> confEntry;

    private ExprRule(Class<E> expressionClass, String doc, TypeSig types, Tagger<E> tagger, ExprTranslator<E> translator) {
        this.expressionClass = requireNonNull(expressionClass, "expressionClass is null");
        this.doc = requireNonNull(doc, "doc is null");
        this.types = requireNonNull(types, "types is null");
        this.tagger = tagger;
        this.translator = translator;
        this.confEntry = ConfEntry.bool("spark.ember.sql.expression." + name(), true, false,
                "Enables " + name() + " on the GPU: " + doc);
    }

    /** A rule without an extra check and without a translation yet. */
    public static <E extends Expression> ExprRule<E> of(Class<E> expressionClass, String doc, TypeSig types) {
        return new ExprRule<>(expressionClass, doc, types, null, null);
    }

    /** This rule with {@code tagger} as its extra check. */
    public ExprRule<E> withTagger(Tagger<E> tagger) {
        return new ExprRule<>(expressionClass, doc, types, requireNonNull(tagger, "tagger is null"), translator);
    }

    /** This rule with {@code translator} as its translation into the GPU program. */
    public ExprRule<E> withTranslator(ExprTranslator<E> translator) {
        return new ExprRule<>(expressionClass, doc, types, tagger, requireNonNull(translator, "translator is null"));
    }

    public Class<E> expressionClass() {
        return expressionClass;
    }

    /** The expression class's simple name, as used in the config key and the docs. */
    public String name() {
        return expressionClass.getSimpleName();
    }

    public String doc() {
        return doc;
    }

    /** The result types this rule supports. */
    public TypeSig types() {
        return types;
    }

    public ConfEntry<Boolean> confEntry() {
        return confEntry;
    }

    public Optional<ExprTranslator<E>> translator() {
        return Optional.ofNullable(translator);
    }

    /** The extra check's verdict on {@code expression} (which must be of this rule's class). */
    Optional<String> extraCheck(Expression expression) {
        return tagger == null ? Optional.empty() : tagger.check(expressionClass.cast(expression));
    }

    /**
     * The expressions wrapped as {@code expression}'s children: its own children, or those its
     * translator takes over when it is a {@link FusingTranslator}.
     */
    java.util.List<Expression> operands(Expression expression) {
        if (translator instanceof FusingTranslator<E> fusing) {
            return fusing.operands(expressionClass.cast(expression));
        }
        return scala.jdk.javaapi.CollectionConverters.asJava(expression.children());
    }

    /** Runs the translation of {@code expression} (which must be of this rule's class). */
    Object translate(Expression expression, java.util.List<Object> children, ExprTranslationContext context) {
        if (translator == null) {
            throw new IllegalStateException(name() + " has no GPU translation yet; the planner keeps it on the CPU");
        }
        return translator.translate(expressionClass.cast(expression), children, context);
    }

    @Override
    public String toString() {
        return "ExprRule[" + name() + "]";
    }
}
