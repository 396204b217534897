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
 *  bits 16..23  aux               (CAST: target type code; IN: 1 if the literal list holds a null)
 *  bits 24..31  destination register
 *  bits 32..39  operand register a  | INPUT: bits 32..63 column index
 *  bits 40..47  operand register b  | COALESCE, IN: bits 40..55 count of trailing words
 *  bits 48..55  operand register c  | OUTPUT: bits 40..55 output index
 * </pre>
 *
 * Trailing words: LITERAL has one (the value), COALESCE one per operand register, IN one per non-null
 * literal. Register values are int64 words: BOOL8 as 0/1, integral types and DATE32 sign-extended,
 * FLOAT32 as its bit pattern zero-extended, FLOAT64 as its bit pattern. A null register holds 0.
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

    /** The value types a program computes with, indexed by type code. */
    public static final List<DType> TYPES = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32, DType.INT64,
            DType.FLOAT32, DType.FLOAT64, DType.DATE32);

    public static final int OP_INPUT = 1;
    public static final int OP_LITERAL = 2;
    public static final int OP_NULL = 3;
    public static final int OP_OUTPUT = 4;

    /** Canonical NaN bit patterns (Java's Float.NaN and Double.NaN) that computed NaN results take. */
    public static final int CANONICAL_NAN_F32 = 0x7fc00000;
    public static final long CANONICAL_NAN_F64 = 0x7ff8000000000000L;

    private ProgramEncoding() {}

    /** The type code of {@code type}, or an exception naming the supported types. */
    public static int typeCode(DType type) {
        int code = TYPES.indexOf(type);
        if (code < 0) {
            throw new IllegalArgumentException("expression programs compute with " + TYPES + ", not " + type);
        }
        return code;
    }

    public static DType type(int code) {
        if (code < 0 || code >= TYPES.size()) {
            throw new IllegalArgumentException("unknown type code " + code);
        }
        return TYPES.get(code);
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
        return type(typeCode).sizeInBytes();
    }
}
