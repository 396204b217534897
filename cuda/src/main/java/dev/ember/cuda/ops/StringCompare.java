package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.StringCompareKernels;

/**
 * Row-wise comparison of STRING columns in Spark's order ({@code UTF8String.compareTo}: unsigned
 * bytes, then length) into a new INT8 column of -1, 0 or 1, null where either side is null. The
 * expression layer derives {@code = < <= > >=} from it; {@code include/ember_strings.cuh} has the
 * same comparison for kernels that need it inline (aggregation, join, sort).
 */
public final class StringCompare {
    private StringCompare() {}

    /** {@code compare(a[i], b[i])} for every row; the columns must have the same row count. */
    public static Column compare(Device device, Column a, Column b, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        Strings.requireStrings(a, "a");
        Strings.requireStrings(b, "b");
        if (a.rowCount() != b.rowCount()) {
            throw new IllegalArgumentException("compared columns need the same row count, not " + a.rowCount()
                    + " and " + b.rowCount());
        }
        long n = a.rowCount();
        return launch(device, n, stream, (out, validity) -> KernelArgs.create().ptr(out).ptr(validity)
                .ptr(a.offsetsAddress()).ptr(a.dataAddress()).ptr(a.validityAddress())
                .ptr(b.offsetsAddress()).ptr(b.dataAddress()).ptr(b.validityAddress()).i64(n),
                StringCompareKernels.COMPARE_CC);
    }

    /**
     * {@code compare(a[i], scalar)} for every row, {@code scalar} being UTF-8 bytes, or null for a
     * null scalar (every result null, without a launch).
     */
    public static Column compare(Device device, Column a, byte[] scalar, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        Strings.requireStrings(a, "a");
        long n = a.rowCount();
        if (scalar == null) {
            return allNull(device, n, stream);
        }
        // The upload is complete when it returns, so the kernel queued below sees the bytes.
        try (DeviceBuffer s = DeviceArrays.upload(device, scalar)) {
            Column result = launch(device, n, stream, (out, validity) -> KernelArgs.create().ptr(out).ptr(validity)
                    .ptr(a.offsetsAddress()).ptr(a.dataAddress()).ptr(a.validityAddress())
                    .ptr(s.address()).i32(scalar.length).i64(n), StringCompareKernels.COMPARE_CS);
            // The scalar was allocated on the default stream and is freed there: the kernel on
            // this stream must be done reading it first.
            stream.synchronize();
            return result;
        }
    }

    private interface Args {
        KernelArgs of(long out, long validity);
    }

    private static Column launch(Device device, long n, Stream stream, Args args, String kernel) {
        DeviceBuffer out = device.allocate(n, stream);
        DeviceBuffer validity = null;
        try {
            validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
            if (n > 0) {
                // One thread per row, rows rounded up to whole 64-bit validity words.
                long threads = Bitmaps.bitmapBytes(n) * 8;
                device.kernel(kernel).launch(LaunchConfig.gridStride(threads, device.multiProcessorCount()),
                        args.of(out.address(), validity.address()), stream);
            }
        } catch (RuntimeException | Error e) {
            out.close();
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        return Column.create(DType.INT8, n, out, validity, Column.UNKNOWN_NULL_COUNT);
    }

    private static Column allNull(Device device, long n, Stream stream) {
        DeviceBuffer out = device.allocate(n, stream);
        DeviceBuffer validity = null;
        try {
            validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
            device.memset(out.address(), (byte) 0, n, stream);
            device.memset(validity.address(), (byte) 0, validity.size(), stream);
        } catch (RuntimeException | Error e) {
            out.close();
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        return Column.create(DType.INT8, n, out, validity, n);
    }
}
