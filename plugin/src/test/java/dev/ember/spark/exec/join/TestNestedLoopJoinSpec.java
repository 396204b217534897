package dev.ember.spark.exec.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.spark.conf.EmberConf;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildRight$;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
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
 * Spark's nested loop join fields as a GPU join: the kind seen from the stream side for each join
 * type and build side, the sides swapped when the left one is built (Spark's column order kept for
 * the condition), and the reasons a join stays on the CPU.
 */
class TestNestedLoopJoinSpec {
    private static final EmberConf CONF = EmberConf.of(Map.of());
    private static final BuildSide LEFT = BuildLeft$.MODULE$;
    private static final BuildSide RIGHT = BuildRight$.MODULE$;
    private static final AttributeReference LK = attr("lk", DataTypes.IntegerType);
    private static final AttributeReference LS = attr("ls", DataTypes.StringType);
    private static final AttributeReference RK = attr("rk", DataTypes.IntegerType);
    private static final AttributeReference RB = attr("rb", DataTypes.BinaryType);

    private static AttributeReference attr(String name, DataType type) {
        return new AttributeReference(name, type, true, Metadata.empty(),
                org.apache.spark.sql.catalyst.expressions.NamedExpression$.MODULE$.newExprId(),
                CollectionConverters.asScala(List.<String>of()).toSeq());
    }

    private static <T> Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toSeq();
    }

    private static Optional<NestedLoopJoinSpec.Kind> kind(JoinType type, boolean buildLeft) {
        return NestedLoopJoinSpec.kind(type, buildLeft);
    }

    @Test
    void kindsSeenFromTheStreamSide() {
        for (boolean buildLeft : new boolean[] {false, true}) {
            assertThat(kind(Inner$.MODULE$, buildLeft)).contains(NestedLoopJoinSpec.Kind.INNER);
            assertThat(kind(Cross$.MODULE$, buildLeft)).contains(NestedLoopJoinSpec.Kind.INNER);
            assertThat(kind(FullOuter$.MODULE$, buildLeft)).isEmpty();
        }
        assertThat(kind(LeftOuter$.MODULE$, false)).contains(NestedLoopJoinSpec.Kind.STREAM_OUTER);
        assertThat(kind(RightOuter$.MODULE$, true)).contains(NestedLoopJoinSpec.Kind.STREAM_OUTER);
        assertThat(kind(LeftSemi$.MODULE$, false)).contains(NestedLoopJoinSpec.Kind.SEMI);
        assertThat(kind(LeftAnti$.MODULE$, false)).contains(NestedLoopJoinSpec.Kind.ANTI);
        assertThat(kind(new ExistenceJoin(LK), false)).contains(NestedLoopJoinSpec.Kind.EXISTENCE);
        // The build side's matches would be needed across partitions.
        assertThat(kind(LeftOuter$.MODULE$, true)).isEmpty();
        assertThat(kind(RightOuter$.MODULE$, false)).isEmpty();
        assertThat(kind(LeftSemi$.MODULE$, true)).isEmpty();
        assertThat(kind(LeftAnti$.MODULE$, true)).isEmpty();
        assertThat(kind(new ExistenceJoin(LK), true)).isEmpty();
        assertThat(NestedLoopJoinSpec.Kind.INNER.pairs()).isTrue();
        assertThat(NestedLoopJoinSpec.Kind.STREAM_OUTER.pairs()).isTrue();
        assertThat(NestedLoopJoinSpec.Kind.SEMI.pairs()).isFalse();
        assertThat(NestedLoopJoinSpec.Kind.EXISTENCE.pairs()).isFalse();
    }

    @Test
    void buildingTheLeftSideSwapsTheSidesButKeepsSparksColumnOrder() {
        Expression cond = new LessThan(LK, RK);
        NestedLoopJoinSpec spec = NestedLoopJoinSpec.of(RightOuter$.MODULE$, LEFT, Option.apply(cond),
                seq(List.<Attribute>of(LK, LS)), seq(List.<Attribute>of(RK)));
        assertThat(spec.kind()).isEqualTo(NestedLoopJoinSpec.Kind.STREAM_OUTER);
        assertThat(spec.buildLeft()).isTrue();
        assertThat(spec.streamOutput()).containsExactly(RK);
        assertThat(spec.buildOutput()).containsExactly(LK, LS);
        assertThat(spec.leftThenRight()).containsExactly(LK, LS, RK);
        assertThat(spec.condition()).isSameAs(cond);
        NestedLoopJoinSpec plain = NestedLoopJoinSpec.of(Inner$.MODULE$, RIGHT, Option.empty(),
                seq(List.<Attribute>of(LK)), seq(List.<Attribute>of(RK)));
        assertThat(plain.streamOutput()).containsExactly(LK);
        assertThat(plain.condition()).isNull();
        assertThatThrownBy(() -> NestedLoopJoinSpec.of(FullOuter$.MODULE$, RIGHT, Option.empty(),
                seq(List.<Attribute>of(LK)), seq(List.<Attribute>of(RK)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reasons() {
        Seq<Attribute> left = seq(List.of(LK, LS));
        Seq<Attribute> right = seq(List.of(RK));
        assertThat(NestedLoopJoinSpec.whyNot(Inner$.MODULE$, LEFT, Option.apply(new LessThan(LK, RK)), left, right,
                CONF)).isEmpty();
        assertThat(NestedLoopJoinSpec.whyNot(FullOuter$.MODULE$, RIGHT, Option.empty(), left, right, CONF)).hasValueSatisfying(
                r -> assertThat(r).contains("FULL OUTER nested loop join building the right side needs the build rows "
                        + "matched in every partition"));
        assertThat(NestedLoopJoinSpec.whyNot(LeftSemi$.MODULE$, LEFT, Option.empty(), left, right, CONF))
                .hasValueSatisfying(r -> assertThat(r).contains("LEFT SEMI nested loop join building the left side"));
        assertThat(NestedLoopJoinSpec.whyNot(Inner$.MODULE$, RIGHT, Option.empty(), left, seq(List.of(RK, RB)), CONF))
                .contains("column rb: type binary is not supported on the GPU");
    }
}
