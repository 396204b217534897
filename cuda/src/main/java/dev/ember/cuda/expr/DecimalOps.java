package dev.ember.cuda.expr;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.DType.TypeId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The decimal operations of {@link ProgramBuilder}: literals, casts, MakeDecimal, UnscaledValue and
 * arithmetic with Spark's result types. A DECIMAL64 register holds the unscaled value, a DECIMAL128
 * register pair the unscaled int128; precision and scale live in the register's {@link DType} on the
 * host and reach the kernel only where an instruction changes them (see {@link ProgramEncoding}).
 */
final class DecimalOps {
    /** Digits a double holds exactly: unscaled values below 10^15 are below 2^53. */
    private static final int EXACT_DOUBLE_DIGITS = 15;
    /** Digits a float holds exactly: unscaled values below 10^7 are below 2^24. */
    private static final int EXACT_FLOAT_DIGITS = 7;

    private DecimalOps() {}

    /** The register words (low, high) of a DECIMAL128 literal: a {@link BigDecimal} that fits {@code type} exactly. */
    static long[] literalWords(DType type, Object value) {
        BigInteger unscaled = unscaled(type, value);
        return new long[] {unscaled.longValue(), unscaled.shiftRight(64).longValue()};
    }

    /** The unscaled register word of a DECIMAL64 literal: a {@link BigDecimal} that fits {@code type} exactly. */
    static long literalWord(DType type, Object value) {
        return unscaled(type, value).longValueExact();
    }

    private static BigInteger unscaled(DType type, Object value) {
        if (!(value instanceof BigDecimal d)) {
            throw new IllegalArgumentException("a " + type + " literal must be a BigDecimal, not "
                    + value.getClass().getSimpleName() + " " + value);
        }
        BigInteger unscaled;
        try {
            unscaled = d.setScale(type.scale()).unscaledValue();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("literal " + d + " has more than " + type.scale()
                    + " digits after the point of " + type + ": round it first");
        }
        if (unscaled.abs().compareTo(BigInteger.TEN.pow(type.precision())) >= 0) {
            throw new IllegalArgumentException("literal " + d + " has more digits than " + type + " holds");
        }
        return unscaled;
    }

    /** Why a program cannot cast {@code from} to {@code to} where either is a decimal, or empty. */
    static Optional<String> castProblem(DType from, DType to) {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (from.id() == TypeId.DECIMAL128) {
            return switch (to.id()) {
                case BOOL8, INT8, INT16, INT32, INT64, DECIMAL64, DECIMAL128 -> Optional.empty();
                case FLOAT32, FLOAT64 -> Optional.of("CAST from " + from + " to " + to + " is not computed by "
                        + "programs: an unscaled value of more than 18 digits divided by 10^scale could round "
                        + "differently from Spark's BigDecimal conversion");
                default -> Optional.of("CAST from " + from + " to " + to + " is not computed by programs");
            };
        }
        if (from.id() == TypeId.DECIMAL64) {
            return switch (to.id()) {
                case BOOL8, INT8, INT16, INT32, INT64, DECIMAL64, DECIMAL128 -> Optional.empty();
                case FLOAT64 -> from.scale() == 0 || from.precision() <= EXACT_DOUBLE_DIGITS ? Optional.empty()
                        : Optional.of("CAST from " + from + " to double is computed only for precisions up to "
                                + EXACT_DOUBLE_DIGITS + " or scale 0: unscaled values of more digits are not "
                                + "exact doubles, so dividing by 10^scale could round differently from Spark's "
                                + "BigDecimal.doubleValue()");
                case FLOAT32 -> from.scale() == 0 || from.precision() <= EXACT_FLOAT_DIGITS ? Optional.empty()
                        : Optional.of("CAST from " + from + " to float is computed only for precisions up to "
                                + EXACT_FLOAT_DIGITS + " or scale 0: unscaled values of more digits are not "
                                + "exact floats, so dividing by 10^scale could round differently from Spark's "
                                + "BigDecimal.floatValue()");
                default -> Optional.of("CAST from " + from + " to " + to + " is not computed by programs");
            };
        }
        if (to.isDecimal()) {
            return switch (from.id()) {
                case BOOL8, INT8, INT16, INT32, INT64 -> Optional.empty();
                case FLOAT32, FLOAT64 -> Optional.of("CAST from " + from + " to " + to + " is not computed by "
                        + "programs: Spark rounds the digits of Double.toString(value) (not the binary value) "
                        + "HALF_UP to the scale, which the GPU does not reproduce");
                default -> Optional.of("CAST from " + from + " to " + to + " is not computed by programs");
            };
        }
        return Optional.of("neither " + from + " nor " + to + " is a decimal");
    }

    static Reg cast(ProgramBuilder b, Reg value, DType to) {
        DType from = value.type();
        castProblem(from, to).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        if (from.equals(to)) {
            return value;
        }
        long parameters = ProgramEncoding.decimalCast(from.scale(), to.scale(), to.precision());
        return b.appendNode(Op.CAST.code(), ProgramEncoding.typeCode(from), ProgramEncoding.typeCode(to), to,
                new Reg[] {value}, new long[] {parameters});
    }

    static Reg makeDecimal(ProgramBuilder b, Reg unscaled, int precision, int scale) {
        if (!unscaled.type().equals(DType.INT64)) {
            throw new IllegalArgumentException("MAKE_DECIMAL takes a bigint unscaled value, not " + unscaled.type());
        }
        DType result = DType.decimal64(precision, scale);
        return b.appendNode(Op.MAKE_DECIMAL.code(), ProgramEncoding.TYPE_INT64, precision, result,
                new Reg[] {unscaled}, new long[0]);
    }

    static Reg unscaledValue(ProgramBuilder b, Reg decimal) {
        if (decimal.type().id() != TypeId.DECIMAL64) {
            throw new IllegalArgumentException("UNSCALED_VALUE takes a decimal of up to 18 digits, not "
                    + decimal.type());
        }
        return b.appendNode(Op.UNSCALED_VALUE.code(), ProgramEncoding.TYPE_DECIMAL64, 0, DType.INT64,
                new Reg[] {decimal}, new long[0]);
    }

    /**
     * Spark's result type of {@code a op b} for ADD, SUBTRACT and MULTIPLY of decimals (DecimalPrecision;
     * without precision loss, which only applies past 38 digits).
     *
     * @throws IllegalArgumentException when an operand is not DECIMAL64 or the result has more than 18 digits
     */
    static DType resultType(Op op, DType a, DType b) {
        if (a.id() != TypeId.DECIMAL64 || b.id() != TypeId.DECIMAL64) {
            throw new IllegalArgumentException("decimal " + op + " takes decimals of up to 18 digits, not " + a
                    + " and " + b);
        }
        if (op != Op.ADD && op != Op.SUBTRACT && op != Op.MULTIPLY) {
            throw new IllegalArgumentException("decimal arithmetic is ADD, SUBTRACT or MULTIPLY, not " + op);
        }
        Exact exact = exact(op, a, b);
        if (exact.precision() > DType.MAX_DECIMAL64_PRECISION) {
            throw new IllegalArgumentException(a + " " + op + " " + b + " is decimal(" + exact.precision() + ","
                    + exact.scale() + "), more than the 18 digits programs compute with");
        }
        return DType.decimal64(exact.precision(), exact.scale());
    }

    /** The precision and scale of an exact sum, difference or product (Spark's, before any bounding). */
    private record Exact(int precision, int scale) {}

    private static Exact exact(Op op, DType a, DType b) {
        if (op == Op.MULTIPLY) {
            return new Exact(a.precision() + b.precision() + 1, a.scale() + b.scale());
        }
        int scale = Math.max(a.scale(), b.scale());
        return new Exact(Math.max(a.precision() - a.scale(), b.precision() - b.scale()) + scale + 1, scale);
    }

    /**
     * {@code a op b} as Spark computes it: the exact result at the result type's scale (operands of
     * ADD and SUBTRACT rescaled up to it first; a product's scale is already the sum of the scales),
     * null when it has more digits than the result precision. Within 18 digits the unscaled int64
     * arithmetic cannot overflow, and Spark's result types leave room for every result, so the final
     * check never fires for valid operands; it keeps the contract of Spark's overflow check anyway.
     */
    static Reg arithmetic(ProgramBuilder b, Op op, Reg x, Reg y) {
        DType result = resultType(op, x.type(), y.type());
        Reg left = x;
        Reg right = y;
        if (op != Op.MULTIPLY) {
            left = rescaleTo(b, x, result);
            right = rescaleTo(b, y, result);
        }
        Reg exact = b.appendNode(op.code(), ProgramEncoding.TYPE_DECIMAL64, 0, result, new Reg[] {left, right},
                new long[0]);
        return b.appendNode(Op.MAKE_DECIMAL.code(), ProgramEncoding.TYPE_DECIMAL64, result.precision(), result,
                new Reg[] {exact}, new long[0]);
    }

    /**
     * {@code a op b} for ADD, SUBTRACT, MULTIPLY or DIVIDE with Spark's result type {@code result}: the
     * exact value rounded HALF_UP to the result scale, null beyond the result precision or on division
     * by zero. Within 18 digits, when {@code result} is the exact type of a sum, difference or product,
     * the int64 instructions; otherwise the operands are widened to DECIMAL128 (exactly) and one
     * DECIMAL128 instruction computes and rounds, followed by a narrowing to DECIMAL64 for results of up
     * to 18 digits.
     */
    static Reg arithmetic(ProgramBuilder b, Op op, Reg x, Reg y, DType result) {
        if (op != Op.ADD && op != Op.SUBTRACT && op != Op.MULTIPLY && op != Op.DIVIDE) {
            throw new IllegalArgumentException("decimal arithmetic is ADD, SUBTRACT, MULTIPLY or DIVIDE, not " + op);
        }
        if (!x.type().isDecimal() || !y.type().isDecimal() || !result.isDecimal()) {
            throw new IllegalArgumentException("decimal " + op + " takes decimals and gives one, not " + x.type() + ", "
                    + y.type() + " -> " + result);
        }
        if (op != Op.DIVIDE && x.type().id() == TypeId.DECIMAL64 && y.type().id() == TypeId.DECIMAL64) {
            Exact exact = exact(op, x.type(), y.type());
            if (result.id() == TypeId.DECIMAL64 && exact.precision() == result.precision()
                    && exact.scale() == result.scale()) {
                return arithmetic(b, op, x, y);
            }
        }
        Reg wx = widen(b, x);
        Reg wy = widen(b, y);
        DType wide = DType.decimal128(Math.max(DType.MAX_DECIMAL64_PRECISION + 1, result.precision()), result.scale());
        long parameters = ProgramEncoding.decimalArithmetic(x.type().scale(), y.type().scale(), result.scale(),
                result.precision());
        Reg r = b.appendNode(op.code(), ProgramEncoding.TYPE_DECIMAL128, 0, wide, new Reg[] {wx, wy},
                new long[] {parameters});
        return result.id() == TypeId.DECIMAL64 ? cast(b, r, result) : r;
    }

    /** A DECIMAL64 value as the DECIMAL128 of the same scale (exact); DECIMAL128 values as they are. */
    private static Reg widen(ProgramBuilder b, Reg value) {
        DType t = value.type();
        if (t.id() == TypeId.DECIMAL128) {
            return value;
        }
        return cast(b, value, DType.decimal128(DType.MAX_DECIMAL64_PRECISION + 1, t.scale()));
    }

    /** {@code value} at {@code target}'s scale; the same register when the scale already matches. */
    private static Reg rescaleTo(ProgramBuilder b, Reg value, DType target) {
        if (value.type().scale() == target.scale()) {
            return value;
        }
        return cast(b, value, DType.decimal64(target.precision(), target.scale()));
    }
}
