package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.AggSelectKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/**
 * Aggregations that select one row per group (see {@code aggselect.cu}): per group slot the first or
 * last qualifying row, or the row of the smallest or largest STRING / DECIMAL128 value; then per
 * group the selected row's index (-1: none), by which the value column is gathered. The inputs are
 * those of {@link HashAggregate}'s updates: each row's slot ({@code rowSlot}, int32, < 0 skips the
 * row) and each group's slot ({@code groupSlots}, int32).
 *
 * <p>The selected row never depends on the GPU's thread order: FIRST and LAST take the smallest and
 * largest row index, and MIN and MAX break ties between equal values by the smaller row index.
 */
public final class AggSelect {
    private AggSelect() {}

    /** Which row of a group's qualifying rows is selected. */
    public enum Rule {
        /** The smallest row index among the rows whose mask bit is set. */
        FIRST,
        /** The largest row index among the rows whose mask bit is set. */
        LAST,
        /** The row of the smallest non-null value (STRING or DECIMAL128); equal values: the smaller row. */
        MIN,
        /** The row of the largest non-null value (STRING or DECIMAL128); equal values: the smaller row. */
        MAX
    }

    /** Whether {@link Rule#MIN} and {@link Rule#MAX} take values of {@code type}: STRING and DECIMAL128. */
    public static boolean comparesValuesOf(DType type) {
        requireNonNull(type, "type is null");
        return type.id() == DType.TypeId.STRING || type.id() == DType.TypeId.DECIMAL128;
    }

    /**
     * The selected row of every group: a new int32 map of {@code groups} entries, -1 where no row of the
     * group qualifies. Queued on {@code stream}.
     *
     * @param value MIN, MAX: the STRING or DECIMAL128 values ({@code n} rows; null values never qualify);
     *     FIRST, LAST: ignored, may be null
     * @param rowMask FIRST, LAST: a bitmap of the qualifying rows (0: every row); MIN, MAX: must be 0
     * @param rowSlot {@code n} int32 slots in {@code [0, capacity)}, or < 0 for rows of no group
     * @param groupSlots {@code groups} int32 slots
     */
    public static DeviceBuffer selectRows(Device device, Rule rule, Column value, long rowMask, long rowSlot, long n,
            long capacity, long groupSlots, long groups, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(stream, "stream is null");
        if (n < 0 || n > Integer.MAX_VALUE || groups < 0 || capacity < 0) {
            throw new IllegalArgumentException("row selection needs 0 <= n <= 2^31-1 rows (int32 row indices), "
                    + "groups >= 0 and capacity >= 0; got n = " + n + ", groups = " + groups + ", capacity = "
                    + capacity);
        }
        boolean compares = rule == Rule.MIN || rule == Rule.MAX;
        if (compares) {
            requireNonNull(value, "value is null");
            if (!comparesValuesOf(value.type())) {
                throw new IllegalArgumentException(rule + " by row selection compares STRING or DECIMAL128 values, "
                        + "not " + value.type() + "; fixed-width MIN and MAX are HashAggregate's own kernels");
            }
            if (value.rowCount() != n) {
                throw new IllegalArgumentException("the value column has " + value.rowCount() + " rows, not " + n);
            }
            if (rowMask != 0) {
                throw new IllegalArgumentException(rule + " selects among the value's non-null rows: pass rowMask 0");
            }
        }
        if ((n > 0 && (rowSlot == 0 || capacity == 0)) || (groups > 0 && groupSlots == 0)) {
            throw new IllegalArgumentException("rowSlot, groupSlots and capacity must be set when there are rows "
                    + "and groups");
        }
        DeviceBuffer rows = device.allocate(groups * 4, stream);
        try (DeviceBuffer state = device.allocate(capacity * 4, stream)) {
            // -1 in every slot: no row selected yet.
            device.memset(state.address(), (byte) 0xff, capacity * 4, stream);
            if (n > 0) {
                LaunchConfig config = LaunchConfig.gridStride(n, device.multiProcessorCount());
                KernelArgs args = KernelArgs.create().ptr(state.address()).ptr(rowSlot);
                String kernel = switch (rule) {
                    case FIRST -> AggSelectKernels.FIRST;
                    case LAST -> AggSelectKernels.LAST;
                    case MIN -> value.type().id() == DType.TypeId.STRING ? AggSelectKernels.MIN_STRING
                            : AggSelectKernels.MIN_DEC128;
                    case MAX -> value.type().id() == DType.TypeId.STRING ? AggSelectKernels.MAX_STRING
                            : AggSelectKernels.MAX_DEC128;
                };
                if (!compares) {
                    args.ptr(rowMask);
                } else if (value.type().id() == DType.TypeId.STRING) {
                    args.ptr(value.offsetsAddress()).ptr(value.dataAddress()).ptr(value.validityAddress());
                } else {
                    args.ptr(value.dataAddress()).ptr(value.validityAddress());
                }
                device.kernel(kernel).launch(config, args.i64(n), stream);
            }
            if (groups > 0) {
                device.kernel(AggSelectKernels.ROWS).launch(LaunchConfig.gridStride(groups,
                        device.multiProcessorCount()), KernelArgs.create().ptr(rows.address()).ptr(state.address())
                        .ptr(groupSlots).i64(groups), stream);
            }
        } catch (RuntimeException | Error e) {
            rows.close();
            throw e;
        }
        return rows;
    }

    /**
     * A new column of {@code groups} rows: row g is {@code value}'s row {@code rows[g]}, null where that
     * is -1 or a null row. Any fixed-width type ({@link Gather}) or STRING ({@link Strings#gather}).
     */
    public static Column gather(Device device, Column value, DeviceBuffer rows, long groups, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(value, "value is null");
        requireNonNull(rows, "rows is null");
        if (value.type().id() == DType.TypeId.STRING) {
            return Strings.gather(device, value, rows, groups, stream);
        }
        Gather.Gathered g = Gather.gather(device, value.data(), value.validity(), value.rowCount(),
                value.type().sizeInBytes(), rows, Gather.MapType.INT32, groups, stream);
        return Column.create(value.type(), groups, g.data(), g.validity(), Column.UNKNOWN_NULL_COUNT);
    }

    /** {@link #selectRows} then {@link #gather}: each group's value in its selected row (null: none). */
    public static Column select(Device device, Rule rule, Column value, long rowMask, long rowSlot, long n,
            long capacity, long groupSlots, long groups, Stream stream) {
        requireNonNull(value, "value is null");
        try (DeviceBuffer rows = selectRows(device, rule, value, rowMask, rowSlot, n, capacity, groupSlots, groups,
                stream)) {
            return gather(device, value, rows, groups, stream);
        }
    }

    /**
     * A new bitmap of the rows where the BOOL8 {@code condition} is valid and true (non-zero), for
     * {@link Rule#FIRST} / {@link Rule#LAST} among those rows.
     */
    public static DeviceBuffer conditionMask(Device device, Column condition, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(condition, "condition is null");
        if (condition.type().id() != DType.TypeId.BOOL8) {
            throw new IllegalArgumentException("a row condition must be a BOOL8 column, not " + condition.type());
        }
        long n = condition.rowCount();
        DeviceBuffer mask = Bitmaps.fromBool8(device, condition.dataAddress(), n, stream);
        try {
            if (condition.validityAddress() != 0) {
                Bitmaps.andInto(device, mask.address(), condition.validityAddress(), n, mask.address(), stream);
            }
        } catch (RuntimeException | Error e) {
            mask.close();
            throw e;
        }
        return mask;
    }
}
