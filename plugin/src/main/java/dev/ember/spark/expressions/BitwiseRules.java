package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.binary;
import static dev.ember.spark.expressions.ExprSupport.builder;
import static dev.ember.spark.expressions.ExprSupport.reg;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.TypeSig;
import dev.ember.spark.planning.TypeSig.Kind;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.BitwiseAnd;
import org.apache.spark.sql.catalyst.expressions.BitwiseNot;
import org.apache.spark.sql.catalyst.expressions.BitwiseOr;
import org.apache.spark.sql.catalyst.expressions.BitwiseXor;
import org.apache.spark.sql.catalyst.expressions.ShiftLeft;
import org.apache.spark.sql.catalyst.expressions.ShiftRight;
import org.apache.spark.sql.catalyst.expressions.ShiftRightUnsigned;

/**
 * Bitwise operators and shifts, Java's operators at the operands' width. They raise no errors, so they
 * run in ANSI mode too. Spark rewrites {@code grouping(k)} and {@code grouping_id(k, ...)} over the
 * expand's grouping id into shifts and ands, so these keep such final aggregates on the GPU.
 */
public final class BitwiseRules {
    private static final TypeSig INTEGRAL = TypeSig.of(Kind.BYTE, Kind.SHORT, Kind.INT, Kind.LONG);
    /** Spark's shifts take an int or bigint value and an int distance. */
    private static final TypeSig SHIFTED = TypeSig.of(Kind.INT, Kind.LONG);

    private BitwiseRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(
                rule(BitwiseAnd.class, "a & b of integral types", INTEGRAL, INTEGRAL, null,
                        binary(ProgramBuilder::bitAnd)),
                rule(BitwiseOr.class, "a | b of integral types", INTEGRAL, INTEGRAL, null,
                        binary(ProgramBuilder::bitOr)),
                rule(BitwiseXor.class, "a ^ b of integral types", INTEGRAL, INTEGRAL, null,
                        binary(ProgramBuilder::bitXor)),
                rule(BitwiseNot.class, "~a of an integral type", INTEGRAL, INTEGRAL, null,
                        (e, c, ctx) -> builder(ctx).bitNot(reg(c.get(0)))),
                rule(ShiftLeft.class, "shiftleft(a, n) of an int or bigint: Java's a << n (n modulo the width)",
                        SHIFTED, SHIFTED, null, binary(ProgramBuilder::shiftLeft)),
                rule(ShiftRight.class, "shiftright(a, n) of an int or bigint: Java's a >> n (sign-extending, n "
                        + "modulo the width)", SHIFTED, SHIFTED, null, binary(ProgramBuilder::shiftRight)),
                rule(ShiftRightUnsigned.class, "shiftrightunsigned(a, n) of an int or bigint: Java's a >>> n "
                        + "(zero-filling, n modulo the width)", SHIFTED, SHIFTED, null,
                        binary(ProgramBuilder::shiftRightUnsigned)));
    }
}
