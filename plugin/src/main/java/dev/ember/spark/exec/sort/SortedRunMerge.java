package dev.ember.spark.exec.sort;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.columnar.GpuColumnVector;
import dev.ember.spark.exec.OpMetrics;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The merge of sorted runs kept on the host (in chunks, each run sorted) into one sorted stream, on
 * the GPU, holding only a few chunks per run on the device.
 *
 * <p>Each round copies the next chunks of the runs that need them to the device, concatenates them
 * with the rows carried from the previous round, and sorts the lot. Every run that still has chunks on
 * the host has a <em>boundary</em>: the last row copied from it, which no row still on the host of
 * that run sorts before. The rows sorted up to and including the first boundary are therefore in their
 * final place and are handed out; the rest are carried into the next round, which copies more of the
 * run whose boundary was passed. Rows whose keys tie may come out in any order of their runs, as with
 * Spark's own sort. A round sorts at most the carried rows plus one load per run, so the device holds
 * about {@code loadBytes} per run plus the carry.
 */
final class SortedRunMerge implements Iterator<ColumnarBatch>, AutoCloseable {
    private final TableSorter sorter;
    private final List<ArrayDeque<HostTable>> runs;
    private final ColumnTransfer transfer;
    private final long loadBytes;
    private final long targetBatchBytes;
    private final StructType schema;
    private final OpMetrics metrics;
    private final Device device;
    private final Stream stream;
    private final long stringLimit;
    /** Per run: whether its boundary was handed out, so its next chunks are due. */
    private final boolean[] due;
    /** Per run: the boundary's row index in {@link #carry}, or -1 (none carried, or the run is exhausted). */
    private final long[] boundary;
    private Table carry;
    private PartitionSorter.Slices current;

    SortedRunMerge(TableSorter sorter, List<ArrayDeque<HostTable>> runs, ColumnTransfer transfer, long loadBytes,
            long targetBatchBytes, StructType schema, OpMetrics metrics) {
        this.sorter = requireNonNull(sorter, "sorter is null");
        this.runs = requireNonNull(runs, "runs is null");
        this.transfer = requireNonNull(transfer, "transfer is null");
        this.loadBytes = loadBytes;
        this.targetBatchBytes = targetBatchBytes;
        this.schema = requireNonNull(schema, "schema is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        EmberRuntime runtime = EmberRuntime.get();
        this.device = runtime.device();
        this.stream = device.defaultStream();
        this.stringLimit = runtime.stringBatchMaxBytes();
        this.due = new boolean[runs.size()];
        this.boundary = new long[runs.size()];
        Arrays.fill(due, true);
        Arrays.fill(boundary, -1);
    }

    @Override
    public boolean hasNext() {
        while (current == null || !current.hasNext()) {
            if (current != null) {
                current.close();
                current = null;
            }
            if (carry == null && !anyChunksLeft()) {
                return false;
            }
            Table out = metrics.timeGpu(this::round);
            current = new PartitionSorter.Slices(out, targetBatchBytes, schema, device, stream);
        }
        return true;
    }

    @Override
    public ColumnarBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    private boolean anyChunksLeft() {
        for (ArrayDeque<HostTable> run : runs) {
            if (!run.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** One round: loads what is due, sorts, returns the rows in their final place and keeps the rest. */
    private Table round() {
        List<Table> parts = new ArrayList<>();
        long[] at = boundary.clone();
        try {
            long rows = 0;
            if (carry != null) {
                parts.add(carry);
                rows = carry.rowCount();
                carry = null;
            }
            long before = transfer.bytesCopiedToDevice();
            for (int r = 0; r < runs.size(); r++) {
                if (!due[r]) {
                    continue;
                }
                due[r] = false;
                at[r] = -1;
                Table loaded = load(runs.get(r));
                if (loaded == null) {
                    continue;
                }
                parts.add(loaded);
                rows += loaded.rowCount();
                if (!runs.get(r).isEmpty()) {
                    at[r] = rows - 1;
                }
            }
            metrics.add(OpMetrics.Kind.BYTES_TO_DEVICE, transfer.bytesCopiedToDevice() - before);
            try (Table all = parts.size() == 1 ? parts.remove(0) : DeviceTables.concat(device, parts, stringLimit,
                    stream); DeviceBuffer order = sorter.order(device, all, stream)) {
                parts.forEach(Table::close);
                parts.clear();
                return split(all, order, at);
            }
        } finally {
            parts.forEach(Table::close);
        }
    }

    /**
     * Hands out the sorted rows up to the first boundary (all of them when no run has chunks left) and
     * carries the rest, with the boundaries' new positions.
     */
    private Table split(Table all, DeviceBuffer order, long[] at) {
        long n = all.rowCount();
        int[] rowAt = download(order, n);
        int[] runOfRow = new int[(int) n];
        Arrays.fill(runOfRow, -1);
        for (int r = 0; r < at.length; r++) {
            if (at[r] >= 0) {
                runOfRow[(int) at[r]] = r;
            }
        }
        long[] position = new long[runs.size()];
        Arrays.fill(position, -1);
        long cut = n - 1;
        for (int p = 0; p < rowAt.length; p++) {
            int r = runOfRow[rowAt[p]];
            if (r >= 0) {
                position[r] = p;
                cut = Math.min(cut, p);
            }
        }
        try (Table sorted = DeviceTables.gather(device, all, order, n, stream)) {
            for (int r = 0; r < position.length; r++) {
                boolean passed = position[r] >= 0 && position[r] <= cut;
                due[r] |= passed;
                boundary[r] = position[r] < 0 || passed ? -1 : position[r] - cut - 1;
            }
            // A run whose boundary was not carried (loaded nothing this round, or never) is due if it has chunks.
            for (int r = 0; r < runs.size(); r++) {
                if (boundary[r] < 0 && !runs.get(r).isEmpty()) {
                    due[r] = true;
                }
            }
            if (cut + 1 < n) {
                carry = DeviceTables.slice(device, sorted, cut + 1, n - cut - 1, stream);
            }
            return DeviceTables.slice(device, sorted, 0, cut + 1, stream);
        }
    }

    /** The next chunks of {@code run}, up to about {@code loadBytes} (at least one), on the device; null if none. */
    private Table load(ArrayDeque<HostTable> run) {
        List<Table> loaded = new ArrayList<>();
        long bytes = 0;
        try {
            while (!run.isEmpty() && (loaded.isEmpty() || bytes < loadBytes)) {
                try (HostTable chunk = run.poll()) {
                    Table t = transfer.toDevice(chunk, stream);
                    loaded.add(t);
                    bytes += t.deviceBytes();
                }
            }
            if (loaded.isEmpty()) {
                return null;
            }
            if (loaded.size() == 1) {
                return loaded.remove(0);
            }
            return DeviceTables.concat(device, loaded, stringLimit, stream);
        } finally {
            loaded.forEach(Table::close);
        }
    }

    private int[] download(DeviceBuffer order, long n) {
        try (PinnedBuffer host = device.allocatePinned(Math.max(4, n * 4))) {
            device.copyDeviceToHost(order.address(), host.address(), n * 4, stream);
            stream.synchronize();
            int[] out = new int[(int) n];
            host.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
            return out;
        }
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
        if (carry != null) {
            carry.close();
            carry = null;
        }
        for (ArrayDeque<HostTable> run : runs) {
            run.forEach(HostTable::close);
            run.clear();
        }
    }
}
