package dev.ember.spark.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.ops.HashJoin;
import dev.ember.spark.conf.EmberConf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.KnownFloatingPointNormalized;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildRight$;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.optimizer.NormalizeNaNAndZero;
import org.apache.spark.sql.catalyst.plans.Cross$;
import org.apache.spark.sql.catalyst.plans.ExistenceJoin;
import org.apache.spark.sql.catalyst.plans.FullOuter$;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.LeftAnti$;
import org.apache.spark.sql.catalyst.plans.LeftOuter$;
import org.apache.spark.sql.catalyst.plans.LeftSemi$;
import org.apache.spark.sql.catalyst.plans.RightOuter$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's equi-join fields as a GPU hash join: the op's join type through the build side, keys and
 * outputs swapped when the left side is built (and Spark's column order restored for the condition
 * and the output), float normalization stripped from keys, and the reasons a join stays on the CPU.
 */
class TestHashJoinSpec {
    private static final EmberConf CONF = EmberConf.of(Map.of());
    private static final BuildSide LEFT = BuildLeft$.MODULE$;
    private static final BuildSide RIGHT = BuildRight$.MODULE$;

    private static final AttributeReference LK = attr("lk", DataTypes.IntegerType);
    private static final AttributeReference LV = attr("lv", DataTypes.StringType);
    private static final AttributeReference LD = attr("ld", DataTypes.DoubleType);
    private static final AttributeReference LL = attr("ll", DataTypes.LongType);
    private static final AttributeReference LB = attr("lb", DataTypes.BinaryType);
    private static final AttributeReference RK = attr("rk", DataTypes.IntegerType);
    private static final AttributeReference RV = attr("rv", DataTypes.IntegerType);
    private static final AttributeReference RD = attr("rd", DataTypes.DoubleType);
    private static final AttributeReference RB = attr("rb", DataTypes.BinaryType);
    private static final AttributeReference RS = attr("rs", DataTypes.StringType);
    private static final List<Attribute> LEFT_OUT = List.of(LK, LV, LD, LL, LB);
    private static final List<Attribute> RIGHT_OUT = List.of(RK, RV, RD, RB, RS);

    private static AttributeReference attr(String name, DataType type) {
        return new AttributeReference(name, type, true, Metadata.empty(),
                org.apache.spark.sql.catalyst.expressions.NamedExpression$.MODULE$.newExprId(),
                CollectionConverters.asScala(List.<String>of()).toSeq());
    }

    private static <T> Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toSeq();
    }

    private static Optional<HashJoin.JoinType> op(JoinType type, boolean buildLeft) {
        return HashJoinSpec.opType(type, buildLeft, false);
    }

    private static Optional<String> whyNot(List<Expression> left, List<Expression> right, JoinType type,
            BuildSide side, Expression condition, boolean nullAware) {
        return HashJoinSpec.whyNot(seq(left), seq(right), type, side, Option.apply(condition), seq(LEFT_OUT),
                seq(RIGHT_OUT), nullAware, CONF);
    }

    private static HashJoinSpec spec(List<Expression> left, List<Expression> right, JoinType type, BuildSide side,
            Expression condition) {
        assertThat(whyNot(left, right, type, side, condition, false)).isEmpty();
        return HashJoinSpec.of(seq(left), seq(right), type, side, Option.apply(condition), seq(LEFT_OUT),
                seq(RIGHT_OUT), false);
    }

    @Test
    void joinTypesMapThroughTheBuildSide() {
        for (boolean buildLeft : new boolean[] {false, true}) {
            assertThat(op(Inner$.MODULE$, buildLeft)).contains(HashJoin.JoinType.INNER);
            assertThat(op(Cross$.MODULE$, buildLeft)).contains(HashJoin.JoinType.INNER);
            assertThat(op(FullOuter$.MODULE$, buildLeft)).contains(HashJoin.JoinType.FULL_OUTER);
        }
        // The op probes with the stream side: a left outer join that builds the left side keeps the build rows.
        assertThat(op(LeftOuter$.MODULE$, false)).contains(HashJoin.JoinType.LEFT_OUTER);
        assertThat(op(LeftOuter$.MODULE$, true)).contains(HashJoin.JoinType.RIGHT_OUTER);
        assertThat(op(RightOuter$.MODULE$, true)).contains(HashJoin.JoinType.LEFT_OUTER);
        assertThat(op(RightOuter$.MODULE$, false)).contains(HashJoin.JoinType.RIGHT_OUTER);
        assertThat(op(LeftSemi$.MODULE$, false)).contains(HashJoin.JoinType.LEFT_SEMI);
        assertThat(op(LeftAnti$.MODULE$, false)).contains(HashJoin.JoinType.LEFT_ANTI);
        assertThat(op(LeftSemi$.MODULE$, true)).isEmpty();
        assertThat(op(LeftAnti$.MODULE$, true)).isEmpty();
        assertThat(op(new ExistenceJoin(LK), false)).isEmpty();
        assertThat(HashJoinSpec.opType(LeftAnti$.MODULE$, false, true)).contains(HashJoin.JoinType.NULL_AWARE_LEFT_ANTI);
        assertThat(HashJoinSpec.opType(LeftAnti$.MODULE$, true, true)).isEmpty();
        assertThat(HashJoinSpec.opType(Inner$.MODULE$, false, true)).isEmpty();
    }

    @Test
    void buildingTheRightSideStreamsTheLeft() {
        Expression condition = new GreaterThan(LK, RV);
        HashJoinSpec s = spec(List.of(LK), List.of(RK), LeftOuter$.MODULE$, RIGHT, condition);
        assertThat(s.opType()).isEqualTo(HashJoin.JoinType.LEFT_OUTER);
        assertThat(s.buildLeft()).isFalse();
        assertThat(s.streamKeys()).containsExactly(LK);
        assertThat(s.buildKeys()).containsExactly(RK);
        assertThat(s.streamOutput()).isEqualTo(LEFT_OUT);
        assertThat(s.buildOutput()).isEqualTo(RIGHT_OUT);
        assertThat(s.condition()).isSameAs(condition);
        assertThat(s.leftThenRight()).containsExactly(LK, LV, LD, LL, LB, RK, RV, RD, RB, RS);
    }

    @Test
    void buildingTheLeftSideSwapsKeysAndOutputsButNotSparksColumnOrder() {
        HashJoinSpec s = spec(List.of(LK, LD), List.of(RK, RD), RightOuter$.MODULE$, LEFT, null);
        assertThat(s.opType()).isEqualTo(HashJoin.JoinType.LEFT_OUTER);
        assertThat(s.buildLeft()).isTrue();
        assertThat(s.streamKeys()).containsExactly(RK, RD);
        assertThat(s.buildKeys()).containsExactly(LK, LD);
        assertThat(s.streamOutput()).isEqualTo(RIGHT_OUT);
        assertThat(s.buildOutput()).isEqualTo(LEFT_OUT);
        assertThat(s.condition()).isNull();
        assertThat(s.leftThenRight()).containsExactly(LK, LV, LD, LL, LB, RK, RV, RD, RB, RS);
        assertThat(s.toString()).contains("LEFT_OUTER", "build left").doesNotContain("condition");
    }

    @Test
    void floatKeysLoseSparksNormalizationTheOpDoesItself() {
        Expression normalizedLeft = new KnownFloatingPointNormalized(new NormalizeNaNAndZero(LD));
        Expression normalizedRight = new KnownFloatingPointNormalized(new NormalizeNaNAndZero(RD));
        HashJoinSpec s = spec(List.of(normalizedLeft, LK), List.of(normalizedRight, RK), Inner$.MODULE$, RIGHT, null);
        assertThat(s.streamKeys()).containsExactly(LD, LK);
        assertThat(s.buildKeys()).containsExactly(RD, RK);
        Expression condition = new GreaterThan(LK, RV);
        assertThat(HashJoinSpec.evaluated(seq(List.of(normalizedLeft)), seq(List.of(normalizedRight)),
                Option.apply(condition))).containsExactly(LD, RD, condition);
        assertThat(HashJoinSpec.evaluated(seq(List.of(normalizedLeft)), seq(List.of(normalizedRight)), Option.empty()))
                .containsExactly(LD, RD);
    }

    @Test
    void reasonsForStayingOnTheCpu() {
        assertThat(whyNot(List.of(LK), List.of(RK), new ExistenceJoin(attr("exists", DataTypes.BooleanType)), RIGHT,
                null, false)).hasValueSatisfying(r -> assertThat(r).contains("existence joins"));
        assertThat(whyNot(List.of(LK), List.of(RK), LeftSemi$.MODULE$, LEFT, null, false))
                .hasValueSatisfying(r -> assertThat(r).contains("LEFT SEMI", "building the left side"));
        assertThat(whyNot(List.of(LK), List.of(RK), LeftAnti$.MODULE$, RIGHT, new GreaterThan(LK, RV), true))
                .hasValueSatisfying(r -> assertThat(r).contains("null-aware anti join takes no extra condition"));
        assertThat(whyNot(List.of(), List.of(), Inner$.MODULE$, RIGHT, null, false))
                .hasValueSatisfying(r -> assertThat(r).contains("at least one", "0 and 0"));
        assertThat(whyNot(List.of(LK, LD), List.of(RK), Inner$.MODULE$, RIGHT, null, false))
                .hasValueSatisfying(r -> assertThat(r).contains("2 and 1"));
        assertThat(whyNot(List.of(LL), List.of(RK), Inner$.MODULE$, RIGHT, null, false))
                .hasValueSatisfying(r -> assertThat(r).contains("join key 0 is bigint on the left but int on the right"));
        assertThat(whyNot(List.of(LB), List.of(RB), Inner$.MODULE$, RIGHT, null, false))
                .hasValueSatisfying(r -> assertThat(r).contains("binary", "not supported on the GPU"));
        // A key over a column its side does not have cannot be compiled against that side's output.
        assertThat(whyNot(List.of(RV), List.of(RK), Inner$.MODULE$, RIGHT, null, false))
                .hasValueSatisfying(r -> assertThat(r).contains("do not compile"));
        assertThat(whyNot(List.of(LK), List.of(RK), Inner$.MODULE$, RIGHT, new GreaterThan(LK, attr("x",
                DataTypes.IntegerType)), false)).hasValueSatisfying(r -> assertThat(r).startsWith("the join condition: "));
        for (JoinType type : List.of(Inner$.MODULE$, LeftOuter$.MODULE$, RightOuter$.MODULE$, FullOuter$.MODULE$,
                LeftSemi$.MODULE$, LeftAnti$.MODULE$)) {
            assertThat(whyNot(List.of(LK, LV), List.of(RK, RS), type, RIGHT,
                    new GreaterThan(LK, RV), false)).as("%s", type).isEmpty();
        }
    }

    @Test
    void ofRejectsJoinsWithoutAMapping() {
        assertThatThrownBy(() -> HashJoinSpec.of(seq(List.of(LK)), seq(List.of(RK)), LeftSemi$.MODULE$, LEFT,
                Option.empty(), seq(LEFT_OUT), seq(RIGHT_OUT), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no GPU hash join");
    }

    @Test
    void theSpecTravelsToExecutorsSerialized() throws Exception {
        HashJoinSpec s = spec(List.of(LK), List.of(RK), LeftAnti$.MODULE$, RIGHT, new GreaterThan(LK, RV));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        HashJoinSpec copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (HashJoinSpec) in.readObject();
        }
        assertThat(copy.opType()).isEqualTo(HashJoin.JoinType.LEFT_ANTI);
        assertThat(copy.streamKeys()).isEqualTo(s.streamKeys());
        assertThat(copy.buildKeys()).isEqualTo(s.buildKeys());
        assertThat(copy.leftThenRight()).isEqualTo(s.leftThenRight());
        assertThat(copy.condition()).isEqualTo(s.condition());
    }
}
