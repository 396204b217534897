package dev.ember.spark.shuffle;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.HostTable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One map-side shuffle record: the rows of one partition, a range of a host table that the batch's
 * other partitions share. The serializer writes it and closes it; the table is freed when its last
 * slice and its producer let go, so a shuffle writer may buffer slices before writing them.
 */
final class ShuffleSlice implements AutoCloseable {
    /** A host table shared by its producer and its slices. */
    static final class Shared implements AutoCloseable {
        private final HostTable table;
        private final AtomicInteger references = new AtomicInteger(1);

        Shared(HostTable table) {
            this.table = requireNonNull(table, "table is null");
        }

        /** A slice of rows {@code [from, from + count)} holding its own reference. */
        ShuffleSlice slice(int from, int count) {
            if (references.getAndIncrement() <= 0) {
                references.decrementAndGet();
                throw new IllegalStateException("the host table was already released");
            }
            return new ShuffleSlice(this, from, count);
        }

        HostTable table() {
            return table;
        }

        /** Releases one reference; the last frees the table. */
        @Override
        public void close() {
            if (references.decrementAndGet() == 0) {
                table.close();
            }
        }
    }

    private final Shared shared;
    private final int from;
    private final int count;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ShuffleSlice(Shared shared, int from, int count) {
        this.shared = shared;
        this.from = from;
        this.count = count;
    }

    HostTable table() {
        if (closed.get()) {
            throw new IllegalStateException("the shuffle slice was closed");
        }
        return shared.table();
    }

    int from() {
        return from;
    }

    int count() {
        return count;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shared.close();
        }
    }
}
