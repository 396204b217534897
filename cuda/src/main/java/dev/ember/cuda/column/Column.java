package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An owning, ref-counted column in device memory: {@code rowCount} fixed-width values in {@link
 * #data()} and an optional Arrow-layout validity bitmap ({@link #validity()}, sized to whole 64-bit
 * words; absent means no nulls).
 *
 * <p>STRING columns ({@link #createStrings}) use Arrow's variable-width layout: {@link #offsets()}
 * holds {@code rowCount + 1} int32 offsets, {@link #data()} the UTF-8 bytes of every row back to
 * back, and row i is the bytes {@code [offsets[i], offsets[i + 1])}. Ember's invariants on top of
 * Arrow's: {@code offsets[0] == 0}, the offsets never decrease, {@code offsets[rowCount] ==}
 * {@link #dataBytes()} (known on the host, so sizing a copy never reads the device), and a null row
 * is empty (equal consecutive offsets). The data buffer may be empty (size 0, address possibly 0)
 * when every row is empty. Fixed-width columns have no offsets ({@link #offsets()} is null).
 *
 * <p>Ownership: {@link #create} takes over the buffers it is given, whatever the outcome (when it
 * throws, it has closed them), so the caller never closes them afterwards. The column starts with
 * one reference; {@link #incRef()} adds one for a second owner, and the last {@link #close()}
 * closes the buffers. The column is composed of tracked {@link DeviceBuffer}s rather than tracked
 * itself, so the leak tracker reports a leaked column as its leaked buffers (with their allocation
 * stacks) and counts each byte once.
 *
 * <p>Null count: either given at creation or {@link #UNKNOWN_NULL_COUNT}; an unknown count is
 * computed on first use by downloading the bitmap and counting on the host ({@link
 * NullCounts#count}), then cached.
 */
public final class Column implements AutoCloseable {
    /** Pass as the null count when it is not known; it is then computed on first use. */
    public static final long UNKNOWN_NULL_COUNT = -1;

    private final DType type;
    private final long rowCount;
    private final DeviceBuffer data;
    private final DeviceBuffer validity;
    /** STRING columns only, else null. */
    private final DeviceBuffer offsets;
    /** Bytes of values: rows * width for fixed-width types, the UTF-8 byte count for STRING. */
    private final long dataBytes;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile long nullCount;

    private Column(DType type, long rowCount, DeviceBuffer data, DeviceBuffer validity, DeviceBuffer offsets,
            long dataBytes, long nullCount) {
        this.type = type;
        this.rowCount = rowCount;
        this.data = data;
        this.validity = validity;
        this.offsets = offsets;
        this.dataBytes = dataBytes;
        this.nullCount = nullCount;
    }

    /**
     * A column over {@code data} (at least {@code rowCount * type.sizeInBytes()} bytes) and {@code
     * validity} (null for no nulls, else at least {@link dev.ember.cuda.ops.Bitmaps#bitmapBytes} bytes on the same
     * device). Takes ownership of both buffers, also when it throws.
     *
     * @param nullCount the number of null rows, or {@link #UNKNOWN_NULL_COUNT}; must be 0 or unknown
     *     without a bitmap
     */
    public static Column create(DType type, long rowCount, DeviceBuffer data, DeviceBuffer validity, long nullCount) {
        try {
            requireNonNull(type, "type is null");
            requireNonNull(data, "data is null");
            if (type.id() == DType.TypeId.STRING) {
                throw new UnsupportedOperationException("Column supports only fixed-width types in create; string "
                        + "columns also need their offsets: use Column.createStrings");
            }
            type.requireFixedWidth("Column");
            if (rowCount < 0) {
                throw new IllegalArgumentException("negative row count " + rowCount);
            }
            long dataBytes = Math.multiplyExact(rowCount, (long) type.sizeInBytes());
            if (data.size() < dataBytes) {
                throw new IllegalArgumentException(rowCount + " rows of " + type + " need " + dataBytes
                        + " data bytes, but " + data + " has " + data.size());
            }
            nullCount = checkValidity(rowCount, data, validity, nullCount);
            if (data.isClosed() || (validity != null && validity.isClosed())) {
                throw new IllegalStateException("a column needs open buffers, but one of them is closed");
            }
            return new Column(type, rowCount, data, validity, null, dataBytes, nullCount);
        } catch (RuntimeException | Error e) {
            closeQuietly(data, e);
            if (validity != data) {
                closeQuietly(validity, e);
            }
            throw e;
        }
    }

    /**
     * A STRING column over {@code offsets} ({@code rowCount + 1} int32 entries), {@code data} (the
     * UTF-8 bytes, at least {@code dataBytes}) and {@code validity} (null for no nulls), following
     * the invariants in the class comment (not checked here: they live on the device). Takes
     * ownership of the three buffers, also when it throws.
     *
     * @param dataBytes {@code offsets[rowCount]}, the bytes of all rows together; at most
     *     {@link Integer#MAX_VALUE} (int32 offsets)
     * @param nullCount as for {@link #create(DType, long, DeviceBuffer, DeviceBuffer, long)}
     */
    public static Column createStrings(long rowCount, DeviceBuffer offsets, DeviceBuffer data, long dataBytes,
            DeviceBuffer validity, long nullCount) {
        try {
            requireNonNull(offsets, "offsets is null");
            requireNonNull(data, "data is null");
            if (rowCount < 0 || rowCount >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a string column has 0.." + (Integer.MAX_VALUE - 1)
                        + " rows (int32 offsets), not " + rowCount);
            }
            if (dataBytes < 0 || dataBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a string column holds 0.." + Integer.MAX_VALUE
                        + " bytes (int32 offsets), not " + dataBytes + ": split the batch");
            }
            if (offsets == data || offsets == validity) {
                throw new IllegalArgumentException("offsets, data and validity must be different buffers");
            }
            if (offsets.size() < offsetsBytes(rowCount)) {
                throw new IllegalArgumentException(rowCount + " string rows need " + offsetsBytes(rowCount)
                        + " offset bytes (rows + 1 int32 entries), but " + offsets + " has " + offsets.size());
            }
            if (data.size() < dataBytes) {
                throw new IllegalArgumentException("string data of " + dataBytes + " bytes does not fit " + data);
            }
            if (offsets.device() != data.device()) {
                throw new IllegalArgumentException("offsets and data are on different devices");
            }
            nullCount = checkValidity(rowCount, data, validity, nullCount);
            if (offsets.isClosed() || data.isClosed() || (validity != null && validity.isClosed())) {
                throw new IllegalStateException("a column needs open buffers, but one of them is closed");
            }
            return new Column(DType.STRING, rowCount, data, validity, offsets, dataBytes, nullCount);
        } catch (RuntimeException | Error e) {
            closeQuietly(offsets, e);
            if (data != offsets) {
                closeQuietly(data, e);
            }
            if (validity != data && validity != offsets) {
                closeQuietly(validity, e);
            }
            throw e;
        }
    }

    /** Bytes of the offsets of {@code rowCount} string rows: {@code (rowCount + 1) * 4}. */
    public static long offsetsBytes(long rowCount) {
        return (rowCount + 1) * 4;
    }

    /** Checks the bitmap against the data buffer and row count; returns the null count to keep. */
    private static long checkValidity(long rowCount, DeviceBuffer data, DeviceBuffer validity, long nullCount) {
        if (validity == null) {
            if (nullCount != 0 && nullCount != UNKNOWN_NULL_COUNT) {
                throw new IllegalArgumentException("a column without a validity bitmap has no nulls, but "
                        + nullCount + " were claimed: pass the bitmap");
            }
            nullCount = 0;
        } else {
            if (validity == data) {
                throw new IllegalArgumentException("data and validity must be different buffers");
            }
            if (validity.device() != data.device()) {
                throw new IllegalArgumentException("data and validity are on different devices");
            }
            long bitmapBytes = dev.ember.cuda.ops.Bitmaps.bitmapBytes(rowCount);
            if (validity.size() < bitmapBytes) {
                throw new IllegalArgumentException(rowCount + " rows need a validity bitmap of " + bitmapBytes
                        + " bytes (whole 64-bit words), but " + validity + " has " + validity.size());
            }
            if (nullCount < UNKNOWN_NULL_COUNT || nullCount > rowCount) {
                throw new IllegalArgumentException("null count " + nullCount + " is outside 0.." + rowCount
                        + " (or UNKNOWN_NULL_COUNT)");
            }
        }
        return nullCount;
    }

    /** A column without nulls over {@code data}; takes ownership of it. */
    public static Column create(DType type, long rowCount, DeviceBuffer data) {
        return create(type, rowCount, data, null, 0);
    }

    private static void closeQuietly(DeviceBuffer buffer, Throwable cause) {
        if (buffer != null && !buffer.isClosed()) {
            try {
                buffer.close();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    public DType type() {
        return type;
    }

    public long rowCount() {
        return rowCount;
    }

    public Device device() {
        return data.device();
    }

    /**
     * The values (for STRING: the UTF-8 bytes), owned by this column (do not close; {@code incRef()}
     * it to keep it longer).
     */
    public DeviceBuffer data() {
        checkOpen();
        return data;
    }

    /** The validity bitmap, or null when the column has no nulls; owned by this column. */
    public DeviceBuffer validity() {
        checkOpen();
        return validity;
    }

    public boolean hasValidity() {
        return validity != null;
    }

    /** The {@code rowCount + 1} int32 offsets of a STRING column, or null for fixed-width types; owned by this column. */
    public DeviceBuffer offsets() {
        checkOpen();
        return offsets;
    }

    /** The device address of a STRING column's offsets. */
    public long offsetsAddress() {
        checkOpen();
        if (offsets == null) {
            throw new IllegalStateException(this + " has no offsets: only string columns do");
        }
        return offsets.address();
    }

    /** The device address of the values, for kernel arguments. */
    public long dataAddress() {
        checkOpen();
        return data.address();
    }

    /** The device address of the bitmap, or 0 (kernels read 0 as "all valid"). */
    public long validityAddress() {
        checkOpen();
        return validity == null ? 0 : validity.address();
    }

    /**
     * Bytes of values: {@code rowCount * type().sizeInBytes()} for fixed-width types, the UTF-8 bytes
     * of all rows ({@code offsets[rowCount]}) for STRING.
     */
    public long dataBytes() {
        return dataBytes;
    }

    /** Whether the null count is known without a device round trip. */
    public boolean isNullCountKnown() {
        return nullCount != UNKNOWN_NULL_COUNT;
    }

    /**
     * The number of null rows. When unknown, computed once by a host download of the bitmap ordered
     * after the work queued on the device's default stream.
     */
    public long nullCount() {
        return nullCount(data.device().defaultStream());
    }

    /**
     * The number of null rows. When unknown, computed once by a host download of the bitmap after
     * the work queued on {@code stream} (the stream that produced the bitmap) is done.
     */
    public long nullCount(Stream stream) {
        long known = nullCount;
        if (known == UNKNOWN_NULL_COUNT) {
            checkOpen();
            known = NullCounts.count(validity, rowCount, stream);
            nullCount = known;
        }
        return known;
    }

    /** Records a null count learned elsewhere (e.g. from a host copy of the bitmap). */
    void cacheNullCount(long count) {
        if (count < 0 || count > rowCount) {
            throw new IllegalArgumentException("null count " + count + " is outside 0.." + rowCount);
        }
        nullCount = count;
    }

    /** Adds a reference; the caller must close once more. */
    public Column incRef() {
        int before = refs.getAndUpdate(n -> n == 0 ? 0 : n + 1);
        if (before == 0) {
            throw new IllegalStateException(this + " is already closed");
        }
        return this;
    }

    public int refCount() {
        return refs.get();
    }

    public boolean isClosed() {
        return refs.get() == 0;
    }

    private void checkOpen() {
        if (refs.get() == 0) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Drops a reference; the last one closes the buffers. */
    @Override
    public void close() {
        int after = refs.updateAndGet(n -> n == 0 ? -1 : n - 1);
        if (after < 0) {
            refs.set(0);
            throw new IllegalStateException(this + " closed more often than referenced");
        }
        if (after == 0) {
            try {
                data.close();
            } finally {
                try {
                    if (validity != null) {
                        validity.close();
                    }
                } finally {
                    if (offsets != null) {
                        offsets.close();
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        long n = nullCount;
        return "Column[" + type + ", " + rowCount + " rows, " + (offsets == null ? "" : dataBytes + " bytes, ")
                + (validity == null ? "no nulls" : n == UNKNOWN_NULL_COUNT ? "nulls unknown" : n + " nulls") + "]";
    }
}
