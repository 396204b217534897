package dev.ember.spark.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.ops.HashAggregate.Kind;
import org.apache.spark.sql.catalyst.expressions.aggregate.StddevSamp;
import org.apache.spark.sql.catalyst.expressions.aggregate.Last;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import dev.ember.cuda.ops.HashAggregate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateMode;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.Final$;
import org.apache.spark.sql.catalyst.expressions.aggregate.First;
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.Partial$;
import org.apache.spark.sql.catalyst.expressions.aggregate.PartialMerge$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** The translation of Spark's aggregate fields into kernel aggregations, buffers and output expressions. */
class TestHashAggregatePlan {
    private static final AttributeReference K = attr("k", DataTypes.IntegerType);
    private static final AttributeReference I = attr("i", DataTypes.IntegerType);
    private static final AttributeReference F = attr("f", DataTypes.FloatType);
    private static final AttributeReference S = attr("s", DataTypes.StringType);
    private static final AttributeReference DEC = attr("dec", DataTypes.createDecimalType(10, 2));

    private static AttributeReference attr(String name, DataType type) {
        return new AttributeReference(name, type, true, Metadata.empty(),
                org.apache.spark.sql.catalyst.expressions.NamedExpression$.MODULE$.newExprId(),
                CollectionConverters.asScala(List.<String>of()).toSeq());
    }

    private static <T> Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toSeq();
    }

    private static AggregateExpression agg(AggregateFunction f, AggregateMode mode, boolean distinct) {
        return new AggregateExpression(f, mode, distinct, Option.empty(),
                org.apache.spark.sql.catalyst.expressions.NamedExpression$.MODULE$.newExprId());
    }

    /** A partial aggregate as Spark plans it: output = grouping attributes ++ every function's buffer attributes. */
    private static HashAggregatePlan partial(List<NamedExpression> keys, List<AggregateFunction> functions) {
        List<AggregateExpression> aggs = new ArrayList<>();
        List<Attribute> results = new ArrayList<>();
        List<NamedExpression> output = new ArrayList<>(keys);
        for (AggregateFunction f : functions) {
            AggregateExpression a = agg(f, Partial$.MODULE$, false);
            aggs.add(a);
            results.add(a.resultAttribute());
            output.addAll(CollectionConverters.asJava(f.inputAggBufferAttributes()));
        }
        return HashAggregatePlan.of(seq(keys), seq(aggs), seq(results), seq(output));
    }

    @Test
    void partialBuffersAreSparksWithKernelKinds() {
        HashAggregatePlan plan = partial(List.of(K), List.of(new Count(seq(List.of(Literal.create(1, DataTypes.IntegerType)))),
                new Sum(I), new Average(F), new Max(F)));
        assertThat(plan.mode()).isEqualTo(HashAggregatePlan.Mode.PARTIAL);
        assertThat(plan.keyCount()).isEqualTo(1);
        // keys, sum's i, avg's cast(f as double), max's f
        assertThat(plan.inputs()).hasSize(4);
        assertThat(plan.inputs().get(2)).isInstanceOf(Cast.class);
        assertThat(plan.inputs().get(2).dataType()).isEqualTo(DataTypes.DoubleType);
        assertThat(plan.buffers()).containsExactly(
                new HashAggregatePlan.Buffer(Kind.COUNT_ALL, -1, Kind.SUM),
                new HashAggregatePlan.Buffer(Kind.SUM, 0, Kind.SUM),
                new HashAggregatePlan.Buffer(Kind.SUM, 1, Kind.SUM),
                new HashAggregatePlan.Buffer(Kind.COUNT, 1, Kind.SUM),
                new HashAggregatePlan.Buffer(Kind.MAX, 2, Kind.MAX));
        assertThat(plan.bufferAttributes().stream().map(Attribute::dataType).toList()).containsExactly(
                DataTypes.IntegerType, DataTypes.LongType, DataTypes.LongType, DataTypes.DoubleType,
                DataTypes.LongType, DataTypes.FloatType);
        // avg's partial sum starts at 0.0 in Spark, so a group without values must not output null.
        assertThat(plan.partialOutput().get(3)).isInstanceOf(Coalesce.class);
        assertThat(plan.partialOutput().get(2)).isSameAs(plan.bufferAttributes().get(2));
    }

    @Test
    void globalCountStarStillHasAColumnForTheRowCount() {
        HashAggregatePlan plan = partial(List.of(), List.of(new Count(seq(List.of(Literal.create(1,
                DataTypes.IntegerType))))));
        assertThat(plan.keyCount()).isZero();
        assertThat(plan.inputs()).hasSize(1);
        assertThat(plan.initialValues()).hasSize(1);
    }

    @Test
    void finalModeMergesTheChildsBufferColumns() {
        Sum sum = new Sum(I);
        AggregateExpression a = agg(sum, Final$.MODULE$, false);
        List<Expression> inputs = HashAggregatePlan.of(seq(List.of(K)), seq(List.of(a)),
                seq(List.of(a.resultAttribute())), seq(List.<NamedExpression>of(K, a.resultAttribute()))).inputs();
        assertThat(inputs).containsExactly(K, sum.inputAggBufferAttributes().head());
    }

    /** Spark's third stage of a DISTINCT aggregate: merges sum(w)'s partial buffers, counts the distinct d. */
    @Test
    void distinctStagesMixPartialMergeAndPartial() {
        Sum sum = new Sum(I);
        Count count = new Count(seq(List.of(F)));
        AggregateExpression merge = agg(sum, PartialMerge$.MODULE$, false);
        AggregateExpression distinct = agg(count, Partial$.MODULE$, true);
        List<NamedExpression> output = new ArrayList<>(List.of(K));
        output.addAll(CollectionConverters.asJava(sum.inputAggBufferAttributes()));
        output.addAll(CollectionConverters.asJava(count.inputAggBufferAttributes()));
        HashAggregatePlan plan = HashAggregatePlan.of(seq(List.of(K)), seq(List.of(merge, distinct)),
                seq(List.of(merge.resultAttribute(), distinct.resultAttribute())), seq(output));
        assertThat(plan.mode()).isEqualTo(HashAggregatePlan.Mode.PARTIAL);
        assertThat(plan.inputs()).containsExactly(K, sum.inputAggBufferAttributes().head(), F);
        assertThat(plan.buffers()).containsExactly(new HashAggregatePlan.Buffer(Kind.SUM, 0, Kind.SUM),
                new HashAggregatePlan.Buffer(Kind.COUNT, 1, Kind.SUM));

        // The fourth stage: both functions Final, results out.
        AggregateExpression finalSum = agg(sum, Final$.MODULE$, false);
        AggregateExpression finalCount = agg(count, Final$.MODULE$, true);
        HashAggregatePlan last = HashAggregatePlan.of(seq(List.of(K)), seq(List.of(finalSum, finalCount)),
                seq(List.of(finalSum.resultAttribute(), finalCount.resultAttribute())),
                seq(List.<NamedExpression>of(K, finalSum.resultAttribute(), finalCount.resultAttribute())));
        assertThat(last.mode()).isEqualTo(HashAggregatePlan.Mode.FINAL);
        assertThat(last.inputs()).containsExactly(K, sum.inputAggBufferAttributes().head(),
                count.inputAggBufferAttributes().head());
        assertThat(last.buffers()).containsExactly(new HashAggregatePlan.Buffer(Kind.SUM, 0, Kind.SUM),
                new HashAggregatePlan.Buffer(Kind.SUM, 1, Kind.SUM));
    }

    @Test
    void countOfSeveralColumnsCountsRowsWithoutNulls() {
        HashAggregatePlan plan = partial(List.of(K), List.of(new Count(seq(List.of(I, F)))));
        assertThat(plan.buffers()).containsExactly(new HashAggregatePlan.Buffer(Kind.COUNT, 0, Kind.SUM));
        assertThat(plan.inputs().get(1)).isInstanceOf(If.class);
        assertThat(((If) plan.inputs().get(1)).predicate()).isInstanceOf(Or.class);
        AttributeReference notNull = new AttributeReference("nn", DataTypes.IntegerType, false, Metadata.empty(),
                org.apache.spark.sql.catalyst.expressions.NamedExpression$.MODULE$.newExprId(),
                CollectionConverters.asScala(List.<String>of()).toSeq());
        HashAggregatePlan twoNotNull = partial(List.of(K), List.of(new Count(seq(List.of(notNull, notNull)))));
        assertThat(twoNotNull.buffers()).containsExactly(new HashAggregatePlan.Buffer(Kind.COUNT_ALL, -1, Kind.SUM));
        HashAggregatePlan oneNullable = partial(List.of(K), List.of(new Count(seq(List.of(notNull, I)))));
        assertThat(oneNullable.inputs()).containsExactly(K, I);
    }

    @Test
    void filtersNullTheValuesOfRowsTheyReject() {
        Expression filter = new GreaterThan(I, Literal.create(3, DataTypes.IntegerType));
        AggregateExpression countAll = new AggregateExpression(new Count(seq(List.of(Literal.create(1,
                DataTypes.IntegerType)))), Partial$.MODULE$, false, Option.apply(filter),
                org.apache.spark.sql.catalyst.expressions.NamedExpression$.MODULE$.newExprId());
        AggregateExpression max = new AggregateExpression(new Max(F), Partial$.MODULE$, false, Option.apply(filter),
                org.apache.spark.sql.catalyst.expressions.NamedExpression$.MODULE$.newExprId());
        List<NamedExpression> output = new ArrayList<>(List.of(K));
        output.addAll(CollectionConverters.asJava(countAll.aggregateFunction().inputAggBufferAttributes()));
        output.addAll(CollectionConverters.asJava(max.aggregateFunction().inputAggBufferAttributes()));
        HashAggregatePlan plan = HashAggregatePlan.of(seq(List.of(K)), seq(List.of(countAll, max)),
                seq(List.of(countAll.resultAttribute(), max.resultAttribute())), seq(output));
        assertThat(plan.buffers()).containsExactly(new HashAggregatePlan.Buffer(Kind.COUNT, 0, Kind.SUM),
                new HashAggregatePlan.Buffer(Kind.MAX, 1, Kind.MAX));
        If count = (If) plan.inputs().get(1);
        assertThat(count.predicate()).isSameAs(filter);
        assertThat(count.falseValue()).isEqualTo(Literal.create(null, DataTypes.BooleanType));
        If value = (If) plan.inputs().get(2);
        assertThat(value.trueValue()).isSameAs(F);

        // Merging modes ignore the filter, as Spark does.
        AggregateExpression finalMax = new AggregateExpression(max.aggregateFunction(), Final$.MODULE$, false,
                Option.apply(filter), org.apache.spark.sql.catalyst.expressions.NamedExpression$.MODULE$.newExprId());
        HashAggregatePlan merged = HashAggregatePlan.of(seq(List.of(K)), seq(List.of(finalMax)),
                seq(List.of(finalMax.resultAttribute())),
                seq(List.<NamedExpression>of(K, finalMax.resultAttribute())));
        assertThat(merged.inputs()).containsExactly(K, max.aggregateFunction().inputAggBufferAttributes().head());
    }

    @Test
    void equalValuesAreOneInputColumn() {
        HashAggregatePlan plan = partial(List.of(K), List.of(new Sum(I), new Max(I), new Count(seq(List.of(I)))));
        assertThat(plan.inputs()).containsExactly(K, I);
        assertThat(plan.buffers()).extracting(HashAggregatePlan.Buffer::value).containsExactly(0, 0, 0);
    }

    @Test
    void unsupportedAggregatesNameTheirReason() {
        assertThat(why(List.of(K), agg(new StddevSamp(F, false), Partial$.MODULE$, false))).get().asString()
                .contains("aggregate function stddev_samp");
        assertThat(why(List.of(K), agg(new Sum(I, EvalMode.ANSI()), Partial$.MODULE$, false))).get().asString()
                .contains("evaluation mode ANSI");
        assertThatThrownBy(() -> HashAggregatePlan.of(seq(List.of()), seq(List.of()), seq(List.of()),
                seq(List.of()))).hasMessageContaining("without grouping keys and without aggregate functions");
    }

    @Test
    void decimalSumsFirstAndLastBuffers() {
        // decimal(10,2): Sum's buffers (sum decimal(20,2), isEmpty), Average's (sum decimal(20,2), count);
        // First's (value, valueSet) merge by the valueSet buffer, Last's with ignoreNulls likewise.
        HashAggregatePlan plan = partial(List.of(S), List.of(new Sum(DEC), new Average(DEC), new First(I, false),
                new Last(S, true)));
        assertThat(plan.keyCount()).isEqualTo(1);
        assertThat(plan.buffers()).containsExactly(
                new HashAggregatePlan.Buffer(HashAggregate.Kind.SUM_DECIMAL, 0, 20, HashAggregate.Kind.SUM_DECIMAL_MERGE,
                        20),
                new HashAggregatePlan.Buffer(HashAggregate.Kind.NONE_VALID, 0, -1, HashAggregate.Kind.MIN, -1),
                new HashAggregatePlan.Buffer(HashAggregate.Kind.SUM_DECIMAL, 0, 20, HashAggregate.Kind.SUM_DECIMAL_MERGE,
                        20),
                new HashAggregatePlan.Buffer(HashAggregate.Kind.COUNT, 0, -1, HashAggregate.Kind.SUM, -1),
                new HashAggregatePlan.Buffer(HashAggregate.Kind.FIRST, 1, -1, HashAggregate.Kind.FIRST_WHERE, 5),
                new HashAggregatePlan.Buffer(HashAggregate.Kind.ANY_VALID, 2, -1, HashAggregate.Kind.MAX, -1),
                new HashAggregatePlan.Buffer(HashAggregate.Kind.LAST_NON_NULL, 3, -1, HashAggregate.Kind.LAST_WHERE, 7),
                new HashAggregatePlan.Buffer(HashAggregate.Kind.ANY_VALID, 3, -1, HashAggregate.Kind.MAX, -1));
        assertThat(plan.derived()).isEmpty();
    }

    @Test
    void finalDecimalResultsAreDerivedAndFirstMergesByItsCondition() {
        List<AggregateFunction> functions = List.of(new Sum(DEC), new Average(DEC), new First(I, true));
        List<AggregateExpression> aggs = new ArrayList<>();
        List<Attribute> results = new ArrayList<>();
        for (AggregateFunction f : functions) {
            AggregateExpression a = agg(f, Final$.MODULE$, false);
            aggs.add(a);
            results.add(a.resultAttribute());
        }
        List<NamedExpression> output = new ArrayList<>(List.of(K));
        results.forEach(r -> output.add((NamedExpression) r));
        HashAggregatePlan plan = HashAggregatePlan.of(seq(List.of(K)), seq(aggs), seq(results), seq(output));
        assertThat(plan.mode()).isEqualTo(HashAggregatePlan.Mode.FINAL);
        // The first pass merges the child's buffer columns: value inputs 0..5 in buffer order.
        assertThat(plan.buffers().get(4)).isEqualTo(new HashAggregatePlan.Buffer(HashAggregate.Kind.FIRST_WHERE, 4, 5,
                HashAggregate.Kind.FIRST_WHERE, 5));
        assertThat(plan.derived()).hasSize(2);
        assertThat(plan.derived().get(0).result().kind()).isEqualTo(AggregateFunctions.Result.Kind.MASK_EMPTY);
        assertThat(plan.derived().get(0).buffer()).isZero();
        assertThat(plan.derived().get(1).result()).isEqualTo(new AggregateFunctions.Result(
                AggregateFunctions.Result.Kind.DECIMAL_AVERAGE, DataTypes.createDecimalType(14, 6)));
        assertThat(plan.derived().get(1).buffer()).isEqualTo(2);
        assertThat(plan.evaluated().get(0)).isSameAs(plan.derived().get(0).attribute());
        assertThat(plan.evaluationInput()).endsWith(plan.derived().get(0).attribute(), plan.derived().get(1).attribute());
    }

    private static java.util.Optional<String> why(List<NamedExpression> keys, AggregateExpression a) {
        return HashAggregatePlan.whyNot(seq(keys), seq(List.of(a)), seq(List.of(a.resultAttribute())),
                seq(List.of()));
    }
}
