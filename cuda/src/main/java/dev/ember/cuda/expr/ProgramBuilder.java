package dev.ember.cuda.expr;

import static dev.ember.cuda.expr.ProgramEncoding.OP_INPUT;
import static dev.ember.cuda.expr.ProgramEncoding.OP_LITERAL;
import static dev.ember.cuda.expr.ProgramEncoding.OP_NULL;
import static dev.ember.cuda.expr.ProgramEncoding.OP_OUTPUT;
import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Builds a {@link Program} from a typed expression DAG, one operation at a time. Each method appends
 * one instruction and returns its result as a fresh virtual register ({@link Reg}, SSA: defined once);
 * operand types are checked at once (an {@link IllegalArgumentException} names the operation, the
 * types it got and what it takes), so a translation layer learns about an unsupported combination
 * while it translates, not on the GPU. Semantics per operation: {@link Op}.
 *
 * <p>{@link #build()} then removes instructions whose results no output needs, assigns physical
 * registers by a linear scan over the straight-line code (a register is free again after the last
 * read of its value, and the lowest free one is taken, so the count is the maximum number of values
 * alive at once), and encodes the program ({@link ProgramEncoding}). Limits:
 * {@link ProgramEncoding#MAX_REGISTERS} registers, {@link ProgramEncoding#MAX_INSTRUCTIONS}
 * instructions, {@link ProgramEncoding#MAX_WORDS} words; beyond them {@code build()} throws and the
 * caller splits the projection into several programs (or leaves it on the CPU).
 *
 * <p>Example, {@code a + 1 > b} over an int column 0 and a bigint column 1:
 *
 * <pre>{@code
 * ProgramBuilder b = new ProgramBuilder();
 * Reg sum = b.add(b.cast(b.input(0, DType.INT32), DType.INT64), b.literal(1L));
 * b.output(b.greaterThan(sum, b.input(1, DType.INT64)));
 * Program p = b.build();
 * }</pre>
 *
 * Not thread-safe; one builder per program.
 */
public final class ProgramBuilder {
    /** One appended instruction; {@code dst} is null for OUTPUT. */
    private record Node(int opcode, int type, int aux, Reg dst, Reg[] args, long[] trailing, int index) {}

    private final List<Node> nodes = new ArrayList<>();
    private final Map<Integer, Reg> inputs = new HashMap<>();
    private final List<DType> outputs = new ArrayList<>();
    private int nextId;

    /** The value of column {@code columnIndex} (of the evaluator's input list) as {@code type}; one register per column. */
    public Reg input(int columnIndex, DType type) {
        requireNonNull(type, "type is null");
        if (columnIndex < 0) {
            throw new IllegalArgumentException("column index must be >= 0, not " + columnIndex);
        }
        int code = ProgramEncoding.typeCode(type);
        Reg existing = inputs.get(columnIndex);
        if (existing != null) {
            if (!existing.type().equals(type)) {
                throw new IllegalArgumentException("column " + columnIndex + " is already an input of type "
                        + existing.type() + ", not " + type);
            }
            return existing;
        }
        Reg reg = append(OP_INPUT, code, 0, type, new Reg[0], new long[0], columnIndex);
        inputs.put(columnIndex, reg);
        return reg;
    }

    public Reg literal(boolean value) {
        return literalWord(DType.BOOL8, value ? 1 : 0);
    }

    public Reg literal(byte value) {
        return literalWord(DType.INT8, value);
    }

    public Reg literal(short value) {
        return literalWord(DType.INT16, value);
    }

    public Reg literal(int value) {
        return literalWord(DType.INT32, value);
    }

    public Reg literal(long value) {
        return literalWord(DType.INT64, value);
    }

    /** A FLOAT32 literal; its bits are kept (a NaN payload too). */
    public Reg literal(float value) {
        return literalWord(DType.FLOAT32, Float.floatToRawIntBits(value) & 0xffffffffL);
    }

    /** A FLOAT64 literal; its bits are kept. */
    public Reg literal(double value) {
        return literalWord(DType.FLOAT64, Double.doubleToRawLongBits(value));
    }

    public Reg literal(LocalDate date) {
        return dateLiteral(Math.toIntExact(requireNonNull(date, "date is null").toEpochDay()));
    }

    /** A DATE32 literal of {@code days} since 1970-01-01. */
    public Reg dateLiteral(int days) {
        return literalWord(DType.DATE32, days);
    }

    /**
     * A literal from a boxed value as Spark's {@code Literal} holds it: Boolean for BOOL8, Byte / Short
     * / Integer / Long (in range) for the integral types, Float for FLOAT32, Float or Double for
     * FLOAT64, Integer (days) or LocalDate for DATE32, a {@link java.math.BigDecimal} that fits exactly for
     * the decimals; null gives {@link #nullLiteral}.
     */
    public Reg literal(DType type, Object value) {
        requireNonNull(type, "type is null");
        if (value == null) {
            return nullLiteral(type);
        }
        return append(OP_LITERAL, ProgramEncoding.typeCode(type), 0, type, new Reg[0], words(type, value), 0);
    }

    /** A null of {@code type}. */
    public Reg nullLiteral(DType type) {
        requireNonNull(type, "type is null");
        return append(OP_NULL, ProgramEncoding.typeCode(type), 0, type, new Reg[0], new long[0], 0);
    }

    /**
     * Applies {@code op} to {@code operands} (fixed-arity operations, and COALESCE with any count).
     *
     * @throws IllegalArgumentException when the operands do not fit the operation ({@link Op#resultType}),
     *     or for CAST and IN, which have their own methods
     */
    public Reg op(Op op, Reg... operands) {
        requireNonNull(op, "op is null");
        requireNonNull(operands, "operands is null");
        List<DType> types = new ArrayList<>(operands.length);
        for (int i = 0; i < operands.length; i++) {
            types.add(check(operands[i], op + " operand " + i).type());
        }
        DType result = op.resultType(types);
        int typeCode = ProgramEncoding.typeCode(op == Op.IF ? types.get(1) : types.get(0));
        if (op == Op.COALESCE) {
            long[] trailing = new long[operands.length];
            return append(op.code(), typeCode, 0, result, operands.clone(), trailing, 0);
        }
        return append(op.code(), typeCode, 0, result, operands.clone(), new long[0], 0);
    }

    public Reg add(Reg a, Reg b) {
        return op(Op.ADD, a, b);
    }

    public Reg subtract(Reg a, Reg b) {
        return op(Op.SUBTRACT, a, b);
    }

    public Reg multiply(Reg a, Reg b) {
        return op(Op.MULTIPLY, a, b);
    }

    public Reg divide(Reg a, Reg b) {
        return op(Op.DIVIDE, a, b);
    }

    public Reg integralDivide(Reg a, Reg b) {
        return op(Op.INTEGRAL_DIVIDE, a, b);
    }

    public Reg remainder(Reg a, Reg b) {
        return op(Op.REMAINDER, a, b);
    }

    public Reg pmod(Reg a, Reg b) {
        return op(Op.PMOD, a, b);
    }

    public Reg negate(Reg a) {
        return op(Op.NEGATE, a);
    }

    public Reg abs(Reg a) {
        return op(Op.ABS, a);
    }

    public Reg equal(Reg a, Reg b) {
        return op(Op.EQUAL, a, b);
    }

    public Reg nullSafeEqual(Reg a, Reg b) {
        return op(Op.NULL_SAFE_EQUAL, a, b);
    }

    public Reg lessThan(Reg a, Reg b) {
        return op(Op.LESS_THAN, a, b);
    }

    public Reg lessOrEqual(Reg a, Reg b) {
        return op(Op.LESS_OR_EQUAL, a, b);
    }

    public Reg greaterThan(Reg a, Reg b) {
        return op(Op.GREATER_THAN, a, b);
    }

    public Reg greaterOrEqual(Reg a, Reg b) {
        return op(Op.GREATER_OR_EQUAL, a, b);
    }

    public Reg notEqual(Reg a, Reg b) {
        return op(Op.NOT_EQUAL, a, b);
    }

    public Reg and(Reg a, Reg b) {
        return op(Op.AND, a, b);
    }

    public Reg or(Reg a, Reg b) {
        return op(Op.OR, a, b);
    }

    public Reg not(Reg a) {
        return op(Op.NOT, a);
    }

    public Reg isNull(Reg a) {
        return op(Op.IS_NULL, a);
    }

    public Reg isNotNull(Reg a) {
        return op(Op.IS_NOT_NULL, a);
    }

    public Reg isNaN(Reg a) {
        return op(Op.IS_NAN, a);
    }

    /** {@code IF(condition, then, otherwise)}; a null condition takes {@code otherwise}. */
    public Reg ifThenElse(Reg condition, Reg then, Reg otherwise) {
        return op(Op.IF, condition, then, otherwise);
    }

    /**
     * {@code CASE WHEN c0 THEN v0 WHEN c1 THEN v1 ... ELSE otherwise END} as nested IFs (a null
     * condition falls through to the next branch, as in Spark).
     *
     * @param otherwise the ELSE value, or null for none (a null of the values' type)
     */
    public Reg caseWhen(List<Reg> conditions, List<Reg> values, Reg otherwise) {
        requireNonNull(conditions, "conditions is null");
        requireNonNull(values, "values is null");
        if (conditions.isEmpty() || conditions.size() != values.size()) {
            throw new IllegalArgumentException("CASE WHEN needs one or more branches and one value per condition, not "
                    + conditions.size() + " conditions and " + values.size() + " values");
        }
        Reg result = otherwise != null ? otherwise : nullLiteral(check(values.get(0), "CASE WHEN value 0").type());
        for (int i = conditions.size() - 1; i >= 0; i--) {
            result = ifThenElse(conditions.get(i), values.get(i), result);
        }
        return result;
    }

    public Reg coalesce(Reg... operands) {
        return op(Op.COALESCE, operands);
    }

    /**
     * {@code CAST(value AS to)} among BOOL8, INT8, INT16, INT32, INT64, FLOAT32 and FLOAT64, and from
     * and to DECIMAL64 where {@link #decimalCastProblem} allows ({@link Op#CAST}); a cast to the value's
     * own type returns {@code value}.
     */
    public Reg cast(Reg value, DType to) {
        check(value, "CAST operand");
        requireNonNull(to, "to is null");
        if (value.type().isDecimal() || to.isDecimal()) {
            return DecimalOps.cast(this, value, to);
        }
        if (value.type().equals(DType.TIMESTAMP_US) || to.equals(DType.TIMESTAMP_US)) {
            return TimestampOps.cast(this, value, to);
        }
        if (!Op.CASTABLE.contains(value.type()) || !Op.CASTABLE.contains(to)) {
            throw new IllegalArgumentException("CAST converts among " + ProgramEncoding.TYPES.subList(0, 7)
                    + ", not " + value.type() + " to " + to);
        }
        if (value.type().equals(to)) {
            return value;
        }
        return append(Op.CAST.code(), ProgramEncoding.typeCode(value.type()), ProgramEncoding.typeCode(to), to,
                new Reg[] {value}, new long[0], 0);
    }

    /**
     * {@code value IN (literals...)} ({@link Op#IN}); the literals are boxed as for {@link
     * #literal(DType, Object)} in {@code value}'s type, null entries allowed.
     */
    public Reg in(Reg value, List<?> literals) {
        check(value, "IN value");
        requireNonNull(literals, "literals is null");
        if (literals.isEmpty() || literals.size() > ProgramEncoding.MAX_IN_LIST) {
            throw new IllegalArgumentException("IN needs 1 to " + ProgramEncoding.MAX_IN_LIST + " literals, not "
                    + literals.size());
        }
        boolean hasNull = false;
        List<Long> words = new ArrayList<>();
        for (Object literal : literals) {
            if (literal == null) {
                hasNull = true;
            } else {
                for (long w : words(value.type(), literal)) {
                    words.add(w);
                }
            }
        }
        long[] trailing = words.stream().mapToLong(Long::longValue).toArray();
        return append(Op.IN.code(), ProgramEncoding.typeCode(value.type()), hasNull ? 1 : 0, DType.BOOL8,
                new Reg[] {value}, trailing, 0);
    }

    /**
     * Decimal {@code a op b} for ADD, SUBTRACT, MULTIPLY or DIVIDE of decimals of any precision, with
     * the result type Spark gives it ({@code result}, a decimal of 1..38 digits): the exact result
     * rounded HALF_UP to the result's scale, null when it has more digits than the result's precision
     * (and, for DIVIDE, when b is 0). Decimals of up to 18 digits whose exact sum, difference or
     * product fits 18 digits compute in int64 registers; every other case in 128-bit registers.
     */
    public Reg decimalArithmetic(Op op, Reg a, Reg b, DType result) {
        return DecimalOps.arithmetic(this, op, check(a, op + " operand 0"), check(b, op + " operand 1"),
                requireNonNull(result, "result is null"));
    }

    /** Why programs cannot cast {@code from} to {@code to}, where either is a decimal, or empty. */
    public static Optional<String> decimalCastProblem(DType from, DType to) {
        return DecimalOps.castProblem(from, to);
    }

    /** Spark's {@code MakeDecimal(unscaled, precision, scale)} with nullOnOverflow ({@link Op#MAKE_DECIMAL}). */
    public Reg makeDecimal(Reg unscaled, int precision, int scale) {
        return DecimalOps.makeDecimal(this, check(unscaled, "MAKE_DECIMAL operand"), precision, scale);
    }

    /** Spark's {@code UnscaledValue(decimal)} ({@link Op#UNSCALED_VALUE}). */
    public Reg unscaledValue(Reg decimal) {
        return DecimalOps.unscaledValue(this, check(decimal, "UNSCALED_VALUE operand"));
    }

    /**
     * Spark's result type of decimal {@code a op b} for ADD, SUBTRACT and MULTIPLY.
     *
     * @throws IllegalArgumentException when an operand is not DECIMAL64 or the result needs more than 18 digits
     */
    public static DType decimalResultType(Op op, DType a, DType b) {
        return DecimalOps.resultType(op, a, b);
    }

    /** Decimal {@code a + b} of any two DECIMAL64 types, of type {@link #decimalResultType}; null on overflow. */
    public Reg decimalAdd(Reg a, Reg b) {
        return DecimalOps.arithmetic(this, Op.ADD, check(a, "ADD operand 0"), check(b, "ADD operand 1"));
    }

    /** Decimal {@code a - b}, as {@link #decimalAdd}. */
    public Reg decimalSubtract(Reg a, Reg b) {
        return DecimalOps.arithmetic(this, Op.SUBTRACT, check(a, "SUBTRACT operand 0"), check(b, "SUBTRACT operand 1"));
    }

    /** Decimal {@code a * b}, as {@link #decimalAdd}. */
    public Reg decimalMultiply(Reg a, Reg b) {
        return DecimalOps.arithmetic(this, Op.MULTIPLY, check(a, "MULTIPLY operand 0"), check(b, "MULTIPLY operand 1"));
    }

    public Reg year(Reg date) {
        return op(Op.YEAR, date);
    }

    public Reg month(Reg date) {
        return op(Op.MONTH, date);
    }

    public Reg dayOfMonth(Reg date) {
        return op(Op.DAY_OF_MONTH, date);
    }

    public Reg dateAdd(Reg date, Reg days) {
        return op(Op.DATE_ADD, date, days);
    }

    public Reg dateSub(Reg date, Reg days) {
        return op(Op.DATE_SUB, date, days);
    }

    public Reg dateDiff(Reg end, Reg start) {
        return op(Op.DATE_DIFF, end, start);
    }

    public Reg dayOfWeek(Reg date) {
        return op(Op.DAY_OF_WEEK, date);
    }

    public Reg weekday(Reg date) {
        return op(Op.WEEKDAY, date);
    }

    public Reg dayOfYear(Reg date) {
        return op(Op.DAY_OF_YEAR, date);
    }

    public Reg quarter(Reg date) {
        return op(Op.QUARTER, date);
    }

    public Reg weekOfYear(Reg date) {
        return op(Op.WEEK_OF_YEAR, date);
    }

    public Reg lastDay(Reg date) {
        return op(Op.LAST_DAY, date);
    }

    public Reg signum(Reg value) {
        return op(Op.SIGNUM, value);
    }

    public Reg sqrt(Reg value) {
        return op(Op.SQRT, value);
    }

    public Reg bitAnd(Reg a, Reg b) {
        return op(Op.BIT_AND, a, b);
    }

    public Reg bitOr(Reg a, Reg b) {
        return op(Op.BIT_OR, a, b);
    }

    public Reg bitXor(Reg a, Reg b) {
        return op(Op.BIT_XOR, a, b);
    }

    public Reg bitNot(Reg a) {
        return op(Op.BIT_NOT, a);
    }

    public Reg shiftLeft(Reg value, Reg distance) {
        return op(Op.SHIFT_LEFT, value, distance);
    }

    public Reg shiftRight(Reg value, Reg distance) {
        return op(Op.SHIFT_RIGHT, value, distance);
    }

    public Reg shiftRightUnsigned(Reg value, Reg distance) {
        return op(Op.SHIFT_RIGHT_UNSIGNED, value, distance);
    }

    /**
     * Spark's {@code floor(value)}: of a FLOAT64 the floor cast to INT64 (saturating, NaN to 0, as Java's
     * {@code (long)}); of an integral value the value itself; of a DECIMAL64 of scale 0 the value itself,
     * of scale s > 0 the DECIMAL64 of precision {@code p - s + 1} and scale 0 rounded toward negative
     * infinity ({@link Op#FLOOR}); of a DECIMAL128 of scale s > 0 likewise, the decimal of precision
     * {@code min(p - s + 1, 38)} ({@link Op#ROUND} rounding toward negative infinity).
     *
     * @throws IllegalArgumentException for other types
     */
    public Reg floor(Reg value) {
        return rounding(Op.FLOOR, check(value, "FLOOR operand"));
    }

    /** Spark's {@code ceil(value)}, as {@link #floor} rounding toward positive infinity. */
    public Reg ceil(Reg value) {
        return rounding(Op.CEIL, check(value, "CEIL operand"));
    }

    private Reg rounding(Op op, Reg value) {
        DType t = value.type();
        if (t.equals(DType.INT8) || t.equals(DType.INT16) || t.equals(DType.INT32) || t.equals(DType.INT64)) {
            return value;
        }
        if (t.equals(DType.FLOAT64)) {
            Reg rounded = append(op.code(), ProgramEncoding.TYPE_FLOAT64, 0, DType.FLOAT64, new Reg[] {value},
                    new long[0], 0);
            return cast(rounded, DType.INT64);
        }
        if (t.id() == DType.TypeId.DECIMAL64) {
            if (t.scale() == 0) {
                return value;
            }
            if (t.scale() > 18 || t.scale() > t.precision()) {
                throw new IllegalArgumentException(op + " takes a decimal with scale 0..precision, not " + t);
            }
            DType result = DType.decimal64(t.precision() - t.scale() + 1, 0);
            return append(op.code(), ProgramEncoding.TYPE_DECIMAL64, t.scale(), result, new Reg[] {value},
                    new long[0], 0);
        }
        if (t.id() == DType.TypeId.DECIMAL128) {
            return RoundOps.floorOrCeil(this, value, op == Op.CEIL);
        }
        throw new IllegalArgumentException(op + " takes an integral type, double or a decimal, not " + t);
    }

    /**
     * Spark's {@code greatest(values...)} over values of one type: nulls are skipped (null only when all
     * are), the order is the comparisons' (NaN above +Infinity, -0.0 = 0.0), and of equal values the
     * first is kept. Built from IF, OR, IS_NULL and GREATER_THAN.
     */
    public Reg greatest(Reg... values) {
        return extreme(Op.GREATER_THAN, values);
    }

    /** Spark's {@code least(values...)}, as {@link #greatest} with the smallest value. */
    public Reg least(Reg... values) {
        return extreme(Op.LESS_THAN, values);
    }

    private Reg extreme(Op better, Reg... values) {
        requireNonNull(values, "values is null");
        if (values.length == 0) {
            throw new IllegalArgumentException((better == Op.GREATER_THAN ? "greatest" : "least")
                    + " needs at least one value");
        }
        Reg result = check(values[0], "value 0");
        for (int i = 1; i < values.length; i++) {
            Reg v = check(values[i], "value " + i);
            // Take v when the result so far is null (v may be null too) or v is strictly better; a null v
            // makes the comparison null, so the IF keeps the result.
            result = ifThenElse(or(isNull(result), op(better, v, result)), v, result);
        }
        return result;
    }

    /** A TIMESTAMP_US literal of {@code micros} since 1970-01-01T00:00Z. */
    public Reg timestampLiteral(long micros) {
        return literalWord(DType.TIMESTAMP_US, micros);
    }

    /** Spark's {@code CAST(timestamp AS DATE)} in {@code zone} ({@link Op#TIMESTAMP_TO_DATE}). */
    public Reg timestampToDate(Reg timestamp, ZoneId zone) {
        return TimestampOps.zoned(this, Op.TIMESTAMP_TO_DATE, check(timestamp, "TIMESTAMP_TO_DATE operand"),
                DType.TIMESTAMP_US, DType.DATE32, zone, 0);
    }

    /** Spark's {@code CAST(date AS TIMESTAMP)} in {@code zone} ({@link Op#DATE_TO_TIMESTAMP}). */
    public Reg dateToTimestamp(Reg date, ZoneId zone) {
        return TimestampOps.zoned(this, Op.DATE_TO_TIMESTAMP, check(date, "DATE_TO_TIMESTAMP operand"), DType.DATE32,
                DType.TIMESTAMP_US, zone, 0);
    }

    /** Spark's {@code hour(timestamp)} in {@code zone} ({@link Op#HOUR}). */
    public Reg hour(Reg timestamp, ZoneId zone) {
        return TimestampOps.zoned(this, Op.HOUR, check(timestamp, "HOUR operand"), DType.TIMESTAMP_US, DType.INT32,
                zone, 0);
    }

    /** Spark's {@code minute(timestamp)} in {@code zone} ({@link Op#MINUTE}). */
    public Reg minute(Reg timestamp, ZoneId zone) {
        return TimestampOps.zoned(this, Op.MINUTE, check(timestamp, "MINUTE operand"), DType.TIMESTAMP_US,
                DType.INT32, zone, 0);
    }

    /** Spark's {@code second(timestamp)} in {@code zone} ({@link Op#SECOND}). */
    public Reg second(Reg timestamp, ZoneId zone) {
        return TimestampOps.zoned(this, Op.SECOND, check(timestamp, "SECOND operand"), DType.TIMESTAMP_US,
                DType.INT32, zone, 0);
    }

    /**
     * Spark's {@code date_trunc(format, timestamp)} in {@code zone} ({@link Op#TRUNC_TIMESTAMP}) for a
     * format Spark's {@code DateTimeUtils.parseTruncLevel} knows; an unknown format gives Spark's null.
     */
    public Reg truncTimestamp(Reg timestamp, String format, ZoneId zone) {
        return TimestampOps.truncTimestamp(this, check(timestamp, "TRUNC_TIMESTAMP operand"), format, zone);
    }

    /**
     * Spark's {@code trunc(date, format)} ({@link Op#TRUNC_DATE}): the date levels WEEK, MONTH, QUARTER
     * and YEAR (and their aliases); any other format gives Spark's null.
     */
    public Reg truncDate(Reg date, String format) {
        return TimestampOps.truncDate(this, check(date, "TRUNC_DATE operand"), format);
    }

    /** Spark's {@code add_months(date, months)} ({@link Op#ADD_MONTHS}); months as INT32. */
    public Reg addMonths(Reg date, Reg months) {
        return TimestampOps.binaryDate(this, Op.ADD_MONTHS, check(date, "ADD_MONTHS operand 0"),
                check(months, "ADD_MONTHS operand 1"));
    }

    /** A timestamp's microseconds since the epoch as INT64 ({@link Op#TIMESTAMP_TO_MICROS}). */
    public Reg timestampMicros(Reg timestamp) {
        return TimestampOps.micros(this, check(timestamp, "TIMESTAMP_TO_MICROS operand"));
    }

    /** Spark's {@code make_date(year, month, day)} with ANSI off ({@link Op#MAKE_DATE}); INT32 fields. */
    public Reg makeDate(Reg year, Reg month, Reg day) {
        return TimestampOps.makeDate(this, check(year, "MAKE_DATE year"), check(month, "MAKE_DATE month"),
                check(day, "MAKE_DATE day"));
    }

    /** Makes {@code value} the next output column; returns its index among the outputs. */
    public int output(Reg value) {
        check(value, "output");
        int index = outputs.size();
        if (index > 0xffff) {
            throw new IllegalArgumentException("a program has at most 65536 outputs");
        }
        outputs.add(value.type());
        nodes.add(new Node(OP_OUTPUT, ProgramEncoding.typeCode(value.type()), 0, null, new Reg[] {value}, new long[0],
                index));
        return index;
    }

    /**
     * The program computing every output, with dead instructions removed and registers assigned.
     *
     * @throws IllegalStateException when there is no output, or the program exceeds a limit of
     *     {@link ProgramEncoding} (the message says which, and by how much)
     */
    public Program build() {
        if (outputs.isEmpty()) {
            throw new IllegalStateException("the program has no output: call output(reg) for each result column");
        }
        // Dead-code elimination, backwards: keep outputs and whatever they read.
        boolean[] live = new boolean[nextId];
        boolean[] keep = new boolean[nodes.size()];
        int kept = 0;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            if (node.dst() == null || live[node.dst().id()]) {
                keep[i] = true;
                kept++;
                for (Reg arg : node.args()) {
                    live[arg.id()] = true;
                }
            }
        }
        if (kept > ProgramEncoding.MAX_INSTRUCTIONS) {
            throw new IllegalStateException("the program has " + kept + " instructions, more than the limit of "
                    + ProgramEncoding.MAX_INSTRUCTIONS + ": split the expressions into several programs");
        }
        int[] lastUse = new int[nextId];
        Arrays.fill(lastUse, -1);
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                for (Reg arg : nodes.get(i).args()) {
                    lastUse[arg.id()] = i;
                }
            }
        }
        int[] physical = new int[nextId];
        TreeSet<Integer> free = new TreeSet<>();
        int registers = 0;
        boolean usesDecimal128 = false;
        List<Long> code = new ArrayList<>();
        Map<List<Long>, Integer> tables = new HashMap<>();
        DType[] inputTypes = new DType[0];
        for (int i = 0; i < nodes.size(); i++) {
            if (!keep[i]) {
                continue;
            }
            Node node = nodes.get(i);
            int[] args = new int[node.args().length];
            for (int k = 0; k < args.length; k++) {
                args[k] = physical[node.args()[k].id()];
            }
            // Operands are read before the destination is written, so a last-read register can be the destination.
            for (Reg arg : node.args()) {
                if (lastUse[arg.id()] == i) {
                    free.add(physical[arg.id()]);
                    if (ProgramEncoding.registersOf(arg.type()) == 2) {
                        free.add(physical[arg.id()] + 1);
                    }
                }
            }
            usesDecimal128 |= node.type() == ProgramEncoding.TYPE_DECIMAL128
                    || (node.opcode() == Op.CAST.code() && node.aux() == ProgramEncoding.TYPE_DECIMAL128);
            int dst = 0;
            if (node.dst() != null) {
                if (ProgramEncoding.registersOf(node.dst().type()) == 2) {
                    dst = freePair(free, registers);
                    registers = Math.max(registers, dst + 2);
                } else {
                    dst = free.isEmpty() ? registers++ : free.pollFirst();
                }
                if (registers > ProgramEncoding.MAX_REGISTERS) {
                    throw new IllegalStateException("the program needs more than " + ProgramEncoding.MAX_REGISTERS
                            + " registers (values alive at once) at instruction " + code.size()
                            + ": split the expressions into several programs");
                }
                physical[node.dst().id()] = dst;
            }
            long header = ProgramEncoding.header(node.opcode(), node.type(), node.aux(), dst);
            switch (node.opcode()) {
                case OP_INPUT -> {
                    code.add(header | ((long) node.index()) << 32);
                    if (node.index() >= inputTypes.length) {
                        inputTypes = Arrays.copyOf(inputTypes, node.index() + 1);
                    }
                    inputTypes[node.index()] = node.dst().type();
                }
                case OP_LITERAL -> {
                    code.add(header);
                    for (long w : node.trailing()) {
                        code.add(w);
                    }
                }
                case OP_OUTPUT -> code.add(ProgramEncoding.withOperands(header, args[0], 0, 0)
                        | ((long) node.index()) << 40);
                default -> {
                    if (node.opcode() == Op.COALESCE.code()) {
                        code.add(ProgramEncoding.withCount(header, args.length));
                        for (int arg : args) {
                            code.add((long) arg);
                        }
                    } else if (Op.carriesZoneTable(node.opcode())) {
                        // The zone's table once per program, before its first use; every use names it.
                        List<Long> table = Arrays.stream(node.trailing()).boxed().toList();
                        Integer at = tables.get(table);
                        if (at == null) {
                            code.add(ProgramEncoding.withCount(ProgramEncoding.header(ProgramEncoding.OP_ZONE_TABLE,
                                    0, 0, 0), table.size()));
                            at = code.size();
                            tables.put(table, at);
                            code.addAll(table);
                        }
                        code.add(ProgramEncoding.withOperands(header, args[0], 0, 0));
                        code.add((long) at);
                    } else if (node.opcode() == Op.IN.code()) {
                        code.add(ProgramEncoding.withCount(ProgramEncoding.withOperands(header, args[0], 0, 0),
                                node.trailing().length));
                        for (long w : node.trailing()) {
                            code.add(w);
                        }
                    } else {
                        code.add(ProgramEncoding.withOperands(header, args.length > 0 ? args[0] : 0,
                                args.length > 1 ? args[1] : 0, args.length > 2 ? args[2] : 0));
                        // The parameter word of a decimal CAST or DECIMAL128 arithmetic.
                        for (long w : node.trailing()) {
                            code.add(w);
                        }
                    }
                }
            }
        }
        if (code.size() > ProgramEncoding.MAX_WORDS) {
            throw new IllegalStateException("the program encodes to " + code.size() + " words, more than the limit of "
                    + ProgramEncoding.MAX_WORDS + ": shorten its IN lists or split it into several programs");
        }
        return new Program(code.stream().mapToLong(Long::longValue).toArray(), registers, inputTypes,
                List.copyOf(outputs), kept, usesDecimal128);
    }

    /**
     * The lowest register r with r and r + 1 free (taken out of {@code free}), counting registers at and
     * above {@code registers} as free.
     */
    private static int freePair(TreeSet<Integer> free, int registers) {
        for (int r : free) {
            if (free.contains(r + 1) || r + 1 == registers) {
                free.remove(r);
                free.remove(r + 1);
                return r;
            }
        }
        return registers;
    }

    private Reg literalWord(DType type, long word) {
        return append(OP_LITERAL, ProgramEncoding.typeCode(type), 0, type, new Reg[0], new long[] {word}, 0);
    }

    /** Appends an instruction built by {@link DecimalOps} (operands already checked). */
    /**
     * Spark's {@code round(value, scale)} ({@code halfEven} false: HALF_UP) or {@code bround(value,
     * scale)} (HALF_EVEN) of an INT8..INT64 or decimal value with a literal scale, negative scales
     * included, as {@link #roundResultType} ({@link Op#ROUND}).
     *
     * @throws IllegalArgumentException when {@link #roundProblem} names a problem
     */
    public Reg round(Reg value, int scale, boolean halfEven) {
        return RoundOps.round(this, check(value, "ROUND operand"), scale, halfEven);
    }

    /** Spark's result type of round/bround of {@code type} to {@code scale}. */
    public static DType roundResultType(DType type, int scale) {
        return RoundOps.resultType(type, scale);
    }

    /** Why programs cannot compute round/bround of {@code type} to {@code scale}, or empty. */
    public static Optional<String> roundProblem(DType type, int scale) {
        return RoundOps.problem(type, scale);
    }

    /**
     * Spark's decimal {@code a % b} ({@link Op#REMAINDER}) or {@code pmod(a, b)} ({@link Op#PMOD}) for a
     * result of type {@code result}: the exact remainder (sign of a; pmod's non-negative one for b > 0)
     * rounded HALF_UP to the result type, null when b is 0 or on overflow.
     *
     * @throws IllegalArgumentException when {@link #decimalRemainderProblem} names a problem
     */
    public Reg decimalRemainder(Op op, Reg a, Reg b, DType result) {
        return DecimalRemainderOps.remainder(this, op, check(a, "remainder operand"), check(b, "remainder operand"),
                requireNonNull(result, "result is null"));
    }

    /** Why programs cannot compute the decimal remainder or pmod of these types, or empty. */
    public static Optional<String> decimalRemainderProblem(DType a, DType b) {
        return DecimalRemainderOps.problem(a, b);
    }

    Reg appendNode(int opcode, int typeCode, int aux, DType result, Reg[] args, long[] trailing) {
        return append(opcode, typeCode, aux, result, args, trailing, 0);
    }

    private Reg append(int opcode, int typeCode, int aux, DType result, Reg[] args, long[] trailing, int index) {
        if (nextId == Integer.MAX_VALUE) {
            throw new IllegalStateException("too many values in one builder");
        }
        Reg dst = new Reg(this, nextId++, result);
        nodes.add(new Node(opcode, typeCode, aux, dst, args, trailing, index));
        return dst;
    }

    private Reg check(Reg reg, String what) {
        requireNonNull(reg, what + " is null");
        if (reg.owner() != this) {
            throw new IllegalArgumentException(what + " " + reg + " comes from another ProgramBuilder");
        }
        return reg;
    }

    /** The register words of a boxed literal of {@code type}: two for DECIMAL128 (low first), else one. */
    private static long[] words(DType type, Object value) {
        if (ProgramEncoding.typeCode(type) == ProgramEncoding.TYPE_DECIMAL128) {
            return DecimalOps.literalWords(type, value);
        }
        return new long[] {word(type, value)};
    }

    /** The register word of a boxed literal of {@code type}. */
    private static long word(DType type, Object value) {
        int code = ProgramEncoding.typeCode(type);
        return switch (code) {
            case ProgramEncoding.TYPE_BOOL8 -> {
                if (!(value instanceof Boolean b)) {
                    throw badLiteral(type, value, "a Boolean");
                }
                yield b ? 1 : 0;
            }
            case ProgramEncoding.TYPE_INT8 -> integral(type, value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case ProgramEncoding.TYPE_INT16 -> integral(type, value, Short.MIN_VALUE, Short.MAX_VALUE);
            case ProgramEncoding.TYPE_INT32 -> integral(type, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case ProgramEncoding.TYPE_INT64 -> integral(type, value, Long.MIN_VALUE, Long.MAX_VALUE);
            case ProgramEncoding.TYPE_DECIMAL64 -> DecimalOps.literalWord(type, value);
            case ProgramEncoding.TYPE_TIMESTAMP_US -> TimestampOps.literalWord(type, value);
            case ProgramEncoding.TYPE_FLOAT32 -> {
                if (!(value instanceof Float f)) {
                    throw badLiteral(type, value, "a Float");
                }
                yield Float.floatToRawIntBits(f) & 0xffffffffL;
            }
            case ProgramEncoding.TYPE_FLOAT64 -> {
                if (value instanceof Double d) {
                    yield Double.doubleToRawLongBits(d);
                }
                if (value instanceof Float f) {
                    yield Double.doubleToRawLongBits(f.doubleValue());
                }
                throw badLiteral(type, value, "a Double or Float");
            }
            default -> {
                if (value instanceof LocalDate date) {
                    yield Math.toIntExact(date.toEpochDay());
                }
                yield integral(type, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            }
        };
    }

    private static long integral(DType type, Object value, long min, long max) {
        if (!(value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long)) {
            throw badLiteral(type, value, "a Byte, Short, Integer or Long");
        }
        long v = ((Number) value).longValue();
        if (v < min || v > max) {
            throw new IllegalArgumentException("literal " + v + " is outside the range of " + type + " (" + min + ".."
                    + max + ")");
        }
        return v;
    }

    private static IllegalArgumentException badLiteral(DType type, Object value, String expected) {
        return new IllegalArgumentException("a " + type + " literal must be " + expected + ", not "
                + value.getClass().getSimpleName() + " " + value);
    }
}
