package dev.ember.cuda.ops;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.FillKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/** Fills device memory with a constant or an arithmetic sequence. */
public final class Fill {
    private Fill() {}

    /**
     * Sets {@code n} elements of {@code width} bytes (1, 2, 4 or 8) starting at {@code address} to the
     * low {@code width} bytes of {@code bits} (a float's or double's raw bits for floating-point data).
     */
    public static void fill(Device device, long address, long n, int width, long bits, Stream stream) {
        if (n == 0) {
            return;
        }
        String kernel = switch (width) {
            case 1 -> FillKernels.FILL_I8;
            case 2 -> FillKernels.FILL_I16;
            case 4 -> FillKernels.FILL_I32;
            case 8 -> FillKernels.FILL_I64;
            default -> throw new IllegalArgumentException("element width must be 1, 2, 4 or 8, not " + width);
        };
        KernelArgs args = KernelArgs.create().ptr(address).i64(n);
        if (width == 8) {
            args.i64(bits);
        } else {
            args.i32((int) bits);
        }
        device.kernel(kernel).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()), args, stream);
    }

    /** A new buffer of {@code n} int32 values {@code start, start + step, ...} (wrapping like Java ints). */
    public static DeviceBuffer sequenceInt(Device device, long n, int start, int step, Stream stream) {
        DeviceBuffer out = device.allocate(n * 4, stream);
        if (n > 0) {
            device.kernel(FillKernels.SEQUENCE_I32).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                    KernelArgs.create().ptr(out.address()).i64(n).i32(start).i32(step), stream);
        }
        return out;
    }

    /** A new buffer of {@code n} int64 values {@code start, start + step, ...} (wrapping like Java longs). */
    public static DeviceBuffer sequenceLong(Device device, long n, long start, long step, Stream stream) {
        DeviceBuffer out = device.allocate(n * 8, stream);
        if (n > 0) {
            device.kernel(FillKernels.SEQUENCE_I64).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                    KernelArgs.create().ptr(out.address()).i64(n).i64(start).i64(step), stream);
        }
        return out;
    }
}
