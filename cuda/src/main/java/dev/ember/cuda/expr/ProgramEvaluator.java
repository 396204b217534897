package dev.ember.cuda.expr;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.ExprKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.ops.Bitmaps;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link Program} over device columns with one kernel launch. The result columns are new
 * (the caller closes them); each has a validity bitmap whose null count is computed when first asked
 * ({@link Column#nullCount()}), so evaluation itself stays asynchronous except for the upload of the
 * program (a few hundred bytes, synchronized on {@code stream} before the launch).
 */
public final class ProgramEvaluator {
    private ProgramEvaluator() {}

    /**
     * Evaluates {@code program} over {@code rows} rows.
     *
     * @param inputs the columns the program's INPUT instructions index; those it reads must have the
     *     type it reads them as and {@code rows} rows, with or without validity; others may be anything
     *     (or null)
     * @return one column per program output, in output order
     */
    public static List<Column> evaluate(Device device, Program program, List<Column> inputs, long rows, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(program, "program is null");
        requireNonNull(inputs, "inputs is null");
        requireNonNull(stream, "stream is null");
        if (rows < 0) {
            throw new IllegalArgumentException("row count must be >= 0, not " + rows);
        }
        if (inputs.size() < program.inputCount()) {
            throw new IllegalArgumentException("the program reads column " + (program.inputCount() - 1) + " but "
                    + inputs.size() + " input columns were given");
        }
        int numInputs = program.inputCount();
        List<DType> outputTypes = program.outputTypes();
        long[] words = new long[2 * (numInputs + outputTypes.size()) + program.words()];
        for (int i = 0; i < numInputs; i++) {
            DType type = program.inputType(i);
            if (type == null) {
                continue;
            }
            Column column = requireNonNull(inputs.get(i), "input column " + i + " is null, but the program reads it");
            if (!column.type().equals(type)) {
                throw new IllegalArgumentException("the program reads input column " + i + " as " + type + ", but it is "
                        + column.type());
            }
            if (column.rowCount() != rows) {
                throw new IllegalArgumentException("input column " + i + " has " + column.rowCount() + " rows, not "
                        + rows);
            }
            if (column.device() != device) {
                throw new IllegalArgumentException("input column " + i + " is on another device");
            }
            words[2 * i] = column.dataAddress();
            words[2 * i + 1] = column.validityAddress();
        }
        List<Column> outputs = new ArrayList<>(outputTypes.size());
        try {
            for (int k = 0; k < outputTypes.size(); k++) {
                DType type = outputTypes.get(k);
                DeviceBuffer data = device.allocate(rows * type.sizeInBytes(), stream);
                DeviceBuffer validity;
                try {
                    validity = device.allocate(Bitmaps.bitmapBytes(rows), stream);
                } catch (RuntimeException | Error e) {
                    data.close();
                    throw e;
                }
                Column column = Column.create(type, rows, data, validity, rows == 0 ? 0 : Column.UNKNOWN_NULL_COUNT);
                outputs.add(column);
                words[2 * (numInputs + k)] = column.dataAddress();
                words[2 * (numInputs + k) + 1] = column.validityAddress();
            }
            if (rows > 0) {
                long[] code = program.code();
                System.arraycopy(code, 0, words, words.length - code.length, code.length);
                launch(device, program, words, numInputs, rows, stream);
            }
            return outputs;
        } catch (RuntimeException | Error e) {
            for (Column c : outputs) {
                try {
                    c.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static void launch(Device device, Program program, long[] words, int numInputs, long rows, Stream stream) {
        long bytes = words.length * 8L;
        int programOffset = words.length - program.words();
        try (DeviceBuffer args = device.allocate(bytes, stream)) {
            try (PinnedBuffer staging = device.allocatePinned(bytes)) {
                staging.asByteBuffer().asLongBuffer().put(words);
                device.copyHostToDevice(staging.address(), args.address(), bytes, stream);
                // The staging buffer is freed next: the copy must be done.
                stream.synchronize();
            }
            KernelArgs kernelArgs = KernelArgs.create().ptr(args.address(programOffset * 8L)).i32(program.words())
                    .ptr(args.address()).i32(numInputs).i64(rows);
            // args is freed in stream order, after the kernel.
            String kernel = program.usesDecimal128() ? ExprKernels.EVAL_PROGRAM_DEC128 : ExprKernels.EVAL_PROGRAM;
            device.kernel(kernel).launch(
                    ExprKernels.launch(rows, program.registerCount(), device.multiProcessorCount()), kernelArgs, stream);
        }
    }
}
