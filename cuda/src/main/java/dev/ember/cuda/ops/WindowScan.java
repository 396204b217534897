package dev.ember.cuda.ops;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.WindowKernels;
import dev.ember.cuda.memory.Closeables;
import java.util.ArrayList;
import java.util.List;

/**
 * The segmented scan behind {@link WindowAggregates#runningAggregate} for float SUM and MIN / MAX: a prep
 * kernel turns the values into accumulators with a state byte (valid, continues the segment), then
 * {@code scan_chunks} scans chunks of {@link WindowKernels#SCAN_CHUNK} elements independently and writes each
 * chunk's result; the chunk results are scanned the same way, recursively, and {@code scan_fixup} combines
 * each chunk's carry into its elements that continue a segment from an earlier chunk. No kernel waits for
 * another block.
 */
final class WindowScan {
    private WindowScan() {}

    /** A level's output: accumulators and states. */
    private record Level(DeviceBuffer acc, DeviceBuffer state) implements AutoCloseable {
        @Override
        public void close() {
            try (state) {
                acc.close();
            }
        }
    }

    static Column running(Device device, WindowAggregates.Kind kind, Column values, WindowSegments groups,
            DType result, Stream stream) {
        long n = values.rowCount();
        boolean sum = kind == WindowAggregates.Kind.SUM;
        String t = WindowKernels.minMaxType(values.type());
        int width = sum ? 8 : result.sizeInBytes();
        String prep = sum ? (t.equals("f32") ? WindowKernels.SCAN_PREP_SUM_F32 : WindowKernels.SCAN_PREP_SUM_F64)
                : WindowKernels.scanPrep(t);
        String chunks = sum ? WindowKernels.SCAN_CHUNKS_SUM_F64 : WindowKernels.scanChunksMinMax(t);
        String fixup = sum ? WindowKernels.SCAN_FIXUP_SUM_F64 : WindowKernels.scanFixupMinMax(t);
        int isMax = kind == WindowAggregates.Kind.MAX ? 1 : 0;
        Level out = null;
        DeviceBuffer validity = null;
        try (Level in = new Level(device.allocate(Math.max(8, n * width), stream), device.allocate(Math.max(8, n), stream))) {
            if (n > 0) {
                device.kernel(prep).launch(WindowFunctions.launch(device, n), KernelArgs.create().ptr(in.acc().address())
                        .ptr(in.state().address()).ptr(values.dataAddress()).ptr(values.validityAddress())
                        .ptr(groups.startAddress()).i64(n), stream);
            }
            out = scan(device, chunks, fixup, sum, isMax, width, in, n, stream);
            validity = device.allocate(Math.max(8, Bitmaps.bitmapBytes(n)), stream);
            if (n > 0) {
                device.kernel(WindowKernels.STATE_VALIDITY).launch(WindowAggregates.validityLaunch(device, n),
                        KernelArgs.create().ptr(validity.address()).ptr(out.state().address()).i64(n), stream);
            }
            DeviceBuffer data = out.acc();
            out.state().close();
            out = null;
            DeviceBuffer v = validity;
            validity = null;
            return Column.create(result, n, data, v, Column.UNKNOWN_NULL_COUNT);
        } catch (RuntimeException | Error e) {
            List<AutoCloseable> left = new ArrayList<>();
            if (out != null) {
                left.add(out);
            }
            if (validity != null) {
                left.add(validity);
            }
            Closeables.closeAll(left);
            throw e;
        }
    }

    /** Scans {@code n} elements of {@code in} into a new level. */
    private static Level scan(Device device, String chunks, String fixup, boolean sum, int isMax, int width, Level in,
            long n, Stream stream) {
        long chunkCount = (n + WindowKernels.SCAN_CHUNK - 1) / WindowKernels.SCAN_CHUNK;
        Level out = new Level(device.allocate(Math.max(8, n * width), stream), device.allocate(Math.max(8, n), stream));
        try (Level chunk = new Level(device.allocate(Math.max(8, chunkCount * width), stream),
                device.allocate(Math.max(8, chunkCount), stream))) {
            if (n == 0) {
                return out;
            }
            KernelArgs args = KernelArgs.create().ptr(out.acc().address()).ptr(out.state().address())
                    .ptr(chunk.acc().address()).ptr(chunk.state().address()).ptr(in.acc().address())
                    .ptr(in.state().address());
            if (!sum) {
                args.i32(isMax);
            }
            device.kernel(chunks).launch(LaunchConfig.gridStride(chunkCount, device.multiProcessorCount()),
                    args.i64(n), stream);
            if (chunkCount > 1) {
                try (Level carry = scan(device, chunks, fixup, sum, isMax, width, chunk, chunkCount, stream)) {
                    KernelArgs f = KernelArgs.create().ptr(out.acc().address()).ptr(out.state().address())
                            .ptr(carry.acc().address()).ptr(carry.state().address());
                    if (!sum) {
                        f.i32(isMax);
                    }
                    device.kernel(fixup).launch(WindowFunctions.launch(device, n), f.i64(n), stream);
                }
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }
}
