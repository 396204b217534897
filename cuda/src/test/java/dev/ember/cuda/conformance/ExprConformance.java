package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.Op;
import dev.ember.cuda.expr.Program;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.ProgramEvaluator;
import dev.ember.cuda.expr.Reg;
import dev.ember.cuda.kernel.ExprKernels;
import dev.ember.cuda.testing.RandomColumns;
import dev.ember.cuda.testing.RandomData;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Conformance cases for {@code expr.cu}: fixed programs that together use every opcode on every type
 * it takes, over random columns (nulls, NaN payloads, -0.0, infinities, min/max, with and without
 * validity bitmaps). Every output's data and validity bytes are compared.
 */
final class ExprConformance {
    private static final DType[] NUMERIC = {DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.FLOAT32,
        DType.FLOAT64};
    private static final DType[] CASTABLE = {DType.BOOL8, DType.INT8, DType.INT16, DType.INT32, DType.INT64,
        DType.FLOAT32, DType.FLOAT64};

    private static final DType DEC10 = DType.decimal64(10, 2);
    private static final DType DEC7 = DType.decimal64(7, 2);
    private static final DType DEC15 = DType.decimal64(15, 5);

    /** Rows the DECIMAL128 cases run at most. */
    private static final int WIDE_ROWS = 100_003;
    private static final DType WIDE38 = DType.decimal128(38, 10);
    private static final DType WIDE20 = DType.decimal128(20, 2);
    private static final DType WIDE38_4 = DType.decimal128(38, 4);
    private static final DType WIDE32 = DType.decimal128(32, 4);
    private static final DType DEC18 = DType.decimal64(18, 4);
    private static final DType DEC16 = DType.decimal64(16, 2);

    private ExprConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (DType t : NUMERIC) {
            cases.add(program("expr numeric " + t, new DType[] {t, t, DType.BOOL8}, b -> numeric(b, t)));
        }
        cases.add(program("expr boolean", new DType[] {DType.BOOL8, DType.BOOL8, DType.BOOL8}, ExprConformance::logic));
        cases.add(program("expr date", new DType[] {DType.DATE32, DType.DATE32, DType.INT32}, ExprConformance::dates));
        cases.add(program("expr math", new DType[] {DType.FLOAT64, DType.FLOAT64, DEC10, DEC15, DType.decimal64(18, 18),
            DType.INT32, DType.INT32}, ExprConformance::math));
        cases.add(program("expr bitwise", new DType[] {DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.INT32,
            DType.INT64}, ExprConformance::bitwise));
        cases.add(program("expr decimal64", new DType[] {DEC10, DEC10, DEC7, DType.BOOL8, DType.INT64, DEC15, DType.INT32},
                ExprConformance::decimals));
        cases.add(program("expr decimal128", new DType[] {WIDE38, WIDE38, WIDE20, DType.BOOL8, DType.INT64, DEC18,
            DType.INT32}, ExprConformance::wideDecimals));
        cases.add(program("expr decimal128 arithmetic", new DType[] {WIDE38, WIDE38, WIDE20, WIDE38_4, WIDE32, DEC16,
            DEC18}, ExprConformance::wideArithmetic));
        cases.add(program("expr round", new DType[] {DType.INT8, DType.INT16, DType.INT32, DType.INT64, DEC15, DEC18},
                ExprConformance::round));
        cases.add(program("expr round decimal128", new DType[] {WIDE38, WIDE20, DEC18, DType.INT8},
                ExprConformance::wideRound));
        cases.add(program("expr decimal remainder", new DType[] {WIDE38, WIDE38, WIDE20, DEC18, DEC15, DType.INT8},
                ExprConformance::decimalRemainders));
        cases.add(program("expr timestamp", new DType[] {DType.TIMESTAMP_US, DType.TIMESTAMP_US, DType.INT64,
            DType.FLOAT64, DType.DATE32, DType.INT32, DType.INT32, DType.INT32}, ExprConformance::timestamps));
        for (String zone : List.of("America/Los_Angeles", "Australia/Lord_Howe", "Europe/Dublin", "Asia/Kolkata")) {
            cases.add(program("expr timestamp zone " + zone, new DType[] {DType.TIMESTAMP_US, DType.INT32,
                DType.DATE32}, b -> zoned(b, java.time.ZoneId.of(zone))));
        }
        cases.add(program("expr mixed, 40 instructions", new DType[] {DType.INT32, DType.FLOAT64, DType.DATE32,
            DType.BOOL8, DType.INT64}, ExprConformance::mixed));
        return cases;
    }

    private static void numeric(ProgramBuilder b, DType t) {
        Reg x = b.input(0, t);
        Reg y = b.input(1, t);
        Reg c = b.input(2, DType.BOOL8);
        for (Op op : List.of(Op.ADD, Op.SUBTRACT, Op.MULTIPLY, Op.REMAINDER, Op.PMOD)) {
            b.output(b.op(op, x, y));
        }
        b.output(b.negate(x));
        b.output(b.abs(y));
        if (t.equals(DType.FLOAT32) || t.equals(DType.FLOAT64)) {
            b.output(b.divide(x, y));
            b.output(b.isNaN(x));
        }
        if (t.equals(DType.INT64)) {
            b.output(b.integralDivide(x, y));
        }
        comparisons(b, x, y);
        for (DType to : CASTABLE) {
            b.output(b.cast(x, to));
        }
        b.output(b.ifThenElse(c, x, y));
        b.output(b.coalesce(x, y, b.nullLiteral(t), b.literal(t, literal(t, 3))));
        List<Object> list = new ArrayList<>(Arrays.asList(specialLiterals(t)));
        b.output(b.in(x, list));
        list.add(null);
        b.output(b.in(y, list));
    }

    private static void comparisons(ProgramBuilder b, Reg x, Reg y) {
        for (Op op : List.of(Op.EQUAL, Op.NULL_SAFE_EQUAL, Op.LESS_THAN, Op.LESS_OR_EQUAL, Op.GREATER_THAN,
                Op.GREATER_OR_EQUAL, Op.NOT_EQUAL)) {
            b.output(b.op(op, x, y));
        }
        b.output(b.isNull(x));
        b.output(b.isNotNull(y));
    }

    private static void logic(ProgramBuilder b) {
        Reg p = b.input(0, DType.BOOL8);
        Reg q = b.input(1, DType.BOOL8);
        Reg r = b.input(2, DType.BOOL8);
        b.output(b.and(p, q));
        b.output(b.or(p, q));
        b.output(b.not(p));
        b.output(b.and(b.or(p, b.nullLiteral(DType.BOOL8)), b.not(r)));
        b.output(b.or(b.and(q, b.nullLiteral(DType.BOOL8)), r));
        comparisons(b, p, q);
        for (DType to : CASTABLE) {
            b.output(b.cast(q, to));
        }
        b.output(b.in(p, Arrays.asList(true, null)));
        b.output(b.caseWhen(List.of(p, q), List.of(b.literal(1), b.literal(2)), null));
        b.output(b.coalesce(p, q, r));
    }

    private static void dates(ProgramBuilder b) {
        Reg d = b.input(0, DType.DATE32);
        Reg e = b.input(1, DType.DATE32);
        Reg n = b.input(2, DType.INT32);
        b.output(b.year(d));
        b.output(b.month(d));
        b.output(b.dayOfMonth(d));
        b.output(b.dateAdd(d, n));
        b.output(b.dateSub(e, n));
        b.output(b.dateDiff(d, e));
        b.output(b.year(b.dateAdd(b.dateLiteral(-719_162), n)));
        b.output(b.dayOfWeek(d));
        b.output(b.weekday(e));
        b.output(b.dayOfYear(d));
        b.output(b.quarter(e));
        b.output(b.weekOfYear(d));
        b.output(b.weekOfYear(e));
        b.output(b.lastDay(d));
        b.output(b.greatest(d, e, b.dateLiteral(0)));
        b.output(b.least(d, e));
        comparisons(b, d, e);
        b.output(b.in(d, Arrays.asList(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, null)));
        b.output(b.coalesce(d, e));
    }

    /**
     * FLOOR, CEIL (doubles and DECIMAL64 of every scale class, on any int64), SIGNUM, SQRT, and greatest /
     * least (IF, OR, IS_NULL and comparisons) over doubles with NaN, -0.0 and nulls and over ints.
     */
    private static void math(ProgramBuilder b) {
        Reg x = b.input(0, DType.FLOAT64);
        Reg y = b.input(1, DType.FLOAT64);
        Reg d = b.input(2, DEC10);
        Reg f = b.input(3, DEC15);
        Reg g = b.input(4, DType.decimal64(18, 18));
        Reg i = b.input(5, DType.INT32);
        Reg j = b.input(6, DType.INT32);
        b.output(b.floor(x));
        b.output(b.ceil(y));
        b.output(b.floor(d));
        b.output(b.ceil(d));
        b.output(b.floor(f));
        b.output(b.ceil(f));
        b.output(b.floor(g));
        b.output(b.ceil(g));
        b.output(b.signum(x));
        b.output(b.sqrt(y));
        b.output(b.sqrt(b.signum(y)));
        b.output(b.greatest(x, y, b.literal(0.0)));
        b.output(b.least(x, y, b.nullLiteral(DType.FLOAT64)));
        b.output(b.greatest(i, j));
        b.output(b.least(j, i, b.literal(7)));
    }

    /**
     * BIT_AND, BIT_OR, BIT_XOR, BIT_NOT on every integral type, shifts of ints and bigints by any int
     * (negative and past the width included).
     */
    private static void bitwise(ProgramBuilder b) {
        Reg[] values = {b.input(0, DType.INT8), b.input(1, DType.INT16), b.input(2, DType.INT32), b.input(3, DType.INT64)};
        Reg distance = b.input(4, DType.INT32);
        Reg other = b.input(5, DType.INT64);
        b.output(b.bitAnd(values[0], b.literal((byte) 0x5a)));
        b.output(b.bitOr(values[1], b.literal((short) -32768)));
        b.output(b.bitXor(values[2], distance));
        b.output(b.bitAnd(values[3], other));
        b.output(b.bitOr(values[3], other));
        b.output(b.bitXor(other, values[3]));
        for (Reg v : values) {
            b.output(b.bitNot(v));
        }
        for (Reg v : List.of(values[2], values[3])) {
            b.output(b.shiftLeft(v, distance));
            b.output(b.shiftRight(v, distance));
            b.output(b.shiftRightUnsigned(v, distance));
            b.output(b.shiftRightUnsigned(v, b.literal(1)));
        }
    }

    /**
     * ROUND of every integral type (negative scales up to past 19 digits, wrapping) and of DECIMAL64 (any
     * int64, beyond the precision too) to positive and negative scales, HALF_UP and HALF_EVEN; small
     * decimals made from tinyints give ties (x.5, x.x5) in every row class.
     */
    private static void round(ProgramBuilder b) {
        Reg i8 = b.input(0, DType.INT8);
        Reg i16 = b.input(1, DType.INT16);
        Reg i32 = b.input(2, DType.INT32);
        Reg i64 = b.input(3, DType.INT64);
        Reg d15 = b.input(4, DEC15);
        Reg d18 = b.input(5, DEC18);
        for (boolean halfEven : new boolean[] {false, true}) {
            b.output(b.round(i8, -1, halfEven));
            b.output(b.round(i8, -2, halfEven));
            b.output(b.round(i16, -3, halfEven));
            b.output(b.round(i32, -1, halfEven));
            b.output(b.round(i32, -9, halfEven));
            b.output(b.round(i32, -10, halfEven));
            b.output(b.round(i64, -1, halfEven));
            b.output(b.round(i64, -18, halfEven));
            b.output(b.round(i64, -19, halfEven));
            b.output(b.round(i64, -20, halfEven));
            b.output(b.round(i64, -100, halfEven));
            b.output(b.round(i64, 2, halfEven));
            b.output(b.round(d15, 0, halfEven));
            b.output(b.round(d15, 3, halfEven));
            b.output(b.round(d15, 7, halfEven));
            b.output(b.round(d15, -2, halfEven));
            b.output(b.round(d15, -12, halfEven));
            b.output(b.round(d18, 1, halfEven));
            b.output(b.round(d18, -15, halfEven));
            Reg small = b.makeDecimal(b.cast(i8, DType.INT64), 4, 1);
            b.output(b.round(small, 0, halfEven));
            b.output(b.round(b.makeDecimal(b.cast(i8, DType.INT64), 4, 2), 1, halfEven));
            b.output(b.round(small, -1, halfEven));
        }
    }

    /**
     * ROUND through DECIMAL128: wide operands to wide and narrow results, a DECIMAL64 operand to a wide
     * result (a negative scale of many digits), ties from tinyints at 20 digits.
     */
    private static void wideRound(ProgramBuilder b) {
        Reg x = b.input(0, WIDE38);
        Reg y = b.input(1, WIDE20);
        Reg d = b.input(2, DEC18);
        Reg i8 = b.input(3, DType.INT8);
        for (boolean halfEven : new boolean[] {false, true}) {
            b.output(b.round(x, 0, halfEven));
            b.output(b.round(x, 4, halfEven));
            b.output(b.round(x, 12, halfEven));
            b.output(b.round(x, -5, halfEven));
            b.output(b.round(x, -27, halfEven));
            b.output(b.round(x, -28, halfEven));
            b.output(b.round(x, -40, halfEven));
            b.output(b.round(y, 1, halfEven));
            b.output(b.round(y, -17, halfEven));
            b.output(b.round(d, -25, halfEven));
            b.output(b.round(d, 2, halfEven));
            b.output(halfEven ? b.floor(x) : b.ceil(x));
            b.output(halfEven ? b.ceil(y) : b.floor(y));
            Reg tie = b.cast(b.makeDecimal(b.cast(i8, DType.INT64), 3, 1), DType.decimal128(20, 1));
            b.output(b.round(tie, 0, halfEven));
            b.output(b.round(tie, -1, halfEven));
        }
    }

    /**
     * REMAINDER and PMOD of DECIMAL128 (operands rescaled to one scale, wide and narrow results), over
     * random values of every sign (zero divisors and values beyond the precision included).
     */
    private static void decimalRemainders(ProgramBuilder b) {
        Reg x = b.input(0, WIDE38);
        Reg y = b.input(1, WIDE38);
        Reg w = b.input(2, WIDE20);
        Reg d = b.input(3, DEC18);
        Reg e = b.input(4, DEC15);
        Reg i8 = b.input(5, DType.INT8);
        Reg small = b.makeDecimal(b.cast(i8, DType.INT64), 3, 1);
        for (Op op : List.of(Op.REMAINDER, Op.PMOD)) {
            b.output(b.decimalRemainder(op, x, y, DType.decimal128(38, 10)));
            b.output(b.decimalRemainder(op, w, d, DType.decimal128(22, 4)));
            b.output(b.decimalRemainder(op, d, e, DType.decimal64(15, 5)));
            b.output(b.decimalRemainder(op, e, small, DType.decimal64(7, 5)));
            b.output(b.decimalRemainder(op, x, small, DType.decimal128(20, 10)));
        }
    }

    /** Every DECIMAL64 instruction; the random inputs are any int64, beyond the types' precision too. */
    private static void decimals(ProgramBuilder b) {
        Reg x = b.input(0, DEC10);
        Reg y = b.input(1, DEC10);
        Reg z = b.input(2, DEC7);
        Reg flag = b.input(3, DType.BOOL8);
        Reg l = b.input(4, DType.INT64);
        Reg f = b.input(5, DEC15);
        Reg i = b.input(6, DType.INT32);
        comparisons(b, x, y);
        for (DType to : List.of(DType.decimal64(12, 4), DType.decimal64(6, 0), DType.decimal64(18, 18),
                DType.decimal64(9, 1), DType.BOOL8, DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.FLOAT64)) {
            b.output(b.cast(x, to));
        }
        b.output(b.cast(z, DType.FLOAT32));
        Reg wide = b.cast(l, DType.decimal64(18, 0));
        b.output(wide);
        b.output(b.cast(wide, DType.FLOAT64));
        b.output(b.cast(wide, DType.FLOAT32));
        b.output(b.cast(i, DEC7));
        b.output(b.cast(flag, DType.decimal64(1, 0)));
        b.output(b.cast(f, DType.decimal64(4, 1)));
        b.output(b.makeDecimal(l, 17, 2));
        b.output(b.makeDecimal(l, 1, 0));
        b.output(b.unscaledValue(f));
        b.output(b.decimalAdd(x, z));
        b.output(b.decimalSubtract(x, f));
        b.output(b.decimalMultiply(z, z));
        b.output(b.ifThenElse(flag, x, y));
        b.output(b.coalesce(x, b.nullLiteral(DEC10), b.literal(DEC10, new java.math.BigDecimal("-12.34"))));
        b.output(b.in(y, Arrays.asList(java.math.BigDecimal.ZERO, new java.math.BigDecimal("99999999.99"), null)));
    }

    /**
     * Every DECIMAL128 instruction but the arithmetic: inputs, literals, NULL, outputs, comparisons, null
     * tests, IN, IF, COALESCE, NEGATE, ABS and the casts to, from and among DECIMAL128. The random inputs
     * fit their precision mostly; one row in sixteen is any 128-bit word.
     */
    private static void wideDecimals(ProgramBuilder b) {
        Reg x = b.input(0, WIDE38);
        Reg y = b.input(1, WIDE38);
        Reg z = b.input(2, WIDE20);
        Reg flag = b.input(3, DType.BOOL8);
        Reg l = b.input(4, DType.INT64);
        Reg d = b.input(5, DEC18);
        Reg i = b.input(6, DType.INT32);
        comparisons(b, x, y);
        BigDecimal max = new BigDecimal(BigInteger.TEN.pow(38).subtract(BigInteger.ONE), 10);
        BigDecimal unit = BigDecimal.ONE.movePointLeft(10);
        b.output(b.in(x, Arrays.asList(BigDecimal.ZERO, max, max.negate(), unit, unit.negate())));
        b.output(b.in(y, Arrays.asList(new BigDecimal("-12345678901234567890.0123456789"), BigDecimal.ONE, null)));
        b.output(b.ifThenElse(flag, x, y));
        b.output(b.coalesce(x, b.nullLiteral(WIDE38), b.literal(WIDE38, max.negate())));
        b.output(b.caseWhen(List.of(flag, b.isNull(y)), List.of(z, b.literal(WIDE20, new BigDecimal("-0.01"))),
                b.nullLiteral(WIDE20)));
        b.output(b.negate(x));
        b.output(b.abs(z));
        // DECIMAL128 to DECIMAL128: scale up (overflow), scale down (HALF_UP, overflow); to DECIMAL64.
        b.output(b.cast(x, DType.decimal128(38, 20)));
        b.output(b.cast(x, DType.decimal128(30, 2)));
        b.output(b.cast(z, DType.decimal128(19, 0)));
        b.output(b.cast(x, DType.decimal64(18, 4)));
        b.output(b.cast(z, DType.decimal64(10, 0)));
        // DECIMAL128 to the integral types (truncating, wrapping) and boolean.
        for (DType to : List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32, DType.INT64)) {
            b.output(b.cast(z, to));
        }
        b.output(b.cast(x, DType.INT64));
        // To DECIMAL128 from DECIMAL64, the integral types and boolean.
        b.output(b.cast(d, DType.decimal128(38, 4)));
        b.output(b.cast(d, DType.decimal128(19, 1)));
        b.output(b.cast(l, DType.decimal128(38, 19)));
        b.output(b.cast(l, DType.decimal128(20, 2)));
        b.output(b.cast(i, DType.decimal128(20, 10)));
        b.output(b.cast(flag, DType.decimal128(19, 18)));
        b.output(b.lessThan(b.cast(d, WIDE38), y));
    }

    /**
     * DECIMAL128 ADD, SUBTRACT, MULTIPLY and DIVIDE with Spark's result types (with and without
     * precision loss), rounding HALF_UP, overflowing and dividing by zero, on DECIMAL128 and DECIMAL64
     * operands, with DECIMAL128 and DECIMAL64 results.
     */
    private static void wideArithmetic(ProgramBuilder b) {
        Reg x = b.input(0, WIDE38);
        Reg y = b.input(1, WIDE38);
        Reg z = b.input(2, WIDE20);
        Reg w = b.input(3, WIDE38_4);
        Reg v = b.input(4, WIDE32);
        Reg u = b.input(5, DEC16);
        Reg d = b.input(6, DEC18);
        // decimal(38,10) + decimal(38,10) = decimal(38,9); - decimal(20,2): decimal(38,9).
        b.output(b.decimalArithmetic(Op.ADD, x, y, DType.decimal128(38, 9)));
        b.output(b.decimalArithmetic(Op.SUBTRACT, x, z, DType.decimal128(38, 9)));
        // Without precision loss: decimal(38,10) + decimal(38,10) = decimal(38,10); decimal(20,2) -
        // decimal(18,4) = decimal(23,4) either way.
        b.output(b.decimalArithmetic(Op.ADD, x, y, DType.decimal128(38, 10)));
        b.output(b.decimalArithmetic(Op.SUBTRACT, z, d, DType.decimal128(23, 4)));
        // decimal(38,4) * decimal(38,4) = decimal(38,6); decimal(32,4) * decimal(16,2) = decimal(38,6);
        // without precision loss decimal(38,10) * decimal(20,2) = decimal(38,12); decimal(18,4) *
        // decimal(18,4) = decimal(37,8) either way.
        b.output(b.decimalArithmetic(Op.MULTIPLY, w, w, DType.decimal128(38, 6)));
        b.output(b.decimalArithmetic(Op.MULTIPLY, v, u, DType.decimal128(38, 6)));
        b.output(b.decimalArithmetic(Op.MULTIPLY, x, z, DType.decimal128(38, 12)));
        b.output(b.decimalArithmetic(Op.MULTIPLY, d, d, DType.decimal128(37, 8)));
        // decimal(38,4) / decimal(38,4) = decimal(38,6); decimal(38,10) / decimal(20,2) = decimal(38,8);
        // decimal(20,2) / decimal(18,4) = decimal(38,16); without precision loss decimal(38,10) /
        // decimal(38,10) = decimal(38,18).
        b.output(b.decimalArithmetic(Op.DIVIDE, w, w, DType.decimal128(38, 6)));
        b.output(b.decimalArithmetic(Op.DIVIDE, x, z, DType.decimal128(38, 8)));
        b.output(b.decimalArithmetic(Op.DIVIDE, z, d, DType.decimal128(38, 16)));
        b.output(b.decimalArithmetic(Op.DIVIDE, x, y, DType.decimal128(38, 18)));
        // Narrow results of the 128-bit instructions (types a caller may ask for; not Spark's own).
        b.output(b.decimalArithmetic(Op.DIVIDE, u, d, DType.decimal64(18, 6)));
        b.output(b.decimalArithmetic(Op.DIVIDE, u, u, DType.decimal64(18, 6)));
        b.output(b.decimalArithmetic(Op.MULTIPLY, z, u, DType.decimal64(12, 1)));
    }

    /** A 40-instruction program that keeps many values alive at once and reuses registers. */
    private static void mixed(ProgramBuilder b) {
        Reg i = b.input(0, DType.INT32);
        Reg x = b.input(1, DType.FLOAT64);
        Reg d = b.input(2, DType.DATE32);
        Reg flag = b.input(3, DType.BOOL8);
        Reg l = b.input(4, DType.INT64);
        Reg il = b.cast(i, DType.INT64);
        Reg sum = b.add(il, l);
        Reg prod = b.multiply(sum, b.literal(31L));
        Reg q = b.integralDivide(prod, b.subtract(l, b.literal(7L)));
        Reg xd = b.divide(b.add(x, b.cast(i, DType.FLOAT64)), b.cast(l, DType.FLOAT64));
        Reg big = b.greaterThan(xd, b.literal(0.5));
        Reg year = b.year(b.dateAdd(d, b.pmod(i, b.literal(400))));
        Reg cond = b.and(b.or(flag, big), b.not(b.isNull(d)));
        Reg choice = b.caseWhen(List.of(cond, b.lessThan(year, b.literal(2000))),
                List.of(q, b.cast(year, DType.INT64)), b.coalesce(l, b.literal(-1L)));
        b.output(choice);
        b.output(b.in(b.remainder(i, b.literal(10)), Arrays.asList(1, 3, 5, null)));
        b.output(b.coalesce(b.cast(xd, DType.FLOAT32), b.literal(Float.NaN)));
        b.output(b.nullSafeEqual(b.abs(b.negate(sum)), b.cast(b.month(d), DType.INT64)));
        b.output(cond);
    }

    /**
     * TIMESTAMP_US moves, comparisons, IF, COALESCE and IN; casts to and from numbers (int64 and double
     * seconds, saturating and NaN cases); trunc, add_months and make_date on any int32 fields.
     */
    private static void timestamps(ProgramBuilder b) {
        Reg t = b.input(0, DType.TIMESTAMP_US);
        Reg u = b.input(1, DType.TIMESTAMP_US);
        Reg l = b.input(2, DType.INT64);
        Reg x = b.input(3, DType.FLOAT64);
        Reg d = b.input(4, DType.DATE32);
        Reg y = b.input(5, DType.INT32);
        Reg m = b.input(6, DType.INT32);
        Reg n = b.input(7, DType.INT32);
        comparisons(b, t, u);
        b.output(b.coalesce(t, u, b.timestampLiteral(-1)));
        b.output(b.ifThenElse(b.lessThan(t, u), u, b.nullLiteral(DType.TIMESTAMP_US)));
        b.output(b.in(t, Arrays.asList(0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L, null)));
        b.output(b.greatest(t, u));
        b.output(b.cast(t, DType.INT64));
        b.output(b.integralDivide(b.timestampMicros(t), b.literal(1_000_000L)));
        b.output(b.cast(u, DType.INT32));
        b.output(b.cast(t, DType.FLOAT64));
        b.output(b.cast(u, DType.FLOAT32));
        b.output(b.cast(t, DType.BOOL8));
        b.output(b.cast(l, DType.TIMESTAMP_US));
        b.output(b.cast(y, DType.TIMESTAMP_US));
        b.output(b.cast(x, DType.TIMESTAMP_US));
        b.output(b.cast(b.cast(m, DType.FLOAT32), DType.TIMESTAMP_US));
        for (String level : List.of("WEEK", "MONTH", "QUARTER", "YEAR", "DAY")) {
            b.output(b.truncDate(d, level));
        }
        b.output(b.addMonths(d, n));
        b.output(b.addMonths(d, b.remainder(n, b.literal(30))));
        b.output(b.makeDate(y, m, n));
        // Plausible fields too: years near the present, months and days mostly in range.
        b.output(b.makeDate(b.add(b.literal(2000), b.remainder(y, b.literal(500))), b.remainder(m, b.literal(14)),
                b.remainder(n, b.literal(33))));
    }

    /**
     * The zone-table instructions of one zone over any int64 instant, over instants of 1154..2786 (int32
     * times 12.000001 seconds: transitions, the periodic part past the listed years) and over dates.
     */
    private static void zoned(ProgramBuilder b, java.time.ZoneId zone) {
        Reg any = b.input(0, DType.TIMESTAMP_US);
        Reg i = b.input(1, DType.INT32);
        Reg d = b.input(2, DType.DATE32);
        Reg t = b.cast(b.multiply(b.cast(i, DType.FLOAT64), b.literal(12.000001)), DType.TIMESTAMP_US);
        for (Reg ts : List.of(any, t)) {
            b.output(b.timestampToDate(ts, zone));
            b.output(b.hour(ts, zone));
            b.output(b.minute(ts, zone));
            b.output(b.second(ts, zone));
        }
        for (String level : List.of("MINUTE", "HOUR", "DAY", "WEEK", "QUARTER", "MILLISECOND")) {
            b.output(b.truncTimestamp(t, level, zone));
        }
        b.output(b.truncTimestamp(any, "YEAR", zone));
        b.output(b.dateToTimestamp(d, zone));
        b.output(b.dateToTimestamp(b.timestampToDate(t, zone), zone));
    }

    private static Object[] specialLiterals(DType t) {
        return switch (t.id()) {
            case INT8 -> new Object[] {(byte) 0, Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) -1};
            case INT16 -> new Object[] {(short) 0, Short.MIN_VALUE, Short.MAX_VALUE, (short) 1};
            case INT32 -> new Object[] {0, Integer.MIN_VALUE, Integer.MAX_VALUE, -1};
            case INT64 -> new Object[] {0L, Long.MIN_VALUE, Long.MAX_VALUE, 1L};
            case FLOAT32 -> new Object[] {Float.NaN, -0.0f, Float.POSITIVE_INFINITY, 1.5f};
            default -> new Object[] {Double.NaN, -0.0, Double.NEGATIVE_INFINITY, 0.5};
        };
    }

    private static Object literal(DType t, int v) {
        return switch (t.id()) {
            case INT8 -> (byte) v;
            case INT16 -> (short) v;
            case INT32 -> v;
            case INT64 -> (long) v;
            case FLOAT32 -> (float) v;
            default -> (double) v;
        };
    }

    private static ConformanceCase program(String name, DType[] inputTypes, Consumer<ProgramBuilder> body) {
        ProgramBuilder builder = new ProgramBuilder();
        body.accept(builder);
        Program program = builder.build();
        String kernel = program.usesDecimal128() ? ExprKernels.EVAL_PROGRAM_DEC128 : ExprKernels.EVAL_PROGRAM;
        return LambdaCase.of(name, Set.of(kernel), (device, seed, size) -> {
            // The 128-bit arithmetic costs the simulator about 18 s per million rows and case: past
            // WIDE_ROWS (still many blocks of the grid-stride loop) the wide cases keep the build's time.
            int n = program.usesDecimal128() ? Math.min(size, WIDE_ROWS) : size;
            Random r = new Random(seed);
            List<Column> inputs = new ArrayList<>();
            try {
                for (DType type : inputTypes) {
                    inputs.add(randomColumn(device, r, type, n));
                }
                List<Column> outputs = ProgramEvaluator.evaluate(device, program, inputs, n, device.defaultStream());
                List<byte[]> bytes = new ArrayList<>();
                try {
                    for (Column c : outputs) {
                        bytes.add(LambdaCase.bytes(c.data()));
                        bytes.add(LambdaCase.bytes(c.validity()));
                    }
                } finally {
                    outputs.forEach(Column::close);
                }
                return bytes;
            } finally {
                inputs.forEach(Column::close);
            }
        });
    }

    private static Column randomColumn(Device device, Random r, DType type, int n) {
        byte[] values = RandomColumns.values(r, type, n);
        if (type.id() == DType.TypeId.DECIMAL128) {
            // Values that fit the precision: ±(10^p - 1), 0, ±1, every digit count; one row in sixteen
            // keeps its random 128-bit word, beyond the precision.
            byte[] fitting = RandomColumns.decimalValues(r, type, n);
            for (int i = 0; i < n; i++) {
                if (r.nextInt(16) != 0) {
                    System.arraycopy(fitting, 16 * i, values, 16 * i, 16);
                }
            }
        }
        if (type.equals(DType.BOOL8)) {
            // Any non-zero byte is true: mix in a few that are neither 0 nor 1.
            for (int i = 0; i < n; i++) {
                if (r.nextInt(8) == 0) {
                    values[i] = (byte) r.nextInt();
                }
            }
        }
        DeviceBuffer data = DeviceArrays.upload(device, values);
        DeviceBuffer validity;
        try {
            validity = LambdaCase.uploadValidityOrNull(device, r, n);
        } catch (RuntimeException | Error e) {
            data.close();
            throw e;
        }
        return Column.create(type, n, data, validity, Column.UNKNOWN_NULL_COUNT);
    }
}
