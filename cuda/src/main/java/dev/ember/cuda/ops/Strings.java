package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.StringKernels;
import java.util.List;

/**
 * Row movement for STRING columns (see {@link Column} for the layout): gather by an int32 map,
 * concatenation of columns and slicing. Every result is a new column in the same layout, with
 * offsets from 0 and empty null rows.
 *
 * <p>Size limit: int32 offsets address at most {@link #MAX_BYTES} bytes, so each operation computes
 * the exact byte count of its result (in 64 bits) before allocating it and throws {@link
 * StringSizeLimitException} when it passes the limit; the caller splits the batch. The limit is a
 * parameter (at most {@code MAX_BYTES}) so the rule can be tested without 2 GiB of data.
 *
 * <p>There is no string scatter: with variable widths an output row's position depends on every
 * row before it, so writing rows into an existing column in place is impossible, and a scatter into
 * a new column is a gather by the inverted map (the caller builds it with the fixed-width {@link
 * Scatter} of row indices, then calls {@link #gather}).
 */
public final class Strings {
    /** The most bytes a string column holds: what int32 offsets address. */
    public static final long MAX_BYTES = Integer.MAX_VALUE;
    /**
     * Gathers whose rows average at least this many bytes copy a warp per row (coalesced, the lanes
     * taking consecutive bytes); shorter rows a thread per row, where a warp would leave most lanes
     * idle.
     */
    public static final long WARP_PER_ROW_MIN_AVERAGE_BYTES = 64;

    /** Who copies a gathered row's bytes. */
    public enum RowCopy {
        /** {@link #WARP_PER_ROW} when the rows average at least {@link #WARP_PER_ROW_MIN_AVERAGE_BYTES}, else thread. */
        AUTO,
        THREAD_PER_ROW,
        WARP_PER_ROW
    }

    private Strings() {}

    /** {@link #gather(Device, Column, DeviceBuffer, long, long, Stream)} with the limit {@link #MAX_BYTES}. */
    public static Column gather(Device device, Column src, DeviceBuffer map, long n, Stream stream) {
        return gather(device, src, map, n, MAX_BYTES, stream);
    }

    /**
     * A new STRING column of {@code n} rows: row i is {@code src}'s row {@code map[i]} (int32 map);
     * an entry outside {@code [0, src.rowCount())} (-1 by convention) or pointing at a null row gives
     * a null (empty) row. The output always has a bitmap; its null count is left unknown (computed
     * on first use). Waits for the stream twice (the total before allocating the bytes, and the scan).
     *
     * @throws StringSizeLimitException if the gathered rows hold more than {@code maxBytes} bytes
     */
    public static Column gather(Device device, Column src, DeviceBuffer map, long n, long maxBytes, Stream stream) {
        return gather(device, src, map, n, maxBytes, RowCopy.AUTO, stream);
    }

    /** {@link #gather(Device, Column, DeviceBuffer, long, long, Stream)} with a chosen copy strategy (same result). */
    public static Column gather(Device device, Column src, DeviceBuffer map, long n, long maxBytes, RowCopy rowCopy,
            Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(rowCopy, "rowCopy is null");
        requireNonNull(map, "map is null");
        requireNonNull(stream, "stream is null");
        requireStrings(src, "src");
        checkRows(n);
        checkLimit(maxBytes);
        Gather.checkFits(map, n, 4, "map");
        if (n == 0) {
            return empty(device, stream);
        }
        DeviceBuffer offsets = device.allocate(Column.offsetsBytes(n), stream);
        DeviceBuffer validity = null;
        DeviceBuffer chars = null;
        long total;
        try {
            validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
            try (DeviceBuffer sum = device.allocate(8, stream)) {
                device.memset(sum.address(), (byte) 0, 8, stream);
                KernelArgs args = KernelArgs.create().ptr(offsets.address()).ptr(validity.address()).ptr(sum.address())
                        .ptr(src.offsetsAddress()).ptr(src.validityAddress()).i64(src.rowCount())
                        .ptr(map.address()).i64(n);
                // One thread per row, rows rounded up to whole 64-bit validity words.
                long threads = Bitmaps.bitmapBytes(n) * 8;
                device.kernel(StringKernels.GATHER_SIZES)
                        .launch(LaunchConfig.gridStride(threads, device.multiProcessorCount()), args, stream);
                total = readLong(device, sum.address(), stream);
            }
            if (total > maxBytes) {
                throw new StringSizeLimitException("gathering " + n + " string rows needs " + total
                        + " bytes, more than the limit of " + maxBytes + " bytes (int32 offsets): gather at most about "
                        + Math.max(1, n * maxBytes / total) + " rows per batch", total, maxBytes, -1);
            }
            // The n + 1 sizes (the last 0) become the offsets in place; offsets[n] is the total.
            PrefixSum.exclusiveSumInt(device, offsets.address(), offsets.address(), n + 1, stream);
            chars = device.allocate(total, stream);
            boolean warp = switch (rowCopy) {
                case AUTO -> total >= WARP_PER_ROW_MIN_AVERAGE_BYTES * n;
                case THREAD_PER_ROW -> false;
                case WARP_PER_ROW -> true;
            };
            String copy = warp ? StringKernels.GATHER_CHARS_WARP : StringKernels.GATHER_CHARS_THREAD;
            long threads = copy.equals(StringKernels.GATHER_CHARS_WARP) ? n * 32 : n;
            device.kernel(copy).launch(LaunchConfig.gridStride(threads, device.multiProcessorCount()),
                    KernelArgs.create().ptr(chars.address()).ptr(offsets.address()).ptr(src.dataAddress())
                            .ptr(src.offsetsAddress()).ptr(map.address()).i64(n), stream);
        } catch (RuntimeException | Error e) {
            closeAll(e, offsets, validity, chars);
            throw e;
        }
        return Column.createStrings(n, offsets, chars, total, validity, Column.UNKNOWN_NULL_COUNT);
    }

    /** {@link #concat(Device, List, long, Stream)} with the limit {@link #MAX_BYTES}. */
    public static Column concat(Device device, List<Column> columns, Stream stream) {
        return concat(device, columns, MAX_BYTES, stream);
    }

    /**
     * A new STRING column with the rows of {@code columns} one after the other: offsets rebased by
     * the bytes before, bytes and validity bits copied as blocks. The sizes are known on the host,
     * so nothing waits for the device. The result has a bitmap if any input has one; its null count
     * is the inputs' sum when they all know theirs.
     *
     * @throws StringSizeLimitException if the columns hold more than {@code maxBytes} bytes together;
     *     its {@link StringSizeLimitException#fittingParts()} is the number of leading columns that fit
     */
    public static Column concat(Device device, List<Column> columns, long maxBytes, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        List<Column> inputs = List.copyOf(requireNonNull(columns, "columns is null"));
        checkLimit(maxBytes);
        long rows = 0;
        long bytes = 0;
        long nulls = 0;
        boolean anyValidity = false;
        for (int k = 0; k < inputs.size(); k++) {
            Column c = inputs.get(k);
            requireStrings(c, "column " + k);
            if (c.device() != device) {
                throw new IllegalArgumentException("column " + k + " lives on another device");
            }
            if (bytes + c.dataBytes() > maxBytes) {
                throw new StringSizeLimitException("concatenating " + inputs.size() + " string columns needs more than "
                        + maxBytes + " bytes (the limit, int32 offsets): the first " + k + " columns fit ("
                        + bytes + " bytes), split the batch there", bytes + c.dataBytes(), maxBytes, k);
            }
            rows += c.rowCount();
            bytes += c.dataBytes();
            anyValidity |= c.hasValidity();
            nulls = nulls < 0 || !c.isNullCountKnown() ? Column.UNKNOWN_NULL_COUNT : nulls + c.nullCount();
        }
        checkRows(rows);
        DeviceBuffer offsets = device.allocate(Column.offsetsBytes(rows), stream);
        DeviceBuffer chars = null;
        DeviceBuffer validity = null;
        try {
            chars = device.allocate(bytes, stream);
            if (anyValidity) {
                validity = device.allocate(Bitmaps.bitmapBytes(rows), stream);
                device.memset(validity.address(), (byte) 0, validity.size(), stream);
            }
            if (inputs.isEmpty()) {
                device.memset(offsets.address(), (byte) 0, 4, stream);
            }
            long row = 0;
            long at = 0;
            for (Column c : inputs) {
                // rows + 1 entries: the last one equals the next column's first, written again by it.
                rebase(device, c.offsetsAddress(), offsets.address() + row * 4, c.rowCount() + 1, (int) at, stream);
                if (c.dataBytes() > 0) {
                    device.copyDeviceToDevice(c.dataAddress(), chars.address() + at, c.dataBytes(), stream);
                }
                if (validity != null) {
                    CopyWithOffset.copyBits(device, c.validityAddress(), 0, validity.address(), row, c.rowCount(),
                            stream);
                }
                row += c.rowCount();
                at += c.dataBytes();
            }
        } catch (RuntimeException | Error e) {
            closeAll(e, offsets, chars, validity);
            throw e;
        }
        return Column.createStrings(rows, offsets, chars, bytes, validity, validity == null ? 0 : nulls);
    }

    /**
     * A new STRING column of {@code src}'s rows {@code [from, to)}: offsets rebased to start at 0,
     * bytes and validity bits copied as blocks. Reads the two bounding offsets from the device (one
     * small copy and a wait for the stream).
     */
    public static Column slice(Device device, Column src, long from, long to, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        requireStrings(src, "src");
        if (from < 0 || from > to || to > src.rowCount()) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") is not within the " + src.rowCount()
                    + " rows of " + src);
        }
        long rows = to - from;
        int start;
        int end;
        try (PinnedBuffer host = device.allocatePinned(8)) {
            device.copyDeviceToHost(src.offsetsAddress() + from * 4, host.address(), 4, stream);
            device.copyDeviceToHost(src.offsetsAddress() + to * 4, host.address() + 4, 4, stream);
            stream.synchronize();
            start = host.asByteBuffer().getInt(0);
            end = host.asByteBuffer().getInt(4);
        }
        if (start < 0 || end < start || end > src.dataBytes()) {
            throw new IllegalStateException(src + " has offsets " + start + " and " + end + " at rows " + from + " and "
                    + to + ", outside its " + src.dataBytes() + " bytes: the column breaks the string layout");
        }
        DeviceBuffer offsets = device.allocate(Column.offsetsBytes(rows), stream);
        DeviceBuffer chars = null;
        DeviceBuffer validity = null;
        try {
            rebase(device, src.offsetsAddress() + from * 4, offsets.address(), rows + 1, -start, stream);
            chars = device.allocate(end - start, stream);
            if (end > start) {
                device.copyDeviceToDevice(src.dataAddress() + start, chars.address(), end - start, stream);
            }
            if (src.hasValidity()) {
                validity = CopyWithOffset.sliceBits(device, src.validityAddress(), from, rows, stream);
            }
        } catch (RuntimeException | Error e) {
            closeAll(e, offsets, chars, validity);
            throw e;
        }
        long nulls = validity == null ? 0 : rows == src.rowCount() && src.isNullCountKnown() ? src.nullCount()
                : Column.UNKNOWN_NULL_COUNT;
        return Column.createStrings(rows, offsets, chars, end - start, validity, nulls);
    }

    /** Queues {@code out[i] = in[i] + delta} for the {@code n} int32 offsets at {@code in}. */
    public static void rebase(Device device, long in, long out, long n, int delta, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        Bitmaps.checkCount(n);
        if (n == 0) {
            return;
        }
        Bitmaps.requireAddress(in, "in");
        Bitmaps.requireAddress(out, "out");
        device.kernel(StringKernels.REBASE_OFFSETS).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                KernelArgs.create().ptr(out).ptr(in).i64(n).i32(delta), stream);
    }

    private static Column empty(Device device, Stream stream) {
        DeviceBuffer offsets = device.allocate(4, stream);
        try {
            device.memset(offsets.address(), (byte) 0, 4, stream);
        } catch (RuntimeException | Error e) {
            offsets.close();
            throw e;
        }
        DeviceBuffer chars;
        try {
            chars = device.allocate(0, stream);
        } catch (RuntimeException | Error e) {
            offsets.close();
            throw e;
        }
        return Column.createStrings(0, offsets, chars, 0, null, 0);
    }

    static void requireStrings(Column column, String what) {
        requireNonNull(column, what + " is null");
        if (column.type().id() != DType.TypeId.STRING) {
            throw new IllegalArgumentException(what + " must be a string column, not " + column);
        }
    }

    private static void checkRows(long rows) {
        if (rows < 0 || rows >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a string column has 0.." + (Integer.MAX_VALUE - 1)
                    + " rows (int32 offsets), not " + rows + ": split the batch");
        }
    }

    private static void checkLimit(long maxBytes) {
        if (maxBytes < 0 || maxBytes > MAX_BYTES) {
            throw new IllegalArgumentException("the byte limit must be 0.." + MAX_BYTES + " (int32 offsets), not "
                    + maxBytes);
        }
    }

    private static long readLong(Device device, long address, Stream stream) {
        try (PinnedBuffer host = device.allocatePinned(8)) {
            device.copyDeviceToHost(address, host.address(), 8, stream);
            stream.synchronize();
            return host.asByteBuffer().getLong(0);
        }
    }

    private static void closeAll(Throwable cause, DeviceBuffer... buffers) {
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
}
