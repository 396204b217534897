package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.HashAggDecKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/**
 * Spark's decimal AVG result from its merged buffers ({@code Average.evaluateExpression} with ANSI off):
 * a sum column (decimal(ps, s); null means the sum overflowed) and an INT64 count column give
 * decimal(rp, rs), where Spark passes rp = min(38, p + 4) and rs = min(38, s + 4) for an input of
 * decimal(p, s). Each row is sum / count rounded HALF_UP (ties away from zero) to scale rs — what Spark
 * gets by dividing to scale 39 truncating and then rounding HALF_UP to rs —, null when the sum or the
 * count is null, the count is 0, or |result| >= 10^rp.
 */
public final class DecimalAverage {
    private DecimalAverage() {}

    /**
     * A new column of {@code DType.decimal(precision, scale)}: the row-wise averages of {@code sums} and
     * {@code counts} (equal lengths).
     *
     * @param precision the result precision rp, 1..38
     * @param scale the result scale rs, from the sum's scale s to s + 19 (the numerator sum * 10^(rs - s)
     *     must fit the kernel's 192 bits) and at most {@code precision}
     */
    public static Column average(Device device, Column sums, Column counts, int precision, int scale, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(sums, "sums is null");
        requireNonNull(counts, "counts is null");
        requireNonNull(stream, "stream is null");
        if (!sums.type().isDecimal()) {
            throw new IllegalArgumentException("the sums of a decimal average must be DECIMAL64 or DECIMAL128, not "
                    + sums.type());
        }
        if (counts.type().id() != DType.TypeId.INT64) {
            throw new IllegalArgumentException("the counts of a decimal average must be INT64 (bigint), not "
                    + counts.type());
        }
        if (sums.rowCount() != counts.rowCount()) {
            throw new IllegalArgumentException("sums and counts must have equal lengths, found " + sums.rowCount()
                    + " and " + counts.rowCount() + " rows");
        }
        int shift = scale - sums.type().scale();
        if (shift < 0 || shift > HashAggDecKernels.MAX_AVERAGE_SHIFT) {
            throw new IllegalArgumentException("the result scale of a decimal average must be the sum's scale "
                    + sums.type().scale() + " plus 0.." + HashAggDecKernels.MAX_AVERAGE_SHIFT + ", not " + scale);
        }
        DType type = DType.decimal(precision, scale);
        long n = sums.rowCount();
        DeviceBuffer data = device.allocate(n * type.sizeInBytes(), stream);
        DeviceBuffer validity = null;
        try {
            validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
            if (n > 0) {
                String kernel = sums.type().id() == DType.TypeId.DECIMAL64 ? HashAggDecKernels.AVERAGE_DEC64
                        : HashAggDecKernels.AVERAGE_DEC128;
                // Rows rounded up to whole 64-bit validity words, as the kernel writes them.
                long threads = Bitmaps.bitmapBytes(n) * 8;
                device.kernel(kernel).launch(LaunchConfig.gridStride(threads, device.multiProcessorCount()),
                        KernelArgs.create().ptr(data.address()).ptr(validity.address()).ptr(sums.dataAddress())
                                .ptr(sums.validityAddress()).ptr(counts.dataAddress()).ptr(counts.validityAddress())
                                .i32(shift).i32(precision).i32(type.sizeInBytes() / 8).i64(n),
                        stream);
            }
        } catch (RuntimeException | Error e) {
            data.close();
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        return Column.create(type, n, data, validity, Column.UNKNOWN_NULL_COUNT);
    }
}
