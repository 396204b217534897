package dev.ember.spark.expressions;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.ProgramEvaluator;
import dev.ember.cuda.expr.Reg;
import dev.ember.cuda.ops.Fill;
import dev.ember.cuda.ops.StringFunctions;
import dev.ember.cuda.ops.Strings;
import dev.ember.spark.planning.ExprTranslationContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.Not;
import scala.jdk.javaapi.CollectionConverters;

/**
 * IF, CASE WHEN and COALESCE with string results, as one {@link PreStage} step of row selection: the
 * candidate values (string columns; a string constant as a constant column) are concatenated one
 * after the other, a small program picks for each row the position of its value in that
 * concatenation (row i of candidate j is at {@code j * rows + i}; -1 for a null result) from the
 * branch conditions, and a string gather builds the result. The conditions are BOOL8 columns (a
 * condition the main program would compute is evaluated by a program of its own in the pre-stage);
 * a COALESCE candidate is taken where its null indicator column is not null.
 */
final class StringConditionals {
    /** One branch: taken where {@code condition} (a column) holds; {@code value} is a STRING column or null (NULL). */
    private record Branch(ColumnValue condition, boolean notNullTest, ColumnValue value) {}

    private record Key(String op, List<Branch> branches, ColumnValue otherwise) {}

    private StringConditionals() {}

    static Object ifThenElse(If e, List<Object> c, ExprTranslationContext ctx) {
        ColumnValue condition = StringSteps.fixedWidth(ctx, e.predicate(), c.get(0));
        return select(ctx, "if", List.of(new Branch(condition, false, value(ctx, c.get(1)))), value(ctx, c.get(2)));
    }

    /** Children arrive flattened: condition, value, ..., then the ELSE value if any. */
    static Object caseWhen(CaseWhen e, List<Object> c, ExprTranslationContext ctx) {
        List<Expression> children = CollectionConverters.asJava(e.children());
        int branches = e.branches().size();
        List<Branch> list = new ArrayList<>();
        for (int i = 0; i < branches; i++) {
            ColumnValue condition = StringSteps.fixedWidth(ctx, children.get(2 * i), c.get(2 * i));
            list.add(new Branch(condition, false, value(ctx, c.get(2 * i + 1))));
        }
        ColumnValue otherwise = e.elseValue().isDefined() ? value(ctx, c.get(2 * branches)) : null;
        return select(ctx, "case", list, otherwise);
    }

    static Object coalesce(List<Object> c, ExprTranslationContext ctx) {
        List<Branch> list = new ArrayList<>();
        for (Object handle : c) {
            if (handle instanceof StringScalar s) {
                if (s.isNull()) {
                    continue;
                }
                // A non-null constant is always taken: it ends the list.
                return list.isEmpty() ? StringSteps.constant(ctx.preStage(), s)
                        : select(ctx, "coalesce", list, StringSteps.constant(ctx.preStage(), s));
            }
            ColumnValue value = StringSteps.strings(ctx, handle);
            list.add(new Branch(StringPredicates.nullIndicator(ctx, value), true, value));
        }
        return list.isEmpty() ? StringSteps.constant(ctx.preStage(), StringScalar.NULL)
                : select(ctx, "coalesce", list, null);
    }

    /**
     * CAST(b AS STRING) of a boolean: "true" where b holds, "false" where NOT b holds, null where b is
     * null (Spark's UTF8String of the Java boolean).
     */
    static Object booleanToString(ExprTranslationContext ctx, Expression child, Object handle) {
        ColumnValue isTrue = StringSteps.fixedWidth(ctx, child, handle);
        ColumnValue isFalse = StringSteps.fixedWidth(ctx, new Not(child), null);
        ColumnValue yes = StringSteps.constant(ctx.preStage(), new StringScalar("true".getBytes(StandardCharsets.UTF_8)));
        ColumnValue no = StringSteps.constant(ctx.preStage(), new StringScalar("false".getBytes(StandardCharsets.UTF_8)));
        return select(ctx, "case", List.of(new Branch(isTrue, false, yes), new Branch(isFalse, false, no)), null);
    }

    private static ColumnValue value(ExprTranslationContext ctx, Object handle) {
        return handle instanceof StringScalar s && s.isNull() ? null : StringSteps.strings(ctx, handle);
    }

    private static ColumnValue select(ExprTranslationContext ctx, String op, List<Branch> branches,
            ColumnValue otherwise) {
        List<Integer> reads = new ArrayList<>();
        List<Integer> candidates = new ArrayList<>();
        for (Branch b : branches) {
            reads.add(b.condition().index());
            if (b.value() != null && !candidates.contains(b.value().index())) {
                candidates.add(b.value().index());
            }
        }
        if (otherwise != null && !candidates.contains(otherwise.index())) {
            candidates.add(otherwise.index());
        }
        reads.addAll(candidates);
        List<Branch> frozen = List.copyOf(branches);
        return ctx.preStage().addOnce(new Key(op, frozen, otherwise), DType.STRING,
                reads.stream().mapToInt(Integer::intValue).toArray(),
                (device, columns, rows, stream) -> evaluate(device, columns, rows, stream, frozen, otherwise,
                        candidates));
    }

    private static Column evaluate(Device device, List<Column> columns, long rows, Stream stream,
            List<Branch> branches, ColumnValue otherwise, List<Integer> candidates) {
        if (candidates.isEmpty()) {
            return StringFunctions.allNullStrings(device, rows, stream);
        }
        if ((long) candidates.size() * rows > Integer.MAX_VALUE) {
            throw new IllegalStateException("a string " + branches.size() + "-way selection over " + rows + " rows "
                    + "exceeds the int32 row positions of its gather; lower spark.ember.sql.batchSizeBytes");
        }
        // The selection program: input 0 the row index, then one input per condition.
        ProgramBuilder builder = new ProgramBuilder();
        Reg row = builder.input(0, DType.INT32);
        List<Reg> conditions = new ArrayList<>();
        List<Reg> positions = new ArrayList<>();
        List<Column> inputs = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            Branch b = branches.get(i);
            Column condition = columns.get(b.condition().index());
            Reg in = builder.input(i + 1, condition.type());
            conditions.add(b.notNullTest() ? builder.isNotNull(in) : in);
            positions.add(position(builder, row, b.value(), candidates, rows));
        }
        Reg otherwiseAt = position(builder, row, otherwise, candidates, rows);
        builder.output(builder.caseWhen(conditions, positions, otherwiseAt));
        List<Column> all = new ArrayList<>();
        try (Column rowIndex = Column.create(DType.INT32, rows, Fill.sequenceInt(device, rows, 0, 1, stream))) {
            all.add(rowIndex);
            for (Branch b : branches) {
                all.add(columns.get(b.condition().index()));
            }
            List<Column> candidateColumns = new ArrayList<>();
            candidates.forEach(i -> candidateColumns.add(columns.get(i)));
            try (Column map = ProgramEvaluator.evaluate(device, builder.build(), all, rows, stream).get(0);
                    Column concatenated = Strings.concat(device, candidateColumns, stream)) {
                return Strings.gather(device, concatenated, map.data(), rows, stream);
            }
        }
    }

    /** Where a value of row {@code row} lies in the concatenated candidates; -1 for a null value. */
    private static Reg position(ProgramBuilder builder, Reg row, ColumnValue value, List<Integer> candidates,
            long rows) {
        if (value == null) {
            return builder.literal(-1);
        }
        int offset = Math.toIntExact(candidates.indexOf(value.index()) * rows);
        return offset == 0 ? row : builder.add(row, builder.literal(offset));
    }
}
