package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.GpuOutOfMemoryError;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.kernel.HashAggKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * GROUP BY on the GPU: one output row per distinct combination of the key columns, with the key
 * values and one column per {@link Aggregation}, as Spark's hash aggregate computes them (ANSI off).
 *
 * <p>Keys: BOOL8, INT8…INT64, FLOAT32, FLOAT64, DATE32, TIMESTAMP_US, DECIMAL64, DECIMAL128, STRING, any
 * number of columns (none: every row is one group). Null keys form one group; -0.0 and 0.0 form one
 * group and every NaN another, and the output keys are normalized (0.0, the canonical NaN), as after
 * Spark's {@code NormalizeFloatingNumbers}; strings are equal when their UTF-8 bytes are (an empty
 * string and a null are different keys).
 *
 * <p>Groups come out in the order of their first row. That order is deterministic (it does not depend
 * on where the GPU's threads put the groups in the hash table) but callers must not rely on it: Spark
 * gives no order either, and a later implementation may change it.
 *
 * <p>Aggregations ignore null values: {@code COUNT_ALL} counts rows, {@code COUNT} non-null values
 * (both INT64, never null); {@code SUM} of INT8…INT64 is INT64 with two's-complement wrap-around, of
 * FLOAT32/FLOAT64 a FLOAT64 (NaN as the canonical NaN); {@code MIN}/{@code MAX} keep the input type
 * (BOOL8: false < true; floating point: Spark's order, NaN above +Infinity, and of -0.0 and 0.0, which
 * Spark treats as equal, MIN reports -0.0 and MAX 0.0 when a group has both). SUM, MIN and MAX are null
 * for a group without non-null values.
 *
 * <p>Row-selecting kinds take the value of one row of the group, of any value type (STRING and
 * DECIMAL128 included), null where no row qualifies: {@code FIRST} / {@code LAST} the first / last
 * row of the group in the input's row order (its value may be null), {@code FIRST_NON_NULL} / {@code
 * LAST_NON_NULL} the first / last non-null value (Spark's First/Last with ignoreNulls), and {@code
 * FIRST_WHERE} / {@code LAST_WHERE} the first / last row whose BOOL8 condition (the value column at
 * index {@code argument}) is non-null and true: they merge partial First/Last buffers (value,
 * valueSet) by their valueSet. {@code MIN}/{@code MAX} of STRING (Spark's UTF8String byte order) and
 * DECIMAL128 select the row of the extreme value the same way (see {@link AggSelect}).
 *
 * <p>Decimal sums are exact, as Spark's decimal {@code Sum} and {@code Average} buffers need them:
 * {@code SUM_DECIMAL} (argument: the result precision P, 1..38) of DECIMAL64/DECIMAL128 values of scale s
 * is decimal(P, s) (DECIMAL64 when P <= 18), the exact sum of the group's non-null values, 0 for a group
 * without any (Spark's buffer starts at 0 and tracks emptiness apart: {@code NONE_VALID}), and null when
 * |sum| >= 10^P (Spark's non-ANSI overflow). {@code SUM_DECIMAL_MERGE} adds partial sums the same way,
 * except that a group with a null partial (an overflowed one) is null. {@code NONE_VALID} and {@code
 * ANY_VALID} (BOOL8, never null, any value type) tell whether the group has no / some non-null value:
 * Sum's {@code isEmpty} and First's {@code valueSet}. {@link DecimalAverage} turns merged decimal sums
 * and counts into Spark's AVG.
 *
 * <p>Merging partial results is another aggregation over them: SUM of partial COUNTs and SUMs, MIN of
 * MINs, MAX of MAXes, SUM_DECIMAL_MERGE of SUM_DECIMALs; null partials are ignored as Spark's merge
 * expressions ignore them, except by SUM_DECIMAL_MERGE.
 *
 * <p>Floating-point sums are added with atomics in an order the GPU picks, so their last bits may
 * differ from run to run and from Spark's sequential order (Spark's own float sums depend on its
 * partitioning in the same way); sums that are exact in double precision are always equal.
 *
 * <p>How: Murmur3 hashes of the keys; an open-addressing table of representative rows (see {@code
 * hashagg.cu}), sized for twice the expected groups and rebuilt larger when the groups exceed half its
 * capacity; the first row of each group flagged and compacted ({@link Compaction}); keys gathered from
 * those rows ({@link Gather}); each aggregation updated per slot with atomics and emitted per group.
 */
public final class HashAggregate {
    /** The table never grows past 2^31 slots (int32 slot indices). */
    static final long MAX_CAPACITY = 1L << 31;
    private static final long MIN_CAPACITY = 16;

    private HashAggregate() {}

    /** What an aggregation computes. */
    public enum Kind {
        COUNT_ALL,
        COUNT,
        SUM,
        MIN,
        MAX,
        // Row-selecting kinds (AggSelect): the value of one row of the group, any value type.
        FIRST,
        LAST,
        FIRST_NON_NULL,
        LAST_NON_NULL,
        FIRST_WHERE,
        LAST_WHERE,
        /** Exact decimal sum, 0 when empty, null on overflow; argument: the result precision. */
        SUM_DECIMAL,
        /** SUM_DECIMAL of partial sums, null when any partial is null; argument: the result precision. */
        SUM_DECIMAL_MERGE,
        /** BOOL8: the group has no non-null value. */
        NONE_VALID,
        /** BOOL8: the group has a non-null value. */
        ANY_VALID;

        /** Whether the kind takes an argument (SUM_DECIMAL kinds: the result precision, 1..38). */
        public boolean takesPrecision() {
            return this == SUM_DECIMAL || this == SUM_DECIMAL_MERGE;
        }
    }

    /**
     * One aggregate column: a kind over a value column's index ({@code -1} for {@code COUNT_ALL}) and
     * the kind's argument ({@code -1} for kinds that take none).
     */
    public record Aggregation(Kind kind, int column, int argument) {
        public Aggregation {
            requireNonNull(kind, "kind is null");
            if ((kind == Kind.COUNT_ALL) != (column == -1) || column < -1) {
                throw new IllegalArgumentException(kind == Kind.COUNT_ALL ? "COUNT_ALL takes no column (-1), not "
                        + column : kind + " needs a value column index >= 0, not " + column);
            }
            boolean conditional = kind == Kind.FIRST_WHERE || kind == Kind.LAST_WHERE;
            if (conditional && argument < 0) {
                throw new IllegalArgumentException(kind + " needs the index of its BOOL8 condition column (>= 0) "
                        + "as its argument, not " + argument);
            }
            if (kind.takesPrecision()) {
                if (argument < 1 || argument > DType.MAX_DECIMAL128_PRECISION) {
                    throw new IllegalArgumentException(kind + " needs the result precision as its argument, 1.."
                            + DType.MAX_DECIMAL128_PRECISION + ", not " + argument);
                }
            } else if (!conditional && argument != -1) {
                throw new IllegalArgumentException(kind + " takes no argument (-1), not " + argument);
            }
        }

        /** An aggregation of a kind without argument. */
        public Aggregation(Kind kind, int column) {
            this(kind, column, -1);
        }

        public static Aggregation countAll() {
            return new Aggregation(Kind.COUNT_ALL, -1);
        }

        public static Aggregation count(int column) {
            return new Aggregation(Kind.COUNT, column);
        }

        public static Aggregation sum(int column) {
            return new Aggregation(Kind.SUM, column);
        }

        public static Aggregation min(int column) {
            return new Aggregation(Kind.MIN, column);
        }

        public static Aggregation max(int column) {
            return new Aggregation(Kind.MAX, column);
        }

        /** SUM_DECIMAL with result precision {@code precision}. */
        public static Aggregation sumDecimal(int column, int precision) {
            return new Aggregation(Kind.SUM_DECIMAL, column, precision);
        }

        /** SUM_DECIMAL_MERGE with result precision {@code precision}. */
        public static Aggregation sumDecimalMerge(int column, int precision) {
            return new Aggregation(Kind.SUM_DECIMAL_MERGE, column, precision);
        }

        public static Aggregation noneValid(int column) {
            return new Aggregation(Kind.NONE_VALID, column);
        }

        public static Aggregation anyValid(int column) {
            return new Aggregation(Kind.ANY_VALID, column);
        }
    }

    /**
     * The aggregated table (keys, then one column per aggregation) and how it was computed: the hash
     * table's final capacity and how many times it was built (more than once when the groups
     * outgrew the expected count). Closing it closes the table.
     */
    public record Result(Table table, long capacity, int builds) implements AutoCloseable {
        public Result {
            requireNonNull(table, "table is null");
        }

        @Override
        public void close() {
            table.close();
        }
    }

    /** The type of an aggregation's result over a value of {@code input} type (null for COUNT_ALL). */
    public static DType resultType(Aggregation aggregation, DType input) {
        requireNonNull(aggregation, "aggregation is null");
        if (aggregation.kind().takesPrecision()) {
            return HashAggDecimals.resultType(aggregation, input);
        }
        return resultType(aggregation.kind(), input);
    }

    /**
     * The type of a result of {@code kind}, which takes no argument, over a value of {@code input} type
     * (null for COUNT_ALL).
     */
    public static DType resultType(Kind kind, DType input) {
        requireNonNull(kind, "kind is null");
        if (kind.takesPrecision()) {
            throw new IllegalArgumentException(kind + "'s result type depends on its precision argument: use "
                    + "resultType(Aggregation, DType)");
        }
        if (kind == Kind.COUNT_ALL || kind == Kind.COUNT) {
            return DType.INT64;
        }
        requireNonNull(input, "input is null");
        if (kind == Kind.NONE_VALID || kind == Kind.ANY_VALID) {
            return DType.BOOL8;
        }
        if (kind == Kind.SUM) {
            return switch (input.id()) {
                case INT8, INT16, INT32, INT64 -> DType.INT64;
                case FLOAT32, FLOAT64 -> DType.FLOAT64;
                default -> throw new IllegalArgumentException("SUM of " + input + " is not supported on the GPU; "
                        + "supported: INT8, INT16, INT32, INT64, FLOAT32, FLOAT64 (decimals: use SUM_DECIMAL)");
            };
        }
        if (HashAggUpdates.selectRule(kind, input) != null) {
            return input;
        }
        suffix(input, kind + " values");
        return input;
    }

    /** {@link #aggregate(Device, List, List, List, long, Stream)} expecting up to 1,024 groups. */
    public static Result aggregate(Device device, List<Column> keys, List<Column> values,
            List<Aggregation> aggregations, Stream stream) {
        return aggregate(device, keys, values, aggregations, 1024, stream);
    }

    /**
     * Groups the rows of {@code keys} (and the equally long {@code values}) and computes {@code
     * aggregations} per group. {@code expectedGroups} sizes the first hash table (more groups only cost
     * a rebuild; the table is never larger than twice the row count).
     *
     * @throws GpuOutOfMemoryError naming the table when the pool cannot hold it
     * @throws IllegalArgumentException for unsupported types, mismatched lengths or more than 2^31-1 rows
     */
    public static Result aggregate(Device device, List<Column> keys, List<Column> values,
            List<Aggregation> aggregations, long expectedGroups, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        List<Column> keyColumns = List.copyOf(requireNonNull(keys, "keys is null"));
        List<Column> valueColumns = List.copyOf(requireNonNull(values, "values is null"));
        List<Aggregation> aggs = List.copyOf(requireNonNull(aggregations, "aggregations is null"));
        long n = rowCount(keyColumns, valueColumns);
        for (Column key : keyColumns) {
            KeyDescriptor.kind(key.type());
        }
        for (Aggregation agg : aggs) {
            if (agg.column() >= valueColumns.size()) {
                throw new IllegalArgumentException(agg + " refers to value column " + agg.column() + " but there are "
                        + valueColumns.size());
            }
            resultType(agg, agg.column() < 0 ? null : valueColumns.get(agg.column()).type());
            HashAggUpdates.condition(agg, valueColumns);
        }
        List<Column> out = new ArrayList<>();
        try (DeviceBuffer hashes = Murmur3.hashColumns(device,
                        keyColumns.stream().map(Murmur3.Input::of).toList(), n, stream);
                DeviceBuffer descriptor = KeyDescriptor.upload(device, keyColumns, stream);
                DeviceBuffer rowSlot = device.allocate(n * 4, stream);
                GroupTable table = GroupTable.build(device, hashes.address(), descriptor.address(), keyColumns.size(),
                        rowSlot.address(), n, expectedGroups, stream);
                Compaction.Selected firstRows = firstRows(device, table, rowSlot.address(), n, stream);
                Gather.Gathered groupSlots = Gather.gather(device, rowSlot, null, n, 4, firstRows.indices(),
                        Gather.MapType.INT32, firstRows.count(), stream)) {
            long groups = firstRows.count();
            for (Column key : keyColumns) {
                out.add(gatherKey(device, key, firstRows, stream));
            }
            for (Aggregation agg : aggs) {
                Column value = agg.column() < 0 ? null : valueColumns.get(agg.column());
                out.add(agg.kind().takesPrecision()
                        ? HashAggDecimals.aggregate(device, agg, value, rowSlot.address(), n, table.capacity(),
                                groupSlots.data().address(), groups, stream)
                        : HashAggUpdates.aggregate(device, agg.kind(), value, HashAggUpdates.condition(agg, valueColumns),
                                rowSlot.address(), n, table.capacity(), groupSlots.data().address(), groups, stream));
            }
            Table result = Table.of(groups, out);
            return new Result(result, table.capacity(), table.builds());
        } catch (RuntimeException | Error e) {
            for (Column c : out) {
                c.close();
            }
            throw e;
        }
    }

    private static long rowCount(List<Column> keys, List<Column> values) {
        long n = -1;
        for (List<Column> columns : List.of(keys, values)) {
            for (Column c : columns) {
                if (n >= 0 && c.rowCount() != n) {
                    throw new IllegalArgumentException("key and value columns must have equal lengths, found " + n
                            + " and " + c.rowCount() + " rows");
                }
                n = c.rowCount();
            }
        }
        if (n < 0) {
            throw new IllegalArgumentException("hash aggregation needs at least one key or value column to know "
                    + "its row count");
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("hash aggregation takes at most 2^31-1 rows per batch (int32 row "
                    + "indices), not " + n + "; aggregate smaller batches and merge the partial results");
        }
        return n;
    }

    /** The kernel type suffix of a fixed-width value type (MIN/MAX support). */
    static String suffix(DType type, String what) {
        return switch (type.id()) {
            case BOOL8 -> "bool8";
            case INT8 -> "i8";
            case INT16 -> "i16";
            case INT32, DATE32 -> "i32";
            case INT64, TIMESTAMP_US, DECIMAL64 -> "i64";
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            default -> throw new IllegalArgumentException(what + " of type " + type + " are not supported by GPU "
                    + "hash aggregation; supported: BOOL8, INT8…INT64, FLOAT32, FLOAT64, DATE32, TIMESTAMP_US, "
                    + "DECIMAL64");
        };
    }

    private static Compaction.Selected firstRows(Device device, GroupTable table, long rowSlot, long n, Stream stream) {
        try (DeviceBuffer flags = device.allocate(n, stream)) {
            if (n > 0) {
                device.kernel(HashAggKernels.MARK_FIRST).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                        KernelArgs.create().ptr(flags.address()).ptr(rowSlot).ptr(table.minRow()).i64(n), stream);
            }
            return Compaction.selectedRows(device, flags.address(), 0, n, stream);
        }
    }

    private static Column gatherKey(Device device, Column key, Compaction.Selected firstRows, Stream stream) {
        if (key.type().id() == DType.TypeId.STRING) {
            return Strings.gather(device, key, firstRows.indices(), firstRows.count(), stream);
        }
        int width = key.type().sizeInBytes();
        Gather.Gathered g = Gather.gather(device, key.data(), key.validity(), key.rowCount(), width,
                firstRows.indices(), Gather.MapType.INT32, firstRows.count(), stream);
        Column column = Column.create(key.type(), firstRows.count(), g.data(), g.validity(), Column.UNKNOWN_NULL_COUNT);
        DType.TypeId id = key.type().id();
        if ((id == DType.TypeId.FLOAT32 || id == DType.TypeId.FLOAT64) && firstRows.count() > 0) {
            try {
                long rows = firstRows.count();
                device.kernel(id == DType.TypeId.FLOAT32 ? HashAggKernels.NORMALIZE_F32 : HashAggKernels.NORMALIZE_F64)
                        .launch(LaunchConfig.gridStride(rows, device.multiProcessorCount()),
                                KernelArgs.create().ptr(column.dataAddress()).i64(rows), stream);
            } catch (RuntimeException | Error e) {
                column.close();
                throw e;
            }
        }
        return column;
    }

    /**
     * The slots and per-slot first rows of a table all of whose rows found a slot; {@code rowSlot}
     * holds each row's slot.
     */
    static final class GroupTable implements AutoCloseable {
        private final DeviceBuffer slots;
        private final DeviceBuffer minRow;
        private final long capacity;
        private final int builds;

        private GroupTable(DeviceBuffer slots, DeviceBuffer minRow, long capacity, int builds) {
            this.slots = slots;
            this.minRow = minRow;
            this.capacity = capacity;
            this.builds = builds;
        }

        long capacity() {
            return capacity;
        }

        int builds() {
            return builds;
        }

        long minRow() {
            return minRow.address();
        }

        /** The smallest power of two >= 2 * groups (at least 16, at most {@link #MAX_CAPACITY}). */
        static long capacityFor(long groups) {
            long want = Math.max(MIN_CAPACITY, 2 * Math.max(1, groups));
            long capacity = Long.highestOneBit(want);
            return Math.min(MAX_CAPACITY, capacity < want ? capacity << 1 : capacity);
        }

        static GroupTable build(Device device, long hashes, long descriptor, int numKeys, long rowSlot, long n,
                long expectedGroups, Stream stream) {
            // n distinct keys at most, so capacityFor(n) never overflows below 2^30 rows.
            long limit = capacityFor(n);
            long capacity = Math.min(limit, capacityFor(expectedGroups));
            for (int builds = 1; ; builds++) {
                GroupTable table = allocate(device, capacity, builds, n, stream);
                try {
                    long maxGroups = capacity / 2;
                    long[] status = insert(device, table, hashes, descriptor, numKeys, rowSlot, n, maxGroups, stream);
                    if (status[1] == 0) {
                        return table;
                    }
                    if (capacity >= MAX_CAPACITY || capacity >= limit) {
                        throw new IllegalStateException("hash aggregation of " + n + " rows found more than "
                                + maxGroups + " groups in a table of " + capacity + " slots, its largest; aggregate "
                                + "smaller batches and merge the partial results");
                    }
                    // Groups inserted plus rows left without a slot bound the groups: one rebuild suffices.
                    capacity = Math.min(limit, Math.max(capacity * 2, capacityFor(status[0] + status[1])));
                } catch (RuntimeException | Error e) {
                    table.close();
                    throw e;
                }
                table.close();
            }
        }

        private static GroupTable allocate(Device device, long capacity, int builds, long n, Stream stream) {
            DeviceBuffer slots = null;
            try {
                slots = device.allocate(capacity * 4, stream);
                DeviceBuffer minRow = device.allocate(capacity * 4, stream);
                GroupTable table = new GroupTable(slots, minRow, capacity, builds);
                Fill.fill(device, slots.address(), capacity, 4, -1, stream);
                Fill.fill(device, minRow.address(), capacity, 4, Integer.MAX_VALUE, stream);
                return table;
            } catch (GpuOutOfMemoryError e) {
                if (slots != null) {
                    slots.close();
                }
                throw new GpuOutOfMemoryError(e.requestedBytes(), e.pool(), "hash aggregation of " + n
                        + " rows needs a table of " + capacity + " slots (" + capacity * 8 + " bytes, build " + builds
                        + ")");
            }
        }

        /** Launches the insert and returns {groups inserted, rows left without a slot}. */
        private static long[] insert(Device device, GroupTable table, long hashes, long descriptor, int numKeys,
                long rowSlot, long n, long maxGroups, Stream stream) {
            if (n == 0) {
                return new long[] {0, 0};
            }
            try (DeviceBuffer status = device.allocate(8, stream); PinnedBuffer host = device.allocatePinned(8)) {
                device.memset(status.address(), (byte) 0, 8, stream);
                device.kernel(HashAggKernels.INSERT).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                        KernelArgs.create().ptr(table.slots.address()).ptr(table.minRow.address()).ptr(rowSlot)
                                .ptr(status.address()).ptr(hashes).ptr(descriptor).i32(numKeys).i64(table.capacity)
                                .i64(maxGroups).i64(n),
                        stream);
                device.copyDeviceToHost(status.address(), host.address(), 8, stream);
                stream.synchronize();
                ByteBuffer view = host.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                return new long[] {Integer.toUnsignedLong(view.getInt(0)), Integer.toUnsignedLong(view.getInt(4))};
            }
        }

        @Override
        public void close() {
            try (minRow) {
                slots.close();
            }
        }
    }
}
