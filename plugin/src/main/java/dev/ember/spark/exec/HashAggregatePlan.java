package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.HashAggregate;
import dev.ember.spark.columnar.SparkTypes;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateMode;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.DeclarativeAggregate;
import org.apache.spark.sql.catalyst.expressions.aggregate.Final$;
import org.apache.spark.sql.catalyst.expressions.aggregate.PartialMerge$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.Min;
import org.apache.spark.sql.catalyst.expressions.aggregate.Partial$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.Metadata;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a Spark aggregate ({@code HashAggregateExec}, {@code SortAggregateExec} or {@code
 * ObjectHashAggregateExec}: the same fields) computes, in the terms of {@link HashAggregate}: the
 * columns to group and aggregate (expressions over the operator's input attributes: keys, then
 * values), one kernel aggregation per aggregation buffer attribute of Spark's functions (the kind for
 * the first pass over the input and the kind that merges partial results), and the expressions that
 * turn the buffer table ({@code groupingAttributes ++ aggBufferAttributes}) into the operator's output.
 *
 * <p>Functions: see {@link AggregateFunctions} (count, sum, avg, min, max).
 *
 * <p>Modes, per aggregate expression as Spark plans them (DISTINCT aggregates mix them in one
 * operator): Partial and Complete update the buffers from input rows (with an aggregate FILTER, rows
 * whose filter is not true leave the buffers alone); PartialMerge and Final merge the partial buffers
 * the child outputs ({@code inputAggBufferAttributes}). The operator outputs its grouping and buffer
 * columns when every function is Partial or PartialMerge, and otherwise Spark's result expressions
 * over the evaluated functions. A plan without aggregate functions (DISTINCT over columns) only
 * groups. The buffers are exactly Spark's: count → bigint, sum of integral → bigint, sum of
 * float/double → double, min/max → the input type, avg → (sum double, count bigint) where the partial
 * sum is 0.0, never null, as Spark's initial value is.
 *
 * @param mode PARTIAL: outputs buffers; FINAL (some function merges) and COMPLETE: outputs results
 * @param inputs keys then values, over the operator's input attributes ({@code BaseAggregateExec.inputAttributes})
 * @param keyCount how many of {@code inputs} are keys
 * @param buffers one per aggregation buffer attribute, in Spark's order
 * @param bufferAttributes the buffer table's columns: grouping attributes, then buffer attributes
 * @param partialOutput PARTIAL: the output columns over {@code bufferAttributes}
 * @param evaluated FINAL/COMPLETE: each function's result over {@code bufferAttributes}
 * @param resultInput FINAL/COMPLETE: grouping attributes, then the aggregate attributes
 * @param results FINAL/COMPLETE: the output columns over {@code resultInput}
 * @param initialValues one per buffer: Spark's initial value, the buffer row of an empty global aggregate
 */
public record HashAggregatePlan(Mode mode, List<Expression> inputs, int keyCount, List<Buffer> buffers,
        List<Attribute> bufferAttributes, List<Expression> partialOutput, List<Expression> evaluated,
        List<Attribute> resultInput, List<Expression> results, List<Expression> initialValues,
        List<Derived> derived) implements Serializable {
    /** What the operator outputs (see {@link #mode}). */
    public enum Mode {
        PARTIAL, FINAL, COMPLETE
    }

    /**
     * One buffer attribute: the kernel kind of the first pass over the input ({@code first}, over value
     * column {@code value} of the inputs, -1 for COUNT_ALL, with {@code firstArgument}) and the kind
     * merging partial buffers (with {@code mergeArgument}); arguments as {@link HashAggregate.Aggregation}
     * takes them: a precision, a condition column (a value column in the first pass, a buffer when
     * merging), or -1.
     */
    public record Buffer(HashAggregate.Kind first, int value, int firstArgument, HashAggregate.Kind merge,
            int mergeArgument) implements Serializable {
        public Buffer(HashAggregate.Kind first, int value, HashAggregate.Kind merge) {
            this(first, value, -1, merge, -1);
        }
    }

    /**
     * A function result computed by an operation from its buffers (see {@link AggregateFunctions.Result}):
     * {@code buffer} is the index of the function's first buffer; the result is the column of {@code
     * attribute}, appended to the buffer table before the results are evaluated.
     */
    public record Derived(AggregateFunctions.Result result, int buffer, AttributeReference attribute)
            implements Serializable {}

    /** The key device types the kernels group by. */
    static final Set<DType.TypeId> KERNEL_TYPES = Set.of(DType.TypeId.BOOL8, DType.TypeId.INT8,
            DType.TypeId.INT16, DType.TypeId.INT32, DType.TypeId.INT64, DType.TypeId.FLOAT32, DType.TypeId.FLOAT64,
            DType.TypeId.DATE32, DType.TypeId.TIMESTAMP_US, DType.TypeId.DECIMAL64, DType.TypeId.DECIMAL128,
            DType.TypeId.STRING);
    static final String KERNEL_TYPE_NAMES = "boolean, tinyint, smallint, int, bigint, float, double, date, "
            + "timestamp, decimal, string";

    public HashAggregatePlan {
        requireNonNull(mode, "mode is null");
        inputs = List.copyOf(inputs);
        buffers = List.copyOf(buffers);
        bufferAttributes = List.copyOf(bufferAttributes);
        partialOutput = List.copyOf(partialOutput);
        evaluated = List.copyOf(evaluated);
        resultInput = List.copyOf(resultInput);
        results = List.copyOf(results);
        initialValues = List.copyOf(initialValues);
        derived = List.copyOf(derived);
    }

    /** The columns the evaluated results are computed over: the buffer table, then the derived results. */
    public List<Attribute> evaluationInput() {
        List<Attribute> out = new ArrayList<>(bufferAttributes);
        derived.forEach(d -> out.add(d.attribute()));
        return out;
    }

    /** Thrown while analysing an aggregate Ember cannot run; the message is the reason. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Why the aggregate cannot run on the GPU, or empty. */
    public static Optional<String> whyNot(Seq<NamedExpression> groupingExpressions,
            Seq<AggregateExpression> aggregateExpressions, Seq<Attribute> aggregateAttributes,
            Seq<NamedExpression> resultExpressions) {
        try {
            of(groupingExpressions, aggregateExpressions, aggregateAttributes, resultExpressions);
            return Optional.empty();
        } catch (Unsupported e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The plan of a Spark aggregate's fields (those of {@code HashAggregateExec}, {@code
     * SortAggregateExec} and {@code ObjectHashAggregateExec} alike); throws an exception naming the
     * reason when it cannot run.
     */
    public static HashAggregatePlan of(Seq<NamedExpression> groupingExpressions,
            Seq<AggregateExpression> aggregateExpressions, Seq<Attribute> aggregateAttributes,
            Seq<NamedExpression> resultExpressions) {
        List<NamedExpression> grouping = CollectionConverters.asJava(groupingExpressions);
        List<AggregateExpression> aggs = CollectionConverters.asJava(aggregateExpressions);
        Mode mode = mode(aggs);
        if (grouping.isEmpty() && aggs.isEmpty()) {
            throw new Unsupported("an aggregate without grouping keys and without aggregate functions");
        }
        List<Expression> keys = new ArrayList<>();
        List<Attribute> groupingAttributes = new ArrayList<>();
        for (NamedExpression g : grouping) {
            Expression key = keyExpression((Expression) g);
            checkKeyType(g.name(), key.dataType());
            keys.add(key);
            groupingAttributes.add(g.toAttribute());
        }
        List<Expression> values = new ArrayList<>();
        List<Buffer> buffers = new ArrayList<>();
        List<Attribute> bufferAttributes = new ArrayList<>(groupingAttributes);
        List<Expression> partialOutput = new ArrayList<>(groupingAttributes);
        List<Expression> evaluated = new ArrayList<>();
        List<Expression> initialValues = new ArrayList<>();
        List<Derived> derived = new ArrayList<>();
        for (AggregateExpression agg : aggs) {
            AggregateFunction f = agg.aggregateFunction();
            List<AggregateFunctions.Update> updates = AggregateFunctions.updates(f);
            DeclarativeAggregate d = (DeclarativeAggregate) f;
            List<AttributeReference> attrs = CollectionConverters.asJava(d.aggBufferAttributes());
            List<AttributeReference> inputAttrs = CollectionConverters.asJava(d.inputAggBufferAttributes());
            if (updates.size() != attrs.size()) {
                throw new Unsupported(f.prettyName() + " has " + attrs.size() + " aggregation buffers where Ember "
                        + "expects " + updates.size());
            }
            // Spark ignores isDistinct here: the planner made the input distinct (planAggregateWithOneDistinct
            // groups by the distinct columns first), and ignores a filter outside Partial and Complete.
            boolean merges = agg.mode() == PartialMerge$.MODULE$ || agg.mode() == Final$.MODULE$;
            Option<Expression> filter = merges ? Option.empty() : agg.filter();
            int firstBuffer = buffers.size();
            for (int i = 0; i < updates.size(); i++) {
                AggregateFunctions.Update u = updates.get(i);
                // A merge's condition is another buffer of the function: a buffer column when merging
                // partial tables, the child's column of that buffer when the first pass merges.
                int mergeArgument = u.mergeCondition() >= 0 ? firstBuffer + u.mergeCondition() : u.mergeArgument();
                Buffer b;
                if (merges) {
                    // The partial buffers arrive as the child's columns: the first pass merges them.
                    int value = valueIndex(values, inputAttrs.get(i));
                    int firstArgument = u.mergeCondition() >= 0
                            ? valueIndex(values, inputAttrs.get(u.mergeCondition())) : u.mergeArgument();
                    b = new Buffer(u.merge(), value, firstArgument, u.merge(), mergeArgument);
                } else if (filter.isDefined() && !u.filterable()) {
                    throw new Unsupported(f.prettyName() + " with an aggregate FILTER clause (" + agg.sql() + ") is "
                            + "not supported on the GPU");
                } else if (filter.isDefined()) {
                    // A row whose filter is not true must leave the buffer alone: its value becomes null,
                    // which every kind ignores (counting all rows becomes counting a filter-derived column).
                    Expression value = u.value() == null ? Literal.create(true, DataTypes.BooleanType) : u.value();
                    Expression masked = new If(filter.get(), value, Literal.create(null, value.dataType()));
                    HashAggregate.Kind kind = u.kind() == HashAggregate.Kind.COUNT_ALL ? HashAggregate.Kind.COUNT
                            : u.kind();
                    b = new Buffer(kind, valueIndex(values, masked), u.argument(), u.merge(), mergeArgument);
                } else {
                    b = new Buffer(u.kind(), u.value() == null ? -1 : valueIndex(values, u.value()), u.argument(),
                            u.merge(), mergeArgument);
                }
                buffers.add(b);
                Attribute a = attrs.get(i);
                bufferAttributes.add(a);
                partialOutput.add(u.zeroWhenNull() ? new Coalesce(seq(List.of(a, Literal.create(0.0d,
                        DataTypes.DoubleType)))) : a);
            }
            Optional<AggregateFunctions.Result> result = AggregateFunctions.result(f);
            boolean outputsResult = agg.mode() == Final$.MODULE$ || agg.mode() == Complete$.MODULE$;
            if (result.isPresent() && outputsResult) {
                AttributeReference attribute = new AttributeReference(f.prettyName() + "_result",
                        result.get().type(), true, Metadata.empty(), NamedExpression.newExprId(), seq(List.of()));
                derived.add(new Derived(result.get(), firstBuffer, attribute));
                evaluated.add(attribute);
            } else {
                evaluated.add(d.evaluateExpression());
            }
            initialValues.addAll(CollectionConverters.asJava(d.initialValues()));
        }
        List<Expression> inputs = new ArrayList<>(keys);
        inputs.addAll(values);
        if (inputs.isEmpty()) {
            // count(*) without keys reads no column, yet the kernels take their row count from one.
            inputs.add(Literal.create(true, DataTypes.BooleanType));
        }
        List<Attribute> resultInput = new ArrayList<>(groupingAttributes);
        resultInput.addAll(CollectionConverters.asJava(aggregateAttributes));
        List<Expression> results = new ArrayList<>();
        for (NamedExpression r : CollectionConverters.asJava(resultExpressions)) {
            results.add((Expression) r);
        }
        if (mode == Mode.PARTIAL && results.size() != bufferAttributes.size()) {
            throw new Unsupported("a partial aggregate whose output is not its grouping and buffer columns");
        }
        return new HashAggregatePlan(mode, inputs, grouping.size(), buffers, bufferAttributes, partialOutput,
                evaluated, resultInput, results, initialValues, derived);
    }

    /** The index of {@code value} among the value inputs, added when no equal expression is there yet. */
    private static int valueIndex(List<Expression> values, Expression value) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).semanticEquals(value)) {
                return i;
            }
        }
        values.add(value);
        return values.size() - 1;
    }

    /** The expressions the operator evaluates with the expression engine (each must have a GPU translation). */
    public List<Expression> engineExpressions() {
        List<Expression> out = new ArrayList<>(inputs);
        if (mode == Mode.PARTIAL) {
            out.addAll(partialOutput);
        } else {
            out.addAll(evaluated);
            out.addAll(results);
        }
        if (keyCount == 0) {
            initialValues.stream().filter(e -> !isConstantColumn(e)).forEach(out::add);
        }
        return out;
    }

    /** Splits {@code expressions} into columns of {@code input} passed on and columns computed. */
    public static ExprPrograms.Projection split(List<Expression> expressions, List<Attribute> input) {
        int[] passThrough = new int[expressions.size()];
        int[] computedIndex = new int[expressions.size()];
        List<Expression> computed = new ArrayList<>();
        for (int k = 0; k < expressions.size(); k++) {
            passThrough[k] = -1;
            computedIndex[k] = -1;
            Expression e = expressions.get(k);
            while (e instanceof Alias a) {
                e = a.child();
            }
            if (e instanceof AttributeReference ref) {
                for (int i = 0; i < input.size() && passThrough[k] < 0; i++) {
                    if (input.get(i).exprId().equals(ref.exprId())) {
                        passThrough[k] = i;
                    }
                }
            }
            if (passThrough[k] < 0) {
                computedIndex[k] = computed.size();
                computed.add(expressions.get(k));
            }
        }
        return new ExprPrograms.Projection(passThrough, computedIndex, List.copyOf(computed));
    }

    /** Whether {@code e} is a null constant (an initial value made without the expression engine). */
    public static boolean isNullLiteral(Expression e) {
        return e instanceof Literal l && l.value() == null;
    }

    /**
     * Whether {@code e} is an initial value made without the expression engine: a null constant or a
     * decimal zero (the decimal sums' initial value, which may have more digits than programs compute with).
     */
    public static boolean isConstantColumn(Expression e) {
        return isNullLiteral(e) || e instanceof Literal l && l.dataType() instanceof DecimalType
                && ((Decimal) l.value()).isZero();
    }

    /** The device columns of the value inputs, as {@link HashAggregate} takes them. */
    public int valueCount() {
        return inputs.size() - keyCount;
    }

    /**
     * The operator's mode: PARTIAL when every function outputs its buffers (Partial, PartialMerge),
     * FINAL when some function outputs its result from merged buffers (Final), COMPLETE otherwise.
     */
    private static Mode mode(List<AggregateExpression> aggs) {
        Set<AggregateMode> modes = new LinkedHashSet<>();
        aggs.forEach(a -> modes.add(a.mode()));
        if (modes.isEmpty() || modes.contains(Complete$.MODULE$)) {
            return Mode.COMPLETE;
        }
        return modes.contains(Final$.MODULE$) ? Mode.FINAL : Mode.PARTIAL;
    }

    /**
     * A grouping expression without its alias and without Spark's float normalization
     * ({@code NormalizeFloatingNumbers} wraps float keys): the kernels normalize -0.0 and NaN themselves.
     */
    private static Expression keyExpression(Expression e) {
        while (e instanceof Alias a) {
            e = a.child();
        }
        return ExprPrograms.withoutFloatNormalization(e);
    }

    private static void checkKeyType(String name, DataType type) {
        Optional<DType> dtype = SparkTypes.toDType(type);
        if (dtype.isEmpty() || !KERNEL_TYPES.contains(dtype.get().id())) {
            throw new Unsupported("grouping key " + name + " of type " + type.simpleString() + " is not supported by "
                    + "GPU hash aggregation yet (supported: " + KERNEL_TYPE_NAMES + ")");
        }
    }

    private static <T> Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toSeq();
    }
}
