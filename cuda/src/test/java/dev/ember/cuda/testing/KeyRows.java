package dev.ember.cuda.testing;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.ops.SortKey;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Rows of sort-key columns on the host as boxed Java values (null = SQL null), with a reference of
 * Spark's row ordering written from Spark's rules rather than from Ember's code: BOOL8 as Boolean,
 * INT8..INT64, DATE32, TIMESTAMP_US and DECIMAL64 as Number (signed), FLOAT32/64 with NaN above every
 * number and equal to itself and -0.0 equal to 0.0, DECIMAL128 as BigInteger, STRING as UTF-8 bytes in
 * unsigned byte order. Columns can be drawn from small pools of values so that rows tie on early
 * columns and later columns decide.
 */
public final class KeyRows {
    private final List<DType> types;
    private final List<Object[]> columns;
    private final int rows;

    private KeyRows(List<DType> types, List<Object[]> columns, int rows) {
        this.types = List.copyOf(types);
        this.columns = columns;
        this.rows = rows;
    }

    /**
     * {@code n} random rows of {@code types}; each column takes its values from a pool of 1 to about n
     * values (with nulls, NaN, -0.0, extremes, multi-byte strings and prefixes among them), chosen at random.
     */
    public static KeyRows random(Random r, List<DType> types, int n) {
        List<Object[]> columns = new ArrayList<>();
        for (DType type : types) {
            int[] poolSizes = {1, 3, 20, 200, n + 1};
            int poolSize = poolSizes[r.nextInt(poolSizes.length)];
            Object[] pool = values(r, type, poolSize);
            Object[] column = new Object[n];
            for (int i = 0; i < n; i++) {
                column[i] = pool[r.nextInt(poolSize)];
            }
            columns.add(column);
        }
        return new KeyRows(types, columns, n);
    }

    /** {@code n} random values of {@code type}, about a seventh of them null. */
    public static Object[] values(Random r, DType type, int n) {
        Object[] out = new Object[n];
        switch (type.id()) {
            case BOOL8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = r.nextBoolean();
                }
            }
            case INT8 -> {
                byte[] v = RandomData.bytes(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case INT16 -> {
                short[] v = RandomData.shorts(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case INT32, DATE32 -> {
                int[] v = RandomData.ints(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case INT64, TIMESTAMP_US, DECIMAL64 -> {
                long[] v = RandomData.longs(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case FLOAT32 -> {
                float[] v = RandomData.floats(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case FLOAT64 -> {
                double[] v = RandomData.doubles(r, n);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case DECIMAL128 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = RandomDecimals.next(r);
                }
            }
            case STRING -> {
                byte[][] v = RandomStrings.utf8(r, n, 0.0, 6);
                System.arraycopy(v, 0, out, 0, n);
            }
        }
        for (int i = 0; i < n; i++) {
            if (r.nextInt(7) == 0) {
                out[i] = null;
            }
        }
        return out;
    }

    /** Rows of the given columns' values ({@code columns.get(k)[i]} is row i of column k). */
    public static KeyRows of(List<DType> types, List<Object[]> columns) {
        if (types.size() != columns.size()) {
            throw new IllegalArgumentException(types.size() + " types for " + columns.size() + " columns");
        }
        int n = columns.isEmpty() ? 0 : columns.get(0).length;
        List<Object[]> copies = new ArrayList<>();
        for (Object[] c : columns) {
            if (c.length != n) {
                throw new IllegalArgumentException("columns of " + n + " and " + c.length + " rows");
            }
            copies.add(c.clone());
        }
        return new KeyRows(types, copies, n);
    }

    public int rows() {
        return rows;
    }

    public List<DType> types() {
        return types;
    }

    /** Row {@code i} of column {@code k}, null for a null. */
    public Object value(int k, int i) {
        return columns.get(k)[i];
    }

    /** The rows at {@code indices}, in that order. */
    public KeyRows select(int[] indices) {
        List<Object[]> out = new ArrayList<>();
        for (Object[] c : columns) {
            Object[] s = new Object[indices.length];
            for (int j = 0; j < indices.length; j++) {
                s[j] = c[indices[j]];
            }
            out.add(s);
        }
        return new KeyRows(types, out, indices.length);
    }

    /** These rows followed by {@code other}'s (same types). */
    public KeyRows append(KeyRows other) {
        if (!types.equals(other.types)) {
            throw new IllegalArgumentException("types " + types + " and " + other.types);
        }
        List<Object[]> out = new ArrayList<>();
        for (int k = 0; k < columns.size(); k++) {
            Object[] c = Arrays.copyOf(columns.get(k), rows + other.rows);
            System.arraycopy(other.columns.get(k), 0, c, rows, other.rows);
            out.add(c);
        }
        return new KeyRows(types, out, rows + other.rows);
    }

    /** The distinct rows sorted ascending under {@code order}: strictly increasing, like Spark's range bounds. */
    public KeyRows sortedDistinct(List<SortKey> order) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            indices.add(i);
        }
        indices.sort((a, b) -> compare(a, this, b, order));
        List<Integer> distinct = new ArrayList<>();
        for (int i : indices) {
            if (distinct.isEmpty() || compare(distinct.get(distinct.size() - 1), this, i, order) != 0) {
                distinct.add(i);
            }
        }
        return select(distinct.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Row {@code a} of these rows against row {@code b} of {@code other} under {@code order}, as Spark's
     * ordering compares them: -1, 0 or 1.
     */
    public int compare(int a, KeyRows other, int b, List<SortKey> order) {
        for (int k = 0; k < columns.size(); k++) {
            Object x = columns.get(k)[a];
            Object y = other.columns.get(k)[b];
            SortKey key = order.get(k);
            if (x == null || y == null) {
                if (x == null && y == null) {
                    continue;
                }
                // A null goes first or last whatever the direction.
                boolean xFirst = (x == null) == key.nullsFirst();
                return xFirst ? -1 : 1;
            }
            int c = compareValues(types.get(k), x, y);
            if (c != 0) {
                return key.ascending() ? c : -c;
            }
        }
        return 0;
    }

    private static int compareValues(DType type, Object x, Object y) {
        return switch (type.id()) {
            case BOOL8 -> Boolean.compare((Boolean) x, (Boolean) y);
            case INT8, INT16, INT32, DATE32, INT64, TIMESTAMP_US, DECIMAL64 ->
                    Long.compare(((Number) x).longValue(), ((Number) y).longValue());
            case FLOAT32, FLOAT64 -> compareFloating(((Number) x).doubleValue(), ((Number) y).doubleValue());
            case DECIMAL128 -> Integer.signum(((BigInteger) x).compareTo((BigInteger) y));
            case STRING -> Integer.signum(Arrays.compareUnsigned((byte[]) x, (byte[]) y));
        };
    }

    /** NaN above everything and equal to NaN; -0.0 equal to 0.0 (adding 0.0 turns -0.0 into 0.0). */
    private static int compareFloating(double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Double.isNaN(x) == Double.isNaN(y) ? 0 : (Double.isNaN(x) ? 1 : -1);
        }
        return Double.compare(x + 0.0, y + 0.0);
    }

    /**
     * The range partition id of each row against {@code bounds}, counted the slow way: the number of
     * bound rows strictly below the row.
     */
    public int[] rangeIdsByCounting(KeyRows bounds, List<SortKey> order) {
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < bounds.rows; j++) {
                if (bounds.compare(j, this, i, order) < 0) {
                    out[i]++;
                }
            }
        }
        return out;
    }

    /** The columns on {@code device}; a fixed-width column gets a bitmap when it has a null (or an odd length). */
    public List<Column> upload(Device device) {
        List<Column> out = new ArrayList<>();
        try {
            for (int k = 0; k < columns.size(); k++) {
                out.add(upload(device, types.get(k), columns.get(k)));
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        }
    }

    /** The columns as a device table. */
    public Table uploadTable(Device device) {
        return Table.of(rows, upload(device));
    }

    /** The rows of a device table, read back with plain array copies. */
    public static KeyRows download(Table table) {
        List<DType> types = new ArrayList<>();
        List<Object[]> columns = new ArrayList<>();
        for (Column c : table.columns()) {
            types.add(c.type());
            columns.add(download(c));
        }
        return new KeyRows(types, columns, Math.toIntExact(table.rowCount()));
    }

    private static Object[] download(Column c) {
        int n = Math.toIntExact(c.rowCount());
        if (c.type().id() == DType.TypeId.STRING) {
            return DeviceStrings.values(c);
        }
        HostValues host = HostValues.download(c);
        ByteBuffer data = ByteBuffer.wrap(host.data()).order(ByteOrder.LITTLE_ENDIAN);
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            if (!host.isValid(i)) {
                continue;
            }
            out[i] = c.type().id() == DType.TypeId.DECIMAL128
                    ? BigInteger.valueOf(data.getLong(i * 16 + 8)).shiftLeft(64)
                            .add(new BigInteger(Long.toUnsignedString(data.getLong(i * 16))))
                    : host.get(i);
        }
        return out;
    }

    private static Column upload(Device device, DType type, Object[] values) {
        requireNonNull(type, "type is null");
        int n = values.length;
        if (type.id() == DType.TypeId.STRING) {
            byte[][] strings = new byte[n][];
            for (int i = 0; i < n; i++) {
                strings[i] = (byte[]) values[i];
            }
            return DeviceStrings.column(device, strings);
        }
        int width = type.sizeInBytes();
        ByteBuffer data = ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
        byte[] validity = new byte[RandomColumns.bitmapBytes(n)];
        boolean anyNull = false;
        for (int i = 0; i < n; i++) {
            Object v = values[i];
            int at = i * width;
            if (v == null) {
                anyNull = true;
                continue;
            }
            validity[i >> 3] |= (byte) (1 << (i & 7));
            switch (type.id()) {
                case BOOL8 -> data.put(at, (byte) ((Boolean) v ? 1 : 0));
                case INT8 -> data.put(at, (Byte) v);
                case INT16 -> data.putShort(at, (Short) v);
                case INT32, DATE32 -> data.putInt(at, (Integer) v);
                case INT64, TIMESTAMP_US, DECIMAL64 -> data.putLong(at, (Long) v);
                case FLOAT32 -> data.putFloat(at, (Float) v);
                case FLOAT64 -> data.putDouble(at, (Double) v);
                case DECIMAL128 -> {
                    BigInteger b = (BigInteger) v;
                    data.putLong(at, b.longValue());
                    data.putLong(at + 8, b.shiftRight(64).longValue());
                }
                case STRING -> throw new AssertionError("handled above");
            }
        }
        // Columns of an odd length keep a bitmap without nulls, so kernels see "all valid" both ways; the
        // choice depends on the values only, so equal inputs upload alike on every device.
        boolean bitmap = anyNull || n % 2 == 1;
        return HostValues.of(type, data.array(), bitmap ? validity : null).upload(device);
    }
}
