package dev.ember.bench;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The rows both shuffle paths of {@link ShuffleBenchmark} move, generated deterministically (the same
 * schema, row count, partition count and seed always give the same rows), with each row's partition
 * id as Spark's hash partitioning on {@code l_orderkey} computes it ({@code pmod(murmur3(key, 42),
 * partitions)}).
 *
 * <p>Two schemas: {@code lineitem}, shaped like TPC-H's lineitem (3 BIGINT, 2 INT, a DECIMAL(12,2),
 * 2 DOUBLE, a DATE and two short STRINGs, each string null on about 5% of the rows), and {@code
 * numeric}, its first nine columns (no strings, no nulls). The values follow TPC-H's ranges (order
 * keys ascending with 1 to 7 lines each, part keys up to 200,000, supplier keys up to 10,000, prices
 * in cents, discounts and taxes in hundredths, ship dates 1992-1998, TPC-H's ship modes and
 * instructions), so the codecs see data about as compressible as lineitem's.
 *
 * <p>The two forms the paths start from are built here, outside any timing: {@link #sparkRows()},
 * the rows as {@code UnsafeRow}s in input order (what the operator below Spark's exchange hands to
 * the shuffle writer), and {@link #partitionedTable()}, the rows as one host table ordered by
 * partition (stable), with each partition's first row (what the GPU's split and copy to the host
 * hand to the shuffle writer in Ember).
 */
final class ShuffleWorkload {
    static final String LINEITEM = "lineitem";
    static final String NUMERIC = "numeric";
    static final long SEED = 20240601L;

    private static final String[] SHIP_MODES = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};
    private static final String[] SHIP_INSTRUCT = {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"};

    /** The column kinds of the schemas, with their Spark and Ember types. */
    enum Kind {
        LONG(DataTypes.LongType, DType.INT64),
        INT(DataTypes.IntegerType, DType.INT32),
        /** DECIMAL(12,2): Spark keeps it as its unscaled long in the row, Ember as DECIMAL64. */
        DECIMAL(DataTypes.createDecimalType(12, 2), DType.decimal64(12, 2)),
        DOUBLE(DataTypes.DoubleType, DType.FLOAT64),
        DATE(DataTypes.DateType, DType.DATE32),
        STRING(DataTypes.StringType, DType.STRING);

        final DataType spark;
        final DType ember;

        Kind(DataType spark, DType ember) {
            this.spark = spark;
            this.ember = ember;
        }
    }

    private static final String[] NAMES = {"l_orderkey", "l_partkey", "l_suppkey", "l_linenumber", "l_quantity",
        "l_extendedprice", "l_discount", "l_tax", "l_shipdate", "l_shipmode", "l_shipinstruct"};
    private static final Kind[] KINDS = {Kind.LONG, Kind.LONG, Kind.LONG, Kind.INT, Kind.INT, Kind.DECIMAL,
        Kind.DOUBLE, Kind.DOUBLE, Kind.DATE, Kind.STRING, Kind.STRING};
    private static final int NUMERIC_COLUMNS = 9;

    final String schemaName;
    final int rows;
    final int partitions;
    final Kind[] kinds;
    final StructType schema;
    final List<DType> types;
    /** Column values in input order: long[], int[], double[] or byte[][] (null elements are nulls). */
    final Object[] columns;
    /** Each input row's partition. */
    final int[] partitionIds;
    /** The input rows in partition order: {@code order[j]} is the input row at position j (stable). */
    final int[] order;
    /** Partition p's rows are positions {@code [partitionStarts[p], partitionStarts[p + 1])} of {@link #order}. */
    final int[] partitionStarts;

    private ShuffleWorkload(String schemaName, int rows, int partitions, long seed) {
        if (rows <= 0 || partitions <= 0) {
            throw new IllegalArgumentException(rows + " rows in " + partitions + " partitions");
        }
        int columnCount = switch (schemaName) {
            case LINEITEM -> KINDS.length;
            case NUMERIC -> NUMERIC_COLUMNS;
            default -> throw new IllegalArgumentException("unknown schema '" + schemaName + "': " + LINEITEM + " or "
                    + NUMERIC);
        };
        this.schemaName = schemaName;
        this.rows = rows;
        this.partitions = partitions;
        this.kinds = Arrays.copyOf(KINDS, columnCount);
        StructField[] fields = new StructField[columnCount];
        List<DType> dtypes = new ArrayList<>();
        for (int c = 0; c < columnCount; c++) {
            fields[c] = DataTypes.createStructField(NAMES[c], kinds[c].spark, true);
            dtypes.add(kinds[c].ember);
        }
        this.schema = DataTypes.createStructType(fields);
        this.types = List.copyOf(dtypes);
        this.columns = generate(rows, columnCount, seed);
        this.partitionIds = new int[rows];
        long[] orderKeys = (long[]) columns[0];
        for (int i = 0; i < rows; i++) {
            // Spark's HashPartitioning: pmod(Murmur3Hash(key) with seed 42, partitions).
            partitionIds[i] = Math.floorMod(Murmur3_x86_32.hashLong(orderKeys[i], 42), partitions);
        }
        this.partitionStarts = new int[partitions + 1];
        for (int pid : partitionIds) {
            partitionStarts[pid + 1]++;
        }
        for (int p = 0; p < partitions; p++) {
            partitionStarts[p + 1] += partitionStarts[p];
        }
        this.order = new int[rows];
        int[] next = Arrays.copyOf(partitionStarts, partitions);
        for (int i = 0; i < rows; i++) {
            order[next[partitionIds[i]]++] = i;
        }
    }

    static ShuffleWorkload generate(String schemaName, int rows, int partitions) {
        return new ShuffleWorkload(schemaName, rows, partitions, SEED);
    }

    private static Object[] generate(int rows, int columnCount, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] orderKey = new long[rows];
        long[] partKey = new long[rows];
        long[] suppKey = new long[rows];
        int[] lineNumber = new int[rows];
        int[] quantity = new int[rows];
        long[] extendedPrice = new long[rows];
        double[] discount = new double[rows];
        double[] tax = new double[rows];
        int[] shipDate = new int[rows];
        byte[][] shipMode = new byte[rows][];
        byte[][] shipInstruct = new byte[rows][];
        byte[][] modes = utf8(SHIP_MODES);
        byte[][] instructions = utf8(SHIP_INSTRUCT);
        long key = 0;
        int linesLeft = 0;
        int line = 0;
        int orderDate = 0;
        for (int i = 0; i < rows; i++) {
            if (linesLeft == 0) {
                key++;
                linesLeft = 1 + random.nextInt(7);
                line = 0;
                orderDate = 8035 + random.nextInt(2405); // 1992-01-01 .. 1998-08-02
            }
            linesLeft--;
            orderKey[i] = key;
            partKey[i] = 1 + random.nextInt(200_000);
            suppKey[i] = 1 + random.nextInt(10_000);
            lineNumber[i] = ++line;
            quantity[i] = 1 + random.nextInt(50);
            extendedPrice[i] = quantity[i] * (90_000L + random.nextInt(110_100)); // cents: 900.00 .. 2010.99 each
            discount[i] = random.nextInt(11) / 100.0;
            tax[i] = random.nextInt(9) / 100.0;
            shipDate[i] = orderDate + 1 + random.nextInt(121);
            shipMode[i] = random.nextInt(20) == 0 ? null : modes[random.nextInt(modes.length)];
            shipInstruct[i] = random.nextInt(20) == 0 ? null : instructions[random.nextInt(instructions.length)];
        }
        Object[] all = {orderKey, partKey, suppKey, lineNumber, quantity, extendedPrice, discount, tax, shipDate,
            shipMode, shipInstruct};
        return Arrays.copyOf(all, columnCount);
    }

    private static byte[][] utf8(String[] values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    int columnCount() {
        return kinds.length;
    }

    /** Whether input row {@code row}'s column {@code c} is null. */
    boolean isNull(int c, int row) {
        return kinds[c] == Kind.STRING && ((byte[][]) columns[c])[row] == null;
    }

    /** The rows as UnsafeRows in input order, one after the other in one array. */
    SparkRows sparkRows() {
        UnsafeRowWriter writer = new UnsafeRowWriter(columnCount(), 64);
        byte[] arena = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(1 << 16, (long) rows * (8 + 8 * columnCount())))];
        int[] offsets = new int[rows];
        int[] sizes = new int[rows];
        int at = 0;
        for (int i = 0; i < rows; i++) {
            writer.reset();
            writer.zeroOutNullBytes();
            for (int c = 0; c < columnCount(); c++) {
                Object values = columns[c];
                switch (kinds[c]) {
                    // A DECIMAL(12,2) is a compact decimal: UnsafeRow holds its unscaled long, as
                    // UnsafeRowWriter.write(Decimal, 12, 2) writes it.
                    case LONG, DECIMAL -> writer.write(c, ((long[]) values)[i]);
                    case INT, DATE -> writer.write(c, ((int[]) values)[i]);
                    case DOUBLE -> writer.write(c, ((double[]) values)[i]);
                    case STRING -> {
                        byte[] s = ((byte[][]) values)[i];
                        if (s == null) {
                            writer.setNullAt(c);
                        } else {
                            writer.write(c, UTF8String.fromBytes(s));
                        }
                    }
                }
            }
            UnsafeRow row = writer.getRow();
            int size = row.getSizeInBytes();
            if ((long) at + size > arena.length) {
                long grown = Math.max(2L * arena.length, (long) at + size);
                if ((long) at + size > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(rows + " rows do not fit in one 2 GB array: take fewer");
                }
                arena = Arrays.copyOf(arena, (int) Math.min(Integer.MAX_VALUE - 8, grown));
            }
            row.writeToMemory(arena, Platform.BYTE_ARRAY_OFFSET + at);
            offsets[i] = at;
            sizes[i] = size;
            at += size;
        }
        return new SparkRows(columnCount(), arena, offsets, sizes);
    }

    /** UnsafeRows stored back to back in one array, in input order. */
    record SparkRows(int fields, byte[] arena, int[] offsets, int[] sizes) {
        /** Points {@code row} at input row {@code i}. */
        void point(UnsafeRow row, int i) {
            row.pointTo(arena, Platform.BYTE_ARRAY_OFFSET + offsets[i], sizes[i]);
        }
    }

    /** The rows as one host table in partition order; the caller closes it. */
    HostTable partitionedTable() {
        List<HostColumn> out = new ArrayList<>();
        try {
            for (int c = 0; c < columnCount(); c++) {
                Object values = columns[c];
                out.add(switch (kinds[c]) {
                    case LONG -> HostColumn.fromLongs(permute((long[]) values), null);
                    case DECIMAL -> HostColumn.fromLongs(kinds[c].ember, permute((long[]) values), null);
                    case INT -> HostColumn.fromInts(permute((int[]) values), null);
                    case DATE -> HostColumn.fromDates(permute((int[]) values), null);
                    case DOUBLE -> HostColumn.fromDoubles(permute((double[]) values), null);
                    case STRING -> HostColumn.fromUtf8(permute((byte[][]) values));
                });
            }
        } catch (RuntimeException | Error e) {
            out.forEach(HostColumn::close);
            throw e;
        }
        return HostTable.of(rows, out);
    }

    private long[] permute(long[] values) {
        long[] out = new long[rows];
        for (int j = 0; j < rows; j++) {
            out[j] = values[order[j]];
        }
        return out;
    }

    private int[] permute(int[] values) {
        int[] out = new int[rows];
        for (int j = 0; j < rows; j++) {
            out[j] = values[order[j]];
        }
        return out;
    }

    private double[] permute(double[] values) {
        double[] out = new double[rows];
        for (int j = 0; j < rows; j++) {
            out[j] = values[order[j]];
        }
        return out;
    }

    private byte[][] permute(byte[][] values) {
        byte[][] out = new byte[rows][];
        for (int j = 0; j < rows; j++) {
            out[j] = values[order[j]];
        }
        return out;
    }
}
