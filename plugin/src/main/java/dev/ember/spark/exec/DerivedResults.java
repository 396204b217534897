package dev.ember.spark.exec;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.Bitmaps;
import dev.ember.cuda.ops.DecimalAverage;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DecimalType;

/**
 * The function results of a {@link HashAggregatePlan} that Spark's evaluate expressions describe in
 * terms the expression engine does not compute (decimal overflow checks and division), computed by
 * operations from the merged buffer table ({@link HashAggregatePlan#derived()}).
 */
final class DerivedResults {
    private DerivedResults() {}

    /** {@code buffers} (taken over) with one column per derived result appended. */
    static Table append(Device device, HashAggregatePlan plan, Table buffers, Stream stream) {
        List<Column> columns = new ArrayList<>();
        try (buffers) {
            buffers.columns().forEach(c -> columns.add(c.incRef()));
            for (HashAggregatePlan.Derived d : plan.derived()) {
                Column first = buffers.column(plan.keyCount() + d.buffer());
                Column second = buffers.column(plan.keyCount() + d.buffer() + 1);
                columns.add(switch (d.result().kind()) {
                    case MASK_EMPTY -> nullWhereTrue(device, first, second, stream);
                    case DECIMAL_AVERAGE -> {
                        DecimalType type = (DecimalType) d.result().type();
                        yield DecimalAverage.average(device, first, second, type.precision(), type.scale(), stream);
                    }
                });
            }
            return Table.of(buffers.rowCount(), columns);
        } catch (RuntimeException | Error e) {
            columns.forEach(Column::close);
            throw e;
        }
    }

    /**
     * Decimal Sum's result: the sum made null where isEmpty is true (Spark's {@code If(isEmpty, null,
     * sum)}); a null sum (an overflow) stays null. The values are shared with the sum column. isEmpty
     * is never null (Spark's buffer is not nullable), so only its values are read.
     */
    private static Column nullWhereTrue(Device device, Column sum, Column isEmpty, Stream stream) {
        long n = sum.rowCount();
        if (isEmpty.type().id() != DType.TypeId.BOOL8 || !sum.type().isDecimal()) {
            throw new IllegalStateException("a decimal sum's result needs its sum and isEmpty buffers, not "
                    + sum.type() + " and " + isEmpty.type());
        }
        DeviceBuffer validity = null;
        try {
            if (n > 0) {
                try (DeviceBuffer empty = Bitmaps.fromBool8(device, isEmpty.dataAddress(), n, stream)) {
                    validity = Bitmaps.not(device, empty.address(), n, stream);
                }
                if (sum.hasValidity()) {
                    Bitmaps.andInto(device, validity.address(), sum.validityAddress(), n, validity.address(), stream);
                }
            }
        } catch (RuntimeException | Error e) {
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        return Column.create(sum.type(), n, sum.data().incRef(), validity, n == 0 ? 0 : Column.UNKNOWN_NULL_COUNT);
    }
}
