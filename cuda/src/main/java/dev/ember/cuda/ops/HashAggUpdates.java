package dev.ember.cuda.ops;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.HashAggKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import java.util.List;

/**
 * One aggregation of {@link HashAggregate}: per-slot states (64-bit value + uint64 count of non-null
 * values) updated by every row, then one result per group read from its slot.
 */
final class HashAggUpdates {
    private HashAggUpdates() {}

    /**
     * The row-selecting rule ({@link AggSelect}) that computes {@code kind} over {@code input} values, or
     * null when per-slot 64-bit states compute it (fixed-width MIN/MAX, COUNT, SUM).
     */
    static AggSelect.Rule selectRule(HashAggregate.Kind kind, DType input) {
        return switch (kind) {
            case FIRST, FIRST_NON_NULL, FIRST_WHERE -> AggSelect.Rule.FIRST;
            case LAST, LAST_NON_NULL, LAST_WHERE -> AggSelect.Rule.LAST;
            case MIN -> input != null && AggSelect.comparesValuesOf(input) ? AggSelect.Rule.MIN : null;
            case MAX -> input != null && AggSelect.comparesValuesOf(input) ? AggSelect.Rule.MAX : null;
            default -> null;
        };
    }

    /** The BOOL8 condition column of a FIRST_WHERE / LAST_WHERE aggregation (its argument); null for others. */
    static Column condition(HashAggregate.Aggregation agg, List<Column> values) {
        if (agg.kind() != HashAggregate.Kind.FIRST_WHERE && agg.kind() != HashAggregate.Kind.LAST_WHERE) {
            return null;
        }
        if (agg.argument() >= values.size()) {
            throw new IllegalArgumentException(agg + " refers to condition column " + agg.argument()
                    + " but there are " + values.size() + " value columns");
        }
        Column condition = values.get(agg.argument());
        if (condition.type().id() != DType.TypeId.BOOL8) {
            throw new IllegalArgumentException(agg + " needs a BOOL8 condition column, but value column "
                    + agg.argument() + " is " + condition.type());
        }
        return condition;
    }

    /**
     * {@link #aggregate(Device, HashAggregate.Kind, Column, long, long, long, long, long, Stream)}, with
     * the row-selecting kinds computed by {@link AggSelect}; {@code condition} is FIRST_WHERE's and
     * LAST_WHERE's condition column (null for other kinds).
     */
    static Column aggregate(Device device, HashAggregate.Kind kind, Column value, Column condition, long rowSlot,
            long n, long capacity, long groupSlots, long groups, Stream stream) {
        AggSelect.Rule rule = value == null ? null : selectRule(kind, value.type());
        if (rule == null) {
            return aggregate(device, kind, value, rowSlot, n, capacity, groupSlots, groups, stream);
        }
        boolean conditional = kind == HashAggregate.Kind.FIRST_WHERE || kind == HashAggregate.Kind.LAST_WHERE;
        boolean nonNull = kind == HashAggregate.Kind.FIRST_NON_NULL || kind == HashAggregate.Kind.LAST_NON_NULL;
        try (DeviceBuffer mask = conditional ? AggSelect.conditionMask(device, condition, stream) : null) {
            long rowMask = nonNull ? value.validityAddress() : mask == null ? 0 : mask.address();
            return AggSelect.select(device, rule, value, rowMask, rowSlot, n, capacity, groupSlots, groups, stream);
        }
    }

    /**
     * The result column of {@code kind} over {@code value} (null for COUNT_ALL) for {@code groups}
     * groups whose slots are at {@code groupSlots}, the rows' slots being at {@code rowSlot}.
     */
    static Column aggregate(Device device, HashAggregate.Kind kind, Column value, long rowSlot, long n, long capacity,
            long groupSlots, long groups, Stream stream) {
        DType resultType = HashAggregate.resultType(kind, value == null ? null : value.type());
        LaunchConfig rows = LaunchConfig.gridStride(n, device.multiProcessorCount());
        try (DeviceBuffer counts = device.allocate(capacity * 8, stream);
                DeviceBuffer state = device.allocate(countsOnly(kind) ? 0 : capacity * 8, stream)) {
            device.memset(counts.address(), (byte) 0, capacity * 8, stream);
            String update;
            String emit;
            switch (kind) {
                case COUNT_ALL, COUNT, NONE_VALID, ANY_VALID -> {
                    if (n > 0) {
                        long validity = value == null ? 0 : value.validityAddress();
                        device.kernel(HashAggKernels.COUNT).launch(rows,
                                KernelArgs.create().ptr(counts.address()).ptr(rowSlot).ptr(validity).i64(n), stream);
                    }
                    if (kind == HashAggregate.Kind.NONE_VALID || kind == HashAggregate.Kind.ANY_VALID) {
                        return validFlags(device, kind == HashAggregate.Kind.ANY_VALID, counts.address(), groupSlots,
                                groups, stream);
                    }
                    return emit(device, HashAggKernels.emit("i64"), resultType, counts.address(), 0, groupSlots,
                            groups, stream);
                }
                case SUM -> {
                    String t = HashAggregate.suffix(value.type(), "SUM values");
                    update = HashAggKernels.sum(t);
                    emit = resultType.id() == DType.TypeId.FLOAT64 ? HashAggKernels.EMIT_SUM_F64
                            : HashAggKernels.emit("i64");
                    // 0 and 0.0 have the same bits.
                    device.memset(state.address(), (byte) 0, capacity * 8, stream);
                }
                case MIN, MAX -> {
                    String t = HashAggregate.suffix(value.type(), kind + " values");
                    boolean min = kind == HashAggregate.Kind.MIN;
                    update = min ? HashAggKernels.min(t) : HashAggKernels.max(t);
                    emit = HashAggKernels.emit(t.equals("bool8") ? "i8" : t);
                    Fill.fill(device, state.address(), capacity, 8, min ? Long.MAX_VALUE : Long.MIN_VALUE, stream);
                }
                default -> throw new IllegalArgumentException("unknown aggregation " + kind);
            }
            if (n > 0) {
                device.kernel(update).launch(rows, KernelArgs.create().ptr(state.address()).ptr(counts.address())
                        .ptr(rowSlot).ptr(value.dataAddress()).ptr(value.validityAddress()).i64(n), stream);
            }
            return emit(device, emit, resultType, state.address(), counts.address(), groupSlots, groups, stream);
        }
    }

    /** The kinds whose state is the per-slot count of non-null values alone. */
    private static boolean countsOnly(HashAggregate.Kind kind) {
        return switch (kind) {
            case COUNT_ALL, COUNT, NONE_VALID, ANY_VALID -> true;
            default -> false;
        };
    }

    /** BOOL8 per group, never null: whether its count of non-null values is non-zero ({@code any}) or zero. */
    private static Column validFlags(Device device, boolean any, long counts, long groupSlots, long groups,
            Stream stream) {
        DeviceBuffer data = device.allocate(groups, stream);
        try {
            if (groups > 0) {
                device.kernel(any ? HashAggKernels.EMIT_ANY_VALID : HashAggKernels.EMIT_NONE_VALID)
                        .launch(LaunchConfig.gridStride(groups, device.multiProcessorCount()), KernelArgs.create()
                                .ptr(data.address()).ptr(counts).ptr(groupSlots).i64(groups), stream);
            }
        } catch (RuntimeException | Error e) {
            data.close();
            throw e;
        }
        return Column.create(DType.BOOL8, groups, data, null, 0);
    }

    /** Reads each group's slot into a new column; {@code counts == 0}: never null (COUNT). */
    private static Column emit(Device device, String kernel, DType type, long state, long counts, long groupSlots,
            long groups, Stream stream) {
        DeviceBuffer data = device.allocate(groups * type.sizeInBytes(), stream);
        DeviceBuffer validity = null;
        try {
            if (counts != 0) {
                validity = device.allocate(Bitmaps.bitmapBytes(groups), stream);
            }
            if (groups > 0) {
                // Rows rounded up to whole 64-bit validity words, as the kernel writes them.
                long threads = Bitmaps.bitmapBytes(groups) * 8;
                device.kernel(kernel).launch(LaunchConfig.gridStride(threads, device.multiProcessorCount()),
                        KernelArgs.create().ptr(data.address()).ptr(validity == null ? 0 : validity.address())
                                .ptr(state).ptr(counts).ptr(groupSlots).i64(groups),
                        stream);
            }
        } catch (RuntimeException | Error e) {
            data.close();
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        return Column.create(type, groups, data, validity, validity == null ? 0 : Column.UNKNOWN_NULL_COUNT);
    }
}
