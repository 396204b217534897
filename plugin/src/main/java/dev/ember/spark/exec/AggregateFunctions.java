package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.HashAggregate;
import dev.ember.spark.columnar.SparkTypes;
import dev.ember.spark.exec.HashAggregatePlan.Unsupported;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.First;
import org.apache.spark.sql.catalyst.expressions.aggregate.Last;
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.Min;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The aggregate functions GPU hash aggregation runs, each as its aggregation buffers in kernel terms
 * ({@link Update}): how input rows update a buffer and how partial buffers merge. One method per
 * function; a new function (or a new input type of one) is a new branch of {@link #updates}, and
 * {@link HashAggregatePlan} does the rest (modes, FILTER clauses, value columns).
 *
 * <p>Functions: count of any column type a device column holds (several arguments: rows where all
 * are non-null), sum and avg of integral, floating point and decimal values (decimals exactly, with
 * Spark's result types and null on overflow), min and max of the kernels' key types (strings and
 * decimals included), first and last (with or without ignoreNulls) of any type.
 */
final class AggregateFunctions {
    private AggregateFunctions() {}

    /**
     * One aggregation buffer of a function as input rows update it: the kernel kind over {@code value}
     * (an expression over the operator's input; null for COUNT_ALL, which reads no value) with its
     * {@code argument} (the result precision of the decimal sums, else -1), the kind that merges
     * partial buffers with {@code mergeArgument} (a precision, else -1) and, for the WHERE kinds,
     * {@code mergeCondition}: which of the function's buffers is the condition (else -1); whether the
     * partial buffer must read 0.0 where the kernel leaves null (Spark's initial value of avg's sum);
     * and whether an aggregate FILTER can be applied by nulling the values the filter rejects (not for
     * kinds that see null values, such as FIRST without ignoreNulls).
     */
    record Update(HashAggregate.Kind kind, Expression value, int argument, HashAggregate.Kind merge,
            int mergeArgument, int mergeCondition, boolean zeroWhenNull, boolean filterable) {
        Update {
            requireNonNull(kind, "kind is null");
            requireNonNull(merge, "merge is null");
            if ((kind == HashAggregate.Kind.COUNT_ALL) != (value == null)) {
                throw new IllegalArgumentException("COUNT_ALL and only COUNT_ALL reads no value, not " + kind + " of "
                        + value);
            }
        }

        Update(HashAggregate.Kind kind, Expression value, HashAggregate.Kind merge, boolean zeroWhenNull) {
            this(kind, value, -1, merge, -1, -1, zeroWhenNull, true);
        }

        Update(HashAggregate.Kind kind, Expression value, HashAggregate.Kind merge) {
            this(kind, value, merge, false);
        }
    }

    /**
     * A function result computed from its merged buffers by an operation rather than by Spark's
     * evaluate expression (which the expression engine cannot run): {@code MASK_EMPTY} is the first
     * buffer (a decimal sum) made null where the second (isEmpty) is true; {@code DECIMAL_AVERAGE} is
     * {@link dev.ember.cuda.ops.DecimalAverage} of the first (sum) and second (count) buffers.
     */
    record Result(Kind kind, DataType type) implements Serializable {
        enum Kind {
            MASK_EMPTY, DECIMAL_AVERAGE
        }

        Result {
            requireNonNull(kind, "kind is null");
            requireNonNull(type, "type is null");
        }
    }

    /** How the result of {@code f} is computed when not by its evaluate expression. */
    static Optional<Result> result(AggregateFunction f) {
        if (f instanceof Sum s && s.dataType() instanceof DecimalType) {
            return Optional.of(new Result(Result.Kind.MASK_EMPTY, s.dataType()));
        }
        if (f instanceof Average a && a.dataType() instanceof DecimalType) {
            return Optional.of(new Result(Result.Kind.DECIMAL_AVERAGE, a.dataType()));
        }
        return Optional.empty();
    }

    /** The buffers of {@code f}, in the order of its {@code aggBufferAttributes}. */
    static List<Update> updates(AggregateFunction f) {
        List<Expression> children = CollectionConverters.asJava(f.children());
        if (f instanceof Count) {
            return List.of(count(children));
        }
        if (f instanceof Min || f instanceof Max) {
            Expression child = children.get(0);
            checkValueType(f, child.dataType());
            HashAggregate.Kind kind = f instanceof Min ? HashAggregate.Kind.MIN : HashAggregate.Kind.MAX;
            return List.of(new Update(kind, child, kind));
        }
        if (f instanceof Sum s) {
            checkLegacy(f, s.evalMode());
            Expression child = children.get(0);
            if (child.dataType() instanceof DecimalType) {
                return decimalSum(f, child, (DecimalType) s.dataType(),
                        new Update(HashAggregate.Kind.NONE_VALID, child, HashAggregate.Kind.MIN));
            }
            checkSummable(f, child.dataType());
            return List.of(new Update(HashAggregate.Kind.SUM, child, HashAggregate.Kind.SUM));
        }
        if (f instanceof Average a) {
            checkLegacy(f, a.evalMode());
            Expression child = children.get(0);
            if (child.dataType() instanceof DecimalType) {
                // Average's sum buffer is Sum's (0 when empty, null on overflow); its count counts values.
                DecimalType sumType = (DecimalType) a.aggBufferAttributes().head().dataType();
                return decimalSum(f, child, sumType, new Update(HashAggregate.Kind.COUNT, child,
                        HashAggregate.Kind.SUM));
            }
            checkSummable(f, child.dataType());
            // Spark adds each value cast to double, so the sum is taken over the cast values.
            Expression v = new Cast(child, DataTypes.DoubleType, Option.empty(), EvalMode.LEGACY());
            return List.of(new Update(HashAggregate.Kind.SUM, v, HashAggregate.Kind.SUM, true),
                    new Update(HashAggregate.Kind.COUNT, v, HashAggregate.Kind.SUM));
        }
        if (f instanceof First || f instanceof Last) {
            return firstOrLast(f, children.get(0));
        }
        throw new Unsupported("aggregate function " + f.prettyName() + " is not supported on the GPU yet "
                + "(supported: count, sum, avg, min, max, first, last)");
    }

    /**
     * A decimal sum buffer (the exact sum of the values as decimal(P, s), 0 when empty, null once it
     * overflows P digits; merged null-propagating) followed by {@code second}: Sum's isEmpty, merged
     * by AND (MIN of booleans), or Average's count.
     */
    private static List<Update> decimalSum(AggregateFunction f, Expression child, DecimalType sumType,
            Update second) {
        checkDecimal(f, (DecimalType) child.dataType());
        int precision = sumType.precision();
        return List.of(new Update(HashAggregate.Kind.SUM_DECIMAL, child, precision,
                HashAggregate.Kind.SUM_DECIMAL_MERGE, precision, -1, false, true), second);
    }

    /**
     * First/Last: the buffers (value, valueSet). Without ignoreNulls the value is the first/last row's
     * (null or not) and valueSet is true for every group (any non-null of a true constant); with
     * ignoreNulls the first/last non-null value and whether there is one. Partial buffers merge by
     * taking the first/last partial whose valueSet is true, and valueSet by OR (MAX of booleans).
     */
    private static List<Update> firstOrLast(AggregateFunction f, Expression child) {
        boolean first = f instanceof First;
        boolean ignoreNulls = first ? ((First) f).ignoreNulls() : ((Last) f).ignoreNulls();
        if (SparkTypes.toDType(child.dataType()).isEmpty()) {
            throw new Unsupported(f.prettyName() + " of type " + child.dataType().simpleString() + " is not supported "
                    + "on the GPU (no device column type)");
        }
        HashAggregate.Kind kind = ignoreNulls
                ? first ? HashAggregate.Kind.FIRST_NON_NULL : HashAggregate.Kind.LAST_NON_NULL
                : first ? HashAggregate.Kind.FIRST : HashAggregate.Kind.LAST;
        HashAggregate.Kind merge = first ? HashAggregate.Kind.FIRST_WHERE : HashAggregate.Kind.LAST_WHERE;
        Expression valueSet = ignoreNulls ? child : Literal.create(true, DataTypes.BooleanType);
        return List.of(new Update(kind, child, -1, merge, -1, 1, false, ignoreNulls),
                new Update(HashAggregate.Kind.ANY_VALID, valueSet, HashAggregate.Kind.MAX));
    }

    private static void checkDecimal(AggregateFunction f, DecimalType type) {
        Optional<DType> dtype = SparkTypes.toDType(type);
        if (dtype.isEmpty()) {
            throw new Unsupported(f.prettyName() + " of type " + type.simpleString() + " is not supported on the GPU");
        }
    }

    /**
     * Spark's count adds one for every row whose nullable arguments are all non-null: all rows when
     * none is nullable (count(*) is count(1)), the non-null values of one nullable argument, and for
     * several (count(DISTINCT a, b) after the distinct rewrite) the non-null values of a column that
     * is null where any argument is.
     */
    private static Update count(List<Expression> children) {
        List<Expression> nullable = children.stream().filter(Expression::nullable).toList();
        if (nullable.isEmpty()) {
            return new Update(HashAggregate.Kind.COUNT_ALL, null, HashAggregate.Kind.SUM);
        }
        if (nullable.size() == 1) {
            Expression child = nullable.get(0);
            // Counting reads only the validity, so any type a device column holds (strings too) will do.
            if (SparkTypes.toDType(child.dataType()).isEmpty()) {
                throw new Unsupported("count of type " + child.dataType().simpleString() + " is not supported on the "
                        + "GPU (no device column type)");
            }
            return new Update(HashAggregate.Kind.COUNT, child, HashAggregate.Kind.SUM);
        }
        Expression anyNull = null;
        for (Expression c : nullable) {
            anyNull = anyNull == null ? new IsNull(c) : new Or(anyNull, new IsNull(c));
        }
        Expression allValid = new If(anyNull, Literal.create(null, DataTypes.BooleanType),
                Literal.create(true, DataTypes.BooleanType));
        return new Update(HashAggregate.Kind.COUNT, allValid, HashAggregate.Kind.SUM);
    }

    private static void checkValueType(AggregateFunction f, DataType type) {
        Optional<DType> dtype = SparkTypes.toDType(type);
        if (dtype.isEmpty() || !HashAggregatePlan.KERNEL_TYPES.contains(dtype.get().id())) {
            throw new Unsupported(f.prettyName() + " of type " + type.simpleString() + " is not supported by GPU "
                    + "hash aggregation yet (supported: " + HashAggregatePlan.KERNEL_TYPE_NAMES + ")");
        }
    }

    private static void checkLegacy(AggregateFunction f, scala.Enumeration.Value evalMode) {
        if (evalMode != EvalMode.LEGACY()) {
            throw new Unsupported(f.prettyName() + " in evaluation mode " + evalMode + " (ANSI or try_) is not "
                    + "supported on the GPU yet");
        }
    }

    private static void checkSummable(AggregateFunction f, DataType type) {
        Optional<DType> dtype = SparkTypes.toDType(type);
        boolean numeric = dtype.isPresent() && switch (dtype.get().id()) {
            case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64 -> true;
            default -> false;
        };
        if (!numeric) {
            throw new Unsupported(f.prettyName() + " of type " + type.simpleString() + " is not supported on the GPU");
        }
    }
}
