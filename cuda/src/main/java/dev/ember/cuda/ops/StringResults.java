package dev.ember.cuda.ops;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/** Result building shared by the string function and cast operations. */
final class StringResults {
    private StringResults() {}

    interface FixedArgs {
        KernelArgs of(long out, long outValidity);
    }

    interface SizeArgs {
        /** The arguments of a sizes kernel writing {@code sizes} (n + 1) and adding to {@code total}. */
        KernelArgs of(long sizes, long total);
    }

    interface CopyArgs {
        KernelArgs of(long outChars, long outOffsets);
    }

    /** Threads for a kernel that ballots validity words: rows rounded up to whole 64-bit words. */
    static LaunchConfig ballotLaunch(Device device, long n) {
        return LaunchConfig.gridStride(Bitmaps.bitmapBytes(n) * 8, device.multiProcessorCount());
    }

    /** A new fixed-width column of n rows from a kernel writing (out, out validity); no launch for n == 0. */
    static Column fixed(Device device, DType type, long n, String kernel, FixedArgs args, Stream stream) {
        DeviceBuffer out = device.allocate(n * type.sizeInBytes(), stream);
        DeviceBuffer validity = null;
        try {
            validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
            if (n > 0) {
                device.kernel(kernel).launch(ballotLaunch(device, n), args.of(out.address(), validity.address()),
                        stream);
            }
        } catch (RuntimeException | Error e) {
            closeAll(e, out, validity);
            throw e;
        }
        return Column.create(type, n, out, validity, Column.UNKNOWN_NULL_COUNT);
    }

    /** A new column of n null rows (data zeroed). */
    static Column allNull(Device device, DType type, long n, Stream stream) {
        if (type.id() == DType.TypeId.STRING) {
            DeviceBuffer offsets = device.allocate(Column.offsetsBytes(n), stream);
            DeviceBuffer chars = null;
            DeviceBuffer validity = null;
            try {
                device.memset(offsets.address(), (byte) 0, offsets.size(), stream);
                chars = device.allocate(0, stream);
                validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
                device.memset(validity.address(), (byte) 0, validity.size(), stream);
            } catch (RuntimeException | Error e) {
                closeAll(e, offsets, chars, validity);
                throw e;
            }
            return Column.createStrings(n, offsets, chars, 0, validity, n);
        }
        DeviceBuffer out = device.allocate(n * type.sizeInBytes(), stream);
        DeviceBuffer validity = null;
        try {
            validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
            device.memset(out.address(), (byte) 0, out.size(), stream);
            device.memset(validity.address(), (byte) 0, validity.size(), stream);
        } catch (RuntimeException | Error e) {
            closeAll(e, out, validity);
            throw e;
        }
        return Column.create(type, n, out, validity, n);
    }

    /**
     * A new STRING column built in two passes: the sizes kernel (its launch {@code sizesLaunch}) writes
     * n + 1 sizes into the future offsets buffer and the exact total; past {@code maxBytes} this throws
     * {@link StringSizeLimitException}; the scan turns sizes into offsets; the copy kernel writes the
     * bytes. {@code validity} (owned by the result from here on, also on failure) may be null.
     */
    static Column twoPass(Device device, long n, long maxBytes, String what, LaunchConfig sizesLaunch,
            String sizesKernel, SizeArgs sizeArgs, String copyKernel, CopyArgs copyArgs, DeviceBuffer validity,
            Stream stream) {
        DeviceBuffer offsets = null;
        DeviceBuffer chars = null;
        long total;
        try {
            offsets = device.allocate(Column.offsetsBytes(n), stream);
            try (DeviceBuffer sum = device.allocate(8, stream)) {
                device.memset(sum.address(), (byte) 0, 8, stream);
                device.kernel(sizesKernel).launch(sizesLaunch, sizeArgs.of(offsets.address(), sum.address()), stream);
                total = readLong(device, sum.address(), stream);
            }
            if (total > maxBytes) {
                throw new StringSizeLimitException(what + " of " + n + " rows needs " + total
                        + " bytes, more than the limit of " + maxBytes + " bytes (int32 offsets): process at most about "
                        + Math.max(1, n * maxBytes / total) + " rows per batch", total, maxBytes, -1);
            }
            PrefixSum.exclusiveSumInt(device, offsets.address(), offsets.address(), n + 1, stream);
            chars = device.allocate(total, stream);
            if (n > 0 && total > 0) {
                device.kernel(copyKernel).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                        copyArgs.of(chars.address(), offsets.address()), stream);
            }
        } catch (RuntimeException | Error e) {
            closeAll(e, offsets, chars, validity);
            throw e;
        }
        return Column.createStrings(n, offsets, chars, total, validity, Column.UNKNOWN_NULL_COUNT);
    }

    /** A copy of a column's validity bitmap, or null when it has none. */
    static DeviceBuffer copyValidity(Device device, Column column, Stream stream) {
        if (!column.hasValidity()) {
            return null;
        }
        long bytes = Bitmaps.bitmapBytes(column.rowCount());
        DeviceBuffer copy = device.allocate(bytes, stream);
        try {
            device.copyDeviceToDevice(column.validityAddress(), copy.address(), bytes, stream);
        } catch (RuntimeException | Error e) {
            copy.close();
            throw e;
        }
        return copy;
    }

    static long readLong(Device device, long address, Stream stream) {
        try (PinnedBuffer host = device.allocatePinned(8)) {
            device.copyDeviceToHost(address, host.address(), 8, stream);
            stream.synchronize();
            return host.asByteBuffer().getLong(0);
        }
    }

    /** A device STRING column of non-null byte strings (no bitmap). */
    static Column upload(Device device, byte[][] values) {
        int[] offsets = new int[values.length + 1];
        for (int i = 0; i < values.length; i++) {
            offsets[i + 1] = Math.addExact(offsets[i], values[i].length);
        }
        byte[] chars = new byte[offsets[values.length]];
        for (int i = 0; i < values.length; i++) {
            System.arraycopy(values[i], 0, chars, offsets[i], values[i].length);
        }
        DeviceBuffer o = DeviceArrays.upload(device, offsets);
        DeviceBuffer c;
        try {
            c = DeviceArrays.upload(device, chars);
        } catch (RuntimeException | Error e) {
            o.close();
            throw e;
        }
        return Column.createStrings(values.length, o, c, chars.length, null, 0);
    }

    /**
     * The rows of a device STRING column without nulls, as byte strings, once the work queued on
     * {@code stream} (which wrote the column) is done: the copies run on the default stream, which a
     * caller's stream is not ordered with, so this synchronizes {@code stream} first.
     */
    static byte[][] download(Column column, Stream stream) {
        stream.synchronize();
        int n = Math.toIntExact(column.rowCount());
        int[] offsets = DeviceArrays.downloadInts(column.offsets(), 0, n + 1);
        byte[] chars = DeviceArrays.downloadBytes(column.data(), 0, Math.toIntExact(column.dataBytes()));
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(chars, offsets[i], offsets[i + 1]);
        }
        return out;
    }

    interface HostRows<R> {
        /** The result from the selected rows (their int32 indices on the device) and their bytes. */
        R apply(Compaction.Selected rows, byte[][] values);
    }

    /**
     * The host fallback of a hybrid operation: the valid rows of a STRING column whose int8 flag
     * ({@code flags}, one byte per row) is set are compacted, gathered and copied to the host, where
     * {@code f} computes the result for them (usually writing it back by their indices).
     */
    static <R> R onHost(Device device, Column input, long flags, Stream stream, HostRows<R> f) {
        try (Compaction.Selected rows = Compaction.selectedRows(device, flags, input.validityAddress(),
                input.rowCount(), stream);
                Column picked = Strings.gather(device, input, rows.indices(), rows.count(), stream)) {
            return f.apply(rows, download(picked, stream));
        }
    }

    static void closeAll(Throwable cause, AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }
}
