package dev.ember.spark.exec;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.Gather;
import dev.ember.spark.columnar.SparkTypes;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;

/** Column helpers of the hash join operators: gathers by join maps (-1 gathers a null) and empty tables. */
final class JoinColumns {
    private JoinColumns() {}

    /** Rows {@code map[0..n)} of each column (int32 map; -1 → null row); the inputs stay the caller's. */
    static List<Column> gather(Device device, List<Column> columns, DeviceBuffer map, int n, Stream stream) {
        List<Column> out = new ArrayList<>();
        try {
            for (Column c : columns) {
                out.add(Gather.rowsOrNull(device, c, map, n, stream));
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        }
    }

    /**
     * A table without rows whose columns have the device types of {@code attributes}: the side of a
     * join that had no batches, gathered from with maps of -1 only (all nulls).
     */
    static Table empty(Device device, List<Attribute> attributes, Stream stream) {
        List<Column> out = new ArrayList<>();
        try {
            for (Attribute a : attributes) {
                DType type = SparkTypes.requireDType(a.dataType());
                if (type.id() == DType.TypeId.STRING) {
                    DeviceBuffer offsets = device.allocate(Column.offsetsBytes(0), stream);
                    device.memset(offsets.address(), (byte) 0, offsets.size(), stream);
                    out.add(Column.createStrings(0, offsets, device.allocate(8, stream), 0, null, 0));
                } else {
                    out.add(Column.create(type, 0, device.allocate(16, stream), null, 0));
                }
            }
            return Table.of(0, out);
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        }
    }

    /** The average UTF-8 bytes of a string column's rows (0 for other columns or no rows). */
    static long averageStringBytes(Column c) {
        if (c.type().id() != DType.TypeId.STRING || c.rowCount() == 0) {
            return 0;
        }
        return (c.dataBytes() + c.rowCount() - 1) / c.rowCount();
    }
}
