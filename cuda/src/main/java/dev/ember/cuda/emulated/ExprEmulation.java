package dev.ember.cuda.emulated;

import static dev.ember.cuda.expr.ProgramEncoding.TYPE_BOOL8;
import static dev.ember.cuda.expr.ProgramEncoding.TYPE_DATE32;
import static dev.ember.cuda.expr.ProgramEncoding.TYPE_DECIMAL128;
import static dev.ember.cuda.expr.ProgramEncoding.TYPE_DECIMAL64;
import static dev.ember.cuda.expr.ProgramEncoding.TYPE_FLOAT32;
import static dev.ember.cuda.expr.ProgramEncoding.TYPE_FLOAT64;
import static dev.ember.cuda.expr.ProgramEncoding.TYPE_INT16;
import static dev.ember.cuda.expr.ProgramEncoding.TYPE_INT32;
import static dev.ember.cuda.expr.ProgramEncoding.TYPE_INT64;
import static dev.ember.cuda.expr.ProgramEncoding.TYPE_INT8;

import dev.ember.cuda.expr.Op;
import dev.ember.cuda.expr.ProgramEncoding;
import dev.ember.cuda.kernel.ExprKernels;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Emulation of {@code expr.cu}'s {@code ember_eval_program}: the same program contract interpreted row
 * by row in Java, whose primitive arithmetic is the JVM's (and so Spark's). CAST goes through {@link
 * CastEmulation}'s conversions, as the kernel shares {@code cast.cu}'s device functions. DECIMAL64 is an
 * int64; its casts follow the contract in {@code expr.cu} with Java's long and IEEE arithmetic.
 * DECIMAL128 values (a register pair) compute as Spark's {@code Decimal} does, with {@link BigDecimal}:
 * products to 39 significant digits and quotients to scale 39, both rounded down, then HALF_UP to the
 * result type, null beyond its precision; casts with {@code setScale(HALF_UP)} and {@code
 * longValue()}. The kernel computes the same results with one exact rounding.
 */
final class ExprEmulation {
    private static final String[] CAST_SUFFIX = {"bool8", "i8", "i16", "i32", "i64", "f32", "f64"};
    private static final long[] POW10 = new long[19];
    private static final double[] POW10_F64 = new double[19];
    private static final float[] POW10_F32 = new float[19];
    /** 10^0 .. 10^38: the bounds of the DECIMAL128 precisions. */
    private static final BigInteger[] POW10_BIG = new BigInteger[39];
    /** Spark's Decimal.MATH_CONTEXT: one digit more than decimal(38), rounding down. */
    private static final MathContext SPARK_MATH_CONTEXT = new MathContext(39, RoundingMode.DOWN);

    static {
        for (int i = 0; i < POW10_BIG.length; i++) {
            POW10_BIG[i] = BigInteger.TEN.pow(i);
        }
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = i == 0 ? 1 : POW10[i - 1] * 10;
            // The literals 1e<i> (as the kernel's tables): the nearest double and float to 10^i.
            POW10_F64[i] = Double.parseDouble("1e" + i);
            POW10_F32[i] = Float.parseFloat("1e" + i);
        }
    }

    private ExprEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(ExprKernels.EVAL_PROGRAM, (c, a, m) -> run(a, m, false),
                ExprKernels.EVAL_PROGRAM_DEC128, (c, a, m) -> run(a, m, true));
    }

    private static void run(dev.ember.cuda.kernel.KernelArgs a, EmulatedMemory m, boolean wideKernel) {
        long programAddress = a.ptrAt(0);
        int words = a.i32At(1);
        long columns = a.ptrAt(2);
        int numInputs = a.i32At(3);
        long n = a.i64At(4);
        if (n == 0) {
            return;
        }
        m.check(programAddress, words * 8L);
        long[] code = new long[words];
        for (int i = 0; i < words; i++) {
            code[i] = m.getLong(programAddress + i * 8L);
        }
        checkColumns(code, columns, numInputs, n, m, wideKernel);
        long[] regs = new long[ProgramEncoding.MAX_REGISTERS];
        boolean[] nulls = new boolean[ProgramEncoding.MAX_REGISTERS];
        for (long i = 0; i < n; i++) {
            runRow(code, columns, numInputs, i, regs, nulls, m);
        }
    }

    /** Checks every buffer the program touches once and clears the output bitmaps (bits past n stay 0). */
    private static void checkColumns(long[] code, long columns, int numInputs, long n, EmulatedMemory m,
            boolean wideKernel) {
        int pc = 0;
        while (pc < code.length) {
            long w = code[pc];
            int op = ProgramEncoding.opcode(w);
            if (!wideKernel && (ProgramEncoding.type(w) == TYPE_DECIMAL128
                    || (op == Op.CAST.code() && ProgramEncoding.aux(w) == TYPE_DECIMAL128))) {
                throw new IllegalStateException("instruction " + pc + " computes with DECIMAL128, which only "
                        + ExprKernels.EVAL_PROGRAM_DEC128 + " executes");
            }
            int width = ProgramEncoding.width(ProgramEncoding.type(w));
            if (op == ProgramEncoding.OP_INPUT) {
                long column = ProgramEncoding.column(w);
                m.check(columns + column * 16, 16);
                m.check(m.getLong(columns + column * 16), n * width);
                long validity = m.getLong(columns + column * 16 + 8);
                if (validity != 0) {
                    m.check(validity, (n + 7) / 8);
                }
            } else if (op == ProgramEncoding.OP_OUTPUT) {
                long column = numInputs + ProgramEncoding.count(w);
                m.check(columns + column * 16, 16);
                m.check(m.getLong(columns + column * 16), n * width);
                long validity = m.getLong(columns + column * 16 + 8);
                long bitmapBytes = (n + 63) / 64 * 8;
                m.check(validity, bitmapBytes);
                m.set(validity, (byte) 0, bitmapBytes);
            }
            pc += length(code, pc);
        }
    }

    private static int length(long[] code, int pc) {
        return 1 + ProgramEncoding.trailingWords(code, pc);
    }

    private static boolean isDecimalCast(long w) {
        return ProgramEncoding.opcode(w) == Op.CAST.code()
                && (ProgramEncoding.type(w) == TYPE_DECIMAL64 || ProgramEncoding.aux(w) == TYPE_DECIMAL64);
    }

    private static boolean isWideCast(long w) {
        return ProgramEncoding.opcode(w) == Op.CAST.code()
                && (ProgramEncoding.type(w) == TYPE_DECIMAL128 || ProgramEncoding.aux(w) == TYPE_DECIMAL128);
    }

    private static void runRow(long[] code, long columns, int numInputs, long i, long[] regs, boolean[] nulls,
            EmulatedMemory m) {
        int pc = 0;
        while (pc < code.length) {
            long w = code[pc];
            int op = ProgramEncoding.opcode(w);
            int t = ProgramEncoding.type(w);
            int dst = ProgramEncoding.dst(w);
            int ra = ProgramEncoding.a(w);
            int rb = ProgramEncoding.b(w);
            int count = ProgramEncoding.count(w);
            if (t == TYPE_DECIMAL128 || isWideCast(w)) {
                runWide(code, pc, columns, numInputs, i, regs, nulls, m);
                pc += length(code, pc);
                continue;
            }
            pc += length(code, pc);
            long v = 0;
            boolean isNull;
            if (op == ProgramEncoding.OP_INPUT) {
                long column = ProgramEncoding.column(w);
                isNull = !m.isValid(m.getLong(columns + column * 16 + 8), i);
                v = isNull ? 0 : load(m, t, m.getLong(columns + column * 16), i);
            } else if (op == ProgramEncoding.OP_LITERAL) {
                v = code[pc - 1];
                isNull = false;
            } else if (op == ProgramEncoding.OP_NULL) {
                isNull = true;
            } else if (op == ProgramEncoding.OP_OUTPUT) {
                long column = numInputs + count;
                boolean valid = !nulls[ra];
                store(m, t, m.getLong(columns + column * 16), i, valid ? regs[ra] : 0);
                if (valid) {
                    long bitByte = m.getLong(columns + column * 16 + 8) + (i >>> 3);
                    m.putByte(bitByte, (byte) (m.getByte(bitByte) | (1 << (i & 7))));
                }
                continue;
            } else if (op == Op.COALESCE.code()) {
                isNull = true;
                for (int k = 0; k < count && isNull; k++) {
                    int r = (int) code[pc - count + k];
                    if (!nulls[r]) {
                        isNull = false;
                        v = regs[r];
                    }
                }
            } else if (op == Op.IN.code()) {
                isNull = nulls[ra];
                boolean found = false;
                for (int k = 0; k < count && !isNull && !found; k++) {
                    found = compare(t, regs[ra], code[pc - count + k]) == 0;
                }
                if (!isNull && !found && ProgramEncoding.aux(w) != 0) {
                    isNull = true;
                }
                v = found ? 1 : 0;
            } else if (isDecimalCast(w)) {
                isNull = nulls[ra];
                long[] result = new long[1];
                isNull |= castDecimal(t, ProgramEncoding.aux(w), regs[ra], code[pc - 1], result);
                v = result[0];
            } else if (op == Op.IF.code()) {
                int chosen = !nulls[ra] && regs[ra] != 0 ? rb : ProgramEncoding.c(w);
                v = regs[chosen];
                isNull = nulls[chosen];
            } else if (op == Op.ROUND.code()) {
                BigInteger r = nulls[ra] ? null : round(BigInteger.valueOf(regs[ra]), code[pc - 1]);
                isNull = r == null;
                v = isNull ? 0 : t == TYPE_DECIMAL64 ? r.longValueExact() : narrow(t, r.longValue());
            } else if (op == ProgramEncoding.OP_ZONE_TABLE) {
                continue;  // data of the instructions that name it
            } else if (TimestampEmulation.handles(op)) {
                long[] result = new long[1];
                int rc = ProgramEncoding.c(w);
                isNull = TimestampEmulation.apply(Op.ofCode(op), ProgramEncoding.aux(w), regs[ra], nulls[ra],
                        regs[rb], nulls[rb], regs[rc], nulls[rc], code,
                        Op.carriesZoneTable(op) ? (int) code[pc - 1] : 0, result);
                v = result[0];
            } else {
                long[] result = new long[1];
                isNull = apply(Op.ofCode(op), t, ProgramEncoding.aux(w), regs[ra], nulls[ra], regs[rb], nulls[rb], result);
                v = result[0];
            }
            regs[dst] = isNull ? 0 : v;
            nulls[dst] = isNull;
        }
    }

    /**
     * One instruction with DECIMAL128 operands or result at {@code code[start]}: values as {@link
     * BigInteger} unscaled values (null for SQL null), a wide result written to the register pair.
     */
    private static void runWide(long[] code, int start, long columns, int numInputs, long i, long[] regs,
            boolean[] nulls, EmulatedMemory m) {
        long w = code[start];
        int op = ProgramEncoding.opcode(w);
        int t = ProgramEncoding.type(w);
        int dst = ProgramEncoding.dst(w);
        int ra = ProgramEncoding.a(w);
        int rb = ProgramEncoding.b(w);
        int count = ProgramEncoding.count(w);
        BigInteger wide = null;
        boolean wideResult = true;
        long narrow = 0;
        boolean narrowNull = false;
        if (op == ProgramEncoding.OP_INPUT) {
            long column = ProgramEncoding.column(w);
            long data = m.getLong(columns + column * 16);
            if (m.isValid(m.getLong(columns + column * 16 + 8), i)) {
                wide = big(m.getLong(data + i * 16), m.getLong(data + i * 16 + 8));
            }
        } else if (op == ProgramEncoding.OP_LITERAL) {
            wide = big(code[start + 1], code[start + 2]);
        } else if (op == ProgramEncoding.OP_NULL) {
            wide = null;
        } else if (op == ProgramEncoding.OP_OUTPUT) {
            long column = numInputs + count;
            long data = m.getLong(columns + column * 16);
            boolean valid = !nulls[ra];
            m.putLong(data + i * 16, valid ? regs[ra] : 0);
            m.putLong(data + i * 16 + 8, valid ? regs[ra + 1] : 0);
            if (valid) {
                long bitByte = m.getLong(columns + column * 16 + 8) + (i >>> 3);
                m.putByte(bitByte, (byte) (m.getByte(bitByte) | (1 << (i & 7))));
            }
            return;
        } else if (op == Op.IF.code()) {
            int chosen = !nulls[ra] && regs[ra] != 0 ? rb : ProgramEncoding.c(w);
            wide = value(regs, nulls, chosen);
        } else if (op == Op.COALESCE.code()) {
            for (int k = 0; k < count && wide == null; k++) {
                wide = value(regs, nulls, (int) code[start + 1 + k]);
            }
        } else if (op == Op.CAST.code()) {
            long parameters = code[start + 1];
            BigInteger source = t == TYPE_DECIMAL128 ? value(regs, nulls, ra)
                    : nulls[ra] ? null : BigInteger.valueOf(regs[ra]);
            int sf = ProgramEncoding.isDecimalCode(t) ? ProgramEncoding.castFromScale(parameters) : 0;
            int to = ProgramEncoding.aux(w);
            wideResult = to == TYPE_DECIMAL128;
            if (source == null) {
                narrowNull = true;
            } else if (ProgramEncoding.isDecimalCode(to)) {
                BigInteger r = new BigDecimal(source, sf).setScale(ProgramEncoding.castToScale(parameters),
                        RoundingMode.HALF_UP).unscaledValue();
                BigInteger bound = POW10_BIG[ProgramEncoding.castToPrecision(parameters)];
                if (r.abs().compareTo(bound) < 0) {
                    wide = r;
                    narrow = r.longValue();
                } else {
                    narrowNull = true;
                }
            } else if (to == TYPE_BOOL8) {
                narrow = source.signum() != 0 ? 1 : 0;
            } else {
                narrow = narrow(to, new BigDecimal(source, sf).longValue());
            }
        } else if (op == Op.ADD.code() || op == Op.SUBTRACT.code() || op == Op.MULTIPLY.code()
                || op == Op.DIVIDE.code()) {
            BigInteger x = value(regs, nulls, ra);
            BigInteger y = value(regs, nulls, rb);
            wide = x == null || y == null ? null : sparkArithmetic(Op.ofCode(op), x, y, code[start + 1]);
        } else if (op == Op.REMAINDER.code() || op == Op.PMOD.code()) {
            BigInteger x = value(regs, nulls, ra);
            BigInteger y = value(regs, nulls, rb);
            if (x != null && y != null && y.signum() != 0) {
                wide = x.remainder(y);
                if (op == Op.PMOD.code() && wide.signum() < 0) {
                    wide = wide.add(y).remainder(y);
                }
            }
        } else if (op == Op.ROUND.code()) {
            BigInteger x = value(regs, nulls, ra);
            wide = x == null ? null : round(x, code[start + 1]);
        } else if (op == Op.NEGATE.code() || op == Op.ABS.code()) {
            BigInteger x = value(regs, nulls, ra);
            wide = x == null ? null : op == Op.NEGATE.code() ? x.negate() : x.abs();
        } else {
            // Comparisons, null tests and IN: BOOL8 results.
            wideResult = false;
            BigInteger x = value(regs, nulls, ra);
            if (op == Op.IS_NULL.code() || op == Op.IS_NOT_NULL.code()) {
                narrow = (x == null) == (op == Op.IS_NULL.code()) ? 1 : 0;
            } else if (op == Op.NULL_SAFE_EQUAL.code()) {
                BigInteger y = value(regs, nulls, rb);
                narrow = x == null ? (y == null ? 1 : 0) : y != null && x.equals(y) ? 1 : 0;
            } else if (op == Op.IN.code()) {
                boolean found = false;
                for (int k = 0; k + 1 < count && x != null && !found; k += 2) {
                    found = x.equals(big(code[start + 1 + k], code[start + 2 + k]));
                }
                narrowNull = x == null || (!found && ProgramEncoding.aux(w) != 0);
                narrow = found ? 1 : 0;
            } else {
                BigInteger y = value(regs, nulls, rb);
                narrowNull = x == null || y == null;
                if (!narrowNull) {
                    int c = x.compareTo(y);
                    Op o = Op.ofCode(op);
                    boolean r = switch (o) {
                        case EQUAL -> c == 0;
                        case LESS_THAN -> c < 0;
                        case LESS_OR_EQUAL -> c <= 0;
                        case GREATER_THAN -> c > 0;
                        case GREATER_OR_EQUAL -> c >= 0;
                        case NOT_EQUAL -> c != 0;
                        default -> throw new IllegalStateException(o + " does not take DECIMAL128 operands");
                    };
                    narrow = r ? 1 : 0;
                }
            }
        }
        if (wideResult) {
            nulls[dst] = wide == null;
            regs[dst] = wide == null ? 0 : wide.longValue();
            regs[dst + 1] = wide == null ? 0 : wide.shiftRight(64).longValue();
        } else {
            nulls[dst] = narrowNull;
            regs[dst] = narrowNull ? 0 : narrow;
        }
    }

    /**
     * Spark 3.5's {@code Decimal} arithmetic followed by {@code toPrecision(p, s, HALF_UP)} with
     * nullOnOverflow: the unscaled result, or null.
     */
    private static BigInteger sparkArithmetic(Op op, BigInteger a, BigInteger b, long parameters) {
        BigDecimal x = new BigDecimal(a, ProgramEncoding.arithmeticScaleA(parameters));
        BigDecimal y = new BigDecimal(b, ProgramEncoding.arithmeticScaleB(parameters));
        BigDecimal r = switch (op) {
            case ADD -> x.add(y);
            case SUBTRACT -> x.subtract(y);
            case MULTIPLY -> x.multiply(y, SPARK_MATH_CONTEXT);
            default -> y.signum() == 0 ? null : x.divide(y, 39, RoundingMode.DOWN);
        };
        if (r == null) {
            return null;
        }
        BigInteger unscaled = r.setScale(ProgramEncoding.arithmeticResultScale(parameters), RoundingMode.HALF_UP)
                .unscaledValue();
        return unscaled.abs().compareTo(POW10_BIG[ProgramEncoding.arithmeticResultPrecision(parameters)]) < 0
                ? unscaled : null;
    }

    private static BigInteger value(long[] regs, boolean[] nulls, int r) {
        return nulls[r] ? null : big(regs[r], regs[r + 1]);
    }

    /** The int128 of (low, high) two's-complement words. */
    private static BigInteger big(long lo, long hi) {
        byte[] bigEndian = new byte[16];
        for (int k = 0; k < 8; k++) {
            bigEndian[k] = (byte) (hi >>> (56 - 8 * k));
            bigEndian[8 + k] = (byte) (lo >>> (56 - 8 * k));
        }
        return new BigInteger(bigEndian);
    }

    /** One fixed-arity operation; returns whether the result is null and stores its value in {@code out[0]}. */
    private static boolean apply(Op op, int t, int aux, long a, boolean na, long b, boolean nb, long[] out) {
        boolean eitherNull = na || nb;
        switch (op) {
            case ADD, SUBTRACT, MULTIPLY, DIVIDE, INTEGRAL_DIVIDE, REMAINDER, PMOD -> {
                if (eitherNull) {
                    return true;
                }
                return arithmetic(op, t, a, b, out);
            }
            case NEGATE -> out[0] = t == TYPE_FLOAT32 ? f32Word(-f32(a)) : t == TYPE_FLOAT64 ? f64Word(-f64(a))
                    : narrow(t, -a);
            case ABS -> out[0] = t == TYPE_FLOAT32 ? f32Word(Math.abs(f32(a))) : t == TYPE_FLOAT64
                    ? f64Word(Math.abs(f64(a))) : narrow(t, Math.abs(a));
            case EQUAL, LESS_THAN, LESS_OR_EQUAL, GREATER_THAN, GREATER_OR_EQUAL, NOT_EQUAL -> {
                if (eitherNull) {
                    return true;
                }
                int c = compare(t, a, b);
                boolean r = switch (op) {
                    case EQUAL -> c == 0;
                    case LESS_THAN -> c < 0;
                    case LESS_OR_EQUAL -> c <= 0;
                    case GREATER_THAN -> c > 0;
                    case GREATER_OR_EQUAL -> c >= 0;
                    default -> c != 0;
                };
                out[0] = r ? 1 : 0;
                return false;
            }
            case NULL_SAFE_EQUAL -> {
                out[0] = (na && nb) || (!na && !nb && compare(t, a, b) == 0) ? 1 : 0;
                return false;
            }
            case AND -> {
                if ((!na && a == 0) || (!nb && b == 0)) {
                    out[0] = 0;
                    return false;
                }
                out[0] = 1;
                return eitherNull;
            }
            case OR -> {
                if ((!na && a != 0) || (!nb && b != 0)) {
                    out[0] = 1;
                    return false;
                }
                out[0] = 0;
                return eitherNull;
            }
            case NOT -> out[0] = a == 0 ? 1 : 0;
            case IS_NULL -> {
                out[0] = na ? 1 : 0;
                return false;
            }
            case IS_NOT_NULL -> {
                out[0] = na ? 0 : 1;
                return false;
            }
            case IS_NAN -> {
                out[0] = !na && (t == TYPE_FLOAT32 ? Float.isNaN(f32(a)) : Double.isNaN(f64(a))) ? 1 : 0;
                return false;
            }
            case CAST -> out[0] = t == TYPE_FLOAT32 || t == TYPE_FLOAT64
                    ? CastEmulation.castFloating(CAST_SUFFIX[aux], t == TYPE_FLOAT32 ? f32(a) : f64(a))
                    : CastEmulation.castIntegral(CAST_SUFFIX[aux], a);
            case YEAR, MONTH, DAY_OF_MONTH -> out[0] = datePart(op, a);
            case DAY_OF_WEEK, WEEKDAY, DAY_OF_YEAR, QUARTER, WEEK_OF_YEAR, LAST_DAY -> out[0] = calendarField(op, a);
            case FLOOR, CEIL -> out[0] = t == TYPE_DECIMAL64
                    ? BigDecimal.valueOf(a, aux).setScale(0, op == Op.FLOOR ? RoundingMode.FLOOR : RoundingMode.CEILING)
                            .longValueExact()
                    : f64Word(op == Op.FLOOR ? Math.floor(f64(a)) : Math.ceil(f64(a)));
            case SIGNUM -> out[0] = f64Word(Math.signum(f64(a)));
            case SQRT -> out[0] = f64Word(Math.sqrt(f64(a)));
            case BIT_AND, BIT_OR, BIT_XOR, SHIFT_LEFT, SHIFT_RIGHT, SHIFT_RIGHT_UNSIGNED -> {
                if (eitherNull) {
                    return true;
                }
                out[0] = bitwise(op, t, a, b);
            }
            case BIT_NOT -> out[0] = ~a;
            case MAKE_DECIMAL -> {
                out[0] = a;
                return na || !fitsPrecision(a, aux);
            }
            case UNSCALED_VALUE -> out[0] = a;
            case DATE_ADD -> {
                out[0] = (int) (a + b);
                return eitherNull;
            }
            case DATE_SUB, DATE_DIFF -> {
                out[0] = (int) (a - b);
                return eitherNull;
            }
            default -> throw new IllegalStateException("opcode " + op + " is not a fixed-arity operation");
        }
        return na;
    }

    private static boolean arithmetic(Op op, int t, long a, long b, long[] out) {
        if (t == TYPE_FLOAT32) {
            float x = f32(a), y = f32(b);
            switch (op) {
                case ADD -> out[0] = f32Word(x + y);
                case SUBTRACT -> out[0] = f32Word(x - y);
                case MULTIPLY -> out[0] = f32Word(x * y);
                default -> {
                    if (y == 0) {
                        return true;
                    }
                    float r = op == Op.DIVIDE ? x / y : x % y;
                    if (op == Op.PMOD && r < 0) {
                        r = (r + y) % y;
                    }
                    out[0] = f32Word(r);
                }
            }
            return false;
        }
        if (t == TYPE_FLOAT64) {
            double x = f64(a), y = f64(b);
            switch (op) {
                case ADD -> out[0] = f64Word(x + y);
                case SUBTRACT -> out[0] = f64Word(x - y);
                case MULTIPLY -> out[0] = f64Word(x * y);
                default -> {
                    if (y == 0) {
                        return true;
                    }
                    double r = op == Op.DIVIDE ? x / y : x % y;
                    if (op == Op.PMOD && r < 0) {
                        r = (r + y) % y;
                    }
                    out[0] = f64Word(r);
                }
            }
            return false;
        }
        switch (op) {
            case ADD -> out[0] = narrow(t, a + b);
            case SUBTRACT -> out[0] = narrow(t, a - b);
            case MULTIPLY -> out[0] = narrow(t, a * b);
            default -> {
                if (b == 0) {
                    return true;
                }
                if (op == Op.INTEGRAL_DIVIDE) {
                    out[0] = a / b;
                } else {
                    long r = a % b;
                    if (op == Op.PMOD && r < 0) {
                        long s = narrow(t == TYPE_INT8 || t == TYPE_INT16 ? TYPE_INT32 : t, r + b);
                        r = narrow(t, s % b);
                    }
                    out[0] = r;
                }
            }
        }
        return false;
    }

    private static boolean fitsPrecision(long v, int p) {
        return v > -POW10[p] && v < POW10[p];
    }

    /** CAST from or to DECIMAL64; returns whether the result is null (overflow), the value in {@code out[0]}. */
    private static boolean castDecimal(int from, int to, long v, long parameters, long[] out) {
        int sf = ProgramEncoding.castFromScale(parameters);
        int st = ProgramEncoding.castToScale(parameters);
        int pt = ProgramEncoding.castToPrecision(parameters);
        if (to == TYPE_DECIMAL64) {
            int fromScale = from == TYPE_DECIMAL64 ? sf : 0;
            long r;
            if (st >= fromScale) {
                int d = st - fromScale;
                if (!fitsPrecision(v, Math.max(pt - d, 0))) {
                    return true;
                }
                r = v * POW10[d];
            } else {
                long divisor = POW10[fromScale - st];
                r = v / divisor;
                long dropped = v % divisor;
                if (Math.abs(dropped) * 2 >= divisor) {
                    r += dropped < 0 ? -1 : 1;
                }
            }
            out[0] = r;
            return !fitsPrecision(r, pt);
        }
        out[0] = switch (to) {
            case TYPE_BOOL8 -> v != 0 ? 1 : 0;
            case TYPE_FLOAT64 -> f64Word((double) v / POW10_F64[sf]);
            case TYPE_FLOAT32 -> f32Word(sf == 0 ? (float) v : (float) v / POW10_F32[sf]);
            default -> narrow(to, v / POW10[sf]);
        };
        return false;
    }

    /** Spark's order: equal when ==, else Double.compare (NaN above everything, NaN = NaN). */
    private static int compare(int t, long a, long b) {
        if (t == TYPE_FLOAT32 || t == TYPE_FLOAT64) {
            double x = t == TYPE_FLOAT32 ? f32(a) : f64(a);
            double y = t == TYPE_FLOAT32 ? f32(b) : f64(b);
            return x == y ? 0 : Double.compare(x, y);
        }
        return Long.compare(a, b);
    }

    /**
     * The calendar fields as Spark 3.5's DateTimeUtils computes them, with java.time (every int32 day
     * count is a LocalDate): dayofweek, weekday, dayofyear, quarter, ISO week, and last_day in int arithmetic.
     */
    private static long calendarField(Op op, long days) {
        java.time.LocalDate d = java.time.LocalDate.ofEpochDay(days);
        return switch (op) {
            case DAY_OF_WEEK -> d.getDayOfWeek().plus(1).getValue();
            case WEEKDAY -> d.getDayOfWeek().ordinal();
            case DAY_OF_YEAR -> d.getDayOfYear();
            case QUARTER -> d.get(java.time.temporal.IsoFields.QUARTER_OF_YEAR);
            case WEEK_OF_YEAR -> d.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            default -> ((int) days - d.getDayOfMonth()) + d.lengthOfMonth();
        };
    }

    /** Civil-from-days over the proleptic Gregorian calendar, in long arithmetic. */
    private static long datePart(Op op, long days) {
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long month = mp < 10 ? mp + 3 : mp - 9;
        return switch (op) {
            case MONTH -> month;
            case DAY_OF_MONTH -> doy - (153 * mp + 2) / 5 + 1;
            default -> yoe + era * 400 + (month <= 2 ? 1 : 0);
        };
    }

    /** Java's integer operators at the operands' width (sign-extended words; a shift's distance is an int). */
    private static long bitwise(Op op, int t, long a, long b) {
        boolean isLong = t == TYPE_INT64;
        int distance = (int) b;
        return switch (op) {
            case BIT_AND -> a & b;
            case BIT_OR -> a | b;
            case BIT_XOR -> a ^ b;
            case SHIFT_LEFT -> isLong ? a << distance : (int) a << distance;
            case SHIFT_RIGHT -> isLong ? a >> distance : (int) a >> distance;
            default -> isLong ? a >>> distance : (int) a >>> distance;
        };
    }

    private static long narrow(int t, long v) {
        return switch (t) {
            case TYPE_BOOL8 -> v != 0 ? 1 : 0;
            case TYPE_INT8 -> (byte) v;
            case TYPE_INT16 -> (short) v;
            case TYPE_INT32, TYPE_DATE32 -> (int) v;
            default -> v;
        };
    }

    private static float f32(long word) {
        return Float.intBitsToFloat((int) word);
    }

    private static double f64(long word) {
        return Double.longBitsToDouble(word);
    }

    private static long f32Word(float x) {
        return Float.isNaN(x) ? ProgramEncoding.CANONICAL_NAN_F32 : Float.floatToRawIntBits(x) & 0xffffffffL;
    }

    private static long f64Word(double x) {
        return Double.isNaN(x) ? ProgramEncoding.CANONICAL_NAN_F64 : Double.doubleToRawLongBits(x);
    }

    private static long load(EmulatedMemory m, int t, long data, long i) {
        return switch (t) {
            case TYPE_BOOL8 -> m.getByte(data + i) != 0 ? 1 : 0;
            case TYPE_INT8 -> m.getByte(data + i);
            case TYPE_INT16 -> m.getShort(data + i * 2);
            case TYPE_INT32, TYPE_DATE32 -> m.getInt(data + i * 4);
            case TYPE_FLOAT32 -> m.getInt(data + i * 4) & 0xffffffffL;
            case TYPE_INT64, TYPE_FLOAT64, TYPE_DECIMAL64, ProgramEncoding.TYPE_TIMESTAMP_US -> m.getLong(data + i * 8);
            default -> throw new IllegalArgumentException("unknown type code " + t);
        };
    }

    private static void store(EmulatedMemory m, int t, long data, long i, long v) {
        switch (t) {
            case TYPE_BOOL8, TYPE_INT8 -> m.putByte(data + i, (byte) v);
            case TYPE_INT16 -> m.putShort(data + i * 2, (short) v);
            case TYPE_INT32, TYPE_DATE32, TYPE_FLOAT32 -> m.putInt(data + i * 4, (int) v);
            default -> m.putLong(data + i * 8, v);
        }
    }

    /**
     * Spark's round/bround as {@code BigDecimal} computes it: the unscaled value v with k digits dropped
     * by {@code setScale} (HALF_UP or HALF_EVEN), times 10^e; null when a decimal result (precision p > 0)
     * has more than p digits. Integral results are the exact value, narrowed by the caller.
     */
    private static BigInteger round(BigInteger v, long parameters) {
        int k = ProgramEncoding.roundDropped(parameters);
        int e = ProgramEncoding.roundExponent(parameters);
        int p = ProgramEncoding.roundPrecision(parameters);
        RoundingMode mode = switch (ProgramEncoding.roundMode(parameters)) {
            case 0 -> RoundingMode.HALF_UP;
            case 1 -> RoundingMode.HALF_EVEN;
            case ProgramEncoding.ROUND_FLOOR -> RoundingMode.FLOOR;
            default -> RoundingMode.CEILING;
        };
        BigInteger r = new BigDecimal(v, k).setScale(0, mode).unscaledValue().multiply(BigInteger.TEN.pow(e));
        if (p > 0 && r.abs().compareTo(BigInteger.TEN.pow(p)) >= 0) {
            return null;
        }
        return r;
    }
}
