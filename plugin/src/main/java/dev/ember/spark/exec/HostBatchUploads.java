package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.HostTable;
import dev.ember.spark.columnar.HostBatchBuilder;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Host column batches from a CPU producer (Spark's vectorized Parquet reader, the in-memory cache)
 * concatenated on the host with bulk copies and copied to the device once per concatenation: the
 * shared upload path of the GPU scans that wrap a CPU scan.
 */
final class HostBatchUploads {
    private HostBatchUploads() {}

    /**
     * Concatenates {@code hostBatches} up to {@code rowsPerBatch} rows or {@code targetBytes} (at least
     * one whole host batch each, string columns within int32 offsets; empty host batches are skipped)
     * and copies each concatenation to the device ({@link HostUploads}), counting output batches (and
     * rows, where {@code metrics} has that metric) and bytes copied. Producers may reuse their vectors,
     * so each host batch is copied before the next is requested; the host batches stay their producer's.
     */
    static Iterator<ColumnarBatch> concatenated(Iterator<ColumnarBatch> hostBatches, StructType schema,
            int rowsPerBatch, long targetBytes, OpMetrics metrics) {
        requireNonNull(hostBatches, "hostBatches is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(metrics, "metrics is null");
        if (rowsPerBatch < 1) {
            throw new IllegalArgumentException("rowsPerBatch must be >= 1, not " + rowsPerBatch);
        }
        Iterator<HostTable> hostTables = new Iterator<>() {
            private ColumnarBatch firstOfNext;

            @Override
            public boolean hasNext() {
                while (firstOfNext == null && hostBatches.hasNext()) {
                    ColumnarBatch b = hostBatches.next();
                    if (b.numRows() > 0) {
                        firstOfNext = b;
                    }
                }
                return firstOfNext != null;
            }

            @Override
            public HostTable next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ColumnarBatch first = firstOfNext;
                firstOfNext = null;
                try (HostBatchBuilder builder = new HostBatchBuilder(schema,
                        Math.min(rowsPerBatch, Math.max(first.numRows(), 1) * 4))) {
                    builder.append(first);
                    while (builder.rows() < rowsPerBatch && builder.bytes() < targetBytes && hostBatches.hasNext()) {
                        ColumnarBatch b = hostBatches.next();
                        if (!builder.fits(b)) {
                            // Held, not copied: the producer reuses its vectors only when asked for the next batch.
                            firstOfNext = b;
                            break;
                        }
                        builder.append(b);
                    }
                    return builder.build();
                }
            }
        };
        return HostUploads.toDevice(hostTables, schema, metrics);
    }
}
