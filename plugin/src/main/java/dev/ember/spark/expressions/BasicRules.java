package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.dtype;

import dev.ember.cuda.column.DType;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.TypeSig;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.execution.ScalarSubquery;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Column references, names and constants. References and aliases accept every device type because a
 * projection passes such columns through without evaluating them; where they feed an operation, that
 * operation's operand check limits them to the engine's types. A scalar subquery is a constant too:
 * Spark runs it once, on the driver, before the operator that holds it executes (the operator's
 * expressions include it), and its value travels with the expression to the tasks, where the program
 * takes it as a literal.
 */
public final class BasicRules {
    private BasicRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                ExprRule.of(AttributeReference.class, "a reference to an input column", TypeSig.ALL)
                        .withTranslator((e, children, ctx) -> {
                            List<Attribute> input = ctx.input();
                            for (int i = 0; i < input.size(); i++) {
                                if (input.get(i).exprId().equals(e.exprId())) {
                                    DType type = dtype(e.dataType());
                                    // The program reads fixed-width columns; string columns are read by
                                    // pre-stage column operations.
                                    return type.isFixedWidth() ? builder(ctx).input(i, type) : new ColumnValue(i, type);
                                }
                            }
                            throw new IllegalStateException("column " + e.sql() + " is not among the inputs " + input);
                        }),
                ExprRule.of(Alias.class, "names the result of its child expression", TypeSig.ALL)
                        .withTranslator((e, children, ctx) -> children.get(0)),
                ExprRule.of(Literal.class, "a constant value (null included); a string constant as an operand of "
                                + "a string operation or a constant string column", ExprSupport.ENGINE_AND_STRING)
                        .withTranslator((e, children, ctx) -> constant(e.dataType(), e.value(), ctx)),
                ExprRule.of(ScalarSubquery.class, "the value of a scalar subquery, run once before the operator "
                                + "executes, as a constant", ExprSupport.ENGINE_AND_STRING)
                        .withTranslator((e, children, ctx) -> constant(e.dataType(),
                                // Planning checks the program before the subquery has run: any constant of the type.
                                ctx.checkOnly() ? null : e.eval(null), ctx)));
    }

    private static Object constant(DataType type, Object value, dev.ember.spark.planning.ExprTranslationContext ctx) {
        if (type instanceof StringType) {
            return value == null ? StringScalar.NULL : new StringScalar(((UTF8String) value).getBytes());
        }
        return builder(ctx).literal(dtype(type), ExprSupport.engineValue(value));
    }
}
