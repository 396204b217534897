package dev.ember.spark.shuffle;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.HostTableIpc;
import dev.ember.spark.columnar.SparkTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.reflect.ClassTag;

/**
 * The GPU shuffle's serializer: a record's value is a {@link ShuffleSlice} written as one Arrow IPC
 * record batch message ({@link HostTableIpc}); the key (the partition id) is not written, as Spark's
 * row serializer does not write it either. Reading gives back host tables, one per message, with a
 * dummy key. Messages are self-delimiting and need no stream header, so serialized records can be
 * moved and concatenated: Spark's serialized (tungsten-sort) shuffle path and batch fetches apply.
 * Compression is Spark's: the shuffle wraps these streams in {@code spark.io.compression.codec} when
 * {@code spark.shuffle.compress} is on.
 */
final class ArrowShuffleSerializer extends Serializer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StructType schema;
    private final SQLMetric dataSize;
    private final SQLMetric serializeTime;
    private final SQLMetric deserializeTime;

    ArrowShuffleSerializer(StructType schema, SQLMetric dataSize, SQLMetric serializeTime,
            SQLMetric deserializeTime) {
        this.schema = requireNonNull(schema, "schema is null");
        this.dataSize = dataSize;
        this.serializeTime = serializeTime;
        this.deserializeTime = deserializeTime;
    }

    /** The columns of the records. */
    StructType schema() {
        return schema;
    }

    @Override
    public SerializerInstance newInstance() {
        return new Instance();
    }

    @Override
    public boolean supportsRelocationOfSerializedObjects() {
        return true;
    }

    private final class Instance extends SerializerInstance {
        @Override
        public <T> ByteBuffer serialize(T t, ClassTag<T> tag) {
            throw new UnsupportedOperationException("GPU shuffle records are written as streams only");
        }

        @Override
        public <T> T deserialize(ByteBuffer bytes, ClassTag<T> tag) {
            throw new UnsupportedOperationException("GPU shuffle records are read as streams only");
        }

        @Override
        public <T> T deserialize(ByteBuffer bytes, ClassLoader loader, ClassTag<T> tag) {
            throw new UnsupportedOperationException("GPU shuffle records are read as streams only");
        }

        @Override
        public SerializationStream serializeStream(OutputStream out) {
            return new Writer(out);
        }

        @Override
        public DeserializationStream deserializeStream(InputStream in) {
            return new Reader(in);
        }
    }

    private final class Writer extends SerializationStream {
        private final OutputStream out;
        private final WritableByteChannel channel;

        Writer(OutputStream out) {
            this.out = out;
            this.channel = Channels.newChannel(out);
        }

        @Override
        public <T> SerializationStream writeKey(T key, ClassTag<T> tag) {
            return this;
        }

        @Override
        public <T> SerializationStream writeValue(T value, ClassTag<T> tag) {
            return writeObject(value, tag);
        }

        @Override
        public <T> SerializationStream writeObject(T value, ClassTag<T> tag) {
            if (!(value instanceof ShuffleSlice slice)) {
                throw new IllegalArgumentException("the GPU shuffle writes shuffle slices, not "
                        + (value == null ? "null" : value.getClass().getName()));
            }
            long start = System.nanoTime();
            try (slice) {
                long bytes = HostTableIpc.write(slice.table(), slice.from(), slice.count(), channel);
                if (dataSize != null) {
                    dataSize.add(bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing a GPU shuffle record failed", e);
            } finally {
                if (serializeTime != null) {
                    serializeTime.add(System.nanoTime() - start);
                }
            }
            return this;
        }

        @Override
        public void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final class Reader extends DeserializationStream {
        private final InputStream in;
        private final ReadableByteChannel channel;
        private final List<DType> types = new ArrayList<>();

        Reader(InputStream in) {
            this.in = in;
            this.channel = Channels.newChannel(in);
            for (StructField f : schema.fields()) {
                types.add(SparkTypes.requireDType(f.dataType()));
            }
        }

        /** The next table, or null at the end of the stream. */
        HostTable readTable() {
            long start = System.nanoTime();
            try {
                return HostTableIpc.read(channel, types);
            } catch (IOException e) {
                throw new UncheckedIOException("reading a GPU shuffle record failed", e);
            } finally {
                if (deserializeTime != null) {
                    deserializeTime.add(System.nanoTime() - start);
                }
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T readObject(ClassTag<T> tag) {
            HostTable table = readTable();
            if (table == null) {
                throw new NoSuchElementException("the end of the GPU shuffle stream");
            }
            return (T) table;
        }

        @Override
        public <T> T readKey(ClassTag<T> tag) {
            return null;
        }

        @Override
        public scala.collection.Iterator<Tuple2<Object, Object>> asKeyValueIterator() {
            return new scala.collection.AbstractIterator<>() {
                private HostTable pending;
                private boolean done;

                @Override
                public boolean hasNext() {
                    if (pending == null && !done) {
                        pending = readTable();
                        if (pending == null) {
                            done = true;
                            close();
                        }
                    }
                    return pending != null;
                }

                @Override
                public Tuple2<Object, Object> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    HostTable out = pending;
                    pending = null;
                    return new Tuple2<>(0, out);
                }
            };
        }

        @Override
        public scala.collection.Iterator<Object> asIterator() {
            return asKeyValueIterator().map(Tuple2::_2);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
