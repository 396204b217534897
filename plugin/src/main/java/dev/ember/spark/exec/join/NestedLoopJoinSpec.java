package dev.ember.spark.exec.join;

import dev.ember.spark.columnar.SparkTypes;
import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.exec.ExprPrograms;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.ExistenceJoin;
import org.apache.spark.sql.catalyst.plans.InnerLike;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.LeftAnti$;
import org.apache.spark.sql.catalyst.plans.LeftOuter$;
import org.apache.spark.sql.catalyst.plans.LeftSemi$;
import org.apache.spark.sql.catalyst.plans.RightOuter$;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a join without keys computes on the GPU: every pair of a stream row and a build row is a
 * candidate, the condition (if any) decides which pairs match. The kinds are those that need only
 * the stream side's matches, which one task knows: inner (and cross) joins on either build side, and,
 * building the right side, the left outer, left semi, left anti and existence joins (a right outer
 * join building the left side is the mirror of the left outer one). Joins that output or test build
 * rows matched by any stream row (full outer; left outer, semi or anti building the left side) need
 * every partition's matches: Spark runs a separate job over all stream partitions for them, and they
 * stay on the CPU.
 */
public final class NestedLoopJoinSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The join's kind, seen from the stream side. */
    public enum Kind {
        /** Matching pairs. */
        INNER(true),
        /** Matching pairs, and each stream row without a match with nulls on the build side. */
        STREAM_OUTER(true),
        /** Stream rows with a match. */
        SEMI(false),
        /** Stream rows without a match. */
        ANTI(false),
        /** Every stream row and whether it has a match (Spark's existence join's {@code exists} column). */
        EXISTENCE(false);

        private final boolean pairs;

        Kind(boolean pairs) {
            this.pairs = pairs;
        }

        /** Whether the output has pairs (the build side's columns), not stream rows alone. */
        public boolean pairs() {
            return pairs;
        }
    }

    private final Kind kind;
    private final boolean buildLeft;
    private final List<Attribute> streamOutput;
    private final List<Attribute> buildOutput;
    private final Expression condition;

    private NestedLoopJoinSpec(Kind kind, boolean buildLeft, List<Attribute> streamOutput,
            List<Attribute> buildOutput, Expression condition) {
        this.kind = kind;
        this.buildLeft = buildLeft;
        this.streamOutput = streamOutput;
        this.buildOutput = buildOutput;
        this.condition = condition;
    }

    /** The kind of Spark's {@code joinType} built on the left or right side, or empty when none fits. */
    static Optional<Kind> kind(JoinType joinType, boolean buildLeft) {
        if (joinType instanceof InnerLike) {
            return Optional.of(Kind.INNER);
        }
        if (buildLeft) {
            return joinType == RightOuter$.MODULE$ ? Optional.of(Kind.STREAM_OUTER) : Optional.empty();
        }
        if (joinType == LeftOuter$.MODULE$) {
            return Optional.of(Kind.STREAM_OUTER);
        } else if (joinType == LeftSemi$.MODULE$) {
            return Optional.of(Kind.SEMI);
        } else if (joinType == LeftAnti$.MODULE$) {
            return Optional.of(Kind.ANTI);
        } else if (joinType instanceof ExistenceJoin) {
            return Optional.of(Kind.EXISTENCE);
        }
        return Optional.empty();
    }

    public static boolean isBuildLeft(BuildSide side) {
        return side == BuildLeft$.MODULE$;
    }

    /** The plan of a join with Spark's fields; {@link #whyNot} must have found nothing. */
    public static NestedLoopJoinSpec of(JoinType joinType, BuildSide buildSide, Option<Expression> condition,
            Seq<Attribute> leftOutput, Seq<Attribute> rightOutput) {
        boolean buildLeft = isBuildLeft(buildSide);
        Kind kind = kind(joinType, buildLeft).orElseThrow(() -> new IllegalArgumentException(
                "no GPU nested loop join for " + joinType + " building " + buildSide));
        List<Attribute> lo = List.copyOf(CollectionConverters.asJava(leftOutput));
        List<Attribute> ro = List.copyOf(CollectionConverters.asJava(rightOutput));
        return new NestedLoopJoinSpec(kind, buildLeft, buildLeft ? ro : lo, buildLeft ? lo : ro,
                condition.isDefined() ? condition.get() : null);
    }

    /**
     * Why a join without keys with these fields cannot run on the GPU, or empty: join types that need
     * the build side's matches across partitions, column types the device lacks, a condition that
     * does not compile (expressions without a GPU translation report their own reasons).
     */
    public static Optional<String> whyNot(JoinType joinType, BuildSide buildSide, Option<Expression> condition,
            Seq<Attribute> leftOutput, Seq<Attribute> rightOutput, EmberConf conf) {
        boolean buildLeft = isBuildLeft(buildSide);
        if (kind(joinType, buildLeft).isEmpty()) {
            return Optional.of("a " + joinType.sql() + " nested loop join building the " + (buildLeft ? "left" : "right")
                    + " side needs the build rows matched in every partition (Spark finds them with a separate "
                    + "job over the whole stream side); only inner joins and left outer, semi, anti and existence "
                    + "joins building the right side (right outer building the left) run on the GPU");
        }
        List<Attribute> both = new ArrayList<>(CollectionConverters.asJava(leftOutput));
        both.addAll(CollectionConverters.asJava(rightOutput));
        for (Attribute a : both) {
            if (SparkTypes.toDType(a.dataType()).isEmpty()) {
                return Optional.of("column " + a.name() + ": type " + a.dataType().simpleString()
                        + " is not supported on the GPU");
            }
        }
        if (condition.isDefined()) {
            return ExprPrograms.compileProblem(List.of(condition.get()), both, conf)
                    .map(p -> "the join condition: " + p);
        }
        return Optional.empty();
    }

    public Kind kind() {
        return kind;
    }

    public boolean buildLeft() {
        return buildLeft;
    }

    public List<Attribute> streamOutput() {
        return streamOutput;
    }

    public List<Attribute> buildOutput() {
        return buildOutput;
    }

    /** The condition over {@code left.output ++ right.output}, or null. */
    public Expression condition() {
        return condition;
    }

    /** Spark's left and right outputs, in order: the layout of the condition's input and of pair output. */
    public List<Attribute> leftThenRight() {
        List<Attribute> out = new ArrayList<>(buildLeft ? buildOutput : streamOutput);
        out.addAll(buildLeft ? streamOutput : buildOutput);
        return out;
    }

    @Override
    public String toString() {
        return "NestedLoopJoinSpec[" + kind + (buildLeft ? ", build left" : ", build right")
                + (condition == null ? "" : ", condition " + condition) + "]";
    }
}
