package dev.ember.cuda.expr;

import dev.ember.cuda.column.DType;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable, compiled expression program: straight-line code over typed virtual registers that
 * computes one or more output columns from input columns, row by row. Built by {@link ProgramBuilder};
 * run by {@link ProgramEvaluator} with one kernel launch ({@code ember_eval_program} in {@code
 * expr.cu}), which reads each input once and writes each output once: no intermediate columns.
 *
 * <p>Design. Catalyst-like expression trees (a projection's expressions or a filter's predicate) are
 * translated into calls on a {@link ProgramBuilder}, one per expression node; the result is a DAG in
 * SSA form, so a shared subexpression is computed once. The builder removes dead code, allocates
 * physical registers (the register count is the most values alive at once, at most {@link
 * ProgramEncoding#MAX_REGISTERS}) and encodes instructions as int64 words ({@link ProgramEncoding}).
 * The kernel runs one thread per row; every thread interprets the same instruction sequence, so warps
 * do not diverge on the program, only inside data-dependent operations. The register file is in
 * dynamic shared memory (registers x threads per block x 8 bytes) and the null flags in one 64-bit mask
 * per thread, so the interpreter needs no local-memory stack. Output validity bitmaps are written as
 * whole 32-bit words from warp ballots. A filter is a program with one BOOL8 output: its values and
 * validity are the flags that stream compaction takes.
 *
 * <p>Semantics are Spark 3.5's with ANSI off, per operation in {@link Op}. Null rows of every output
 * hold 0 in their data.
 */
public final class Program {
    private final long[] code;
    private final int registerCount;
    private final DType[] inputTypes;
    private final List<DType> outputTypes;
    private final int instructionCount;
    private final boolean usesDecimal128;

    Program(long[] code, int registerCount, DType[] inputTypes, List<DType> outputTypes, int instructionCount,
            boolean usesDecimal128) {
        this.code = code;
        this.registerCount = registerCount;
        this.inputTypes = inputTypes;
        this.outputTypes = outputTypes;
        this.instructionCount = instructionCount;
        this.usesDecimal128 = usesDecimal128;
    }

    /**
     * Whether an instruction computes with DECIMAL128 values; such programs run on the interpreter
     * built with the 128-bit decimal arithmetic ({@code ember_eval_program_dec128}).
     */
    public boolean usesDecimal128() {
        return usesDecimal128;
    }

    /** A copy of the encoded program ({@link ProgramEncoding}). */
    public long[] code() {
        return code.clone();
    }

    /** Encoded length in int64 words. */
    public int words() {
        return code.length;
    }

    /** Physical registers the program uses (values alive at once), 1..{@link ProgramEncoding#MAX_REGISTERS}. */
    public int registerCount() {
        return registerCount;
    }

    public int instructionCount() {
        return instructionCount;
    }

    /** One more than the highest input column index the program reads (0 when it reads none). */
    public int inputCount() {
        return inputTypes.length;
    }

    /** The type the program reads column {@code index} as, or null if it does not read that column. */
    public DType inputType(int index) {
        return index >= 0 && index < inputTypes.length ? inputTypes[index] : null;
    }

    /** The types of the output columns, in output order. */
    public List<DType> outputTypes() {
        return outputTypes;
    }

    /** One line per instruction, e.g. {@code r2 = ADD int r0, r1}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Program[" + instructionCount + " instructions, " + registerCount
                + " registers, " + outputTypes.size() + " outputs]");
        int pc = 0;
        while (pc < code.length) {
            long w = code[pc++];
            int opcode = ProgramEncoding.opcode(w);
            String type = ProgramEncoding.typeName(ProgramEncoding.type(w));
            String dst = "r" + ProgramEncoding.dst(w);
            sb.append('\n');
            switch (opcode) {
                case ProgramEncoding.OP_INPUT -> sb.append(dst).append(" = INPUT ").append(type).append(" column ")
                        .append(ProgramEncoding.column(w));
                case ProgramEncoding.OP_LITERAL -> {
                    sb.append(dst).append(" = LITERAL ").append(type);
                    if (ProgramEncoding.type(w) == ProgramEncoding.TYPE_DECIMAL128) {
                        sb.append(" 0x").append(Long.toHexString(code[pc + 1])).append(String.format("%016x", code[pc]));
                        pc += 2;
                    } else {
                        sb.append(" 0x").append(Long.toHexString(code[pc++]));
                    }
                }
                case ProgramEncoding.OP_NULL -> sb.append(dst).append(" = NULL ").append(type);
                case ProgramEncoding.OP_OUTPUT -> sb.append("OUTPUT ").append(ProgramEncoding.count(w)).append(' ')
                        .append(type).append(" r").append(ProgramEncoding.a(w));
                default -> {
                    Op op = Op.ofCode(opcode);
                    sb.append(dst).append(" = ").append(op).append(' ').append(type);
                    if (op == Op.COALESCE) {
                        for (int k = 0; k < ProgramEncoding.count(w); k++) {
                            sb.append(k == 0 ? " r" : ", r").append(code[pc++]);
                        }
                    } else if (op == Op.IN) {
                        sb.append(" r").append(ProgramEncoding.a(w)).append(" in ")
                                .append(Arrays.toString(Arrays.copyOfRange(code, pc, pc + ProgramEncoding.count(w))))
                                .append(ProgramEncoding.aux(w) != 0 ? " + null" : "");
                        pc += ProgramEncoding.count(w);
                    } else if (op == Op.CAST) {
                        int to = ProgramEncoding.aux(w);
                        sb.append(" r").append(ProgramEncoding.a(w)).append(" to ").append(ProgramEncoding.typeName(to));
                        if (ProgramEncoding.isDecimalCode(ProgramEncoding.type(w)) || ProgramEncoding.isDecimalCode(to)) {
                            long p = code[pc++];
                            sb.append(" (scale ").append(ProgramEncoding.castFromScale(p)).append(" -> decimal(")
                                    .append(ProgramEncoding.castToPrecision(p)).append(',')
                                    .append(ProgramEncoding.castToScale(p)).append("))");
                        }
                    } else if (ProgramEncoding.trailingWords(code, pc - 1) == 1
                            && ProgramEncoding.type(w) == ProgramEncoding.TYPE_DECIMAL128) {
                        long p = code[pc++];
                        sb.append(" r").append(ProgramEncoding.a(w)).append(" (scale ")
                                .append(ProgramEncoding.arithmeticScaleA(p)).append("), r").append(ProgramEncoding.b(w))
                                .append(" (scale ").append(ProgramEncoding.arithmeticScaleB(p)).append(") -> decimal(")
                                .append(ProgramEncoding.arithmeticResultPrecision(p)).append(',')
                                .append(ProgramEncoding.arithmeticResultScale(p)).append(')');
                    } else if (op == Op.MAKE_DECIMAL) {
                        sb.append(" r").append(ProgramEncoding.a(w)).append(" precision ").append(ProgramEncoding.aux(w));
                    } else {
                        int arity = op == Op.IF ? 3 : isUnary(op) ? 1 : 2;
                        sb.append(" r").append(ProgramEncoding.a(w));
                        if (arity > 1) {
                            sb.append(", r").append(ProgramEncoding.b(w));
                        }
                        if (arity > 2) {
                            sb.append(", r").append(ProgramEncoding.c(w));
                        }
                    }
                }
            }
        }
        return sb.toString();
    }

    private static boolean isUnary(Op op) {
        return switch (op) {
            case NEGATE, ABS, NOT, IS_NULL, IS_NOT_NULL, IS_NAN, YEAR, MONTH, DAY_OF_MONTH, UNSCALED_VALUE, DAY_OF_WEEK,
                    WEEKDAY, DAY_OF_YEAR, QUARTER, WEEK_OF_YEAR, LAST_DAY, FLOOR, CEIL, SIGNUM, SQRT,
                    BIT_NOT -> true;
            default -> false;
        };
    }
}
