package dev.ember.spark.exec.window;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.WindowKernels;
import dev.ember.spark.columnar.SparkTypes;
import dev.ember.spark.exec.ExprPrograms;
import dev.ember.spark.exec.window.WindowCall.Frame;
import dev.ember.spark.exec.window.WindowCall.Function;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.CumeDist;
import org.apache.spark.sql.catalyst.expressions.CurrentRow$;
import org.apache.spark.sql.catalyst.expressions.DenseRank;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.FrameLessOffsetWindowFunction;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.Lag;
import org.apache.spark.sql.catalyst.expressions.Lead;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NTile;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.PercentRank;
import org.apache.spark.sql.catalyst.expressions.Rank;
import org.apache.spark.sql.catalyst.expressions.RowFrame$;
import org.apache.spark.sql.catalyst.expressions.RowNumber;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.SpecifiedWindowFrame;
import org.apache.spark.sql.catalyst.expressions.UnboundedFollowing$;
import org.apache.spark.sql.catalyst.expressions.UnboundedPreceding$;
import org.apache.spark.sql.catalyst.expressions.WindowExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.Min;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.Metadata;
import scala.Option;
import scala.PartialFunction$;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a window operator computes, from Spark's {@code WindowExec} fields: the columns it reads
 * (child columns by position; partition keys, order keys and function inputs that are not plain
 * columns are {@code inputs} evaluated over the child's columns, numbered after them), the kernel
 * calls, one result column each, and one final expression per window expression over the child's
 * columns followed by the call results. {@link #of} throws {@link Unsupported} with the reason when
 * something has no GPU version.
 */
record WindowPlan(List<Attribute> childOutput, List<Expression> inputs, int[] partitionColumns,
        int[] orderColumns, boolean[] ascending, boolean[] nullsFirst, List<WindowCall> calls,
        List<Attribute> results, List<Expression> finals) implements Serializable {

    /** Why a window operator cannot run on the GPU. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String reason) {
            super(reason, null, false, false);
        }
    }

    WindowPlan {
        childOutput = List.copyOf(childOutput);
        inputs = List.copyOf(inputs);
        calls = List.copyOf(calls);
        results = List.copyOf(results);
        finals = List.copyOf(finals);
    }

    boolean needsPeers() {
        return calls.stream().anyMatch(WindowCall::needsPeers);
    }

    /** Why Spark's window operator with these fields cannot run on the GPU, or empty. */
    static Optional<String> whyNot(Seq<NamedExpression> windowExpression, Seq<Expression> partitionSpec,
            Seq<SortOrder> orderSpec, Seq<Attribute> childOutput) {
        try {
            of(windowExpression, partitionSpec, orderSpec, childOutput);
            return Optional.empty();
        } catch (Unsupported e) {
            return Optional.of(e.getMessage());
        }
    }

    static WindowPlan of(Seq<NamedExpression> windowExpression, Seq<Expression> partitionSpec,
            Seq<SortOrder> orderSpec, Seq<Attribute> childOutput) {
        return new Builder(CollectionConverters.asJava(childOutput)).build(CollectionConverters.asJava(windowExpression),
                CollectionConverters.asJava(partitionSpec), CollectionConverters.asJava(orderSpec));
    }

    private static final class Builder {
        private final List<Attribute> child;
        private final List<Expression> inputs = new ArrayList<>();
        private final List<WindowCall> calls = new ArrayList<>();
        private final List<Attribute> results = new ArrayList<>();
        private List<SortOrder> order;

        Builder(List<Attribute> child) {
            this.child = List.copyOf(child);
        }

        WindowPlan build(List<NamedExpression> windowExpression, List<Expression> partitionSpec,
                List<SortOrder> orderSpec) {
            order = orderSpec;
            int[] partition = new int[partitionSpec.size()];
            for (int i = 0; i < partition.length; i++) {
                partition[i] = column(ExprPrograms.withoutFloatNormalization(partitionSpec.get(i)));
            }
            int[] orderColumns = new int[orderSpec.size()];
            boolean[] ascending = new boolean[orderSpec.size()];
            boolean[] nullsFirst = new boolean[orderSpec.size()];
            for (int i = 0; i < orderColumns.length; i++) {
                SortOrder o = orderSpec.get(i);
                orderColumns[i] = column(ExprPrograms.withoutFloatNormalization(o.child()));
                ascending[i] = o.isAscending();
                nullsFirst[i] = o.nullOrdering() == org.apache.spark.sql.catalyst.expressions.NullsFirst$.MODULE$;
            }
            List<Expression> finals = new ArrayList<>();
            for (NamedExpression e : windowExpression) {
                finals.add(windowColumn(e));
            }
            return new WindowPlan(child, inputs, partition, orderColumns, ascending, nullsFirst, calls, results,
                    finals);
        }

        /** The column of {@code e}: a child column, or a new input evaluated over the child's columns. */
        private int column(Expression e) {
            if (e instanceof AttributeReference ref) {
                int index = ExprPrograms.indexOf(child, ref);
                if (index >= 0) {
                    return index;
                }
            }
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i).semanticEquals(e)) {
                    return child.size() + i;
                }
            }
            deviceType(e.dataType(), e.sql());
            inputs.add(e);
            return child.size() + inputs.size() - 1;
        }

        /** Adds a call; returns its result column's attribute. */
        private Attribute call(Function function, int input, long parameter, Frame frame, DataType type,
                boolean nullable) {
            calls.add(new WindowCall(function, input, parameter, frame));
            AttributeReference a = new AttributeReference("window_" + calls.size(), type, nullable, Metadata.empty(),
                    NamedExpression.newExprId(), seq(List.of()));
            results.add(a);
            return a;
        }

        /**
         * The final expression of one window expression: an aliased window function, or an expression
         * over window functions (Spark's optimizer makes {@code CAST(avg(unscaledvalue(d)) OVER w / 100.0
         * AS DECIMAL)} of an average of small decimals), each replaced by its call results.
         */
        private Expression windowColumn(NamedExpression named) {
            if (!(named instanceof Alias alias)) {
                throw new Unsupported("window expression " + ((Expression) named).sql() + " is not aliased");
            }
            if (alias.child() instanceof WindowExpression we) {
                return windowFunction(we);
            }
            return alias.child().transformDown(PartialFunction$.MODULE$.fromFunction(
                    e -> e instanceof WindowExpression we ? windowFunction(we) : e));
        }

        private Expression windowFunction(WindowExpression we) {
            Expression fn = we.windowFunction();
            DataType type = fn.dataType();
            if (fn instanceof RowNumber) {
                return call(Function.ROW_NUMBER, -1, 0, null, type, false);
            } else if (fn instanceof Rank) {
                return call(Function.RANK, -1, 0, null, type, false);
            } else if (fn instanceof DenseRank) {
                return call(Function.DENSE_RANK, -1, 0, null, type, false);
            } else if (fn instanceof PercentRank) {
                return call(Function.PERCENT_RANK, -1, 0, null, type, false);
            } else if (fn instanceof CumeDist) {
                return call(Function.CUME_DIST, -1, 0, null, type, false);
            } else if (fn instanceof NTile n) {
                Object k = n.buckets().foldable() ? n.buckets().eval(null) : null;
                if (!(k instanceof Integer buckets) || buckets <= 0) {
                    throw new Unsupported("ntile with bucket count " + n.buckets().sql());
                }
                return call(Function.NTILE, -1, buckets, null, type, false);
            } else if (fn instanceof Lag || fn instanceof Lead) {
                return offset((FrameLessOffsetWindowFunction) fn);
            } else if (fn instanceof AggregateExpression agg) {
                if (!(we.windowSpec().frameSpecification() instanceof SpecifiedWindowFrame frame)) {
                    throw new Unsupported("window frame " + we.windowSpec().frameSpecification());
                }
                return aggregate(agg, frame(frame));
            }
            throw new Unsupported("window function " + fn.prettyName() + " is not supported on the GPU (supported: "
                    + "row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, count, sum, avg, min, "
                    + "max)");
        }

        private Expression offset(FrameLessOffsetWindowFunction fn) {
            if (fn.ignoreNulls()) {
                throw new Unsupported(fn.prettyName() + " with IGNORE NULLS is not supported on the GPU");
            }
            Object offset = fn.offset().foldable() ? fn.offset().eval(null) : null;
            if (!(offset instanceof Integer rows)) {
                throw new Unsupported(fn.prettyName() + " with offset " + fn.offset().sql());
            }
            int input = column(fn.input());
            Expression value = call(Function.OFFSET_VALUE, input, rows, null, fn.dataType(), true);
            Expression fallback = fn.children().apply(2);
            if (fallback instanceof Literal l && l.value() == null) {
                return value;
            }
            if (fallback.dataType() != fn.dataType() && !fallback.dataType().equals(fn.dataType())) {
                throw new Unsupported(fn.prettyName() + " default of type " + fallback.dataType().simpleString());
            }
            Expression map = call(Function.OFFSET_MAP, input, rows, null, DataTypes.IntegerType, false);
            return new If(new GreaterThanOrEqual(map, Literal.create(0, DataTypes.IntegerType)), value, fallback);
        }

        private Expression aggregate(AggregateExpression agg, Frame frame) {
            AggregateFunction f = agg.aggregateFunction();
            if (agg.isDistinct()) {
                throw new Unsupported("DISTINCT aggregates over windows are not supported on the GPU");
            }
            if (agg.filter().isDefined()) {
                throw new Unsupported("aggregates with FILTER over windows are not supported on the GPU");
            }
            DataType type = f.dataType();
            if (f instanceof Count c) {
                if (c.children().size() != 1) {
                    throw new Unsupported("count of several expressions over a window");
                }
                return call(Function.COUNT, column(c.children().head()), 0, frame, type, false);
            } else if (f instanceof Sum s) {
                legacy(f, s.evalMode());
                requireSummable(f, s.child());
                return call(Function.SUM, column(s.child()), 0, frame, type, true);
            } else if (f instanceof Average a) {
                legacy(f, a.evalMode());
                requireSummable(f, a.child());
                int input = column(cast(a.child(), DataTypes.DoubleType));
                Expression sum = call(Function.SUM, input, 0, frame, DataTypes.DoubleType, true);
                Expression count = call(Function.COUNT, input, 0, frame, DataTypes.LongType, false);
                return new Divide(sum, cast(count, DataTypes.DoubleType), EvalMode.LEGACY());
            } else if (f instanceof Min || f instanceof Max) {
                Expression child = f.children().head();
                DType dtype = deviceType(child.dataType(), f.prettyName());
                if (WindowKernels.minMaxType(dtype) == null) {
                    throw new Unsupported(f.prettyName() + " of type " + child.dataType().simpleString()
                            + " over a window is not supported on the GPU");
                }
                return call(f instanceof Min ? Function.MIN : Function.MAX, column(child), 0, frame, type, true);
            }
            throw new Unsupported("aggregate " + f.prettyName() + " over a window is not supported on the GPU "
                    + "(supported: count, sum, avg, min, max)");
        }

        private static void legacy(AggregateFunction f, scala.Enumeration.Value mode) {
            if (mode != EvalMode.LEGACY()) {
                throw new Unsupported(f.prettyName() + " in evaluation mode " + mode + " (spark.sql.ansi.enabled=true "
                        + "or a try_ function) over a window is not supported on the GPU");
            }
        }

        private static void requireSummable(AggregateFunction f, Expression child) {
            if (child.dataType() instanceof DecimalType) {
                throw new Unsupported(f.prettyName() + " of decimals over a window is not supported on the GPU "
                        + "(the overflow to null at the result's precision)");
            }
            DType t = deviceType(child.dataType(), f.prettyName());
            boolean numeric = switch (t.id()) {
                case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64 -> true;
                default -> false;
            };
            if (!numeric) {
                throw new Unsupported(f.prettyName() + " of type " + child.dataType().simpleString()
                        + " over a window is not supported on the GPU");
            }
        }

        private Frame frame(SpecifiedWindowFrame f) {
            boolean rows = f.frameType() == RowFrame$.MODULE$;
            Number lower = bound(f.lower(), rows, f);
            Number upper = bound(f.upper(), rows, f);
            Frame frame = new Frame(rows, lower, upper);
            if (frame.hasRangeOffset()) {
                if (SQLConf.get().ansiEnabled()) {
                    throw new Unsupported("RANGE frames with value offsets under spark.sql.ansi.enabled=true (the "
                            + "bound arithmetic raises overflow errors) are not supported on the GPU");
                }
                if (order.size() != 1) {
                    throw new Unsupported("RANGE frame with value offsets over " + order.size() + " order columns");
                }
            }
            return frame;
        }

        private Number bound(Expression b, boolean rows, SpecifiedWindowFrame f) {
            if (b == UnboundedPreceding$.MODULE$ || b == UnboundedFollowing$.MODULE$) {
                return null;
            }
            if (b == CurrentRow$.MODULE$) {
                return 0L;
            }
            Object v = b.foldable() ? b.eval(null) : null;
            if (rows) {
                if (v instanceof Integer || v instanceof Long) {
                    return ((Number) v).longValue();
                }
                throw new Unsupported("ROWS frame bound " + b.sql());
            }
            DataType orderType = order.get(0).dataType();
            DType t = deviceType(orderType, "the RANGE frame's order column");
            String rangeType = WindowKernels.rangeType(t);
            if (rangeType == null) {
                throw new Unsupported("RANGE frame " + f.sql() + " over an order column of type "
                        + orderType.simpleString());
            }
            if (rangeType.startsWith("f") && (v instanceof Double || v instanceof Float)) {
                return ((Number) v).doubleValue();
            }
            boolean integral = v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long;
            if (integral && !b.dataType().equals(DataTypes.CalendarIntervalType)
                    && !(b.dataType() instanceof org.apache.spark.sql.types.YearMonthIntervalType)
                    && !rangeType.startsWith("f") && !rangeType.startsWith("dec")) {
                // Integral offsets, days of dates, microseconds of day-time intervals over timestamps.
                return ((Number) v).longValue();
            }
            if (v instanceof Decimal d && orderType instanceof DecimalType dt && rangeType.startsWith("dec")) {
                BigDecimal exact = d.toJavaBigDecimal().setScale(dt.scale(), RoundingMode.UNNECESSARY);
                return exact.unscaledValue().longValueExact();
            }
            throw new Unsupported("RANGE frame bound " + b.sql() + " of type " + b.dataType().simpleString()
                    + " over an order column of type " + orderType.simpleString() + " is not supported on the GPU");
        }

        private static DType deviceType(DataType type, String what) {
            return SparkTypes.toDType(type).orElseThrow(() -> new Unsupported(what + ": type " + type.simpleString()
                    + " has no GPU column type"));
        }
    }

    static Expression cast(Expression e, DataType type) {
        if (e.dataType().equals(type)) {
            return e;
        }
        return new Cast(e, type, Option.empty(), EvalMode.LEGACY());
    }

    private static Seq<String> seq(List<String> items) {
        return CollectionConverters.asScala(items).toSeq();
    }

    /** The final expressions' input: the child's columns, then the call results. */
    List<Attribute> finalInput() {
        List<Attribute> all = new ArrayList<>(childOutput);
        all.addAll(results);
        return all;
    }

    /** Every expression the operator evaluates on the GPU: the inputs and the final expressions. */
    List<Expression> engineExpressions() {
        List<Expression> all = new ArrayList<>(inputs);
        for (Expression e : finals) {
            if (!(e instanceof AttributeReference)) {
                all.add(e);
            }
        }
        return all;
    }

    @Override
    public String toString() {
        return "WindowPlan[calls=" + calls + ", inputs=" + inputs + ", finals=" + finals + "]";
    }
}
