package dev.ember.cuda.expr;

import static dev.ember.cuda.column.DType.BOOL8;
import static dev.ember.cuda.column.DType.DATE32;
import static dev.ember.cuda.column.DType.FLOAT32;
import static dev.ember.cuda.column.DType.FLOAT64;
import static dev.ember.cuda.column.DType.INT16;
import static dev.ember.cuda.column.DType.INT32;
import static dev.ember.cuda.column.DType.INT64;
import static dev.ember.cuda.column.DType.INT8;

import dev.ember.cuda.column.DType;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The operations of an expression program, with Spark 3.5's semantics when ANSI mode is off. Unless
 * an operation says otherwise, any null operand gives a null result. "Numeric" is INT8, INT16, INT32,
 * INT64, FLOAT32 or FLOAT64; binary operations take two operands of the same type (the translation
 * layer inserts Spark's implicit casts first). Floating-point results that are NaN are the canonical
 * NaN ({@code Float.NaN} / {@code Double.NaN}); values moved without computation (inputs, literals,
 * IF, COALESCE) keep their bits. The contract per opcode is repeated in {@code expr.cu}.
 *
 * <p>DECIMAL64 values (precision 1..18) are their unscaled int64, DECIMAL128 values (19..38) their
 * unscaled int128 in a register pair: comparisons, IS NULL, IF, COALESCE, IN, NEGATE and ABS work on
 * them as on integers, between operands of one precision and scale (Spark's analyzer casts comparison
 * operands to a common decimal type first). Decimal arithmetic is built with {@link
 * ProgramBuilder#decimalArithmetic} (and {@link ProgramBuilder#decimalAdd} and its siblings for
 * DECIMAL64 results), casts with {@link ProgramBuilder#cast}.
 */
public enum Op {
    /**
     * Numeric {@code a + b}: integral types wrap at their own width (tinyint + tinyint stays tinyint);
     * IEEE for floats. On DECIMAL64 (emitted only by {@link ProgramBuilder#decimalAdd} and {@link
     * ProgramBuilder#decimalArithmetic}, on operands rescaled to the result's scale) the sum of the
     * unscaled values, which cannot overflow int64.
     */
    ADD(10, Shape.BINARY_NUMERIC),
    /** Numeric {@code a - b}, wrapping like {@link #ADD}. */
    SUBTRACT(11, Shape.BINARY_NUMERIC),
    /** Numeric {@code a * b}, wrapping like {@link #ADD}. */
    MULTIPLY(12, Shape.BINARY_NUMERIC),
    /**
     * FLOAT32/FLOAT64 {@code a / b}; null when {@code b == 0} (also -0.0). Decimal division is built with
     * {@link ProgramBuilder#decimalArithmetic}.
     */
    DIVIDE(13, Shape.FLOATING_BINARY),
    /** INT64 {@code a div b} truncating toward zero; null when b is 0; {@code Long.MIN_VALUE div -1 = Long.MIN_VALUE}. */
    INTEGRAL_DIVIDE(14, Shape.INT64_BINARY),
    /**
     * Numeric {@code a % b} with the sign of a (Java's {@code %}; C's fmod for floats); null when
     * {@code b == 0} (also -0.0); {@code MIN % -1 = 0}.
     */
    REMAINDER(15, Shape.BINARY_NUMERIC),
    /**
     * Spark's {@code pmod(a, b)}: {@code r = a % b; r < 0 ? (r + b) % b : r}, the addition wrapping at
     * the type's width (int for tinyint/smallint, as Spark computes them); null when {@code b == 0}.
     * REMAINDER and PMOD of decimals (exact, on DECIMAL128 operands of one scale) are built with {@link
     * ProgramBuilder#decimalRemainder}.
     */
    PMOD(16, Shape.BINARY_NUMERIC),
    /** Numeric {@code -a}; integral types wrap ({@code -MIN = MIN}); decimals keep their type (exact). */
    NEGATE(17, Shape.UNARY_NUMERIC),
    /**
     * Numeric {@code abs(a)}; integral types wrap ({@code abs(MIN) = MIN}); {@code abs(-0.0) = 0.0};
     * decimals keep their type (exact).
     */
    ABS(18, Shape.UNARY_NUMERIC),
    /**
     * {@code a = b} on any type. Floating point uses Spark's order: NaN = NaN is true, -0.0 = 0.0, NaN is
     * above +Infinity. Result BOOL8.
     */
    EQUAL(20, Shape.COMPARISON),
    /** {@code a <=> b}: never null; null <=> null is true, null <=> value is false, else as {@link #EQUAL}. */
    NULL_SAFE_EQUAL(21, Shape.COMPARISON),
    /** {@code a < b} in Spark's order (see {@link #EQUAL}); false &lt; true for BOOL8. */
    LESS_THAN(22, Shape.COMPARISON),
    /** {@code a <= b} in Spark's order. */
    LESS_OR_EQUAL(23, Shape.COMPARISON),
    /** {@code a > b} in Spark's order. */
    GREATER_THAN(24, Shape.COMPARISON),
    /** {@code a >= b} in Spark's order. */
    GREATER_OR_EQUAL(25, Shape.COMPARISON),
    /** {@code a != b}, i.e. {@code NOT (a = b)}: null if either is null. */
    NOT_EQUAL(26, Shape.COMPARISON),
    /** SQL three-valued {@code a AND b}: false if either is false, else null if either is null, else true. */
    AND(30, Shape.LOGIC),
    /** SQL three-valued {@code a OR b}: true if either is true, else null if either is null, else false. */
    OR(31, Shape.LOGIC),
    /** {@code NOT a}; null stays null. */
    NOT(32, Shape.LOGIC_UNARY),
    /** {@code a IS NULL} on any type; never null. */
    IS_NULL(33, Shape.NULL_TEST),
    /** {@code a IS NOT NULL} on any type; never null. */
    IS_NOT_NULL(34, Shape.NULL_TEST),
    /** {@code isnan(a)} on FLOAT32/FLOAT64; never null (null gives false). */
    IS_NAN(35, Shape.FLOATING_TEST),
    /**
     * {@code CAST(a AS t)} among BOOL8, INT8..INT64, FLOAT32, FLOAT64 with the rules of {@code cast.cu}
     * (integral narrowing wraps, floating to integral saturates with NaN as 0, to tinyint/smallint
     * through int; x != 0 to boolean, NaN is true), and with DECIMAL64 as Spark's legacy cast: decimal
     * to decimal rescales exactly up and HALF_UP down, null when the result has more digits than its
     * precision; BOOL8 and integral values to decimal likewise (from scale 0); decimal to integral
     * truncates toward zero and wraps to the target width; decimal to boolean is {@code d != 0};
     * decimal to FLOAT64/FLOAT32 is the unscaled value divided by 10^scale in that type, which is
     * Spark's correctly rounded {@code BigDecimal.doubleValue()/floatValue()} where the builder allows
     * it ({@link ProgramBuilder#decimalCastProblem}). Built with {@link ProgramBuilder#cast}.
     */
    CAST(40, Shape.SPECIAL),
    /** {@code IF(c, a, b)}: a when c is true, b when c is false or null. c is BOOL8, a and b of one type. */
    IF(41, Shape.IF),
    /** {@code coalesce(a, b, ...)}: the first non-null operand, null when all are null; one or more operands of one type. */
    COALESCE(42, Shape.VARIADIC),
    /**
     * {@code a IN (literals)}: null when a is null; true when a equals a literal ({@link #EQUAL}'s
     * equality: NaN matches NaN, -0.0 matches 0.0); else null when the list holds a null; else false.
     * Built with {@link ProgramBuilder#in}.
     */
    IN(43, Shape.SPECIAL),
    /**
     * Spark's {@code MakeDecimal(v, p, s)} with nullOnOverflow, and the overflow check of decimal
     * arithmetic: the INT64 or DECIMAL64 operand's value as an unscaled DECIMAL64, null when
     * {@code |v| >= 10^p} (the precision p, 1..18, is the instruction's aux field). Built with {@link
     * ProgramBuilder#makeDecimal}.
     */
    MAKE_DECIMAL(60, Shape.SPECIAL),
    /** Spark's {@code UnscaledValue(d)}: a DECIMAL64's unscaled value as INT64. Built with {@link ProgramBuilder#unscaledValue}. */
    UNSCALED_VALUE(61, Shape.SPECIAL),
    /** {@code year(d)} of a DATE32 (days since 1970-01-01, proleptic Gregorian) as INT32. */
    YEAR(50, Shape.DATE_PART),
    /** {@code month(d)}, 1..12, as INT32. */
    MONTH(51, Shape.DATE_PART),
    /** {@code dayofmonth(d)}, 1..31, as INT32. */
    DAY_OF_MONTH(52, Shape.DATE_PART),
    /** {@code date_add(d, n)}: DATE32 plus INT32 days, wrapping at int32 as Spark 3.5 does. */
    DATE_ADD(53, Shape.DATE_SHIFT),
    /** {@code date_sub(d, n)}: DATE32 minus INT32 days, wrapping at int32. */
    DATE_SUB(54, Shape.DATE_SHIFT),
    /** {@code datediff(end, start)}: INT32 {@code end - start} in days, wrapping at int32. */
    DATE_DIFF(55, Shape.DATE_DIFF),
    /** Spark's {@code dayofweek(d)}: 1 (Sunday) to 7 (Saturday), as INT32. */
    DAY_OF_WEEK(56, Shape.DATE_PART),
    /** Spark's {@code weekday(d)}: 0 (Monday) to 6 (Sunday), as INT32. */
    WEEKDAY(57, Shape.DATE_PART),
    /** {@code dayofyear(d)}, 1..366, as INT32. */
    DAY_OF_YEAR(58, Shape.DATE_PART),
    /** {@code quarter(d)}, 1..4, as INT32. */
    QUARTER(59, Shape.DATE_PART),
    /**
     * {@code weekofyear(d)}: the ISO-8601 week, 1..53 (weeks start on Monday, week 1 holds the year's
     * first Thursday; early January days may be in week 52 or 53, late December days in week 1).
     */
    WEEK_OF_YEAR(62, Shape.DATE_PART),
    /** {@code last_day(d)}: the last day of d's month as DATE32 ({@code d - day + days in month}, wrapping at int32). */
    LAST_DAY(63, Shape.DATE_TO_DATE),
    /**
     * {@code floor(a)} of a FLOAT64 as FLOAT64 (exact; the Spark expression then casts it to bigint); of
     * a DECIMAL64 of scale s the decimal of scale 0 rounded toward negative infinity. Built with {@link
     * ProgramBuilder#floor}.
     */
    FLOOR(70, Shape.SPECIAL),
    /** {@code ceil(a)}, as {@link #FLOOR} rounding toward positive infinity. Built with {@link ProgramBuilder#ceil}. */
    CEIL(71, Shape.SPECIAL),
    /** {@code signum(a)} of FLOAT64: -1.0, 1.0, or a itself for -0.0 and 0.0; NaN stays NaN (Java's Math.signum). */
    SIGNUM(72, Shape.FLOAT64_UNARY),
    /** {@code sqrt(a)} of FLOAT64, correctly rounded (Java's Math.sqrt); NaN for negative a. */
    SQRT(73, Shape.FLOAT64_UNARY),
    /** {@code a & b} of two operands of one integral type. */
    BIT_AND(120, Shape.BITWISE_BINARY),
    /** {@code a | b} of two operands of one integral type. */
    BIT_OR(121, Shape.BITWISE_BINARY),
    /** {@code a ^ b} of two operands of one integral type. */
    BIT_XOR(122, Shape.BITWISE_BINARY),
    /** {@code ~a} of an integral type. */
    BIT_NOT(123, Shape.BITWISE_UNARY),
    /** INT32 or INT64 {@code a << b} for an INT32 b, Java's: the distance modulo the width. */
    SHIFT_LEFT(124, Shape.SHIFT),
    /** INT32 or INT64 {@code a >> b} (sign-extending), the distance modulo the width. */
    SHIFT_RIGHT(125, Shape.SHIFT),
    /** INT32 or INT64 {@code a >>> b} (zero-filling at a's own width), the distance modulo the width. */
    SHIFT_RIGHT_UNSIGNED(126, Shape.SHIFT),
    /**
     * Spark's {@code round} / {@code bround} of an integral or decimal value: the value divided by 10^k
     * rounded HALF_UP (ties away from zero) or HALF_EVEN, times 10^e. On a decimal, null when the result
     * has more digits than the result precision; on INT8..INT64 the low bits of the exact result at the
     * operand's width (Java's {@code BigDecimal.longValue()} narrowed, as Spark's codegen). Built with
     * {@link ProgramBuilder#round}, which derives k, e and Spark's result type from the literal scale.
     * Two more modes, toward negative and positive infinity, give {@link ProgramBuilder#floor} and
     * {@link ProgramBuilder#ceil} of DECIMAL128 values.
     */
    ROUND(100, Shape.SPECIAL),
    /**
     * Spark's {@code CAST(ts AS DATE)} in a time zone: the local date of the TIMESTAMP_US instant
     * ({@code floorDiv(floorDiv(a, 10^6) + offset, 86400)}, the offset of {@code ZoneRules.getOffset}).
     * Carries a {@link ZoneTable}. Built with {@link ProgramBuilder#timestampToDate}.
     */
    TIMESTAMP_TO_DATE(80, Shape.SPECIAL),
    /**
     * Spark's {@code CAST(d AS TIMESTAMP)} in a time zone: {@code LocalDate.atStartOfDay(zone)} in
     * microseconds (midnight in a gap gives the gap's end, in an overlap the earlier offset); null when
     * the microseconds overflow int64 (Spark raises an error there). Carries a {@link ZoneTable}. Built
     * with {@link ProgramBuilder#dateToTimestamp}.
     */
    DATE_TO_TIMESTAMP(81, Shape.SPECIAL),
    /** Spark's {@code hour(ts)} in a time zone, 0..23, as INT32. Built with {@link ProgramBuilder#hour}. */
    HOUR(82, Shape.SPECIAL),
    /** Spark's {@code minute(ts)} in a time zone, 0..59. Built with {@link ProgramBuilder#minute}. */
    MINUTE(83, Shape.SPECIAL),
    /** Spark's {@code second(ts)} in a time zone, 0..59 (offsets may have seconds). Built with {@link ProgramBuilder#second}. */
    SECOND(84, Shape.SPECIAL),
    /** TIMESTAMP_US to INT64 seconds, {@code floorDiv(a, 10^6)} (Spark's cast to bigint). */
    TIMESTAMP_TO_SECONDS(85, Shape.SPECIAL),
    /** TIMESTAMP_US to FLOAT64 seconds, {@code (double) a / 1e6} (Spark's cast to double). */
    TIMESTAMP_TO_DOUBLE(86, Shape.SPECIAL),
    /** INT64 seconds to TIMESTAMP_US, saturating as {@code TimeUnit.SECONDS.toMicros} (Spark's cast from bigint). */
    SECONDS_TO_TIMESTAMP(87, Shape.SPECIAL),
    /** FLOAT64 seconds to TIMESTAMP_US: null for NaN and infinities, else Java's {@code (long) (a * 1e6)}. */
    DOUBLE_TO_TIMESTAMP(88, Shape.SPECIAL),
    /**
     * Spark's {@code date_trunc(level, ts)} in a time zone (aux: Spark's level, 0 MICROSECOND .. 9 YEAR;
     * see {@link ProgramBuilder#truncTimestamp}). Carries a {@link ZoneTable}.
     */
    TRUNC_TIMESTAMP(89, Shape.SPECIAL),
    /**
     * Spark's {@code trunc(d, level)} of a DATE32 for the date levels (aux: 6 WEEK, 7 MONTH, 8 QUARTER,
     * 9 YEAR), in Spark's int arithmetic. Built with {@link ProgramBuilder#truncDate}.
     */
    TRUNC_DATE(90, Shape.SPECIAL),
    /**
     * Spark's {@code add_months(d, n)}: DATE32 plus INT32 months as {@code LocalDate.plusMonths} (the
     * day clamped to the month's last day); null where the result leaves int32 days or java.time's year
     * range (Spark raises an error there).
     */
    ADD_MONTHS(91, Shape.SPECIAL),
    /**
     * Spark's {@code make_date(y, m, d)} of INT32 operands with ANSI off: the DATE32, null when the fields
     * are not a valid date (or the year is outside java.time's range).
     */
    MAKE_DATE(92, Shape.SPECIAL),
    /**
     * A TIMESTAMP_US's microseconds as INT64 (Spark's UnixTimestamp divides them, truncating). Built
     * with {@link ProgramBuilder#timestampMicros}.
     */
    TIMESTAMP_TO_MICROS(94, Shape.SPECIAL);

    /**
     * Whether instructions of this opcode read a {@link ZoneTable}: their trailing word is the index of
     * the table's words in the program ({@link ProgramEncoding#OP_ZONE_TABLE}).
     */
    public static boolean carriesZoneTable(int opcode) {
        return opcode >= 80 && opcode <= 84 || opcode == 89;
    }

    static final Set<DType> NUMERIC = Set.of(INT8, INT16, INT32, INT64, FLOAT32, FLOAT64);
    static final Set<DType> FLOATING = Set.of(FLOAT32, FLOAT64);
    static final Set<DType> INTEGRAL = Set.of(INT8, INT16, INT32, INT64);
    static final Set<DType> CASTABLE = Set.of(BOOL8, INT8, INT16, INT32, INT64, FLOAT32, FLOAT64);
    /** Every type a program computes with, DECIMAL64 of any precision and scale included. */
    private static final Predicate<DType> ANY = ProgramEncoding::isProgramType;

    private enum Shape {
        BINARY_NUMERIC, FLOATING_BINARY, INT64_BINARY, UNARY_NUMERIC, COMPARISON, LOGIC, LOGIC_UNARY, NULL_TEST,
        FLOATING_TEST, IF, VARIADIC, DATE_PART, DATE_TO_DATE, DATE_SHIFT, DATE_DIFF, FLOAT64_UNARY, BITWISE_BINARY,
        BITWISE_UNARY, SHIFT, SPECIAL
    }

    private final int code;
    private final Shape shape;

    Op(int code, Shape shape) {
        this.code = code;
        this.shape = shape;
    }

    /** The opcode in the encoded program ({@link ProgramEncoding}) and in {@code expr.cu}. */
    public int code() {
        return code;
    }

    /** The operation with this opcode, or null. */
    public static Op ofCode(int code) {
        for (Op op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }

    /**
     * The result type of this operation on operands of these types.
     *
     * @throws IllegalArgumentException when the operand count or types do not fit the operation,
     *     naming what it takes
     */
    public DType resultType(List<DType> operands) {
        switch (shape) {
            case BINARY_NUMERIC -> {
                return sameType(operands, 2, NUMERIC, "numeric");
            }
            case FLOATING_BINARY -> {
                return sameType(operands, 2, FLOATING, "float or double");
            }
            case INT64_BINARY -> {
                return sameType(operands, 2, Set.of(INT64), "bigint");
            }
            case UNARY_NUMERIC -> {
                return sameType(operands, 1, t -> NUMERIC.contains(t) || t.isDecimal(), "numeric or decimal");
            }
            case COMPARISON -> {
                sameType(operands, 2, ANY, "comparable");
                return BOOL8;
            }
            case LOGIC -> {
                return sameType(operands, 2, Set.of(BOOL8), "boolean");
            }
            case LOGIC_UNARY -> {
                return sameType(operands, 1, Set.of(BOOL8), "boolean");
            }
            case NULL_TEST -> {
                sameType(operands, 1, ANY, "any");
                return BOOL8;
            }
            case FLOATING_TEST -> {
                sameType(operands, 1, FLOATING, "float or double");
                return BOOL8;
            }
            case IF -> {
                arity(operands, 3);
                if (!operands.get(0).equals(BOOL8)) {
                    throw new IllegalArgumentException("IF needs a boolean condition, not " + operands.get(0));
                }
                return sameType(operands.subList(1, 3), 2, ANY, "IF branch");
            }
            case VARIADIC -> {
                if (operands.isEmpty()) {
                    throw new IllegalArgumentException(this + " needs at least one operand");
                }
                return sameType(operands, operands.size(), ANY, "any");
            }
            case DATE_PART -> {
                sameType(operands, 1, Set.of(DATE32), "date");
                return INT32;
            }
            case DATE_TO_DATE -> {
                return sameType(operands, 1, Set.of(DATE32), "date");
            }
            case FLOAT64_UNARY -> {
                return sameType(operands, 1, Set.of(FLOAT64), "double");
            }
            case DATE_SHIFT -> {
                arity(operands, 2);
                if (!operands.get(0).equals(DATE32) || !operands.get(1).equals(INT32)) {
                    throw new IllegalArgumentException(this + " takes (date, int), not " + operands
                            + ": cast a tinyint or smallint day count to int first");
                }
                return DATE32;
            }
            case DATE_DIFF -> {
                sameType(operands, 2, Set.of(DATE32), "date");
                return INT32;
            }
            case BITWISE_BINARY -> {
                return sameType(operands, 2, INTEGRAL, "integral");
            }
            case BITWISE_UNARY -> {
                return sameType(operands, 1, INTEGRAL, "integral");
            }
            case SHIFT -> {
                arity(operands, 2);
                DType value = operands.get(0);
                if (!(value.equals(INT32) || value.equals(INT64)) || !operands.get(1).equals(INT32)) {
                    throw new IllegalArgumentException(this + " takes (int or bigint, int), not " + operands
                            + ": cast a tinyint or smallint to int first");
                }
                return value;
            }
            default -> throw new IllegalArgumentException(this + " needs more than operands: use ProgramBuilder."
                    + switch (this) {
                        case CAST -> "cast(value, type)";
                        case MAKE_DECIMAL -> "makeDecimal(value, precision, scale)";
                        case UNSCALED_VALUE -> "unscaledValue(value)";
                        case FLOOR -> "floor(value)";
                        case CEIL -> "ceil(value)";
                        case ROUND -> "round(value, scale, halfEven)";
                        case TIMESTAMP_TO_DATE, DATE_TO_TIMESTAMP, HOUR, MINUTE, SECOND, TRUNC_TIMESTAMP, TRUNC_DATE,
                                ADD_MONTHS, MAKE_DATE -> "the method of the same name";
                        case TIMESTAMP_TO_MICROS -> "timestampMicros(value)";
                        case TIMESTAMP_TO_SECONDS, TIMESTAMP_TO_DOUBLE, SECONDS_TO_TIMESTAMP, DOUBLE_TO_TIMESTAMP ->
                                "cast(value, type)";
                        default -> "in(value, literals)";
                    });
        }
    }

    private void arity(List<DType> operands, int n) {
        if (operands.size() != n) {
            throw new IllegalArgumentException(this + " takes " + n + " operand" + (n == 1 ? "" : "s") + ", not "
                    + operands.size());
        }
    }

    private DType sameType(List<DType> operands, int n, Set<DType> allowed, String what) {
        return sameType(operands, n, allowed::contains, what);
    }

    private DType sameType(List<DType> operands, int n, Predicate<DType> allowed, String what) {
        arity(operands, n);
        DType first = operands.get(0);
        for (DType t : operands) {
            if (!t.equals(first)) {
                throw new IllegalArgumentException(this + " needs operands of one type, not " + operands
                        + ": cast them to a common type first");
            }
        }
        if (!allowed.test(first)) {
            throw new IllegalArgumentException(this + " takes " + what + " operands, not " + first);
        }
        return first;
    }
}
