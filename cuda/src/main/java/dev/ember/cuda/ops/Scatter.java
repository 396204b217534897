package dev.ember.cuda.ops;

import static dev.ember.cuda.ops.Bitmaps.checkCount;
import static dev.ember.cuda.ops.Bitmaps.requireAddress;
import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.GatherKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.ScatterKernels;

/**
 * Scatters fixed-width elements (1, 2, 4, 8 or 16 bytes; 16-byte data 16-byte aligned) by an int32 map: {@code out[map[i]] = src[i]} for i in
 * {@code [0, n)}, together with the validity bits. Map entries outside {@code [0, outRows)} (-1
 * included) are skipped; output rows no entry targets keep their data and validity.
 *
 * <p>The in-range map entries must be distinct: with duplicate targets the winner is unspecified on
 * a GPU (and may differ between data and validity). A null source row writes data 0.
 */
public final class Scatter {
    private Scatter() {}

    /**
     * Queues the scatter into caller-provided memory.
     *
     * @param srcValidity the source's validity bitmap, or 0 when every source row is valid
     * @param outValidity the output's validity bitmap (4-byte aligned, covering {@code outRows} bits),
     *     or 0 to write data only, which needs an all-valid source
     */
    public static void scatter(Device device, long src, long srcValidity, long n, int width, long map, long out,
            long outValidity, long outRows, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        String kernel = ScatterKernels.name(width);
        checkCount(n);
        if (outRows < 0) {
            throw new IllegalArgumentException("output row count must be >= 0, not " + outRows);
        }
        if (srcValidity != 0 && outValidity == 0) {
            throw new IllegalArgumentException(
                    "the source has a validity bitmap but the output has none: pass an output bitmap to keep its nulls");
        }
        if ((outValidity & 3) != 0) {
            throw new IllegalArgumentException("outValidity must be 4-byte aligned (the kernel updates 32-bit words)");
        }
        if (n == 0) {
            return;
        }
        requireAddress(src, "src");
        requireAddress(map, "map");
        requireAddress(out, "out");
        GatherKernels.checkAlignment(width, src, "src");
        GatherKernels.checkAlignment(width, out, "out");
        KernelArgs args = KernelArgs.create().ptr(out).ptr(outValidity).i64(outRows).ptr(src).ptr(srcValidity)
                .ptr(map).i64(n);
        device.kernel(kernel).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()), args, stream);
    }

    /**
     * Queues the scatter between buffers, checking their sizes.
     *
     * @param srcValidity null when every source row is valid
     * @param outValidity null to write data only (then {@code srcValidity} must be null too)
     */
    public static void scatter(Device device, DeviceBuffer src, DeviceBuffer srcValidity, long n, int width,
            DeviceBuffer map, DeviceBuffer out, DeviceBuffer outValidity, long outRows, Stream stream) {
        requireNonNull(src, "src is null");
        requireNonNull(map, "map is null");
        requireNonNull(out, "out is null");
        ScatterKernels.name(width);
        Gather.checkFits(src, n, width, "src");
        Gather.checkFits(map, n, 4, "map");
        Gather.checkFits(out, outRows, width, "out");
        if (srcValidity != null && srcValidity.size() < (n + 7) / 8) {
            throw new IllegalArgumentException(srcValidity + " is too small for the validity of " + n + " rows");
        }
        if (outValidity != null && outValidity.size() < (outRows + 31) / 32 * 4) {
            throw new IllegalArgumentException(outValidity + " is too small for the validity of " + outRows
                    + " rows; size bitmaps with Bitmaps.bitmapBytes");
        }
        scatter(device, src.address(), srcValidity == null ? 0 : srcValidity.address(), n, width, map.address(),
                out.address(), outValidity == null ? 0 : outValidity.address(), outRows, stream);
    }
}
