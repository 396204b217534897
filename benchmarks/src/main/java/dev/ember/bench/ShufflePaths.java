package dev.ember.bench;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.HostTableIpc;
import dev.ember.cuda.column.HostTables;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.UnsafeRowSerializer;
import scala.Tuple2;
import scala.reflect.ClassTag;

/**
 * The host side of the two shuffle paths {@link ShuffleBenchmark} compares, each as Spark's
 * bypass-merge-sort shuffle writer drives it (the writer Spark picks for up to {@code
 * spark.shuffle.sort.bypassMergeThreshold} = 200 partitions without map-side aggregation): one
 * stream per reduce partition, each opened as {@code codec.compressedOutputStream(file)} (Spark's
 * {@code SerializerManager.wrapStream} with {@code spark.shuffle.compress}) with the serializer's
 * stream on top, records written in the order the map task produces them, every stream closed at the
 * end. The "files" are in-memory {@link Sink}s, reused between invocations. Reading decompresses each
 * partition's bytes with the same codec and deserializes them as Spark's shuffle reader does.
 *
 * <ul>
 *   <li>Spark's row path: {@link UnsafeRowSerializer} (the serializer of Spark's {@code
 *       ShuffleExchangeExec}); one record per row, routed to the stream of its precomputed partition
 *       id; reading iterates every row and reads every field (a checksum), as a consumer would.
 *   <li>Ember's columnar path: one record per partition, the partition's slice of the
 *       partition-ordered host table as one Arrow IPC record batch message ({@link
 *       HostTableIpc#write}) on {@code Channels.newChannel(stream)}, as the plugin's {@code
 *       ArrowShuffleSerializer} writes it (that class is package-private in the plugin, so its two
 *       calls are repeated here); reading is {@link HostTableIpc#read} until the stream ends, and the
 *       tables read are concatenated with {@link HostTables#concat} into one table, as the reduce side
 *       coalesces them before the upload.
 * </ul>
 */
final class ShufflePaths {
    private static final ClassTag<Object> ANY = ClassTag.Any();

    private ShufflePaths() {}

    /** Spark's codec by its short name (lz4, zstd, snappy, lzf), with Spark's default settings. */
    static CompressionCodec codec(String name) {
        return CompressionCodec.createCodec(new SparkConf(false), name);
    }

    /** Bytes before compression (what the serializer wrote or read) and after (the stored bytes). */
    record Bytes(long rows, long serialized, long compressed) {}

    /** An in-memory shuffle file: a growable byte array, kept across invocations (no copy on reset). */
    static final class Sink extends OutputStream {
        private byte[] buffer = new byte[1 << 16];
        private int size;

        void reset() {
            size = 0;
        }

        int size() {
            return size;
        }

        InputStream open() {
            return new ByteArrayInputStream(buffer, 0, size);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                long wanted = Math.max(2L * buffer.length, (long) size + more);
                if (wanted > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("a shuffle partition over 2 GB");
                }
                buffer = Arrays.copyOf(buffer, (int) wanted);
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buffer, size, len);
            size += len;
        }
    }

    static Sink[] sinks(int partitions) {
        Sink[] sinks = new Sink[partitions];
        for (int p = 0; p < partitions; p++) {
            sinks[p] = new Sink();
        }
        return sinks;
    }

    private static long compressedSize(Sink[] sinks) {
        long bytes = 0;
        for (Sink s : sinks) {
            bytes += s.size();
        }
        return bytes;
    }

    // ------------------------------------------------------------------ Spark's row path

    /**
     * Writes the rows in input order, each to its partition's stream, with Spark's {@link
     * UnsafeRowSerializer} (the record's key is its partition id, which that serializer does not write).
     */
    static Bytes sparkWrite(ShuffleWorkload.SparkRows rows, int[] partitionIds, CompressionCodec codec, Sink[] sinks) {
        SerializerInstance serializer = new UnsafeRowSerializer(rows.fields(), null).newInstance();
        SerializationStream[] streams = new SerializationStream[sinks.length];
        Integer[] keys = new Integer[sinks.length];
        for (int p = 0; p < sinks.length; p++) {
            sinks[p].reset();
            streams[p] = serializer.serializeStream(codec.compressedOutputStream(sinks[p]));
            keys[p] = p;
        }
        UnsafeRow row = new UnsafeRow(rows.fields());
        long serialized = 0;
        int n = partitionIds.length;
        for (int i = 0; i < n; i++) {
            int p = partitionIds[i];
            rows.point(row, i);
            // DiskBlockObjectWriter.write(key, value): writeKey, then writeValue.
            streams[p].writeKey(keys[p], ANY);
            streams[p].writeValue(row, ANY);
            serialized += 4 + row.getSizeInBytes(); // the serializer's int size, then the row's bytes
        }
        for (SerializationStream s : streams) {
            s.flush();
            s.close();
        }
        return new Bytes(n, serialized, compressedSize(sinks));
    }

    /** What a consumer does with each row read. */
    interface RowConsumer {
        void accept(UnsafeRow row);
    }

    /**
     * Reads every partition's rows back, partition after partition, handing each row to {@code
     * consumer}; returns the rows read.
     */
    static long sparkRead(int fields, Sink[] partitions, CompressionCodec codec, RowConsumer consumer) {
        SerializerInstance serializer = new UnsafeRowSerializer(fields, null).newInstance();
        long rows = 0;
        for (Sink partition : partitions) {
            scala.collection.Iterator<Tuple2<Object, Object>> records =
                    serializer.deserializeStream(codec.compressedInputStream(partition.open())).asKeyValueIterator();
            while (records.hasNext()) {
                UnsafeRow row = (UnsafeRow) records.next()._2();
                consumer.accept(row);
                rows++;
            }
        }
        return rows;
    }

    /**
     * Reads every field of a row (null flags, primitives, compact decimals as their long, strings'
     * lengths) into a checksum, as a consumer of the shuffle's rows would, so nothing read is dead code.
     */
    static final class FieldChecksum implements RowConsumer {
        private final ShuffleWorkload.Kind[] kinds;
        long sum;

        FieldChecksum(ShuffleWorkload.Kind[] kinds) {
            this.kinds = kinds.clone();
        }

        @Override
        public void accept(UnsafeRow row) {
            long h = sum;
            for (int c = 0; c < kinds.length; c++) {
                if (row.isNullAt(c)) {
                    h = h * 31 + 7;
                    continue;
                }
                h = h * 31 + switch (kinds[c]) {
                    case LONG, DECIMAL -> row.getLong(c);
                    case INT, DATE -> row.getInt(c);
                    case DOUBLE -> Double.doubleToRawLongBits(row.getDouble(c));
                    case STRING -> row.getUTF8String(c).numBytes();
                };
            }
            sum = h;
        }
    }

    // ------------------------------------------------------------------ Ember's columnar path

    /**
     * Writes partition p's rows {@code [starts[p], starts[p + 1])} of the partition-ordered {@code
     * table} as one record batch message to partition p's stream (empty partitions get no record, as
     * the map side hands none to the writer).
     */
    static Bytes emberWrite(HostTable table, int[] starts, CompressionCodec codec, Sink[] sinks) throws IOException {
        long serialized = 0;
        // The bypass writer opens every partition's stream first; here each is opened, written and
        // closed in turn, which does the same work (one record per stream).
        for (int p = 0; p < sinks.length; p++) {
            sinks[p].reset();
            try (OutputStream out = codec.compressedOutputStream(sinks[p])) {
                int count = starts[p + 1] - starts[p];
                if (count > 0) {
                    WritableByteChannel channel = Channels.newChannel(out);
                    serialized += HostTableIpc.write(table, starts[p], count, channel);
                }
            }
        }
        return new Bytes(table.rowCount(), serialized, compressedSize(sinks));
    }

    /**
     * Reads every partition's record batches back and concatenates them, in partition order, into one
     * table, which the caller closes.
     */
    static HostTable emberRead(List<DType> types, Sink[] partitions, CompressionCodec codec) throws IOException {
        List<HostTable> tables = new ArrayList<>();
        try {
            for (Sink partition : partitions) {
                try (InputStream in = codec.compressedInputStream(partition.open())) {
                    ReadableByteChannel channel = Channels.newChannel(in);
                    HostTable t;
                    while ((t = HostTableIpc.read(channel, types)) != null) {
                        tables.add(t);
                    }
                }
            }
            return HostTables.concat(tables);
        } finally {
            tables.forEach(HostTable::close);
        }
    }
}
