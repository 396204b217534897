package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.ops.HashJoin;
import dev.ember.spark.columnar.SparkTypes;
import dev.ember.spark.conf.EmberConf;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.expressions.KnownFloatingPointNormalized;
import org.apache.spark.sql.catalyst.optimizer.NormalizeNaNAndZero;
import org.apache.spark.sql.catalyst.plans.ExistenceJoin;
import org.apache.spark.sql.catalyst.plans.FullOuter$;
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
 * What one of Spark's equi-joins computes in terms of the GPU hash join ({@link HashJoin}): the op
 * probes with the stream side as its "left" side, so Spark's join type is mapped through the build
 * side (a left outer join building the left side preserves the build side: the op's RIGHT_OUTER).
 * Keys are Spark's key expressions of each side, evaluated by expression programs, with the
 * floating-point normalization Spark wraps around float keys left out (the op compares -0.0 equal to
 * 0.0 and NaN equal to NaN itself); Spark rewrites {@code <=>} keys into {@code coalesce} and {@code
 * isnull} pairs, so no op key is null-safe. The condition, when there is one, is evaluated over the
 * candidate pairs laid out as Spark's {@code left.output ++ right.output}.
 */
public final class HashJoinSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final HashJoin.JoinType opType;
    private final boolean buildLeft;
    private final List<Expression> streamKeys;
    private final List<Expression> buildKeys;
    private final List<Attribute> streamOutput;
    private final List<Attribute> buildOutput;
    private final Expression condition;

    private HashJoinSpec(HashJoin.JoinType opType, boolean buildLeft, List<Expression> streamKeys,
            List<Expression> buildKeys, List<Attribute> streamOutput, List<Attribute> buildOutput,
            Expression condition) {
        this.opType = opType;
        this.buildLeft = buildLeft;
        this.streamKeys = streamKeys;
        this.buildKeys = buildKeys;
        this.streamOutput = streamOutput;
        this.buildOutput = buildOutput;
        this.condition = condition;
    }

    /** The op's join type for Spark's {@code joinType} built on {@code buildSide}, or empty with no mapping. */
    static Optional<HashJoin.JoinType> opType(JoinType joinType, boolean buildLeft, boolean nullAware) {
        if (nullAware) {
            return joinType == LeftAnti$.MODULE$ && !buildLeft ? Optional.of(HashJoin.JoinType.NULL_AWARE_LEFT_ANTI)
                    : Optional.empty();
        }
        if (joinType instanceof InnerLike) {
            return Optional.of(HashJoin.JoinType.INNER);
        } else if (joinType == FullOuter$.MODULE$) {
            return Optional.of(HashJoin.JoinType.FULL_OUTER);
        } else if (joinType == LeftOuter$.MODULE$) {
            return Optional.of(buildLeft ? HashJoin.JoinType.RIGHT_OUTER : HashJoin.JoinType.LEFT_OUTER);
        } else if (joinType == RightOuter$.MODULE$) {
            return Optional.of(buildLeft ? HashJoin.JoinType.LEFT_OUTER : HashJoin.JoinType.RIGHT_OUTER);
        } else if (!buildLeft && joinType == LeftSemi$.MODULE$) {
            return Optional.of(HashJoin.JoinType.LEFT_SEMI);
        } else if (!buildLeft && joinType == LeftAnti$.MODULE$) {
            return Optional.of(HashJoin.JoinType.LEFT_ANTI);
        }
        return Optional.empty();
    }

    public static boolean isBuildLeft(BuildSide side) {
        return side == BuildLeft$.MODULE$;
    }

    /** The plan of a join with Spark's fields; {@link #whyNot} must have found nothing. */
    public static HashJoinSpec of(Seq<Expression> leftKeys, Seq<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, Seq<Attribute> leftOutput, Seq<Attribute> rightOutput,
            boolean nullAware) {
        boolean buildLeft = isBuildLeft(buildSide);
        HashJoin.JoinType type = opType(joinType, buildLeft, nullAware).orElseThrow(
                () -> new IllegalArgumentException("no GPU hash join for " + joinType + " building " + buildSide));
        List<Expression> left = keys(leftKeys);
        List<Expression> right = keys(rightKeys);
        List<Attribute> lo = List.copyOf(CollectionConverters.asJava(leftOutput));
        List<Attribute> ro = List.copyOf(CollectionConverters.asJava(rightOutput));
        return new HashJoinSpec(type, buildLeft, buildLeft ? right : left, buildLeft ? left : right,
                buildLeft ? ro : lo, buildLeft ? lo : ro, condition.isDefined() ? condition.get() : null);
    }

    /**
     * Why a join with these fields cannot run on the GPU, or empty: join types without a mapping
     * (existence joins, semi/anti joins building the left side), conditions on a null-aware anti
     * join, key types that differ between the sides or that the device lacks, and key expressions or
     * a condition that do not compile. Expressions without a GPU translation are reported by their own
     * tags ({@link #evaluated}).
     */
    public static Optional<String> whyNot(Seq<Expression> leftKeys, Seq<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, Seq<Attribute> leftOutput, Seq<Attribute> rightOutput,
            boolean nullAware, EmberConf conf) {
        if (joinType instanceof ExistenceJoin) {
            return Optional.of("existence joins (EXISTS / IN subqueries used in a disjunction) are not supported by "
                    + "the GPU hash join");
        }
        boolean buildLeft = isBuildLeft(buildSide);
        if (opType(joinType, buildLeft, nullAware).isEmpty()) {
            return Optional.of("join type " + joinType.sql() + (nullAware ? " (null-aware)" : "") + " building the "
                    + (buildLeft ? "left" : "right") + " side has no GPU hash join");
        }
        if (nullAware && condition.isDefined()) {
            return Optional.of("the null-aware anti join takes no extra condition on the GPU");
        }
        List<Expression> left = keys(leftKeys);
        List<Expression> right = keys(rightKeys);
        if (left.isEmpty() || left.size() != right.size()) {
            return Optional.of("a hash join needs the same number (at least one) of keys on both sides, not "
                    + left.size() + " and " + right.size());
        }
        for (int k = 0; k < left.size(); k++) {
            var lt = left.get(k).dataType();
            var rt = right.get(k).dataType();
            if (!lt.sameType(rt)) {
                return Optional.of("join key " + k + " is " + lt.simpleString() + " on the left but " + rt.simpleString()
                        + " on the right");
            }
            if (SparkTypes.toDType(lt).isEmpty()) {
                return Optional.of("join key " + left.get(k).sql() + ": type " + lt.simpleString()
                        + " is not supported on the GPU");
            }
        }
        List<Attribute> lo = CollectionConverters.asJava(leftOutput);
        List<Attribute> ro = CollectionConverters.asJava(rightOutput);
        Optional<String> problem = ExprPrograms.compileProblem(left, lo, conf)
                .or(() -> ExprPrograms.compileProblem(right, ro, conf));
        if (problem.isEmpty() && condition.isDefined()) {
            List<Attribute> both = new ArrayList<>(lo);
            both.addAll(ro);
            problem = ExprPrograms.compileProblem(List.of(condition.get()), both, conf)
                    .map(p -> "the join condition: " + p);
        }
        return problem;
    }

    /** The expressions the GPU evaluates: the keys (without float normalization) and the condition. */
    public static List<Expression> evaluated(Seq<Expression> leftKeys, Seq<Expression> rightKeys,
            Option<Expression> condition) {
        List<Expression> out = new ArrayList<>(keys(leftKeys));
        out.addAll(keys(rightKeys));
        if (condition.isDefined()) {
            out.add(condition.get());
        }
        return out;
    }

    /** The key expressions, each without the float normalization Spark wraps around it. */
    static List<Expression> keys(Seq<Expression> keys) {
        List<Expression> out = new ArrayList<>();
        for (Expression e : CollectionConverters.asJava(keys)) {
            out.add(withoutNormalization(e));
        }
        return List.copyOf(out);
    }

    private static Expression withoutNormalization(Expression e) {
        Expression x = e;
        while (true) {
            if (x instanceof KnownFloatingPointNormalized k) {
                x = k.child();
            } else if (x instanceof NormalizeNaNAndZero n) {
                x = n.child();
            } else {
                return x;
            }
        }
    }

    public HashJoin.JoinType opType() {
        return opType;
    }

    public boolean buildLeft() {
        return buildLeft;
    }

    public List<Expression> streamKeys() {
        return streamKeys;
    }

    public List<Expression> buildKeys() {
        return buildKeys;
    }

    public List<Attribute> streamOutput() {
        return streamOutput;
    }

    public List<Attribute> buildOutput() {
        return buildOutput;
    }

    /** The extra condition over {@code left.output ++ right.output}, or null. */
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
        return "HashJoinSpec[" + opType + (buildLeft ? ", build left" : ", build right") + ", stream keys "
                + streamKeys + ", build keys " + buildKeys + (condition == null ? "" : ", condition " + condition) + "]";
    }
}
