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
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.KnownFloatingPointNormalized;
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
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.Min;
import org.apache.spark.sql.catalyst.expressions.aggregate.Partial$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.catalyst.optimizer.NormalizeNaNAndZero;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a Spark {@code HashAggregateExec} computes, in the terms of {@link HashAggregate}: the columns
 * to group and aggregate (expressions over the child's output: keys, then values), one kernel
 * aggregation per aggregation buffer attribute of Spark's functions (the kind for the first pass over
 * the input and the kind that merges partial results), and the expressions that turn the buffer table
 * ({@code groupingAttributes ++ aggBufferAttributes}) into the operator's output.
 *
 * <p>Functions: count of any column type a device column holds, sum and avg of integral and floating
 * point values, min and max of the kernels' key types.
 *
 * <p>Modes: Partial (input rows → Spark's buffer rows), Final (buffer rows → results) and Complete
 * (input rows → results). A plan without aggregate functions (DISTINCT over columns) only groups.
 * The buffers are exactly Spark's: count → bigint, sum of integral → bigint, sum of float/double →
 * double, min/max → the input type, avg → (sum double, count bigint) where the partial sum is 0.0,
 * never null, as Spark's initial value is.
 *
 * @param mode the mode of every aggregate expression (COMPLETE when there are none)
 * @param inputs keys then values, over the child's output
 * @param keyCount how many of {@code inputs} are keys
 * @param buffers one per aggregation buffer attribute, in Spark's order
 * @param bufferAttributes the buffer table's columns: grouping attributes, then buffer attributes
 * @param partialOutput Partial: the output columns over {@code bufferAttributes}
 * @param evaluated Final/Complete: each function's result over {@code bufferAttributes}
 * @param resultInput Final/Complete: grouping attributes, then the aggregate attributes
 * @param results Final/Complete: the output columns over {@code resultInput}
 * @param initialValues one per buffer: Spark's initial value, the buffer row of an empty global aggregate
 */
public record HashAggregatePlan(Mode mode, List<Expression> inputs, int keyCount, List<Buffer> buffers,
        List<Attribute> bufferAttributes, List<Expression> partialOutput, List<Expression> evaluated,
        List<Attribute> resultInput, List<Expression> results, List<Expression> initialValues)
        implements Serializable {
    /** The aggregation modes Ember runs. */
    public enum Mode {
        PARTIAL, FINAL, COMPLETE
    }

    /**
     * One buffer attribute: the kernel kind of the first pass over the input ({@code first}, over value
     * column {@code value} of the inputs, -1 for COUNT_ALL) and the kind merging partial buffers.
     */
    public record Buffer(HashAggregate.Kind first, int value, HashAggregate.Kind merge) implements Serializable {}

    /** The key device types the kernels group by. */
    private static final Set<DType.TypeId> KERNEL_TYPES = Set.of(DType.TypeId.BOOL8, DType.TypeId.INT8,
            DType.TypeId.INT16, DType.TypeId.INT32, DType.TypeId.INT64, DType.TypeId.FLOAT32, DType.TypeId.FLOAT64,
            DType.TypeId.DATE32, DType.TypeId.TIMESTAMP_US, DType.TypeId.DECIMAL64);
    private static final String KERNEL_TYPE_NAMES = "boolean, tinyint, smallint, int, bigint, float, double, date, "
            + "timestamp, decimal(<=18)";

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
    }

    /** Thrown while analysing an aggregate Ember cannot run; the message is the reason. */
    private static final class Unsupported extends RuntimeException {
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

    /** The plan of a Spark hash aggregate's fields; throws an exception naming the reason when it cannot run. */
    public static HashAggregatePlan of(Seq<NamedExpression> groupingExpressions,
            Seq<AggregateExpression> aggregateExpressions, Seq<Attribute> aggregateAttributes,
            Seq<NamedExpression> resultExpressions) {
        List<NamedExpression> grouping = CollectionConverters.asJava(groupingExpressions);
        List<AggregateExpression> aggs = CollectionConverters.asJava(aggregateExpressions);
        Mode mode = mode(aggs);
        if (grouping.isEmpty() && aggs.isEmpty()) {
            throw new Unsupported("an aggregate without grouping keys and without aggregate functions");
        }
        List<Expression> inputs = new ArrayList<>();
        List<Attribute> groupingAttributes = new ArrayList<>();
        for (NamedExpression g : grouping) {
            Expression key = keyExpression((Expression) g);
            checkKeyType(g.name(), key.dataType());
            inputs.add(key);
            groupingAttributes.add(g.toAttribute());
        }
        List<Buffer> buffers = new ArrayList<>();
        List<Attribute> bufferAttributes = new ArrayList<>(groupingAttributes);
        List<Expression> partialOutput = new ArrayList<>(groupingAttributes);
        List<Expression> evaluated = new ArrayList<>();
        List<Expression> initialValues = new ArrayList<>();
        for (AggregateExpression agg : aggs) {
            AggregateFunction f = agg.aggregateFunction();
            if (agg.isDistinct()) {
                throw new Unsupported("DISTINCT aggregates (" + agg.sql() + ") are not supported on the GPU yet");
            }
            if (agg.filter().isDefined()) {
                throw new Unsupported("aggregate FILTER clauses (" + agg.sql() + ") are not supported on the GPU yet");
            }
            List<Buffer> own = functionBuffers(f, mode, inputs);
            DeclarativeAggregate d = (DeclarativeAggregate) f;
            List<AttributeReference> attrs = CollectionConverters.asJava(d.aggBufferAttributes());
            List<AttributeReference> inputAttrs = CollectionConverters.asJava(d.inputAggBufferAttributes());
            if (own.size() != attrs.size()) {
                throw new Unsupported(f.prettyName() + " has " + attrs.size() + " aggregation buffers where Ember "
                        + "expects " + own.size());
            }
            for (int i = 0; i < own.size(); i++) {
                Buffer b = own.get(i);
                if (mode == Mode.FINAL) {
                    // The partial buffers arrive as the child's columns: the first pass merges them.
                    inputs.add(inputAttrs.get(i));
                    b = new Buffer(b.merge(), inputs.size() - 1 - grouping.size(), b.merge());
                } else if (b.value() >= 0) {
                    b = new Buffer(b.first(), b.value() - grouping.size(), b.merge());
                }
                buffers.add(b);
                Attribute a = attrs.get(i);
                bufferAttributes.add(a);
                boolean zeroWhenNull = f instanceof Average && i == 0;
                partialOutput.add(zeroWhenNull ? new Coalesce(seq(List.of(a, Literal.create(0.0d,
                        DataTypes.DoubleType)))) : a);
            }
            evaluated.add(d.evaluateExpression());
            initialValues.addAll(CollectionConverters.asJava(d.initialValues()));
        }
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
                evaluated, resultInput, results, initialValues);
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
            initialValues.stream().filter(e -> !isNullLiteral(e)).forEach(out::add);
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

    /** The device columns of the value inputs, as {@link HashAggregate} takes them. */
    public int valueCount() {
        return inputs.size() - keyCount;
    }

    private static Mode mode(List<AggregateExpression> aggs) {
        Set<AggregateMode> modes = new LinkedHashSet<>();
        aggs.forEach(a -> modes.add(a.mode()));
        if (modes.size() > 1) {
            throw new Unsupported("aggregate expressions in different modes " + modes + " (planned for DISTINCT "
                    + "aggregates) are not supported on the GPU yet");
        }
        if (modes.isEmpty() || modes.contains(Complete$.MODULE$)) {
            return Mode.COMPLETE;
        } else if (modes.contains(Partial$.MODULE$)) {
            return Mode.PARTIAL;
        } else if (modes.contains(Final$.MODULE$)) {
            return Mode.FINAL;
        }
        throw new Unsupported("aggregation mode " + modes.iterator().next() + " (planned for DISTINCT aggregates) is "
                + "not supported on the GPU yet");
    }

    /**
     * A grouping expression without its alias and without Spark's float normalization
     * ({@code NormalizeFloatingNumbers} wraps float keys): the kernels normalize -0.0 and NaN themselves.
     */
    private static Expression keyExpression(Expression e) {
        while (e instanceof Alias a) {
            e = a.child();
        }
        if (e instanceof KnownFloatingPointNormalized k) {
            e = k.child();
        }
        if (e instanceof NormalizeNaNAndZero n) {
            e = n.child();
        }
        return e;
    }

    private static void checkKeyType(String name, DataType type) {
        Optional<DType> dtype = SparkTypes.toDType(type);
        if (dtype.isEmpty() || !KERNEL_TYPES.contains(dtype.get().id())) {
            throw new Unsupported("grouping key " + name + " of type " + type.simpleString() + " is not supported by "
                    + "GPU hash aggregation yet (supported: " + KERNEL_TYPE_NAMES + ")");
        }
    }

    private static void checkValueType(AggregateFunction f, DataType type) {
        Optional<DType> dtype = SparkTypes.toDType(type);
        if (dtype.isEmpty() || !KERNEL_TYPES.contains(dtype.get().id())) {
            throw new Unsupported(f.prettyName() + " of type " + type.simpleString() + " is not supported by GPU "
                    + "hash aggregation yet (supported: " + KERNEL_TYPE_NAMES + ")");
        }
    }

    /** The buffers of one function in Partial/Complete terms; value inputs are appended to {@code inputs}. */
    private static List<Buffer> functionBuffers(AggregateFunction f, Mode mode, List<Expression> inputs) {
        List<Expression> children = CollectionConverters.asJava(f.children());
        if (f instanceof Count) {
            if (children.size() != 1) {
                throw new Unsupported("count over " + children.size() + " columns is not supported on the GPU yet");
            }
            Expression child = children.get(0);
            if (child.foldable() && !child.nullable()) {
                return List.of(new Buffer(HashAggregate.Kind.COUNT_ALL, -1, HashAggregate.Kind.SUM));
            }
            // Counting reads only the validity, so any type a device column holds (strings too) will do.
            if (SparkTypes.toDType(child.dataType()).isEmpty()) {
                throw new Unsupported("count of type " + child.dataType().simpleString() + " is not supported on the "
                        + "GPU (no device column type)");
            }
            return List.of(new Buffer(HashAggregate.Kind.COUNT, value(mode, inputs, child), HashAggregate.Kind.SUM));
        }
        if (f instanceof Min || f instanceof Max) {
            Expression child = children.get(0);
            checkValueType(f, child.dataType());
            HashAggregate.Kind kind = f instanceof Min ? HashAggregate.Kind.MIN : HashAggregate.Kind.MAX;
            return List.of(new Buffer(kind, value(mode, inputs, child), kind));
        }
        if (f instanceof Sum s) {
            checkLegacy(f, s.evalMode());
            Expression child = children.get(0);
            checkSummable(f, child.dataType());
            return List.of(new Buffer(HashAggregate.Kind.SUM, value(mode, inputs, child), HashAggregate.Kind.SUM));
        }
        if (f instanceof Average a) {
            checkLegacy(f, a.evalMode());
            Expression child = children.get(0);
            checkSummable(f, child.dataType());
            // Spark adds each value cast to double, so the sum is taken over the cast values.
            int v = value(mode, inputs, new Cast(child, DataTypes.DoubleType, Option.empty(), EvalMode.LEGACY()));
            return List.of(new Buffer(HashAggregate.Kind.SUM, v, HashAggregate.Kind.SUM),
                    new Buffer(HashAggregate.Kind.COUNT, v, HashAggregate.Kind.SUM));
        }
        throw new Unsupported("aggregate function " + f.prettyName() + " is not supported on the GPU yet "
                + "(supported: count, sum, avg, min, max)");
    }

    private static void checkLegacy(AggregateFunction f, scala.Enumeration.Value evalMode) {
        if (evalMode != EvalMode.LEGACY()) {
            throw new Unsupported(f.prettyName() + " in evaluation mode " + evalMode + " (ANSI or try_) is not "
                    + "supported on the GPU yet");
        }
    }

    private static void checkSummable(AggregateFunction f, DataType type) {
        if (type instanceof DecimalType) {
            throw new Unsupported(f.prettyName() + " of decimals (overflow checks and the isEmpty buffer) is not "
                    + "supported on the GPU yet");
        }
        Optional<DType> dtype = SparkTypes.toDType(type);
        boolean numeric = dtype.isPresent() && switch (dtype.get().id()) {
            case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64 -> true;
            default -> false;
        };
        if (!numeric) {
            throw new Unsupported(f.prettyName() + " of type " + type.simpleString() + " is not supported on the GPU");
        }
    }

    /** The value column of {@code child} (appended to the inputs; unused in Final mode, whose buffers are inputs). */
    private static int value(Mode mode, List<Expression> inputs, Expression child) {
        if (mode == Mode.FINAL) {
            return -1;
        }
        inputs.add(child);
        return inputs.size() - 1;
    }

    private static <T> Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toSeq();
    }
}
