package dev.ember.cuda.ops;

import static dev.ember.cuda.ops.Bitmaps.checkCount;
import static dev.ember.cuda.ops.Bitmaps.requireAddress;
import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.CopyKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/**
 * Copies a run of rows from one column buffer into another at any row offset: fixed-width elements
 * by element offsets, and validity bits by bit offsets (which need not be multiples of 8 or 32).
 * The building block of concatenation and slicing. Source and destination ranges must not overlap.
 */
public final class CopyWithOffset {
    private CopyWithOffset() {}

    /**
     * Queues {@code dst[dstOffset + i] = src[srcOffset + i]} for i in {@code [0, n)}, elements of
     * {@code width} bytes (1, 2, 4 or 8); offsets count elements.
     */
    public static void copy(Device device, long src, long srcOffset, long dst, long dstOffset, long n, int width,
            Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        String kernel = CopyKernels.name(width);
        checkCount(n);
        checkOffsets(srcOffset, dstOffset);
        if (n == 0) {
            return;
        }
        requireAddress(src, "src");
        requireAddress(dst, "dst");
        device.kernel(kernel).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                KernelArgs.create().ptr(dst).i64(dstOffset).ptr(src).i64(srcOffset).i64(n), stream);
    }

    /** {@link #copy(Device, long, long, long, long, long, int, Stream)} between buffers, checking their sizes. */
    public static void copy(Device device, DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long n,
            int width, Stream stream) {
        requireNonNull(src, "src is null");
        requireNonNull(dst, "dst is null");
        CopyKernels.name(width);
        checkCount(n);
        checkOffsets(srcOffset, dstOffset);
        Gather.checkFits(src, srcOffset + n, width, "src");
        Gather.checkFits(dst, dstOffset + n, width, "dst");
        copy(device, src.address(), srcOffset, dst.address(), dstOffset, n, width, stream);
    }

    /**
     * Queues the copy of bits {@code [srcBit, srcBit + n)} of the bitmap at {@code src} to bits
     * {@code [dstBit, dstBit + n)} of the bitmap at {@code dst}; every other destination bit keeps
     * its value. A 0 {@code src} (all valid) sets the destination bits. The addresses may be any byte
     * address: a misalignment is folded into the bit offset.
     */
    public static void copyBits(Device device, long src, long srcBit, long dst, long dstBit, long n, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        checkCount(n);
        checkOffsets(srcBit, dstBit);
        if (n == 0) {
            return;
        }
        requireAddress(dst, "dst");
        // The kernel works on aligned 32-bit words: move each address down to a multiple of 4 bytes and
        // its bit offset up by as many bytes.
        long dstMisalign = dst & 3;
        long srcMisalign = src & 3;
        KernelArgs args = KernelArgs.create().ptr(dst - dstMisalign).i64(dstBit + dstMisalign * 8)
                .ptr(src - srcMisalign).i64(srcBit + srcMisalign * 8).i64(n);
        long words = ((dstBit + dstMisalign * 8 + n - 1) >>> 5) - ((dstBit + dstMisalign * 8) >>> 5) + 1;
        device.kernel(CopyKernels.COPYBITS_B1).launch(LaunchConfig.gridStride(words, device.multiProcessorCount()),
                args, stream);
    }

    /**
     * A new bitmap of {@link Bitmaps#bitmapBytes}{@code (n)} bytes holding bits
     * {@code [srcBit, srcBit + n)} of {@code src} at {@code [0, n)}, with every bit past n 0 (all
     * {@code n} bits set when {@code src} is 0).
     */
    public static DeviceBuffer sliceBits(Device device, long src, long srcBit, long n, Stream stream) {
        requireNonNull(device, "device is null");
        checkCount(n);
        DeviceBuffer out = device.allocate(Bitmaps.bitmapBytes(n), stream);
        try {
            device.memset(out.address(), (byte) 0, out.size(), stream);
            copyBits(device, src, srcBit, out.address(), 0, n, stream);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static void checkOffsets(long srcOffset, long dstOffset) {
        if (srcOffset < 0 || dstOffset < 0) {
            throw new IllegalArgumentException("offsets must be >= 0, not source " + srcOffset + " and destination "
                    + dstOffset);
        }
    }
}
