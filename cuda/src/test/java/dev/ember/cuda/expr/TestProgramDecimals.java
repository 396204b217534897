package dev.ember.cuda.expr;

import static dev.ember.cuda.expr.EvalHarness.check;
import static dev.ember.cuda.expr.EvalHarness.strict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.column.DType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DECIMAL64 in programs on the selected device against {@link BigDecimal} references (Spark's own
 * Decimal is a BigDecimal or an unscaled long with the same semantics): random values with nulls,
 * ±(10^p - 1), 0 and ±1 units, at zero scale, scale 18 and in between.
 */
class TestProgramDecimals {
    private static final DType[] TYPES = {DType.decimal64(1, 0), DType.decimal64(7, 2), DType.decimal64(10, 2),
        DType.decimal64(15, 5), DType.decimal64(18, 0), DType.decimal64(18, 18), DType.decimal64(18, 4)};
    private static final DType[] INTEGRAL = {DType.INT8, DType.INT16, DType.INT32, DType.INT64};

    /** The value if it has at most {@code precision} digits, else null (Spark's null on overflow). */
    private static BigDecimal fit(BigDecimal v, int precision) {
        return v.unscaledValue().abs().compareTo(BigInteger.TEN.pow(precision)) < 0 ? v : null;
    }

    private static BigDecimal cast(BigDecimal v, DType to) {
        return fit(v.setScale(to.scale(), RoundingMode.HALF_UP), to.precision());
    }

    private static DType[] types(DType... t) {
        return t;
    }

    @Test
    void castProblemsOfWideDecimals() {
        // Casts among the integral types, booleans and decimals of every width are computed: decimal(15,2) →
        // decimal(19,6), as Spark compares a decimal(15,2) column with an average, and back.
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(15, 2), DType.decimal(19, 6))).isEmpty();
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(25, 2), DType.decimal(15, 2))).isEmpty();
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(38, 0), DType.decimal(20, 19))).isEmpty();
        for (DType t : List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32, DType.INT64)) {
            assertThat(ProgramBuilder.decimalCastProblem(t, DType.decimal(27, 3))).as("%s to decimal(27,3)", t).isEmpty();
            assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(27, 3), t)).as("decimal(27,3) to %s", t).isEmpty();
        }
        // What remains refused names the wide decimal and says why.
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(25, 2), DType.FLOAT64)).get().asString()
                .contains("decimal(25,2)").contains("double").contains("more than 18 digits");
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(19, 0), DType.FLOAT32)).get().asString()
                .contains("decimal(19,0)").contains("float");
        assertThat(ProgramBuilder.decimalCastProblem(DType.FLOAT64, DType.decimal(27, 3))).get().asString()
                .contains("decimal(27,3)").contains("Double.toString");
        assertThat(ProgramBuilder.decimalCastProblem(DType.DATE32, DType.decimal(27, 3))).get().asString()
                .contains("date").contains("decimal(27,3)");
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal(38, 10), DType.DATE32)).get().asString()
                .contains("decimal(38,10)").contains("date");
        assertThatThrownBy(() -> {
            ProgramBuilder b = new ProgramBuilder();
            b.cast(b.input(0, DType.decimal(30, 4)), DType.FLOAT64);
        }).hasMessageContaining("decimal(30,4)").hasMessageContaining("double");
    }

    @Test
    void comparisonsNullTestsAndOutputs() {
        for (DType t : TYPES) {
            List<Op> ops = List.of(Op.EQUAL, Op.LESS_THAN, Op.LESS_OR_EQUAL, Op.GREATER_THAN, Op.GREATER_OR_EQUAL,
                    Op.NOT_EQUAL);
            for (Op op : ops) {
                check(op + " " + t, types(t, t), b -> b.op(op, b.input(0, t), b.input(1, t)), strict(a -> {
                    int c = ((BigDecimal) a[0]).compareTo((BigDecimal) a[1]);
                    return switch (op) {
                        case EQUAL -> c == 0;
                        case LESS_THAN -> c < 0;
                        case LESS_OR_EQUAL -> c <= 0;
                        case GREATER_THAN -> c > 0;
                        case GREATER_OR_EQUAL -> c >= 0;
                        default -> c != 0;
                    };
                }));
            }
            check("<=> " + t, types(t, t), b -> b.nullSafeEqual(b.input(0, t), b.input(1, t)),
                    a -> a[0] == null || a[1] == null ? a[0] == a[1] : ((BigDecimal) a[0]).compareTo((BigDecimal) a[1]) == 0);
            check("is null " + t, types(t), b -> b.isNull(b.input(0, t)), a -> a[0] == null);
            check("pass through " + t, types(t), b -> b.input(0, t), a -> a[0]);
        }
    }

    @Test
    void literalsConditionalsAndIn() {
        for (DType t : TYPES) {
            BigDecimal max = new BigDecimal(BigInteger.TEN.pow(t.precision()).subtract(BigInteger.ONE), t.scale());
            BigDecimal one = BigDecimal.ONE.movePointLeft(t.scale());
            check("if " + t, types(DType.BOOL8, t, t), b -> b.ifThenElse(b.input(0, DType.BOOL8), b.input(1, t),
                    b.input(2, t)), a -> Boolean.TRUE.equals(a[0]) ? a[1] : a[2]);
            check("coalesce " + t, types(t, t), b -> b.coalesce(b.input(0, t), b.input(1, t), b.literal(t, max)),
                    a -> a[0] != null ? a[0] : a[1] != null ? a[1] : max);
            check("case " + t, types(DType.BOOL8, t), b -> b.caseWhen(List.of(b.input(0, DType.BOOL8)),
                    List.of(b.literal(t, max.negate())), b.nullLiteral(t)), a -> Boolean.TRUE.equals(a[0]) ? max.negate() : null);
            List<Object> list = new ArrayList<>(Arrays.asList(max, max.negate(), BigDecimal.ZERO, one.negate()));
            check("in " + t, types(t), b -> b.in(b.input(0, t), list), a -> a[0] == null ? null
                    : list.stream().anyMatch(x -> ((BigDecimal) x).compareTo((BigDecimal) a[0]) == 0));
            list.add(null);
            check("in with null " + t, types(t), b -> b.in(b.input(0, t), list), a -> a[0] == null ? null
                    : list.stream().anyMatch(x -> x != null && ((BigDecimal) x).compareTo((BigDecimal) a[0]) == 0)
                            ? Boolean.TRUE : null);
        }
    }

    @Test
    void literalsMustFitTheirType() {
        ProgramBuilder b = new ProgramBuilder();
        DType t = DType.decimal64(5, 2);
        assertThat(b.literal(t, new BigDecimal("1.5")).type()).isEqualTo(t);
        assertThatThrownBy(() -> b.literal(t, new BigDecimal("1.005"))).hasMessageContaining("digits after the point");
        assertThatThrownBy(() -> b.literal(t, new BigDecimal("1000.00"))).hasMessageContaining("more digits");
        assertThatThrownBy(() -> b.literal(t, 5L)).hasMessageContaining("BigDecimal");
        assertThatThrownBy(() -> b.equal(b.input(0, t), b.input(1, DType.decimal64(6, 2))))
                .hasMessageContaining("one type");
        assertThatThrownBy(() -> b.add(b.input(0, t), b.input(0, t))).hasMessageContaining("numeric");
    }

    @Test
    void makeDecimalAndUnscaledValue() {
        for (DType t : TYPES) {
            check("make decimal " + t, types(DType.INT64), b -> b.makeDecimal(b.input(0, DType.INT64), t.precision(),
                    t.scale()), strict(a -> fit(BigDecimal.valueOf((Long) a[0], t.scale()), t.precision())));
            check("unscaled " + t, types(t), b -> b.unscaledValue(b.input(0, t)),
                    strict(a -> ((BigDecimal) a[0]).unscaledValue().longValueExact()));
        }
    }

    @Test
    void decimalToDecimal() {
        for (DType from : TYPES) {
            for (DType to : TYPES) {
                check("cast " + from + " to " + to, types(from), b -> b.cast(b.input(0, from), to),
                        strict(a -> cast((BigDecimal) a[0], to)));
            }
        }
    }

    @Test
    void integralAndBooleanToDecimal() {
        for (DType from : INTEGRAL) {
            for (DType to : TYPES) {
                check("cast " + from + " to " + to, types(from), b -> b.cast(b.input(0, from), to),
                        strict(a -> cast(new BigDecimal(((Number) a[0]).longValue()), to)));
            }
        }
        DType to = DType.decimal64(3, 2);
        check("cast boolean to " + to, types(DType.BOOL8), b -> b.cast(b.input(0, DType.BOOL8), to),
                strict(a -> cast((Boolean) a[0] ? BigDecimal.ONE : BigDecimal.ZERO, to)));
        check("cast boolean to decimal(2,2)", types(DType.BOOL8), b -> b.cast(b.input(0, DType.BOOL8),
                DType.decimal64(2, 2)), strict(a -> (Boolean) a[0] ? null : new BigDecimal("0.00")));
    }

    @Test
    void decimalToIntegralAndBoolean() {
        for (DType from : TYPES) {
            for (DType to : INTEGRAL) {
                check("cast " + from + " to " + to, types(from), b -> b.cast(b.input(0, from), to), strict(a -> {
                    long truncated = ((BigDecimal) a[0]).toBigInteger().longValueExact();
                    return switch (to.id()) {
                        case INT8 -> (byte) truncated;
                        case INT16 -> (short) truncated;
                        case INT32 -> (int) truncated;
                        default -> truncated;
                    };
                }));
            }
            check("cast " + from + " to boolean", types(from), b -> b.cast(b.input(0, from), DType.BOOL8),
                    strict(a -> ((BigDecimal) a[0]).signum() != 0));
        }
    }

    @Test
    void decimalToFloating() {
        for (DType from : TYPES) {
            if (ProgramBuilder.decimalCastProblem(from, DType.FLOAT64).isEmpty()) {
                check("cast " + from + " to double", types(from), b -> b.cast(b.input(0, from), DType.FLOAT64),
                        strict(a -> ((BigDecimal) a[0]).doubleValue()));
            }
            if (ProgramBuilder.decimalCastProblem(from, DType.FLOAT32).isEmpty()) {
                check("cast " + from + " to float", types(from), b -> b.cast(b.input(0, from), DType.FLOAT32),
                        strict(a -> ((BigDecimal) a[0]).floatValue()));
            }
        }
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal64(16, 2), DType.FLOAT64)).get().asString()
                .contains("precisions up to 15");
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal64(18, 0), DType.FLOAT64)).isEmpty();
        assertThat(ProgramBuilder.decimalCastProblem(DType.decimal64(8, 1), DType.FLOAT32)).isPresent();
        assertThat(ProgramBuilder.decimalCastProblem(DType.FLOAT64, DType.decimal64(8, 1))).get().asString()
                .contains("Double.toString");
        assertThatThrownBy(() -> {
            ProgramBuilder b = new ProgramBuilder();
            b.cast(b.input(0, DType.decimal64(17, 2)), DType.FLOAT64);
        }).hasMessageContaining("precisions up to 15");
    }

    @Test
    void arithmetic() {
        DType[][] pairs = {{DType.decimal64(7, 2), DType.decimal64(3, 2)}, {DType.decimal64(7, 2), DType.decimal64(5, 0)},
            {DType.decimal64(10, 2), DType.decimal64(6, 5)}, {DType.decimal64(17, 0), DType.decimal64(17, 0)},
            {DType.decimal64(9, 9), DType.decimal64(8, 8)}, {DType.decimal64(1, 0), DType.decimal64(16, 16)}};
        for (DType[] pair : pairs) {
            DType x = pair[0];
            DType y = pair[1];
            for (Op op : List.of(Op.ADD, Op.SUBTRACT, Op.MULTIPLY)) {
                DType result;
                try {
                    result = ProgramBuilder.decimalResultType(op, x, y);
                } catch (IllegalArgumentException e) {
                    assertThat(op).isEqualTo(Op.MULTIPLY);
                    continue;
                }
                check(op + " " + x + ", " + y, types(x, y), b -> switch (op) {
                    case ADD -> b.decimalAdd(b.input(0, x), b.input(1, y));
                    case SUBTRACT -> b.decimalSubtract(b.input(0, x), b.input(1, y));
                    default -> b.decimalMultiply(b.input(0, x), b.input(1, y));
                }, strict(a -> {
                    BigDecimal p = (BigDecimal) a[0];
                    BigDecimal q = (BigDecimal) a[1];
                    BigDecimal exact = op == Op.ADD ? p.add(q) : op == Op.SUBTRACT ? p.subtract(q) : p.multiply(q);
                    return cast(exact, result);
                }));
            }
        }
        assertThat(ProgramBuilder.decimalResultType(Op.MULTIPLY, DType.decimal64(7, 2), DType.decimal64(3, 2)))
                .isEqualTo(DType.decimal64(11, 4));
        assertThat(ProgramBuilder.decimalResultType(Op.ADD, DType.decimal64(7, 2), DType.decimal64(5, 3)))
                .isEqualTo(DType.decimal64(9, 3));
        assertThatThrownBy(() -> ProgramBuilder.decimalResultType(Op.MULTIPLY, DType.decimal64(15, 2),
                DType.decimal64(3, 2))).hasMessageContaining("decimal(19,4)");
    }

    @Test
    void listingNamesDecimalInstructions() {
        ProgramBuilder b = new ProgramBuilder();
        Reg d = b.input(0, DType.decimal64(10, 2));
        b.output(b.cast(d, DType.decimal64(12, 4)));
        b.output(b.makeDecimal(b.unscaledValue(d), 17, 2));
        String listing = b.build().toString();
        assertThat(listing).contains("CAST decimal64 r0 to decimal64 (scale 2 -> decimal(12,4))")
                .contains("MAKE_DECIMAL bigint").contains("precision 17").contains("UNSCALED_VALUE decimal64");
    }
}
