package dev.ember.cuda.expr;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import java.util.Optional;

/**
 * Spark 3.5's decimal {@code a % b} and {@code pmod(a, b)}: {@code Decimal.remainder} is Java's
 * {@code BigDecimal.remainder(b, MathContext(39, DOWN))}, exact whenever the integral quotient has at
 * most 39 digits (otherwise Java raises "Division impossible"), and pmod adds b exactly to a negative
 * remainder before taking it again; the result is then rounded HALF_UP to Spark's result type (null on
 * overflow). Programs compute it where both operands, rescaled to the larger scale, fit 38 digits: the
 * quotient then has at most 38 digits, and {@link Op#REMAINDER} / {@link Op#PMOD} on DECIMAL128 give the
 * exact value.
 */
final class DecimalRemainderOps {
    private DecimalRemainderOps() {}

    /** Why programs cannot compute {@code a % b} or pmod of decimals of these types, or empty. */
    static Optional<String> problem(DType a, DType b) {
        requireNonNull(a, "a is null");
        requireNonNull(b, "b is null");
        if (!a.isDecimal() || !b.isDecimal()) {
            return Optional.of("decimal remainder takes two decimals, not " + a + " and " + b);
        }
        int scale = Math.max(a.scale(), b.scale());
        int digits = Math.max(a.precision() - a.scale(), b.precision() - b.scale()) + scale;
        if (digits > DType.MAX_DECIMAL128_PRECISION) {
            return Optional.of("remainder/pmod of " + a + " and " + b + ": the operands at scale " + scale + " need "
                    + digits + " digits, more than the 38 the GPU computes with (Spark's quotient may also exceed "
                    + "its 39-digit context and raise an error)");
        }
        return Optional.empty();
    }

    static Reg remainder(ProgramBuilder b, Op op, Reg x, Reg y, DType result) {
        if (op != Op.REMAINDER && op != Op.PMOD) {
            throw new IllegalArgumentException("decimal remainder is REMAINDER or PMOD, not " + op);
        }
        DType a = x.type();
        DType c = y.type();
        problem(a, c).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        if (!result.isDecimal()) {
            throw new IllegalArgumentException("decimal " + op + " gives a decimal, not " + result);
        }
        int scale = Math.max(a.scale(), c.scale());
        Reg wx = b.cast(x, wide(a.precision() - a.scale() + scale, scale));
        Reg wy = b.cast(y, wide(c.precision() - c.scale() + scale, scale));
        DType exact = wide(Math.min(a.precision() - a.scale(), c.precision() - c.scale()) + scale, scale);
        Reg r = b.appendNode(op.code(), ProgramEncoding.TYPE_DECIMAL128, 0, exact, new Reg[] {wx, wy}, new long[0]);
        return b.cast(r, result);
    }

    private static DType wide(int precision, int scale) {
        return DType.decimal128(Math.max(DType.MAX_DECIMAL64_PRECISION + 1, precision), scale);
    }
}
