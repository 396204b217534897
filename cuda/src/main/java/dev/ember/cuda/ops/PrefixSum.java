package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.ScanKernels;

/**
 * Exclusive prefix sums of int32 and int64 device arrays of any length: {@code out[i] = in[0] + ... +
 * in[i - 1]} ({@code out[0] = 0}), plus the total {@code in[0] + ... + in[n - 1]}, which callers need
 * to size what the sums index (compaction, allocations). Sums wrap around exactly like Java's int and
 * long addition (as Spark's ANSI-off arithmetic does), so the results are those of the obvious Java
 * loop, overflow included.
 *
 * <p>Out-of-place or in-place: {@code out} may be the same address as {@code in} for the same-width
 * scans, otherwise the two must not overlap. Each call returns the total to the host, which costs one
 * small device-to-host copy and waits for the stream.
 *
 * <p>How: {@code scan_tiles} scans each tile of {@link ScanKernels#TILE} elements and writes the
 * tile totals; the totals are scanned the same way, in place, recursively (one level per factor of
 * {@code TILE}: three levels up to {@code TILE^3} elements); {@code scan_add_offsets} then adds each
 * tile's scanned offset to its elements. The single tile of the last level writes the grand total
 * straight into the result slot.
 */
public final class PrefixSum {
    private PrefixSum() {}

    /** Scans {@code n} int32 values at {@code in} into {@code out}; returns their wrapping sum. */
    public static int exclusiveSumInt(Device device, long in, long out, long n, Stream stream) {
        return (int) scan(device, ScanKernels.SCAN_TILES_I32, 4, in, out, n, stream);
    }

    /**
     * Scans {@code n} int32 values at {@code in} into {@code out} without returning the total: nothing
     * is copied to the host and the host does not wait for the stream.
     */
    public static void exclusiveSumIntAsync(Device device, long in, long out, long n, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        if (n < 0) {
            throw new IllegalArgumentException("element count must not be negative: " + n);
        }
        if (n == 0) {
            return;
        }
        try (DeviceBuffer total = device.allocate(4, stream)) {
            scanLevel(device, ScanKernels.SCAN_TILES_I32, 4, in, out, n, total.address(), stream);
        }
    }

    /** Scans {@code n} int64 values at {@code in} into {@code out}; returns their wrapping sum. */
    public static long exclusiveSumLong(Device device, long in, long out, long n, Stream stream) {
        return scan(device, ScanKernels.SCAN_TILES_I64, 8, in, out, n, stream);
    }

    /**
     * Scans {@code n} int32 values at {@code in} into int64 sums at {@code out} (which must not overlap
     * {@code in}), for sums that may pass 2^31 (sizes, offsets); returns the total.
     */
    public static long exclusiveSumIntToLong(Device device, long in, long out, long n, Stream stream) {
        return scan(device, ScanKernels.SCAN_TILES_I32_I64, 8, in, out, n, stream);
    }

    private static long scan(Device device, String firstLevel, int width, long in, long out, long n, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        if (n < 0) {
            throw new IllegalArgumentException("element count must not be negative: " + n);
        }
        if (n == 0) {
            return 0;
        }
        try (DeviceBuffer total = device.allocate(width, stream)) {
            scanLevel(device, firstLevel, width, in, out, n, total.address(), stream);
            return download(device, total.address(), width, stream);
        }
    }

    /**
     * One level: per-tile scans of {@code in} into {@code out}, then (when there is more than one tile)
     * the tile totals scanned by the next level and added back. The sum of this level's input ends up
     * at {@code totalAddress}.
     */
    private static void scanLevel(Device device, String scanKernel, int width, long in, long out, long n,
            long totalAddress, Stream stream) {
        long tiles = ScanKernels.tileCount(n);
        if (tiles == 1) {
            launchScanTiles(device, scanKernel, in, out, totalAddress, n, stream);
            return;
        }
        try (DeviceBuffer tileSums = device.allocate(tiles * width, stream)) {
            launchScanTiles(device, scanKernel, in, out, tileSums.address(), n, stream);
            // Upper levels scan sums, which already have the output's width.
            String upper = width == 4 ? ScanKernels.SCAN_TILES_I32 : ScanKernels.SCAN_TILES_I64;
            scanLevel(device, upper, width, tileSums.address(), tileSums.address(), tiles, totalAddress, stream);
            String add = width == 4 ? ScanKernels.ADD_OFFSETS_I32 : ScanKernels.ADD_OFFSETS_I64;
            device.kernel(add).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                    KernelArgs.create().ptr(out).ptr(tileSums.address()).i64(n), stream);
        }
    }

    private static void launchScanTiles(Device device, String kernel, long in, long out, long totals, long n,
            Stream stream) {
        device.kernel(kernel).launch(ScanKernels.tileLaunch(n),
                KernelArgs.create().ptr(in).ptr(out).ptr(totals).i64(n), stream);
    }

    private static long download(Device device, long address, int width, Stream stream) {
        try (PinnedBuffer host = device.allocatePinned(width)) {
            device.copyDeviceToHost(address, host.address(), width, stream);
            stream.synchronize();
            return width == 4 ? host.asByteBuffer().getInt(0) : host.asByteBuffer().getLong(0);
        }
    }
}
