package dev.ember.cuda.ops;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.HashAggDecKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/**
 * The exact decimal sums of {@link HashAggregate} ({@code SUM_DECIMAL}, {@code SUM_DECIMAL_MERGE}):
 * per slot a 192-bit sum (three uint64 words, see {@code hashaggdec.cu}) and, for the merge, a count of
 * null partials; each group's result is checked against 10^P when read out.
 */
final class HashAggDecimals {
    private HashAggDecimals() {}

    /** decimal(P, s) for values of decimal type with scale s; P is the aggregation's argument. */
    static DType resultType(HashAggregate.Aggregation aggregation, DType input) {
        if (input == null || !input.isDecimal()) {
            throw new IllegalArgumentException(aggregation.kind() + " of " + input + " is not supported on the GPU; "
                    + "supported: DECIMAL64, DECIMAL128 (use SUM for integral and floating-point values)");
        }
        int precision = aggregation.argument();
        if (input.scale() > precision) {
            throw new IllegalArgumentException(aggregation.kind() + " of " + input + " cannot have precision "
                    + precision + ", below the scale " + input.scale() + ": pass a result precision >= the scale");
        }
        return DType.decimal(precision, input.scale());
    }

    /** The result column of a SUM_DECIMAL kind over {@code value}; see {@link HashAggUpdates#aggregate}. */
    static Column aggregate(Device device, HashAggregate.Aggregation aggregation, Column value, long rowSlot, long n,
            long capacity, long groupSlots, long groups, Stream stream) {
        DType resultType = resultType(aggregation, value.type());
        boolean merge = aggregation.kind() == HashAggregate.Kind.SUM_DECIMAL_MERGE;
        long sumBytes = capacity * HashAggDecKernels.SUM_WORDS * 8;
        try (DeviceBuffer sums = device.allocate(sumBytes, stream);
                DeviceBuffer nulls = device.allocate(merge ? capacity * 8 : 0, stream)) {
            device.memset(sums.address(), (byte) 0, sumBytes, stream);
            if (merge) {
                device.memset(nulls.address(), (byte) 0, capacity * 8, stream);
            }
            long nullCounts = merge ? nulls.address() : 0;
            if (n > 0) {
                String update = value.type().id() == DType.TypeId.DECIMAL64 ? HashAggDecKernels.SUM_DEC64
                        : HashAggDecKernels.SUM_DEC128;
                device.kernel(update).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                        KernelArgs.create().ptr(sums.address()).ptr(nullCounts).ptr(rowSlot).ptr(value.dataAddress())
                                .ptr(value.validityAddress()).i64(n),
                        stream);
            }
            return emit(device, resultType, sums.address(), nullCounts, groupSlots, groups, stream);
        }
    }

    private static Column emit(Device device, DType type, long sums, long nulls, long groupSlots, long groups,
            Stream stream) {
        DeviceBuffer data = device.allocate(groups * type.sizeInBytes(), stream);
        DeviceBuffer validity = null;
        try {
            validity = device.allocate(Bitmaps.bitmapBytes(groups), stream);
            if (groups > 0) {
                String kernel = type.id() == DType.TypeId.DECIMAL64 ? HashAggDecKernels.EMIT_DEC64
                        : HashAggDecKernels.EMIT_DEC128;
                // Rows rounded up to whole 64-bit validity words, as the kernel writes them.
                long threads = Bitmaps.bitmapBytes(groups) * 8;
                device.kernel(kernel).launch(LaunchConfig.gridStride(threads, device.multiProcessorCount()),
                        KernelArgs.create().ptr(data.address()).ptr(validity.address()).ptr(sums).ptr(nulls)
                                .ptr(groupSlots).i32(type.precision()).i64(groups),
                        stream);
            }
        } catch (RuntimeException | Error e) {
            data.close();
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        return Column.create(type, groups, data, validity, Column.UNKNOWN_NULL_COUNT);
    }
}
