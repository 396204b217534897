package dev.ember.cuda.expr;

import dev.ember.cuda.column.DType;
import java.util.List;

/**
 * The wire format of a {@link Program}, shared by the builder, the CUDA kernel ({@code expr.cu}) and its
 * emulation. Public so the emulated device and tests can decode programs; the Spark translation layer
 * never needs it (it goes through {@link ProgramBuilder}).
 *
 * <p>A program is an array of int64 words. Every instruction starts with a header word:
 *
 * <pre>
 *  bits  0..7   opcode            (the OP_* constants, {@link Op#code()})
 *  bits  8..15  type code         (the operand type; for CAST the source type)
 *  bits 16..23  aux               (CAST: target type code; IN: 1 if the literal list holds a null;
 *                                  MAKE_DECIMAL: the precision)
 *  bits 24..31  destination register
 *  bits 32..39  operand register a  | INPUT: bits 32..63 column index
 *  bits 40..47  operand register b  | COALESCE, IN, ZONE_TABLE: bits 40..55 count of trailing words
 *  bits 48..55  operand register c  | OUTPUT: bits 40..55 output index
 * </pre>
 *
 * Trailing words: LITERAL has one (the value; two for DECIMAL128, low word first), COALESCE one per
 * operand register, IN one per non-null literal (two for DECIMAL128), CAST one when its source or
 * target is a decimal (the {@link #decimalCast} parameters), ADD, SUBTRACT, MULTIPLY and DIVIDE of
 * DECIMAL128 one (the {@link #decimalArithmetic} parameters), the time-zone-aware operations ({@link
 * Op#carriesZoneTable}: one operand, a) one, the index of their zone's table ({@link #OP_ZONE_TABLE}). Register values are int64 words: BOOL8 as
 * 0/1, integral types and DATE32 sign-extended, TIMESTAMP_US as its microseconds, FLOAT32 as its bit pattern zero-extended, FLOAT64 as
 * its bit pattern, DECIMAL64 as its unscaled value. A DECIMAL128 value (precision 19..38, its unscaled
 * two's-complement int128) takes two consecutive registers: the low word in r, whose null flag is the
 * value's, the high word in r + 1; its instructions name r. A null register holds 0.
 *
 * <p>The type code says how a value is stored and compared; DECIMAL64 is one code for every precision
 * and scale, because only the operations that change a decimal's precision or scale need them, and
 * those carry them in their own fields (MAKE_DECIMAL's aux, the CAST parameter word). The program keeps
 * the full types of its inputs and outputs ({@link Program#inputType}, {@link Program#outputTypes}).
 */
public final class ProgramEncoding {
    /** Registers are 8-bit fields and the kernel keeps the null flags in one 64-bit mask. */
    public static final int MAX_REGISTERS = 64;
    /** Instructions after dead-code elimination; bounds the per-row interpretation cost. */
    public static final int MAX_INSTRUCTIONS = 1024;
    /** Words of the encoded program (IN lists count one word per literal). */
    public static final int MAX_WORDS = 16384;
    /** Literals of one IN list (a 16-bit field). */
    public static final int MAX_IN_LIST = 4096;

    public static final int TYPE_BOOL8 = 0;
    public static final int TYPE_INT8 = 1;
    public static final int TYPE_INT16 = 2;
    public static final int TYPE_INT32 = 3;
    public static final int TYPE_INT64 = 4;
    public static final int TYPE_FLOAT32 = 5;
    public static final int TYPE_FLOAT64 = 6;
    public static final int TYPE_DATE32 = 7;
    /** A decimal of precision 1..18 as its unscaled int64, whatever its precision and scale. */
    public static final int TYPE_DECIMAL64 = 8;
    /** A decimal of precision 19..38 as its unscaled int128, in two registers. */
    public static final int TYPE_DECIMAL128 = 9;
    /**
     * TIMESTAMP_US, microseconds since 1970-01-01T00:00Z, as int64. Not in {@link #TYPES}, whose index is
     * the type code, because codes 8 and 9 are the decimals'.
     */
    public static final int TYPE_TIMESTAMP_US = 10;

    /**
     * The value types a program computes with besides DECIMAL64, indexed by type code; every
     * DECIMAL64 type has type code {@link #TYPE_DECIMAL64}.
     */
    public static final List<DType> TYPES = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32, DType.INT64,
            DType.FLOAT32, DType.FLOAT64, DType.DATE32);

    public static final int OP_INPUT = 1;
    public static final int OP_LITERAL = 2;
    public static final int OP_NULL = 3;
    public static final int OP_OUTPUT = 4;
    /**
     * Not an operation: a {@link ZoneTable}'s words (bits 40..55 their count), emitted once per zone
     * before the first instruction that uses it; that instruction and later ones of the zone carry one
     * trailing word, the table's first word's index in the program. The interpreter skips it.
     */
    public static final int OP_ZONE_TABLE = 93;

    /** Canonical NaN bit patterns (Java's Float.NaN and Double.NaN) that computed NaN results take. */
    public static final int CANONICAL_NAN_F32 = 0x7fc00000;
    public static final long CANONICAL_NAN_F64 = 0x7ff8000000000000L;

    private ProgramEncoding() {}

    /** Whether programs compute with {@code type}: one of {@link #TYPES} or any decimal. */
    public static boolean isProgramType(DType type) {
        return type.isDecimal() || TYPES.contains(type) || type.equals(DType.TIMESTAMP_US);
    }

    /** Registers a value of {@code type} takes: 2 for DECIMAL128, else 1. */
    public static int registersOf(DType type) {
        return type.id() == DType.TypeId.DECIMAL128 ? 2 : 1;
    }

    /** The type code of {@code type}, or an exception naming the supported types. */
    public static int typeCode(DType type) {
        if (type.id() == DType.TypeId.DECIMAL64) {
            return TYPE_DECIMAL64;
        }
        if (type.id() == DType.TypeId.DECIMAL128) {
            return TYPE_DECIMAL128;
        }
        if (type.equals(DType.TIMESTAMP_US)) {
            return TYPE_TIMESTAMP_US;
        }
        int code = TYPES.indexOf(type);
        if (code < 0) {
            throw new IllegalArgumentException("expression programs compute with " + TYPES
                    + " and decimals, not " + type);
        }
        return code;
    }

    /** The type of a type code other than the decimals' (which need a precision and scale). */
    public static DType type(int code) {
        if (code == TYPE_TIMESTAMP_US) {
            return DType.TIMESTAMP_US;
        }
        if (code < 0 || code >= TYPES.size()) {
            throw new IllegalArgumentException("unknown type code " + code
                    + (isDecimalCode(code) ? " (a decimal type code has no single type)" : ""));
        }
        return TYPES.get(code);
    }

    /** Whether {@code code} is {@link #TYPE_DECIMAL64} or {@link #TYPE_DECIMAL128}. */
    public static boolean isDecimalCode(int code) {
        return code == TYPE_DECIMAL64 || code == TYPE_DECIMAL128;
    }

    /** A type code's name for listings: the type's SQL name, {@code decimal64} or {@code decimal128}. */
    public static String typeName(int code) {
        return code == TYPE_DECIMAL64 ? "decimal64" : code == TYPE_DECIMAL128 ? "decimal128" : type(code).toString();
    }

    /**
     * The parameter word of a CAST from or to DECIMAL64: bits 0..7 the source scale (0 for
     * non-decimal sources), 8..15 the target scale, 16..23 the target precision (0 for non-decimal
     * targets).
     */
    public static long decimalCast(int fromScale, int toScale, int toPrecision) {
        return (fromScale & 0xffL) | (toScale & 0xffL) << 8 | (toPrecision & 0xffL) << 16;
    }

    public static int castFromScale(long parameters) {
        return (int) (parameters & 0xff);
    }

    public static int castToScale(long parameters) {
        return (int) (parameters >>> 8 & 0xff);
    }

    public static int castToPrecision(long parameters) {
        return (int) (parameters >>> 16 & 0xff);
    }

    /**
     * The parameter word of ADD, SUBTRACT, MULTIPLY or DIVIDE of DECIMAL128 operands: bits 0..7 the
     * scale of a, 8..15 the scale of b, 16..23 the result scale, 24..31 the result precision (the
     * exact result is rounded HALF_UP to the result scale, null with more digits than the precision).
     */
    public static long decimalArithmetic(int scaleA, int scaleB, int resultScale, int resultPrecision) {
        return (scaleA & 0xffL) | (scaleB & 0xffL) << 8 | (resultScale & 0xffL) << 16
                | (resultPrecision & 0xffL) << 24;
    }

    public static int arithmeticScaleA(long parameters) {
        return (int) (parameters & 0xff);
    }

    public static int arithmeticScaleB(long parameters) {
        return (int) (parameters >>> 8 & 0xff);
    }

    public static int arithmeticResultScale(long parameters) {
        return (int) (parameters >>> 16 & 0xff);
    }

    public static int arithmeticResultPrecision(long parameters) {
        return (int) (parameters >>> 24 & 0xff);
    }

    /** Trailing words of an instruction after its header word, given the words after it. */
    public static int trailingWords(long[] code, int pc) {
        long w = code[pc];
        int op = opcode(w);
        int t = type(w);
        if (op == OP_LITERAL) {
            return t == TYPE_DECIMAL128 ? 2 : 1;
        }
        if (op == Op.COALESCE.code() || op == Op.IN.code() || op == OP_ZONE_TABLE) {
            return count(w);
        }
        if (Op.carriesZoneTable(op)) {
            return 1;
        }
        if (op == Op.CAST.code()) {
            return isDecimalCode(t) || isDecimalCode(aux(w)) ? 1 : 0;
        }
        if (op == Op.ROUND.code()) {
            return 1;
        }
        if (t == TYPE_DECIMAL128 && (op == Op.ADD.code() || op == Op.SUBTRACT.code() || op == Op.MULTIPLY.code()
                || op == Op.DIVIDE.code())) {
            return 1;
        }
        return 0;
    }

    public static long header(int opcode, int type, int aux, int dst) {
        return (opcode & 0xffL) | (type & 0xffL) << 8 | (aux & 0xffL) << 16 | (dst & 0xffL) << 24;
    }

    public static long withOperands(long header, int a, int b, int c) {
        return header | (a & 0xffL) << 32 | (b & 0xffL) << 40 | (c & 0xffL) << 48;
    }

    public static int opcode(long w) {
        return (int) (w & 0xff);
    }

    public static int type(long w) {
        return (int) (w >>> 8 & 0xff);
    }

    public static int aux(long w) {
        return (int) (w >>> 16 & 0xff);
    }

    public static int dst(long w) {
        return (int) (w >>> 24 & 0xff);
    }

    public static int a(long w) {
        return (int) (w >>> 32 & 0xff);
    }

    public static int b(long w) {
        return (int) (w >>> 40 & 0xff);
    }

    public static int c(long w) {
        return (int) (w >>> 48 & 0xff);
    }

    /** INPUT's column index. */
    public static int column(long w) {
        return (int) (w >>> 32);
    }

    /** COALESCE's and IN's trailing word count; OUTPUT's output index. */
    public static int count(long w) {
        return (int) (w >>> 40 & 0xffff);
    }

    public static long withCount(long header, int count) {
        return header | (count & 0xffffL) << 40;
    }

    /** Bytes per value of a type code in a column. */
    public static int width(int typeCode) {
        return typeCode == TYPE_DECIMAL64 ? 8 : typeCode == TYPE_DECIMAL128 ? 16 : type(typeCode).sizeInBytes();
    }

    /**
     * ROUND's parameter word: bits 0..7 the digits dropped k (0..39; 39 stands for any larger count,
     * which rounds every value of up to 38 digits to 0), 8..15 the exponent e of the multiplication
     * back (0..38), 16..23 the result precision (1..38; 0 for integral operands, which wrap instead),
     * bits 24..25 the mode: 0 HALF_UP, 1 HALF_EVEN, {@link #ROUND_FLOOR}, {@link #ROUND_CEILING}.
     */
    public static long roundParameters(int dropped, int exponent, int precision, boolean halfEven) {
        return roundParameters(dropped, exponent, precision, halfEven ? 1 : 0);
    }

    /** ROUND's mode rounding toward negative infinity (Spark's floor of a decimal). */
    public static final int ROUND_FLOOR = 2;
    /** ROUND's mode rounding toward positive infinity (Spark's ceil of a decimal). */
    public static final int ROUND_CEILING = 3;

    /** ROUND's parameter word with a mode of 0..3 (see {@link #roundParameters(int, int, int, boolean)}). */
    public static long roundParameters(int dropped, int exponent, int precision, int mode) {
        if (dropped < 0 || dropped > 39 || exponent < 0 || exponent > 38 || precision < 0 || precision > 38) {
            throw new IllegalArgumentException("ROUND parameters out of range: dropped " + dropped + ", exponent "
                    + exponent + ", precision " + precision);
        }
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("ROUND mode " + mode + " is not 0..3");
        }
        return dropped | (long) exponent << 8 | (long) precision << 16 | (long) mode << 24;
    }

    public static int roundMode(long parameters) {
        return (int) (parameters >>> 24 & 3);
    }

    public static int roundDropped(long parameters) {
        return (int) (parameters & 0xff);
    }

    public static int roundExponent(long parameters) {
        return (int) (parameters >>> 8 & 0xff);
    }

    public static int roundPrecision(long parameters) {
        return (int) (parameters >>> 16 & 0xff);
    }

    public static boolean roundHalfEven(long parameters) {
        return roundMode(parameters) == 1;
    }
}
