package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code expr.cu}: {@code ember_eval_program(program, words, columns, num_inputs, n)}
 * interprets an expression program ({@code dev.ember.cuda.expr.Program}) once per row; {@code
 * ember_eval_program_dec128}, the same interpreter with the DECIMAL128 instructions compiled in, runs
 * the programs that compute with decimals of more than 18 digits (their 128-bit arithmetic needs
 * registers the plain interpreter keeps free for occupancy). {@code
 * columns} holds (data, validity) address pairs: the inputs by column index, then the outputs. The
 * register file lives in dynamic shared memory: {@link #launch} sizes the blocks so it fits.
 */
public final class ExprKernels {
    public static final String EVAL_PROGRAM = "ember_eval_program";
    public static final String EVAL_PROGRAM_DEC128 = "ember_eval_program_dec128";

    /** Dynamic shared memory a launch may use without opting in to more: the portable 48 KiB. */
    public static final int SHARED_MEMORY_BUDGET = 48 * 1024;
    /** Threads per block when the register file is small. */
    public static final int MAX_BLOCK = 256;

    public static final KernelFamily FAMILY =
            KernelFamily.of("expr", List.of(KernelSpec.of("expr", EVAL_PROGRAM, PTR, I32, PTR, I32, I64),
                    KernelSpec.of("expr", EVAL_PROGRAM_DEC128, PTR, I32, PTR, I32, I64)));

    private ExprKernels() {}

    /** Threads per block for a program of {@code registers} registers: a multiple of 32 whose register file fits the budget. */
    public static int blockSize(int registers) {
        if (registers < 1) {
            throw new IllegalArgumentException("a program has at least one register, not " + registers);
        }
        int fits = SHARED_MEMORY_BUDGET / (registers * 8) / 32 * 32;
        if (fits < 32) {
            throw new IllegalArgumentException(registers + " registers do not fit one warp's register file in "
                    + SHARED_MEMORY_BUDGET + " bytes of shared memory");
        }
        return Math.min(MAX_BLOCK, fits);
    }

    /**
     * The launch for {@code rows} rows: one thread per row, rows rounded up to whole 64-row validity
     * words (each warp writes whole 32-bit words), grid-stride beyond a few blocks per multiprocessor.
     */
    public static LaunchConfig launch(long rows, int registers, int multiProcessors) {
        int block = blockSize(registers);
        long threads = (rows + 63) / 64 * 64;
        long blocks = Math.max(1, (threads + block - 1) / block);
        long cap = (long) Math.max(1, multiProcessors) * (2048 / block);
        return new LaunchConfig((int) Math.min(blocks, cap), 1, 1, block, 1, 1, registers * 8 * block);
    }
}
