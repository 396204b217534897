package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.BOOLEAN;
import static dev.ember.spark.expressions.ExprSupport.INT;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.name;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.LikePattern;
import dev.ember.cuda.ops.StringFunctions;
import dev.ember.cuda.ops.StringFunctions.ConcatInput;
import dev.ember.cuda.ops.StringFunctions.TrimSide;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprTranslationContext;
import dev.ember.spark.planning.ExprTranslator;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Concat;
import org.apache.spark.sql.catalyst.expressions.Contains;
import org.apache.spark.sql.catalyst.expressions.EndsWith;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Length;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.StartsWith;
import org.apache.spark.sql.catalyst.expressions.StringTrim;
import org.apache.spark.sql.catalyst.expressions.StringTrimLeft;
import org.apache.spark.sql.catalyst.expressions.StringTrimRight;
import org.apache.spark.sql.catalyst.expressions.Substring;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Option;

/**
 * String functions, each a {@link PreStage} step of {@link StringFunctions} (Spark 3.5's semantics
 * are documented there): a STRING result is a column that later steps read or that is an output
 * itself, a fixed-width one (length, the predicates) a program input. Pattern, position, length and
 * trim-string operands must be literals (the optimizer folds constant expressions into them);
 * otherwise the expression stays on the CPU with the reason. Spark's optimizer already turns
 * {@code LIKE 'abc%'}, {@code '%abc'}, {@code '%abc%'} and {@code 'abc'} into StartsWith, EndsWith,
 * Contains and equality, so Like arrives with {@code _}, escapes or inner {@code %}.
 */
public final class StringRules {
    static final TypeSig STRING = TypeSig.of(Kind.STRING);
    private static final TypeSig STRING_AND_INT = TypeSig.of(Kind.STRING, Kind.INT);

    /** Step keys: the operation, its column and its literal operands. */
    private record Key(String op, int column, Object operand) {}

    private record ConcatKey(List<Object> parts) {}

    private StringRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(Length.class, "length(s): characters (code points) of a string", INT, STRING, null,
                        unary("length", DType.INT32, StringFunctions::length)),
                rule(Substring.class, "substring(s, pos[, len]) with literal pos and len (1-based, 0 as 1, negative "
                        + "from the end)", STRING, STRING_AND_INT, StringRules::checkSubstring, StringRules::substring),
                rule(Upper.class, "upper(s): ASCII on the GPU, rows with other characters mapped by Java as in Spark",
                        STRING, STRING, null, unary("upper", DType.STRING, StringFunctions::upper)),
                rule(Lower.class, "lower(s): ASCII on the GPU, rows with other characters mapped by Java as in Spark",
                        STRING, STRING, null, unary("lower", DType.STRING, StringFunctions::lower)),
                rule(StartsWith.class, "startswith(s, literal): byte prefix", BOOLEAN, STRING,
                        e -> literalOperand(e, e.right(), "pattern"), (e, c, ctx) -> predicate(ctx, "startsWith",
                                c.get(0), c.get(1))),
                rule(EndsWith.class, "endswith(s, literal): byte suffix", BOOLEAN, STRING,
                        e -> literalOperand(e, e.right(), "pattern"), (e, c, ctx) -> predicate(ctx, "endsWith",
                                c.get(0), c.get(1))),
                rule(Contains.class, "contains(s, literal): byte substring", BOOLEAN, STRING,
                        e -> literalOperand(e, e.right(), "pattern"), (e, c, ctx) -> predicate(ctx, "contains",
                                c.get(0), c.get(1))),
                rule(Like.class, "s LIKE literal [ESCAPE c]: `_` one character (code point), `%` any sequence; "
                        + "patterns that are a prefix, suffix, substring or equality use those cheaper operations",
                        BOOLEAN, STRING, StringRules::checkLike, StringRules::like),
                rule(Concat.class, "concat(s, ...) of string columns and literals; null when any is null", STRING,
                        STRING, null, StringRules::concat),
                rule(StringTrim.class, "trim(s) (ASCII spaces) or trim(BOTH literal FROM s)", STRING, STRING,
                        e -> trimString(e, e.trimStr()), trim(TrimSide.BOTH)),
                rule(StringTrimLeft.class, "ltrim(s) (ASCII spaces) or trim(LEADING literal FROM s)", STRING, STRING,
                        e -> trimString(e, e.trimStr()), trim(TrimSide.LEADING)),
                rule(StringTrimRight.class, "rtrim(s) (ASCII spaces) or trim(TRAILING literal FROM s)", STRING, STRING,
                        e -> trimString(e, e.trimStr()), trim(TrimSide.TRAILING)));
    }

    private static <E extends Expression> ExprTranslator<E> unary(String op, DType result, StringOp fn) {
        return (e, c, ctx) -> {
            ColumnValue in = StringSteps.strings(ctx, c.get(0));
            return StringSteps.result(ctx, StringSteps.unary(ctx, new Key(op, in.index(), null), in, result,
                    (device, column, stream) -> fn.apply(device, column, stream)));
        };
    }

    /** A {@link StringFunctions} operation of one column. */
    @FunctionalInterface
    private interface StringOp {
        dev.ember.cuda.column.Column apply(dev.ember.cuda.Device device, dev.ember.cuda.column.Column input,
                dev.ember.cuda.Stream stream);
    }

    private static Optional<String> literalOperand(Expression e, Expression operand, String what) {
        return operand instanceof Literal ? Optional.empty() : Optional.of(name(e) + ": the " + what + " "
                + operand.sql() + " is not a literal; only literal " + what + "s run on the GPU");
    }

    private static Optional<String> checkSubstring(Substring e) {
        return ExprSupport.first(literalOperand(e, e.pos(), "position"), literalOperand(e, e.len(), "length"));
    }

    private static Object substring(Substring e, List<Object> c, ExprTranslationContext ctx) {
        ColumnValue in = StringSteps.strings(ctx, c.get(0));
        Object pos = ((Literal) e.pos()).value();
        Object len = ((Literal) e.len()).value();
        if (pos == null || len == null) {
            return StringSteps.constant(ctx.preStage(), StringScalar.NULL);
        }
        int p = (Integer) pos;
        int l = (Integer) len;
        return StringSteps.unary(ctx, new Key("substring", in.index(), List.of(p, l)), in, DType.STRING,
                (device, column, stream) -> StringFunctions.substring(device, column, p, l, stream));
    }

    private static Object predicate(ExprTranslationContext ctx, String op, Object value, Object pattern) {
        ColumnValue in = StringSteps.strings(ctx, value);
        byte[] bytes = ((StringScalar) pattern).utf8();
        if (bytes == null) {
            return builder(ctx).nullLiteral(DType.BOOL8);
        }
        ColumnValue out = StringSteps.unary(ctx, new Key(op, in.index(), new StringScalar(bytes)), in, DType.BOOL8,
                (device, column, stream) -> switch (op) {
                    case "startsWith" -> StringFunctions.startsWith(device, column, bytes, stream);
                    case "endsWith" -> StringFunctions.endsWith(device, column, bytes, stream);
                    case "contains" -> StringFunctions.contains(device, column, bytes, stream);
                    case "equalTo" -> StringFunctions.equalTo(device, column, bytes, stream);
                    default -> throw new IllegalStateException("no string predicate " + op);
                });
        return StringSteps.result(ctx, out);
    }

    private static Optional<String> checkLike(Like e) {
        Optional<String> literal = literalOperand(e, e.right(), "pattern");
        if (literal.isPresent()) {
            return literal;
        }
        Object value = ((Literal) e.right()).value();
        if (value == null) {
            return Optional.empty();
        }
        try {
            LikePattern.parse(value.toString(), e.escapeChar());
            return Optional.empty();
        } catch (IllegalArgumentException ex) {
            return Optional.of("Like: the pattern is not run on the GPU, so Spark reports it: " + ex.getMessage());
        }
    }

    private static Object like(Like e, List<Object> c, ExprTranslationContext ctx) {
        Object value = ((Literal) e.right()).value();
        if (value == null) {
            return builder(ctx).nullLiteral(DType.BOOL8);
        }
        LikePattern pattern = LikePattern.parse(((UTF8String) value).toString(), e.escapeChar());
        Optional<LikePattern.Simple> simple = pattern.classify();
        if (simple.isPresent()) {
            String op = switch (simple.get().kind()) {
                case EQUALS -> "equalTo";
                case STARTS_WITH -> "startsWith";
                case ENDS_WITH -> "endsWith";
                case CONTAINS -> "contains";
            };
            return predicate(ctx, op, c.get(0), new StringScalar(simple.get().utf8()));
        }
        ColumnValue in = StringSteps.strings(ctx, c.get(0));
        ColumnValue out = StringSteps.unary(ctx, new Key("like", in.index(), pattern.pattern() + "\u0000"
                + e.escapeChar()), in, DType.BOOL8,
                (device, column, stream) -> StringFunctions.like(device, column, pattern, stream));
        return StringSteps.result(ctx, out);
    }

    private static Object concat(Concat e, List<Object> c, ExprTranslationContext ctx) {
        List<Object> parts = new ArrayList<>();
        boolean anyColumn = false;
        for (Object handle : c) {
            if (handle instanceof StringScalar s) {
                if (s.isNull()) {
                    return StringSteps.constant(ctx.preStage(), StringScalar.NULL);
                }
                parts.add(s);
            } else {
                parts.add(StringSteps.strings(ctx, handle).index());
                anyColumn = true;
            }
        }
        if (!anyColumn) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            parts.forEach(p -> all.writeBytes(((StringScalar) p).utf8()));
            return StringSteps.constant(ctx.preStage(), new StringScalar(all.toByteArray()));
        }
        int[] reads = parts.stream().filter(p -> p instanceof Integer).mapToInt(p -> (Integer) p).toArray();
        List<Object> key = List.copyOf(parts);
        return ctx.preStage().addOnce(new ConcatKey(key), DType.STRING, reads, (device, columns, rows, stream) -> {
            List<ConcatInput> inputs = new ArrayList<>();
            for (Object p : key) {
                inputs.add(p instanceof Integer i ? ConcatInput.column(columns.get(i))
                        : ConcatInput.scalar(((StringScalar) p).utf8()));
            }
            return StringFunctions.concat(device, inputs, stream);
        });
    }

    private static Optional<String> trimString(Expression e, Option<Expression> trimStr) {
        return trimStr.isDefined() ? literalOperand(e, trimStr.get(), "trim string") : Optional.empty();
    }

    private static <E extends Expression> ExprTranslator<E> trim(TrimSide side) {
        return (e, c, ctx) -> {
            ColumnValue in = StringSteps.strings(ctx, c.get(0));
            byte[] chars = c.size() > 1 ? ((StringScalar) c.get(1)).utf8() : new byte[] {' '};
            if (chars == null) {
                return StringSteps.constant(ctx.preStage(), StringScalar.NULL);
            }
            return StringSteps.unary(ctx, new Key("trim" + side, in.index(), new StringScalar(chars)), in,
                    DType.STRING, (device, column, stream) -> StringFunctions.trim(device, column, side, chars,
                            dev.ember.cuda.ops.Strings.MAX_BYTES, stream));
        };
    }
}
