package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.INT;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.name;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.StringEdits;
import dev.ember.cuda.ops.StringFunctions.ConcatInput;
import dev.ember.cuda.ops.Strings;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprTranslationContext;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.ConcatWs;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.InitCap;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Reverse;
import org.apache.spark.sql.catalyst.expressions.StringInstr;
import org.apache.spark.sql.catalyst.expressions.StringLPad;
import org.apache.spark.sql.catalyst.expressions.StringLocate;
import org.apache.spark.sql.catalyst.expressions.StringRPad;
import org.apache.spark.sql.catalyst.expressions.StringRepeat;
import org.apache.spark.sql.catalyst.expressions.StringReplace;
import org.apache.spark.sql.catalyst.expressions.SubstringIndex;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

/**
 * instr, locate, lpad, rpad, replace, reverse, repeat, substring_index, initcap and concat_ws: {@link PreStage} steps of
 * {@link StringEdits} (Spark 3.5's semantics are documented there) over one string operand, every
 * other operand a literal (the optimizer folds constant expressions into literals); otherwise the
 * expression stays on the CPU with the reason. None of them raises errors under ANSI mode, so they
 * need no ANSI check.
 */
public final class StringFunctionRules {
    private static final TypeSig STRING = StringRules.STRING;
    private static final TypeSig STRING_AND_INT = TypeSig.of(Kind.STRING, Kind.INT);

    /** Step keys: the operation, its column and its literal operands. */
    private record Key(String op, int column, List<Object> operands) {}

    private StringFunctionRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(StringInstr.class, "instr(s, literal): 1-based character position of the first occurrence, "
                        + "0 when absent", INT, STRING, e -> literals(e, e.substr()), StringFunctionRules::instr),
                rule(StringLocate.class, "locate(literal, s[, literal pos]): 1-based character position of the "
                        + "first occurrence at or after pos, 0 when absent or pos < 1", INT, STRING_AND_INT,
                        e -> literals(e, e.substr(), e.start()), StringFunctionRules::locate),
                rule(StringLPad.class, "lpad(s, literal len, literal pad): padded or cut to len characters", STRING,
                        STRING_AND_INT, e -> literals(e, e.len(), e.pad()), (e, c, ctx) -> pad(e, ctx, c.get(0),
                                e.len(), e.pad(), true)),
                rule(StringRPad.class, "rpad(s, literal len, literal pad): padded or cut to len characters", STRING,
                        STRING_AND_INT, e -> literals(e, e.len(), e.pad()), (e, c, ctx) -> pad(e, ctx, c.get(0),
                                e.len(), e.pad(), false)),
                rule(StringReplace.class, "replace(s, literal search, literal replace): every occurrence, left to "
                        + "right; an empty search leaves s", STRING, STRING,
                        e -> literals(e, e.searchExpr(), e.replaceExpr()), StringFunctionRules::replace),
                rule(Reverse.class, "reverse(s) of a string, by characters (arrays are not supported)", STRING, STRING,
                        null, (e, c, ctx) -> {
                            ColumnValue in = StringSteps.strings(ctx, c.get(0));
                            return StringSteps.unary(ctx, new Key("reverse", in.index(), List.of()), in, DType.STRING,
                                    (device, column, stream) -> StringEdits.reverse(device, column, stream));
                        }),
                rule(StringRepeat.class, "repeat(s, literal n): s n times, empty for n <= 0", STRING, STRING_AND_INT,
                        e -> literals(e, e.times()), StringFunctionRules::repeat),
                rule(SubstringIndex.class, "substring_index(s, literal delim, literal count): before the count-th "
                        + "delim from the left (count > 0) or after the count-th from the right (count < 0)", STRING,
                        STRING_AND_INT, StringFunctionRules::checkSubstringIndex, StringFunctionRules::substringIndex),
                rule(InitCap.class, "initcap(s): lower case, then the first letter of each word (split on spaces) "
                        + "upper case; ASCII on the GPU, rows with other characters mapped by Java as in Spark", STRING,
                        STRING, null, (e, c, ctx) -> {
                            ColumnValue in = StringSteps.strings(ctx, c.get(0));
                            return StringSteps.unary(ctx, new Key("initcap", in.index(), List.of()), in, DType.STRING,
                                    (device, column, stream) -> StringEdits.initcap(device, column, stream));
                        }),
                ExprRule.of(ConcatWs.class, "concat_ws(literal sep, s, ...) of strings: the non-null arguments "
                        + "joined by sep; array arguments are not supported", STRING)
                        .withTagger(StringFunctionRules::checkConcatWs).withTranslator(StringFunctionRules::concatWs));
    }

    /** Arrays first (a reason of their own), then every operand a string, then a literal separator. */
    private static Optional<String> checkConcatWs(ConcatWs e) {
        for (Expression c : CollectionConverters.asJava(e.children())) {
            if (c.resolved() && c.dataType() instanceof ArrayType) {
                return Optional.of("ConcatWs: the argument " + c.sql() + " is an array; arrays are not supported on "
                        + "the GPU");
            }
        }
        Optional<String> types = ExprSupport.childTypes(e, STRING);
        return types.isPresent() ? types : literals(e, e.children().head());
    }

    private static Object concatWs(ConcatWs e, List<Object> c, ExprTranslationContext ctx) {
        byte[] sep = ((StringScalar) c.get(0)).utf8();
        if (sep == null) {
            return nullStrings(ctx);
        }
        List<Object> parts = new ArrayList<>();
        boolean anyColumn = false;
        for (Object handle : c.subList(1, c.size())) {
            if (handle instanceof StringScalar s) {
                if (!s.isNull()) {
                    parts.add(s);
                }
            } else {
                parts.add(StringSteps.strings(ctx, handle).index());
                anyColumn = true;
            }
        }
        if (!anyColumn) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    all.writeBytes(sep);
                }
                all.writeBytes(((StringScalar) parts.get(i)).utf8());
            }
            return StringSteps.constant(ctx.preStage(), new StringScalar(all.toByteArray()));
        }
        int[] reads = parts.stream().filter(p -> p instanceof Integer).mapToInt(p -> (Integer) p).toArray();
        List<Object> key = List.copyOf(parts);
        return ctx.preStage().addOnce(new Key("concatWs", -1, List.of(new StringScalar(sep), key)), DType.STRING, reads,
                (device, columns, rows, stream) -> {
                    List<ConcatInput> inputs = new ArrayList<>();
                    for (Object p : key) {
                        inputs.add(p instanceof Integer i ? ConcatInput.column(columns.get(i))
                                : ConcatInput.scalar(((StringScalar) p).utf8()));
                    }
                    return StringEdits.concatWs(device, sep, inputs, stream);
                });
    }

    /** Why an operand of {@code operands} is not a literal, or empty. */
    private static Optional<String> literals(Expression e, Expression... operands) {
        for (Expression o : operands) {
            if (!(o instanceof Literal)) {
                return Optional.of(name(e) + ": the operand " + o.sql() + " is not a literal; only a string column "
                        + "with literal " + (operands.length == 1 ? "operand" : "operands") + " runs on the GPU");
            }
        }
        return Optional.empty();
    }

    private static Object value(Expression literal) {
        return ((Literal) literal).value();
    }

    private static byte[] utf8(Expression literal) {
        Object v = value(literal);
        return v == null ? null : ((UTF8String) v).getBytes();
    }

    private static ColumnValue nullStrings(ExprTranslationContext ctx) {
        return StringSteps.constant(ctx.preStage(), StringScalar.NULL);
    }

    private static Object instr(StringInstr e, List<Object> c, ExprTranslationContext ctx) {
        return locate(ctx, c.get(0), utf8(e.substr()), 1);
    }

    private static Object locate(StringLocate e, List<Object> c, ExprTranslationContext ctx) {
        Object start = value(e.start());
        if (start == null) {
            // StringLocate.eval: a null start gives 0, even for a null string (as Hive).
            return builder(ctx).literal(0);
        }
        return locate(ctx, c.get(1), utf8(e.substr()), (Integer) start);
    }

    private static Object locate(ExprTranslationContext ctx, Object string, byte[] substr, int pos) {
        if (substr == null) {
            return builder(ctx).nullLiteral(DType.INT32);
        }
        ColumnValue in = StringSteps.strings(ctx, string);
        ColumnValue out = StringSteps.unary(ctx, new Key("locate", in.index(), List.of(new StringScalar(substr), pos)),
                in, DType.INT32, (device, column, stream) -> StringEdits.locate(device, column, substr, pos, stream));
        return StringSteps.result(ctx, out);
    }

    private static Object pad(Expression e, ExprTranslationContext ctx, Object string, Expression len,
            Expression pad, boolean left) {
        Object l = value(len);
        byte[] p = utf8(pad);
        if (l == null || p == null) {
            return nullStrings(ctx);
        }
        int length = (Integer) l;
        ColumnValue in = StringSteps.strings(ctx, string);
        return StringSteps.unary(ctx, new Key(left ? "lpad" : "rpad", in.index(), List.of(length, new StringScalar(p))),
                in, DType.STRING, (device, column, stream) -> left
                        ? StringEdits.lpad(device, column, length, p, Strings.MAX_BYTES, stream)
                        : StringEdits.rpad(device, column, length, p, Strings.MAX_BYTES, stream));
    }

    private static Object replace(StringReplace e, List<Object> c, ExprTranslationContext ctx) {
        byte[] search = utf8(e.searchExpr());
        byte[] replace = utf8(e.replaceExpr());
        if (search == null || replace == null) {
            return nullStrings(ctx);
        }
        ColumnValue in = StringSteps.strings(ctx, c.get(0));
        return StringSteps.unary(ctx, new Key("replace", in.index(), List.of(new StringScalar(search),
                new StringScalar(replace))), in, DType.STRING, (device, column, stream) -> StringEdits.replace(device,
                        column, search, replace, Strings.MAX_BYTES, stream));
    }

    private static Object repeat(StringRepeat e, List<Object> c, ExprTranslationContext ctx) {
        Object times = value(e.times());
        if (times == null) {
            return nullStrings(ctx);
        }
        int n = (Integer) times;
        ColumnValue in = StringSteps.strings(ctx, c.get(0));
        return StringSteps.unary(ctx, new Key("repeat", in.index(), List.of(n)), in, DType.STRING,
                (device, column, stream) -> StringEdits.repeat(device, column, n, Strings.MAX_BYTES, stream));
    }

    private static Optional<String> checkSubstringIndex(SubstringIndex e) {
        Optional<String> literal = literals(e, e.delimExpr(), e.countExpr());
        if (literal.isPresent()) {
            return literal;
        }
        Object count = value(e.countExpr());
        if (count != null && (Integer) count == Integer.MIN_VALUE) {
            return Optional.of("SubstringIndex: count " + Integer.MIN_VALUE + " fails in Spark (a negative array "
                    + "size); it stays on the CPU so that Spark reports it");
        }
        return Optional.empty();
    }

    private static Object substringIndex(SubstringIndex e, List<Object> c, ExprTranslationContext ctx) {
        byte[] delim = utf8(e.delimExpr());
        Object count = value(e.countExpr());
        if (delim == null || count == null) {
            return nullStrings(ctx);
        }
        int k = (Integer) count;
        ColumnValue in = StringSteps.strings(ctx, c.get(0));
        return StringSteps.unary(ctx, new Key("substringIndex", in.index(), List.of(new StringScalar(delim), k)), in,
                DType.STRING, (device, column, stream) -> StringEdits.substringIndex(device, column, delim, k, stream));
    }
}
