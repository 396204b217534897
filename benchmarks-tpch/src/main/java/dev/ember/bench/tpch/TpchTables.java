package dev.ember.bench.tpch;

import static java.util.Objects.requireNonNull;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The eight TPC-H tables as Spark schemas and rows, from the {@code io.trino.tpch} generator. Column
 * types: identifiers (keys) BIGINT, other integers INT, dates DATE, money, quantities, discounts and
 * taxes DECIMAL(15,2) (the generator's exact cents, never a double), text STRING; no column is
 * nullable.
 */
public final class TpchTables {
    /** Money and the other two-decimal columns. */
    public static final DataType MONEY = DataTypes.createDecimalType(15, 2);

    private TpchTables() {}

    /** The table names, in the generator's order. */
    public static List<String> names() {
        return TpchTable.getTables().stream().map(TpchTable::getTableName).toList();
    }

    /** The Spark schema of {@code table}. */
    public static StructType schema(String table) {
        StructType schema = new StructType();
        for (TpchColumn<?> column : table(table).getColumns()) {
            schema = schema.add(new StructField(column.getColumnName(), sparkType(column), false,
                    org.apache.spark.sql.types.Metadata.empty()));
        }
        return schema;
    }

    /** The rows of part {@code part} (1-based) of {@code partCount} of {@code table} at {@code scale}. */
    public static Iterator<Row> rows(String table, double scale, int part, int partCount) {
        TpchTable<?> t = table(table);
        return rows(t, scale, part, partCount);
    }

    /**
     * Rows the generator produces for one table at scale factor 1; the part count of a scale derives
     * from it. Nation and region have a fixed size.
     */
    static long rowsAtScaleOne(String table) {
        return switch (table) {
            case "customer" -> 150_000L;
            case "orders" -> 1_500_000L;
            case "lineitem" -> 6_001_215L;
            case "part" -> 200_000L;
            case "partsupp" -> 800_000L;
            case "supplier" -> 10_000L;
            case "nation", "region" -> 0L;
            default -> throw new IllegalArgumentException("unknown TPC-H table " + table);
        };
    }

    private static <E extends TpchEntity> Iterator<Row> rows(TpchTable<E> table, double scale, int part, int partCount) {
        Iterator<E> entities = table.createGenerator(scale, part, partCount).iterator();
        List<TpchColumn<E>> columns = table.getColumns();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return entities.hasNext();
            }

            @Override
            public Row next() {
                E e = entities.next();
                Object[] values = new Object[columns.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = value(columns.get(i), e);
                }
                return RowFactory.create(values);
            }
        };
    }

    private static <E extends TpchEntity> Object value(TpchColumn<E> column, E entity) {
        return switch (column.getType().getBase()) {
            case IDENTIFIER -> column.getIdentifier(entity);
            case INTEGER -> column.getInteger(entity);
            // The generator's epoch day, turned into the external type Spark expects for DATE.
            case DATE -> Date.valueOf(LocalDate.ofEpochDay(column.getDate(entity)));
            // For its two-decimal columns the generator's identifier is the exact value in hundredths.
            case DOUBLE -> BigDecimal.valueOf(column.getIdentifier(entity), 2);
            case VARCHAR -> column.getString(entity);
        };
    }

    private static DataType sparkType(TpchColumn<?> column) {
        return switch (column.getType().getBase()) {
            case IDENTIFIER -> DataTypes.LongType;
            case INTEGER -> DataTypes.IntegerType;
            case DATE -> DataTypes.DateType;
            case DOUBLE -> MONEY;
            case VARCHAR -> DataTypes.StringType;
        };
    }

    private static TpchTable<?> table(String name) {
        requireNonNull(name, "name is null");
        for (TpchTable<?> t : TpchTable.getTables()) {
            if (t.getTableName().equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown TPC-H table '" + name + "': use one of " + names());
    }
}
