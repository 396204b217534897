package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.name;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.StringEdits;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprTranslationContext;
import dev.ember.spark.planning.FusingTranslator;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.ElementAt;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GetArrayItem;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.StringSplit;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code split(s, literal[, limit])[i]} (GetArrayItem, 0-based) and {@code element_at(split(s, literal
 * [, limit]), i)} (ElementAt, 1-based, negative from the end): arrays are not supported, so only this
 * fused shape runs on the GPU ({@link StringEdits#splitPart}), with a pattern that is a literal string
 * (no regular-expression metacharacters, or one escaped non-alphanumeric character, which Java's split
 * takes literally), a literal limit and a literal index. An index out of range gives null as in Spark
 * with ANSI off; under ANSI mode ({@code failOnError}) Spark raises an error there, so the expression
 * stays on the CPU, as does element_at's index 0, which always fails in Spark.
 */
public final class SplitElementRules {
    private static final TypeSig STRING = TypeSig.of(Kind.STRING);
    private static final String METACHARACTERS = "\\^$.|?*+()[]{}";

    private record Key(int column, StringScalar delimiter, int limit, int element) {}

    private SplitElementRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                ExprRule.of(GetArrayItem.class, "split(s, literal[, limit])[i] with a literal i (0-based; null out "
                        + "of range) and a pattern without regex metacharacters; other arrays are not supported", STRING)
                        .withTagger(e -> check(e, e.child(), e.ordinal(), e.failOnError(), false))
                        .withTranslator(translator(GetArrayItem::child, GetArrayItem::ordinal, false)),
                ExprRule.of(ElementAt.class, "element_at(split(s, literal[, limit]), i) with a literal i (1-based, "
                        + "negative from the end; null out of range) and a pattern without regex metacharacters; other "
                        + "arrays and maps are not supported", STRING)
                        .withTagger(e -> e.defaultValueOutOfBound().isDefined()
                                ? Optional.of("ElementAt with a default value stays on the CPU")
                                : check(e, e.left(), e.right(), e.failOnError(), true))
                        .withTranslator(translator(ElementAt::left, ElementAt::right, true)));
    }

    /** Why {@code e} (an element {@code index} of {@code array}) stays on the CPU, or empty. */
    private static Optional<String> check(Expression e, Expression array, Expression index, boolean failOnError,
            boolean oneBased) {
        if (!(array instanceof StringSplit split)) {
            return Optional.of(name(e) + ": arrays are not supported on the GPU; only an element of split(s, literal) "
                    + "runs there, not of " + array.sql());
        }
        if (!(split.regex() instanceof Literal pattern) || !(split.limit() instanceof Literal)
                || !(index instanceof Literal i)) {
            return Optional.of(name(e) + " of " + split.sql() + ": arrays are not supported on the GPU; an element "
                    + "of split runs there only with a literal pattern, limit and index");
        }
        if (failOnError) {
            return Optional.of(name(e) + " with failOnError=true (ANSI mode) raises an error for an index out of "
                    + "range; it stays on the CPU");
        }
        if (oneBased && i.value() != null && ((Number) i.value()).intValue() == 0) {
            return Optional.of("ElementAt: index 0 fails in Spark (SQL array indices start at 1); it stays on the CPU "
                    + "so that Spark reports it");
        }
        if (pattern.value() != null && delimiter(pattern.value().toString()) == null) {
            return Optional.of(name(e) + " of " + split.sql() + ": the pattern is a regular expression (or empty); "
                    + "arrays are not supported on the GPU and only a literal pattern is split there");
        }
        return Optional.empty();
    }

    /**
     * The literal string a split pattern stands for, or null when it is a regular expression or empty:
     * no metacharacters, or a backslash and one character that is not a letter, digit or surrogate.
     */
    static String delimiter(String pattern) {
        if (pattern.isEmpty()) {
            return null;
        }
        if (pattern.length() == 2 && pattern.charAt(0) == '\\') {
            char c = pattern.charAt(1);
            boolean alphanumeric = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            return alphanumeric || Character.isSurrogate(c) ? null : String.valueOf(c);
        }
        for (int k = 0; k < pattern.length(); k++) {
            if (METACHARACTERS.indexOf(pattern.charAt(k)) >= 0) {
                return null;
            }
        }
        return pattern;
    }

    /** Accessors of the array and the index of the two expression classes. */
    @FunctionalInterface
    private interface Part<E> {
        Expression of(E expression);
    }

    private static <E extends Expression> FusingTranslator<E> translator(Part<E> array, Part<E> index,
            boolean oneBased) {
        return new FusingTranslator<>() {
            @Override
            public List<Expression> operands(E e) {
                if (array.of(e) instanceof StringSplit split) {
                    return List.of(split.str());
                }
                return CollectionConverters.asJava(e.children());
            }

            @Override
            public Object translate(E e, List<Object> c, ExprTranslationContext ctx) {
                StringSplit split = (StringSplit) array.of(e);
                Object pattern = ((Literal) split.regex()).value();
                Object limit = ((Literal) split.limit()).value();
                Object i = ((Literal) index.of(e)).value();
                if (pattern == null || limit == null || i == null) {
                    return StringSteps.constant(ctx.preStage(), StringScalar.NULL);
                }
                // Spark reads the index as Number.intValue() too.
                int at = ((Number) i).intValue();
                // GetArrayItem: 0-based, negative out of range; ElementAt: 1-based, negative from the end.
                if (!oneBased && at < 0) {
                    return StringSteps.constant(ctx.preStage(), StringScalar.NULL);
                }
                int element = oneBased && at > 0 ? at - 1 : at;
                int lim = (Integer) limit;
                byte[] delimiter = UTF8String.fromString(delimiter(((UTF8String) pattern).toString())).getBytes();
                ColumnValue in = StringSteps.strings(ctx, c.get(0));
                return StringSteps.unary(ctx, new Key(in.index(), new StringScalar(delimiter), lim, element), in,
                        DType.STRING, (device, column, stream) -> StringEdits.splitPart(device, column, delimiter, lim,
                                element, stream));
            }
        };
    }
}
