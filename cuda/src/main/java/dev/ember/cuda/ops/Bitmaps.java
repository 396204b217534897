package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.BitmapKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/**
 * Arrow-layout validity bitmaps on the device: sizing, counting, logic and conversion from and to
 * int8 flags. A bitmap address of 0 stands for "all valid" wherever a bitmap is read. Bitmaps this
 * class writes cover {@link #bitmapBytes} bytes with every bit past the row count set to 0.
 *
 * <p>Methods named {@code ...Into} write into caller-provided memory; the others allocate the result,
 * which the caller closes. Launches are queued on {@code stream}; only the counting methods that
 * return a number synchronize it.
 */
public final class Bitmaps {
    private Bitmaps() {}

    /**
     * The size of a validity bitmap for {@code rows} rows: whole 64-bit words, so kernels may read and
     * write whole 32-bit (and 64-bit) words without running past the allocation.
     */
    public static long bitmapBytes(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("row count must be >= 0, not " + rows);
        }
        return (rows + 63) / 64 * 8;
    }

    /** The number of null rows among {@code [0, rows)}, on the default stream; 0 for a 0 bitmap. */
    public static long nullCount(Device device, long bitmap, long rows) {
        return nullCount(device, bitmap, rows, device.defaultStream());
    }

    /** The number of null rows among {@code [0, rows)}; synchronizes {@code stream}. 0 for a 0 bitmap. */
    public static long nullCount(Device device, long bitmap, long rows, Stream stream) {
        return rows - countSet(device, bitmap, rows, stream);
    }

    /** The number of set bits among bits {@code [0, n)} ({@code n} for a 0 bitmap); synchronizes {@code stream}. */
    public static long countSet(Device device, long bitmap, long n, Stream stream) {
        checkCount(n);
        if (bitmap == 0 || n == 0) {
            return n;
        }
        try (DeviceBuffer count = device.allocate(8, stream)) {
            device.memset(count.address(), (byte) 0, 8, stream);
            countSetInto(device, bitmap, n, count.address(), stream);
            stream.synchronize();
            return DeviceArrays.downloadLongs(count, 0, 1)[0];
        }
    }

    /**
     * Queues a count of the set bits among bits {@code [0, n)} and adds it to the int64 at device
     * address {@code count} (which the caller zeroed, or which accumulates several counts).
     */
    public static void countSetInto(Device device, long bitmap, long n, long count, Stream stream) {
        checkCount(n);
        requireAddress(count, "count");
        if (n == 0) {
            return;
        }
        launch(device, BitmapKernels.POPCOUNT_B1, (n + 31) / 32, KernelArgs.create().ptr(count).ptr(bitmap).i64(n), stream);
    }

    /** {@code out} bit i := {@code a} bit i AND {@code b} bit i for i in {@code [0, n)}; out may be a or b. */
    public static void andInto(Device device, long a, long b, long n, long out, Stream stream) {
        binary(device, BitmapKernels.AND_B1, a, b, n, out, stream);
    }

    /** A new bitmap of {@code a AND b} over {@code n} bits (all valid AND all valid is all valid). */
    public static DeviceBuffer and(Device device, long a, long b, long n, Stream stream) {
        return allocateAnd(device, n, stream, out -> andInto(device, a, b, n, out, stream));
    }

    /** {@code out} bit i := {@code a} bit i OR {@code b} bit i for i in {@code [0, n)}; out may be a or b. */
    public static void orInto(Device device, long a, long b, long n, long out, Stream stream) {
        binary(device, BitmapKernels.OR_B1, a, b, n, out, stream);
    }

    /** A new bitmap of {@code a OR b} over {@code n} bits. */
    public static DeviceBuffer or(Device device, long a, long b, long n, Stream stream) {
        return allocateAnd(device, n, stream, out -> orInto(device, a, b, n, out, stream));
    }

    /** {@code out} bit i := NOT {@code a} bit i for i in {@code [0, n)}; bits past n are 0; out may be a. */
    public static void notInto(Device device, long a, long n, long out, Stream stream) {
        checkCount(n);
        if (n == 0) {
            return;
        }
        requireAddress(out, "out");
        launch(device, BitmapKernels.NOT_B1, wordsOf(n), KernelArgs.create().ptr(out).ptr(a).i64(n), stream);
    }

    /** A new bitmap of {@code NOT a} over {@code n} bits. */
    public static DeviceBuffer not(Device device, long a, long n, Stream stream) {
        return allocateAnd(device, n, stream, out -> notInto(device, a, n, out, stream));
    }

    /** {@code out} bit i := ({@code flags[i] != 0}) for int8 flags, i in {@code [0, n)}. */
    public static void fromBool8Into(Device device, long flags, long n, long out, Stream stream) {
        checkCount(n);
        if (n == 0) {
            return;
        }
        requireAddress(flags, "flags");
        requireAddress(out, "out");
        // The kernel runs over rows rounded up to whole 64-bit words, one ballot per 32 rows.
        launch(device, BitmapKernels.FROMBOOL8_B1, wordsOf(n) * 32, KernelArgs.create().ptr(out).ptr(flags).i64(n), stream);
    }

    /** A new bitmap from {@code n} int8 flags. */
    public static DeviceBuffer fromBool8(Device device, long flags, long n, Stream stream) {
        return allocateAnd(device, n, stream, out -> fromBool8Into(device, flags, n, out, stream));
    }

    /** {@code out[i]} := 1 if bit i is set (always for a 0 bitmap), else 0, for i in {@code [0, n)}. */
    public static void toBool8Into(Device device, long bitmap, long n, long out, Stream stream) {
        checkCount(n);
        if (n == 0) {
            return;
        }
        requireAddress(out, "out");
        launch(device, BitmapKernels.TOBOOL8_B1, n, KernelArgs.create().ptr(out).ptr(bitmap).i64(n), stream);
    }

    /** New int8 flags (0 or 1), one per bit of {@code [0, n)}. */
    public static DeviceBuffer toBool8(Device device, long bitmap, long n, Stream stream) {
        checkCount(n);
        DeviceBuffer out = device.allocate(n, stream);
        try {
            toBool8Into(device, bitmap, n, out.address(), stream);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static void binary(Device device, String kernel, long a, long b, long n, long out, Stream stream) {
        checkCount(n);
        if (n == 0) {
            return;
        }
        requireAddress(out, "out");
        launch(device, kernel, wordsOf(n), KernelArgs.create().ptr(out).ptr(a).ptr(b).i64(n), stream);
    }

    private interface Writer {
        void write(long out);
    }

    private static DeviceBuffer allocateAnd(Device device, long n, Stream stream, Writer writer) {
        DeviceBuffer out = device.allocate(bitmapBytes(n), stream);
        try {
            writer.write(out.address());
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** The 32-bit words of an {@code n}-bit bitmap allocated as whole 64-bit words. */
    private static long wordsOf(long n) {
        return bitmapBytes(n) / 4;
    }

    private static void launch(Device device, String kernel, long workItems, KernelArgs args, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        device.kernel(kernel).launch(LaunchConfig.gridStride(workItems, device.multiProcessorCount()), args, stream);
    }

    static void checkCount(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("count must be >= 0, not " + n);
        }
    }

    static void requireAddress(long address, String what) {
        if (address == 0) {
            throw new IllegalArgumentException(what + " is a 0 address; pass an allocated device buffer");
        }
    }
}
