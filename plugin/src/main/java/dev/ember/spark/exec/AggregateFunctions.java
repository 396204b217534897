package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.HashAggregate;
import dev.ember.spark.columnar.SparkTypes;
import dev.ember.spark.exec.HashAggregatePlan.Unsupported;
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
 * are non-null), sum and avg of integral and floating point values, min and max of the kernels' key
 * types.
 */
final class AggregateFunctions {
    private AggregateFunctions() {}

    /**
     * One aggregation buffer of a function as input rows update it: the kernel kind over {@code value}
     * (an expression over the operator's input; null for COUNT_ALL, which reads no value), the kind that
     * merges partial buffers, and whether the partial buffer must read 0.0 where the kernel leaves null
     * (Spark's initial value of avg's sum).
     */
    record Update(HashAggregate.Kind kind, Expression value, HashAggregate.Kind merge, boolean zeroWhenNull) {
        Update {
            requireNonNull(kind, "kind is null");
            requireNonNull(merge, "merge is null");
            if ((kind == HashAggregate.Kind.COUNT_ALL) != (value == null)) {
                throw new IllegalArgumentException("COUNT_ALL and only COUNT_ALL reads no value, not " + kind + " of "
                        + value);
            }
        }

        Update(HashAggregate.Kind kind, Expression value, HashAggregate.Kind merge) {
            this(kind, value, merge, false);
        }
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
            checkSummable(f, child.dataType());
            return List.of(new Update(HashAggregate.Kind.SUM, child, HashAggregate.Kind.SUM));
        }
        if (f instanceof Average a) {
            checkLegacy(f, a.evalMode());
            Expression child = children.get(0);
            checkSummable(f, child.dataType());
            // Spark adds each value cast to double, so the sum is taken over the cast values.
            Expression v = new Cast(child, DataTypes.DoubleType, Option.empty(), EvalMode.LEGACY());
            return List.of(new Update(HashAggregate.Kind.SUM, v, HashAggregate.Kind.SUM, true),
                    new Update(HashAggregate.Kind.COUNT, v, HashAggregate.Kind.SUM));
        }
        throw new Unsupported("aggregate function " + f.prettyName() + " is not supported on the GPU yet "
                + "(supported: count, sum, avg, min, max)");
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
}
