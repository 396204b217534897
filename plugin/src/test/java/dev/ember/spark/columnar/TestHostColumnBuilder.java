package dev.ember.spark.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Host column builders that outgrow their initial capacity many times: every value, of every fixed
 * width, lands in the column that is finally built (not in an array a growth replaced), and row
 * batches of more than the readers' initial 65,536 rows convert whole.
 */
class TestHostColumnBuilder {
    private static final int ROWS = 70_001;

    private static boolean isNull(int row) {
        return row % 7 == 3;
    }

    @Test
    void fixedWidthValuesSurviveEveryGrowth() {
        List<HostColumnBuilder> builders = List.of(new HostColumnBuilder(DType.BOOL8, 1),
                new HostColumnBuilder(DType.INT8, 1), new HostColumnBuilder(DType.INT16, 1),
                new HostColumnBuilder(DType.INT32, 1), new HostColumnBuilder(DType.INT64, 1),
                new HostColumnBuilder(DType.FLOAT32, 1), new HostColumnBuilder(DType.FLOAT64, 1),
                new HostColumnBuilder(DType.decimal64(12, 2), 1));
        for (int i = 0; i < ROWS; i++) {
            if (isNull(i)) {
                builders.forEach(HostColumnBuilder::appendNull);
                continue;
            }
            builders.get(0).appendBoolean(i % 2 == 0);
            builders.get(1).appendByte((byte) i);
            builders.get(2).appendShort((short) (i * 3));
            builders.get(3).appendInt(i * 31);
            builders.get(4).appendLong(i * 1_000_000_007L);
            builders.get(5).appendFloat(i / 4f);
            builders.get(6).appendDouble(i / 8.0);
            builders.get(7).appendDecimal(Decimal.apply(i * 100L + 17, 12, 2));
        }
        List<HostColumn> columns = new ArrayList<>();
        try {
            for (HostColumnBuilder b : builders) {
                columns.add(b.build());
            }
            for (HostColumn c : columns) {
                assertThat(c.rowCount()).isEqualTo(ROWS);
            }
            for (int i = 0; i < ROWS; i++) {
                for (HostColumn c : columns) {
                    assertThat(c.isNull(i)).as("row %d of %s", i, c.type()).isEqualTo(isNull(i));
                }
                if (isNull(i)) {
                    continue;
                }
                assertThat(columns.get(0).getBoolean(i)).isEqualTo(i % 2 == 0);
                assertThat(columns.get(1).getByte(i)).isEqualTo((byte) i);
                assertThat(columns.get(2).getShort(i)).isEqualTo((short) (i * 3));
                assertThat(columns.get(3).getInt(i)).isEqualTo(i * 31);
                assertThat(columns.get(4).getLong(i)).isEqualTo(i * 1_000_000_007L);
                assertThat(columns.get(5).getFloat(i)).isEqualTo(i / 4f);
                assertThat(columns.get(6).getDouble(i)).isEqualTo(i / 8.0);
                assertThat(columns.get(7).getLong(i)).isEqualTo(i * 100L + 17);
            }
        } finally {
            columns.forEach(HostColumn::close);
        }
    }

    /** The row-to-columnar reader starts its builders at 65,536 rows; a bigger batch must grow them. */
    @Test
    void rowBatchesLargerThanTheInitialCapacityConvertWhole() {
        List<InternalRow> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(new GenericInternalRow(new Object[] {i * 7L, isNull(i) ? null : i}));
        }
        StructType schema = new StructType().add("l", DataTypes.LongType, false).add("i", DataTypes.IntegerType);
        HostBatches.RowReader reader = new HostBatches.RowReader(rows.iterator(), schema);
        try (HostTable table = reader.next(ROWS, Long.MAX_VALUE)) {
            assertThat(table.rowCount()).isEqualTo(ROWS);
            for (int i = 0; i < ROWS; i++) {
                assertThat(table.column(0).getLong(i)).isEqualTo(i * 7L);
                assertThat(table.column(1).isNull(i)).isEqualTo(isNull(i));
                if (!isNull(i)) {
                    assertThat(table.column(1).getInt(i)).isEqualTo(i);
                }
            }
        }
        assertThat(reader.hasNext()).isFalse();
    }
}
