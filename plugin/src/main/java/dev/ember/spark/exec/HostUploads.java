package dev.ember.spark.exec;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.Table;
import dev.ember.spark.EmberRuntime;
import dev.ember.spark.columnar.DeviceTables;
import dev.ember.spark.columnar.GpuColumnVector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Host tables → device batches, each string column of a batch holding at most {@code
 * spark.ember.sql.stringBatchMaxBytes} bytes (what int32 offsets address, or a lower limit in tests).
 * A host table over the limit is copied once and sliced on the device at row boundaries found from
 * its host offsets, so no device string operation downstream can pass the limit: gathers and slices
 * only shrink a batch, and coalescing checks the limit before concatenating.
 */
public final class HostUploads {
    private HostUploads() {}

    /** The device batches of {@code hostTables} (each closed here); batches not handed out are closed at task end. */
    static Iterator<ColumnarBatch> toDevice(Iterator<HostTable> hostTables, StructType schema, OpMetrics metrics) {
        final class Uploads implements Iterator<ColumnarBatch>, AutoCloseable {
            private final Deque<ColumnarBatch> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                return !ready.isEmpty() || hostTables.hasNext();
            }

            @Override
            public ColumnarBatch next() {
                if (ready.isEmpty()) {
                    if (!hostTables.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    try (HostTable host = hostTables.next()) {
                        ready.addAll(upload(host, schema, metrics));
                    }
                }
                ColumnarBatch batch = ready.poll();
                metrics.outputBatch(batch.numRows());
                return batch;
            }

            @Override
            public void close() {
                while (!ready.isEmpty()) {
                    ready.poll().close();
                }
            }
        }
        Uploads uploads = new Uploads();
        DeviceBatchIterators.closeAtTaskEnd(uploads);
        return uploads;
    }

    /** Copies {@code host} (which stays the caller's) to new device batches, counting the bytes. */
    public static List<ColumnarBatch> upload(HostTable host, StructType schema, OpMetrics metrics) {
        EmberRuntime runtime = EmberRuntime.get();
        int[] bounds = splitPoints(host, runtime.stringBatchMaxBytes());
        Device device = runtime.device();
        try (ColumnTransfer transfer = runtime.newTransfer()) {
            Table table = metrics.timeGpu(() -> transfer.toDevice(host, device.defaultStream()));
            metrics.add(OpMetrics.Kind.BYTES_TO_DEVICE, transfer.bytesCopiedToDevice());
            if (bounds.length == 2) {
                return List.of(GpuColumnVector.toBatch(table, schema));
            }
            List<ColumnarBatch> out = new ArrayList<>();
            try (table) {
                for (int k = 0; k + 1 < bounds.length; k++) {
                    int from = bounds[k];
                    int count = bounds[k + 1] - from;
                    out.add(GpuColumnVector.toBatch(metrics.timeGpu(
                            () -> DeviceTables.slice(device, table, from, count, device.defaultStream())), schema));
                }
            } catch (RuntimeException | Error e) {
                out.forEach(ColumnarBatch::close);
                throw e;
            }
            return out;
        }
    }

    /**
     * Row boundaries {@code 0 = b0 < b1 < ... < bk = rows} such that rows {@code [b_i, b_i+1)} of every
     * string column hold at most {@code limit} bytes, except a single row larger than the limit, which
     * is a piece of its own. {@code {0, rows}} when the whole table fits.
     */
    static int[] splitPoints(HostTable host, long limit) {
        int rows = host.rowCount();
        List<ArrowBuf> offsets = new ArrayList<>();
        boolean fits = true;
        for (HostColumn c : host.columns()) {
            if (c.type().id() == DType.TypeId.STRING) {
                offsets.add(c.offsetsBuffer());
                fits &= c.dataBytes() <= limit;
            }
        }
        if (fits) {
            return new int[] {0, rows};
        }
        List<Integer> bounds = new ArrayList<>();
        bounds.add(0);
        int start = 0;
        for (int r = 0; r < rows; r++) {
            // Would rows [start, r] pass the limit in some column? Then cut before r.
            if (r > start && passes(offsets, start, r + 1, limit)) {
                bounds.add(r);
                start = r;
            }
        }
        bounds.add(rows);
        return bounds.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean passes(List<ArrowBuf> offsets, int from, int to, long limit) {
        for (ArrowBuf o : offsets) {
            if ((long) o.getInt(4L * to) - o.getInt(4L * from) > limit) {
                return true;
            }
        }
        return false;
    }
}
