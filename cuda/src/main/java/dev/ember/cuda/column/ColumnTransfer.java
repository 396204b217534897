package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.StagedCopies.Segment;
import dev.ember.cuda.memory.HostMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Copies columns and tables between host (Arrow-layout {@link HostColumn}s) and one device, through
 * the double-buffered pinned staging of {@link StagedCopies}, and counts the bytes copied each way
 * (for metrics). Every copy is complete when its method returns. Thread-safe; concurrent transfers
 * share the staging pool.
 *
 * <p>Validity: a host column with nulls gets a device bitmap of whole 64-bit words whose bits past
 * the last row are 0; a host column without nulls gets none. A device bitmap comes back whole, and
 * the column learns its null count from the host copy if it did not know it.
 *
 * <p>STRING columns move as three blocks: the {@code rows + 1} int32 offsets, the UTF-8 bytes
 * ({@code dataBytes()}, known on both sides, so no device read sizes the copy) and the bitmap. The
 * layouts are the same on both sides, so nothing is computed per row on the device; the host checks
 * the offsets of a downloaded column once (see {@link HostColumn#wrapStrings}).
 */
public final class ColumnTransfer implements AutoCloseable {
    /** Default staging chunk: large enough to reach full copy bandwidth, small enough to pin cheaply. */
    public static final long DEFAULT_CHUNK_BYTES = 8L << 20;
    /** Default staging buffers: two concurrent transfers at full overlap. */
    public static final int DEFAULT_STAGING_BUFFERS = 4;

    private final Device device;
    private final PinnedStagingPool pool;
    private final boolean ownsPool;
    private final LongAdder toDeviceBytes = new LongAdder();
    private final LongAdder toHostBytes = new LongAdder();

    private ColumnTransfer(PinnedStagingPool pool, boolean ownsPool) {
        this.device = pool.device();
        this.pool = pool;
        this.ownsPool = ownsPool;
    }

    /** Transfers for {@code device} with their own pool of {@link #DEFAULT_STAGING_BUFFERS} x 8 MiB. */
    public static ColumnTransfer create(Device device) {
        return create(device, DEFAULT_CHUNK_BYTES);
    }

    /** Transfers for {@code device} with their own pool of {@link #DEFAULT_STAGING_BUFFERS} chunks. */
    public static ColumnTransfer create(Device device, long chunkBytes) {
        return new ColumnTransfer(new PinnedStagingPool(device, chunkBytes, DEFAULT_STAGING_BUFFERS), true);
    }

    /** Transfers staged through {@code pool}, which the caller keeps and closes. */
    public static ColumnTransfer using(PinnedStagingPool pool) {
        return new ColumnTransfer(requireNonNull(pool, "pool is null"), false);
    }

    public Device device() {
        return device;
    }

    /** Bytes copied host → device so far, bitmaps included. */
    public long bytesCopiedToDevice() {
        return toDeviceBytes.sum();
    }

    /** Bytes copied device → host so far, bitmaps included. */
    public long bytesCopiedToHost() {
        return toHostBytes.sum();
    }

    /** A new device column holding {@code host}'s values and nulls; {@code host} stays the caller's. */
    public Column toDevice(HostColumn host, Stream stream) {
        requireNonNull(host, "host is null");
        try (HostTable single = HostTable.of(host.rowCount(), List.of(host.incRef()));
                Table table = toDevice(single, stream)) {
            return table.column(0).incRef();
        }
    }

    /** A new device table holding {@code host}'s columns; {@code host} stays the caller's. */
    public Table toDevice(HostTable host, Stream stream) {
        requireNonNull(host, "host is null");
        requireNonNull(stream, "stream is null");
        int rows = host.rowCount();
        List<DeviceBuffer> data = new ArrayList<>();
        List<DeviceBuffer> validity = new ArrayList<>();
        List<DeviceBuffer> offsets = new ArrayList<>();
        try {
            List<Segment> segments = new ArrayList<>();
            for (HostColumn c : host.columns()) {
                DeviceBuffer o = null;
                if (c.type().id() == DType.TypeId.STRING) {
                    o = device.allocate(Column.offsetsBytes(rows), stream);
                    offsets.add(o);
                    segments.add(Segment.host(c.offsetsBuffer().memoryAddress(), o.address(), o.size()));
                } else {
                    offsets.add(null);
                    c.type().requireFixedWidth("ColumnTransfer");
                }
                DeviceBuffer d = device.allocate(c.dataBytes(), stream);
                data.add(d);
                segments.add(Segment.host(c.dataBuffer().memoryAddress(), d.address(), c.dataBytes()));
                DeviceBuffer v = null;
                if (c.nullCount() > 0) {
                    v = device.allocate(dev.ember.cuda.ops.Bitmaps.bitmapBytes(rows), stream);
                    addBitmapSegments(c, v, segments);
                }
                validity.add(v);
            }
            toDeviceBytes.add(StagedCopies.upload(device, stream, pool, segments));
        } catch (RuntimeException | Error e) {
            closeAll(data, e);
            closeAll(validity, e);
            closeAll(offsets, e);
            throw e;
        }
        List<Column> columns = new ArrayList<>();
        try {
            for (int i = 0; i < data.size(); i++) {
                HostColumn c = host.column(i);
                // create owns the buffers from here on, also when it throws.
                DeviceBuffer d = data.set(i, null);
                DeviceBuffer v = validity.set(i, null);
                DeviceBuffer o = offsets.set(i, null);
                columns.add(o == null ? Column.create(c.type(), rows, d, v, c.nullCount())
                        : Column.createStrings(rows, o, d, c.dataBytes(), v, c.nullCount()));
            }
        } catch (RuntimeException | Error e) {
            closeAll(data, e);
            closeAll(validity, e);
            closeAll(offsets, e);
            for (Column c : columns) {
                c.close();
            }
            throw e;
        }
        return Table.of(rows, columns);
    }

    /**
     * The bitmap's whole bytes come straight from the host buffer; the last partial byte (masked to
     * the rows) and the zero padding to the 64-bit word come from a small array, so bits past the
     * last row are 0 on the device whatever the host buffer held there.
     */
    private static void addBitmapSegments(HostColumn c, DeviceBuffer v, List<Segment> segments) {
        int rows = c.rowCount();
        long fullBytes = rows >>> 3;
        long address = c.validityBuffer().memoryAddress();
        if (fullBytes > 0) {
            segments.add(Segment.host(address, v.address(), fullBytes));
        }
        byte[] tail = new byte[(int) (dev.ember.cuda.ops.Bitmaps.bitmapBytes(rows) - fullBytes)];
        int partialBits = rows & 7;
        if (partialBits != 0) {
            tail[0] = (byte) (c.validityBuffer().getByte(fullBytes) & ((1 << partialBits) - 1));
        }
        if (tail.length > 0) {
            segments.add(Segment.array(tail, v.address(fullBytes)));
        }
    }

    /** A new host column holding {@code column}'s values and nulls; {@code column} stays the caller's. */
    public HostColumn toHost(Column column, Stream stream) {
        requireNonNull(column, "column is null");
        try (Table table = Table.of(column.rowCount(), List.of(column.incRef()));
                HostTable host = toHost(table, stream)) {
            return host.column(0).incRef();
        }
    }

    /** A new host table holding {@code table}'s columns; {@code table} stays the caller's. */
    public HostTable toHost(Table table, Stream stream) {
        requireNonNull(table, "table is null");
        requireNonNull(stream, "stream is null");
        if (table.rowCount() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(table.rowCount() + " rows do not fit a host column (at most "
                    + Integer.MAX_VALUE + "): copy the table in slices");
        }
        int rows = (int) table.rowCount();
        BufferAllocator allocator = HostMemory.allocator();
        List<ArrowBuf> data = new ArrayList<>();
        List<ArrowBuf> validity = new ArrayList<>();
        List<ArrowBuf> offsets = new ArrayList<>();
        try {
            List<Segment> segments = new ArrayList<>();
            for (Column c : table.columns()) {
                if (c.device() != device) {
                    throw new IllegalArgumentException(c + " lives on another device than this transfer's");
                }
                ArrowBuf o = null;
                if (c.offsets() != null) {
                    o = allocator.buffer(Column.offsetsBytes(rows));
                    offsets.add(o);
                    segments.add(Segment.host(o.memoryAddress(), c.offsetsAddress(), Column.offsetsBytes(rows)));
                } else {
                    offsets.add(null);
                }
                ArrowBuf d = allocator.buffer(c.dataBytes());
                data.add(d);
                segments.add(Segment.host(d.memoryAddress(), c.dataAddress(), c.dataBytes()));
                ArrowBuf v = null;
                if (c.hasValidity()) {
                    long bitmapBytes = dev.ember.cuda.ops.Bitmaps.bitmapBytes(rows);
                    v = allocator.buffer(bitmapBytes);
                    segments.add(Segment.host(v.memoryAddress(), c.validityAddress(), bitmapBytes));
                }
                validity.add(v);
            }
            toHostBytes.add(StagedCopies.download(device, stream, pool, segments));
        } catch (RuntimeException | Error e) {
            data.forEach(ArrowBuf::close);
            validity.stream().filter(v -> v != null).forEach(ArrowBuf::close);
            offsets.stream().filter(o -> o != null).forEach(ArrowBuf::close);
            throw e;
        }
        List<HostColumn> columns = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            Column c = table.column(i);
            // wrap owns the buffers from here on, also when it throws.
            ArrowBuf d = data.set(i, null);
            ArrowBuf v = validity.set(i, null);
            ArrowBuf o = offsets.set(i, null);
            try {
                HostColumn h = o == null ? HostColumn.wrap(c.type(), rows, d, v) : HostColumn.wrapStrings(rows, o, d, v);
                columns.add(h);
                c.cacheNullCount(h.nullCount());
            } catch (RuntimeException | Error e) {
                columns.forEach(HostColumn::close);
                data.stream().filter(b -> b != null).forEach(ArrowBuf::close);
                validity.stream().filter(b -> b != null).forEach(ArrowBuf::close);
                offsets.stream().filter(b -> b != null).forEach(ArrowBuf::close);
                throw e;
            }
        }
        return HostTable.of(rows, columns);
    }

    private static void closeAll(List<DeviceBuffer> buffers, Throwable cause) {
        for (DeviceBuffer b : buffers) {
            if (b != null && !b.isClosed()) {
                try {
                    b.close();
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }

    /** Closes the staging pool if this transfer created it. */
    @Override
    public void close() {
        if (ownsPool) {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "ColumnTransfer[" + pool + "]";
    }
}
