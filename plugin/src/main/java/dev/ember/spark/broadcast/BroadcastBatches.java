package dev.ember.spark.broadcast;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.HostTable;
import dev.ember.cuda.column.HostTableIpc;
import dev.ember.spark.columnar.HostBatches;
import dev.ember.spark.columnar.SparkTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.plans.physical.BroadcastMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.joins.HashJoin$;
import org.apache.spark.sql.execution.joins.HashedRelation;
import org.apache.spark.sql.execution.joins.HashedRelationBroadcastMode;
import org.apache.spark.sql.execution.joins.LongHashedRelation;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A GPU broadcast of a hash join's build side: the build rows as serialized columnar batches (Arrow
 * IPC record batch messages, {@link HostTableIpc}), which a GPU broadcast hash join copies to the
 * device and hashes once per executor. It is also a {@link HashedRelation}, so a CPU join (or any
 * reader of Spark's broadcast, such as dynamic partition pruning) that gets this broadcast still
 * reads Spark's own relation: built from the rows by the broadcast mode on first use, once per
 * deserialized copy, and every {@code HashedRelation} call goes to it.
 */
public class BroadcastBatches implements HashedRelation, Serializable {
    private static final long serialVersionUID = 1L;

    private final StructType schema;
    private final List<byte[]> messages;
    private final long rows;
    private final BroadcastMode mode;
    private transient HashedRelation relation;

    public BroadcastBatches(StructType schema, List<byte[]> messages, long rows, BroadcastMode mode) {
        this.schema = requireNonNull(schema, "schema is null");
        this.messages = List.copyOf(requireNonNull(messages, "messages is null"));
        this.rows = rows;
        this.mode = requireNonNull(mode, "mode is null");
    }

    private BroadcastBatches(BroadcastBatches batches, HashedRelation relation) {
        this(batches.schema, batches.messages, batches.rows, batches.mode);
        this.relation = relation;
    }

    public StructType schema() {
        return schema;
    }

    public long rows() {
        return rows;
    }

    /** Serialized bytes of the batches. */
    public long bytes() {
        return messages.stream().mapToLong(m -> m.length).sum();
    }

    /** The batches as host tables, read on demand; the caller closes each. */
    public Iterator<HostTable> tables() {
        List<dev.ember.cuda.column.DType> types = new ArrayList<>();
        for (StructField f : schema.fields()) {
            types.add(SparkTypes.requireDType(f.dataType()));
        }
        Iterator<byte[]> it = messages.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public HostTable next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ReadableByteChannel in = Channels.newChannel(new ByteArrayInputStream(it.next()));
                try {
                    return requireNonNull(HostTableIpc.read(in, types), "an empty broadcast message");
                } catch (IOException e) {
                    throw new UncheckedIOException("reading a broadcast batch failed", e);
                }
            }
        };
    }

    /** The rows, copied out of the batches. */
    Iterator<InternalRow> rowIterator() {
        UnsafeProjection projection = UnsafeProjection.create(schema);
        List<InternalRow> out = new ArrayList<>();
        for (Iterator<HostTable> it = tables(); it.hasNext(); ) {
            try (ColumnarBatch batch = HostBatches.toSparkBatch(it.next(), schema)) {
                HostBatches.rows(batch, projection).forEachRemaining(r -> out.add(r.copy()));
            }
        }
        return out.iterator();
    }

    /** Spark's relation of these rows for the broadcast mode, built on first use. */
    private synchronized HashedRelation relation() {
        if (relation == null) {
            relation = (HashedRelation) mode.transform(CollectionConverters.asScala(rowIterator()),
                    Option.apply(rows));
        }
        return relation;
    }

    @Override
    public scala.collection.Iterator<InternalRow> get(InternalRow key) {
        return relation().get(key);
    }

    @Override
    public scala.collection.Iterator<InternalRow> get(long key) {
        return relation().get(key);
    }

    @Override
    public InternalRow getValue(InternalRow key) {
        return relation().getValue(key);
    }

    @Override
    public InternalRow getValue(long key) {
        return relation().getValue(key);
    }

    @Override
    public scala.collection.Iterator<org.apache.spark.sql.execution.joins.ValueRowWithKeyIndex> getWithKeyIndex(
            InternalRow key) {
        return relation().getWithKeyIndex(key);
    }

    @Override
    public org.apache.spark.sql.execution.joins.ValueRowWithKeyIndex getValueWithKeyIndex(InternalRow key) {
        return relation().getValueWithKeyIndex(key);
    }

    @Override
    public scala.collection.Iterator<org.apache.spark.sql.execution.joins.ValueRowWithKeyIndex> valuesWithKeyIndex() {
        return relation().valuesWithKeyIndex();
    }

    @Override
    public int maxNumKeysIndex() {
        return relation().maxNumKeysIndex();
    }

    @Override
    public boolean keyIsUnique() {
        return relation().keyIsUnique();
    }

    /**
     * The keys as an {@code UnsafeHashedRelation} gives them, rows of the key types: a reader that finds
     * no {@code LongHashedRelation} here (dynamic partition pruning checks the class) reads them so, while
     * Spark's relation for one integral key is a {@code LongHashedRelation} whose keys are packed longs.
     */
    @Override
    public scala.collection.Iterator<InternalRow> keys() {
        HashedRelation built = relation();
        if (!(built instanceof LongHashedRelation) || !(mode instanceof HashedRelationBroadcastMode hashed)) {
            return built.keys();
        }
        List<Expression> unpacked = new ArrayList<>();
        for (int i = 0; i < hashed.key().size(); i++) {
            unpacked.add(HashJoin$.MODULE$.extractKeyExprAt(hashed.key(), i));
        }
        UnsafeProjection projection = UnsafeProjection.create(CollectionConverters.asScala(unpacked).toSeq());
        return built.keys().map(row -> (InternalRow) projection.apply(row).copy());
    }

    /**
     * A copy over a read-only copy of Spark's relation. It has this class (Spark's generated join code
     * casts the copy to the class of the broadcast value).
     */
    @Override
    public BroadcastBatches asReadOnlyCopy() {
        return new BroadcastBatches(this, relation().asReadOnlyCopy());
    }

    @Override
    public synchronized void close() {
        if (relation != null) {
            relation.close();
        }
    }

    @Override
    public long estimatedSize() {
        HashedRelation built;
        synchronized (this) {
            built = relation;
        }
        return built != null ? built.estimatedSize() : bytes();
    }
}
