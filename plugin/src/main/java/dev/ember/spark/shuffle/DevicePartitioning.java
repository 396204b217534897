package dev.ember.spark.shuffle;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.Fill;
import dev.ember.cuda.ops.Murmur3;
import dev.ember.cuda.ops.RangePartition;
import dev.ember.cuda.ops.SortKey;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.HostBatches;
import dev.ember.spark.exec.DeviceBatchIterators;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Ascending$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NullsFirst$;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.random.XORShiftRandom;

/**
 * A Spark partitioning as the GPU computes it: described on the driver, shipped to the map tasks,
 * where {@link #start} gives each task its partition ids batch by batch. Hash partitioning is Spark's
 * {@code pmod(Murmur3Hash(keys, 42), n)}, bit for bit; range partitioning counts the sampled bounds
 * below each row's key, as Spark's {@code RangePartitioner} does; round robin starts each map task at
 * {@code XORShiftRandom(mapPartition).nextInt(n)} as Spark does and deals the rows out in the order
 * they arrive, without Spark's sort before repartitioning (its stage is marked order-sensitive
 * instead), so the same rows may land in other partitions than Spark's.
 */
sealed interface DevicePartitioning extends Serializable {
    /** The partition ids of one batch: a new int32 device buffer of its rows' ids, or null for all 0. */
    @FunctionalInterface
    interface PartitionIds {
        DeviceBuffer of(Device device, Table batch, Stream stream);
    }

    int numPartitions();

    /** The ids of map task {@code mapPartition}'s batches, in the order the task reads them. */
    PartitionIds start(int mapPartition);

    /** Whether a row's partition depends on the order of the rows before it (round robin). */
    default boolean orderSensitive() {
        return false;
    }

    /** Everything in partition 0. */
    record Single() implements DevicePartitioning {
        @Override
        public int numPartitions() {
            return 1;
        }

        @Override
        public PartitionIds start(int mapPartition) {
            return (device, batch, stream) -> null;
        }
    }

    /** {@code pmod(Murmur3Hash(keys, 42), numPartitions)}, the keys evaluated over {@code input}. */
    record Hash(List<Expression> keys, List<Attribute> input, int numPartitions) implements DevicePartitioning {
        public Hash {
            keys = List.copyOf(keys);
            input = List.copyOf(input);
        }

        @Override
        public PartitionIds start(int mapPartition) {
            KeyColumns compiled = KeyColumns.of(keys, input);
            int partitions = numPartitions;
            return (device, batch, stream) -> {
                long rows = batch.rowCount();
                List<Column> columns = compiled.evaluate(device, batch.columns(), rows, stream);
                try {
                    List<Murmur3.Input> inputs = columns.stream().map(Murmur3.Input::of).toList();
                    DeviceBuffer ids = Murmur3.hashColumns(device, inputs, rows, stream);
                    try {
                        Murmur3.partitionIdsInto(device, ids.address(), ids.address(), rows, partitions, stream);
                    } catch (RuntimeException | Error e) {
                        ids.close();
                        throw e;
                    }
                    return ids;
                } finally {
                    columns.forEach(Column::close);
                }
            };
        }
    }

    /** Spark's round robin: row k of the task gets {@code pmod(start + 1 + k, numPartitions)}, ints wrapping. */
    record RoundRobin(int numPartitions) implements DevicePartitioning {
        @Override
        public PartitionIds start(int mapPartition) {
            int partitions = numPartitions;
            int[] position = {new XORShiftRandom(mapPartition).nextInt(partitions)};
            return (device, batch, stream) -> {
                long rows = batch.rowCount();
                DeviceBuffer ids = Fill.sequenceInt(device, rows, position[0] + 1, 1, stream);
                try {
                    Murmur3.partitionIdsInto(device, ids.address(), ids.address(), rows, partitions, stream);
                } catch (RuntimeException | Error e) {
                    ids.close();
                    throw e;
                }
                position[0] += (int) rows;
                return ids;
            };
        }

        @Override
        public boolean orderSensitive() {
            return numPartitions > 1;
        }
    }

    /**
     * The number of {@code bounds} (Spark's sampled range bounds, rows of the sort keys) below each
     * row's sort key under {@code order}, whose children are evaluated over {@code input}.
     */
    record Range(List<SortOrder> order, List<Attribute> input, int numPartitions, InternalRow[] bounds,
            StructType boundsSchema) implements DevicePartitioning {
        public Range {
            order = List.copyOf(order);
            input = List.copyOf(input);
            requireNonNull(bounds, "bounds is null");
            requireNonNull(boundsSchema, "boundsSchema is null");
        }

        @Override
        public PartitionIds start(int mapPartition) {
            if (bounds.length == 0) {
                return (device, batch, stream) -> null;
            }
            KeyColumns compiled = KeyColumns.of(keys(order), input);
            List<SortKey> sortKeys = order.stream().map(Range::sortKey).toList();
            Table[] deviceBounds = {null};
            return (device, batch, stream) -> {
                if (deviceBounds[0] == null) {
                    deviceBounds[0] = uploadBounds(device, stream);
                    DeviceBatchIterators.closeAtTaskEnd(deviceBounds[0]);
                }
                List<Column> columns = compiled.evaluate(device, batch.columns(), batch.rowCount(), stream);
                try {
                    return RangePartition.partitionIds(device, columns, sortKeys, deviceBounds[0], stream);
                } finally {
                    columns.forEach(Column::close);
                }
            };
        }

        private Table uploadBounds(Device device, Stream stream) {
            try (HostTable host = HostBatches.fromRows(Arrays.asList(bounds).iterator(), boundsSchema, bounds.length);
                    ColumnTransfer transfer = EmberRuntime.get().newTransfer()) {
                return transfer.toDevice(host, stream);
            }
        }

        static List<Expression> keys(List<SortOrder> order) {
            List<Expression> keys = new ArrayList<>();
            order.forEach(o -> keys.add(o.child()));
            return keys;
        }

        static SortKey sortKey(SortOrder o) {
            return new SortKey(o.direction() == Ascending$.MODULE$, o.nullOrdering() == NullsFirst$.MODULE$);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Range r && order.equals(r.order) && input.equals(r.input)
                    && numPartitions == r.numPartitions && Arrays.equals(bounds, r.bounds)
                    && boundsSchema.equals(r.boundsSchema);
        }

        @Override
        public int hashCode() {
            return 31 * order.hashCode() + Arrays.hashCode(bounds);
        }

        @Override
        public String toString() {
            return "Range[" + order + ", " + numPartitions + " partitions, " + bounds.length + " bounds]";
        }
    }
}
