package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.broadcast.BroadcastBatches;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.columnar.HostBatches;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The build side of a join without keys as one device table: a broadcast (a GPU broadcast's host
 * batches, or Spark's broadcast rows) or a partition's batches, concatenated. For the nested loop
 * joins, which need the whole build side at once but no hash table over it.
 */
public final class DeviceBuildTables {
    private DeviceBuildTables() {}

    /** The rows of a broadcast value ({@code IdentityBroadcastMode}) as one device table. */
    public static Table fromBroadcast(Object value, StructType schema, List<Attribute> output, long batchBytes) {
        requireNonNull(schema, "schema is null");
        OpMetrics none = OpMetrics.create(null, List.of());
        if (value instanceof BroadcastBatches batches) {
            return concat(HostUploads.toDevice(batches.tables(), schema, none), output);
        }
        int rowsPerBatch = HostBatches.rowsPerBatch(schema, batchBytes);
        return concat(GpuRowToColumnarExec.toDevice(BroadcastRows.of(value, schema.size()), schema, rowsPerBatch,
                batchBytes, none), output);
    }

    /**
     * Every batch of {@code batches} (each closed here) in one table; a table without rows with the
     * device types of {@code output} when there are none.
     */
    public static Table concat(Iterator<ColumnarBatch> batches, List<Attribute> output) {
        Device device = EmberRuntime.get().device();
        Stream stream = device.defaultStream();
        List<Table> tables = new ArrayList<>();
        try {
            while (batches.hasNext()) {
                try (ColumnarBatch b = batches.next()) {
                    if (b.numRows() > 0) {
                        tables.add(GpuColumnVector.toTable(b));
                    }
                }
            }
            if (tables.isEmpty()) {
                return JoinColumns.empty(device, output, stream);
            } else if (tables.size() == 1) {
                return tables.remove(0);
            }
            return DeviceTables.concat(device, tables, EmberRuntime.get().stringBatchMaxBytes(), stream);
        } finally {
            tables.forEach(Table::close);
        }
    }

    /** A table without rows with the device types of {@code output}. */
    public static Table empty(List<Attribute> output) {
        Device device = EmberRuntime.get().device();
        return JoinColumns.empty(device, output, device.defaultStream());
    }

    /** Rows {@code map[0..n)} of each column (int32 map; -1 gives a null row); the inputs stay the caller's. */
    public static List<Column> gatherOrNull(Device device, List<Column> columns, DeviceBuffer map, int n,
            Stream stream) {
        return JoinColumns.gather(device, columns, map, n, stream);
    }

    /** The average UTF-8 bytes of a string column's rows (0 for other columns or no rows). */
    public static long averageStringBytes(Column c) {
        return JoinColumns.averageStringBytes(c);
    }
}
