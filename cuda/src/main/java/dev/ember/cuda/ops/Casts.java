package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.CastKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/**
 * Casts between fixed-width numeric columns with Spark 3.5's non-ANSI rules (see {@code cast.cu}):
 * integral narrowing wraps, floating point to integral saturates with NaN as 0 (to byte and short
 * through int), numbers to boolean are {@code x != 0} (NaN is true), boolean to numbers 1 / 0.
 *
 * <p>Only the data is converted. A cast never changes which rows are null, so the result column takes
 * the input's validity bitmap as it is (shared or copied by the caller); null rows of the result hold
 * the conversion of whatever bytes the input had there.
 */
public final class Casts {
    /** The fixed-width types casts convert between, with their storage width and kernel suffix. */
    public enum Type {
        /** One byte, 0 or 1 (any non-zero byte reads as true). */
        BOOL8("bool8", 1),
        INT8("i8", 1),
        INT16("i16", 2),
        INT32("i32", 4),
        INT64("i64", 8),
        FLOAT32("f32", 4),
        FLOAT64("f64", 8);

        private final String suffix;
        private final int width;

        Type(String suffix, int width) {
            this.suffix = suffix;
            this.width = width;
        }

        /** Bytes per element. */
        public int width() {
            return width;
        }

        /** The entry-point suffix, e.g. {@code f64}. */
        public String suffix() {
            return suffix;
        }
    }

    private Casts() {}

    /** The entry point casting {@code from} to {@code to}; the types must differ. */
    public static String kernelName(Type from, Type to) {
        return CastKernels.name(requireNonNull(from, "from is null").suffix(), requireNonNull(to, "to is null").suffix());
    }

    /**
     * A new buffer of {@code n} values of type {@code to}: the cast of the {@code n} values of type
     * {@code from} at device address {@code input}. Equal types give a copy.
     */
    public static DeviceBuffer cast(Device device, Type from, Type to, long input, long n, Stream stream) {
        requireNonNull(to, "to is null");
        checkCount(n);
        DeviceBuffer out = device.allocate(n * to.width(), stream);
        try {
            castInto(device, from, to, input, out.address(), n, stream);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /**
     * Writes the cast of {@code n} values of type {@code from} at {@code input} to {@code output} as
     * type {@code to}. {@code output} may equal {@code input} only when both types have the same width.
     */
    public static void castInto(Device device, Type from, Type to, long input, long output, long n, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(stream, "stream is null");
        checkCount(n);
        if (n == 0) {
            return;
        }
        if (from == to) {
            if (input != output) {
                device.copyDeviceToDevice(input, output, n * from.width(), stream);
            }
            return;
        }
        if (input == output && from.width() != to.width()) {
            throw new IllegalArgumentException("an in-place cast needs types of the same width; " + from + " to " + to
                    + " needs a separate output buffer");
        }
        device.kernel(kernelName(from, to)).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                KernelArgs.create().ptr(input).ptr(output).i64(n), stream);
    }

    private static void checkCount(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("row count must not be negative: " + n);
        }
    }
}
