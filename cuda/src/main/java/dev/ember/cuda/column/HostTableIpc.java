package dev.ember.cuda.column;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType.TypeId;
import dev.ember.cuda.memory.HostMemory;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Host tables as Arrow IPC record batch messages (Arrow's encapsulated format, written and read by
 * Arrow Java's {@link MessageSerializer}), one message per row range, without a schema message: both
 * ends know the column types. A stream of such messages is a valid concatenation of records, so a
 * shuffle may move and concatenate them as it likes.
 *
 * <p>The buffers are Ember's host buffers as they are, so each type travels as the Arrow type with
 * the same layout ({@link #arrowSchema}): BOOL8 as int8 (one byte per value, not Arrow's bits) and
 * DECIMAL64 as int64 (the unscaled value; Arrow Java's decimals are 128-bit), the others as their
 * natural Arrow types. Writing a slice shares its value bytes; only a bitmap that starts inside a
 * byte is shifted, and string offsets are rebased to 0. Reading shares the message body: the columns
 * read hold references to it.
 */
public final class HostTableIpc {
    private HostTableIpc() {}

    /**
     * Writes rows {@code [from, from + count)} of {@code table} to {@code out} as one record batch
     * message; returns the bytes written.
     */
    public static long write(HostTable table, int from, int count, WritableByteChannel out) throws IOException {
        requireNonNull(table, "table is null");
        requireNonNull(out, "out is null");
        if (from < 0 || count < 0 || (long) from + count > table.rowCount()) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + ((long) from + count) + ") of a table of "
                    + table.rowCount());
        }
        List<ArrowFieldNode> nodes = new ArrayList<>();
        List<ArrowBuf> buffers = new ArrayList<>();
        List<ArrowBuf> made = new ArrayList<>();
        try {
            for (HostColumn c : table.columns()) {
                int nulls = 0;
                ArrowBuf validity = empty(made);
                if (c.nullCount() > 0 && count > 0) {
                    validity = sliceBits(c.validityBuffer(), from, count, made);
                    nulls = (int) (count - HostBitmaps.countValid(validity.memoryAddress(), count));
                    if (nulls == 0) {
                        validity = empty(made);
                    }
                }
                nodes.add(new ArrowFieldNode(count, nulls));
                buffers.add(validity);
                if (c.type().id() == TypeId.STRING) {
                    ArrowBuf offsets = c.offsetsBuffer();
                    int base = offsets.getInt(4L * from);
                    int end = offsets.getInt(4L * (from + count));
                    ArrowBuf rebased = HostMemory.allocator().buffer(4L * count + 4);
                    made.add(rebased);
                    long src = offsets.memoryAddress() + 4L * from;
                    for (int i = 0; i <= count; i++) {
                        MemoryUtil.UNSAFE.putInt(rebased.memoryAddress() + 4L * i,
                                MemoryUtil.UNSAFE.getInt(src + 4L * i) - base);
                    }
                    buffers.add(rebased);
                    buffers.add(c.dataBuffer().slice(base, end - base));
                } else {
                    long width = c.type().sizeInBytes();
                    buffers.add(c.dataBuffer().slice(from * width, count * width));
                }
            }
            // A record batch writes each buffer's readable bytes: up to its writer index.
            for (ArrowBuf buffer : buffers) {
                buffer.readerIndex(0);
                buffer.writerIndex(buffer.capacity());
            }
            try (ArrowRecordBatch batch = new ArrowRecordBatch(count, nodes, buffers)) {
                WriteChannel channel = new WriteChannel(out);
                MessageSerializer.serialize(channel, batch);
                return channel.getCurrentPosition();
            }
        } finally {
            made.forEach(ArrowBuf::close);
        }
    }

    /**
     * Reads the next record batch message from {@code in} as a table of {@code types} (the writer's),
     * or returns null at the end of the stream.
     */
    public static HostTable read(ReadableByteChannel in, List<DType> types) throws IOException {
        requireNonNull(in, "in is null");
        requireNonNull(types, "types is null");
        ReadChannel channel = new ReadChannel(in);
        MessageMetadataResult message = MessageSerializer.readMessage(channel);
        if (message == null) {
            return null;
        }
        if (message.getMessage().headerType() != MessageHeader.RecordBatch) {
            throw new IOException("expected an Arrow record batch message, found header type "
                    + message.getMessage().headerType());
        }
        ArrowBuf body = MessageSerializer.readMessageBody(channel, message.getMessageBodyLength(),
                HostMemory.allocator());
        // The record batch takes over the body: its buffers are slices of it, released with it.
        try (ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(message, body)) {
            return toTable(batch, types);
        }
    }

    private static HostTable toTable(ArrowRecordBatch batch, List<DType> types) throws IOException {
        List<ArrowFieldNode> nodes = batch.getNodes();
        List<ArrowBuf> buffers = batch.getBuffers();
        if (nodes.size() != types.size()) {
            throw new IOException("a record batch of " + nodes.size() + " columns where " + types.size()
                    + " were expected");
        }
        int rows = batch.getLength();
        List<HostColumn> columns = new ArrayList<>();
        try {
            int b = 0;
            for (int c = 0; c < types.size(); c++) {
                DType type = types.get(c);
                if (nodes.get(c).getLength() != rows) {
                    throw new IOException("column " + c + " has " + nodes.get(c).getLength() + " rows, not " + rows);
                }
                boolean strings = type.id() == TypeId.STRING;
                if (buffers.size() < b + (strings ? 3 : 2)) {
                    throw new IOException("the record batch ends before the buffers of column " + c);
                }
                ArrowBuf validity = nodes.get(c).getNullCount() > 0 ? retained(buffers.get(b)) : null;
                if (strings) {
                    columns.add(HostColumn.wrapStrings(rows, retained(buffers.get(b + 1)),
                            retained(buffers.get(b + 2)), validity));
                    b += 3;
                } else {
                    columns.add(HostColumn.wrap(type, rows, retained(buffers.get(b + 1)), validity));
                    b += 2;
                }
            }
        } catch (RuntimeException | Error e) {
            columns.forEach(HostColumn::close);
            throw e;
        }
        return HostTable.of(rows, columns);
    }

    /** The Arrow schema whose layout the messages have, for readers other than {@link #read}. */
    public static Schema arrowSchema(List<String> names, List<DType> types) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            fields.add(new Field(names.get(i), FieldType.nullable(arrowType(types.get(i))), null));
        }
        return new Schema(fields);
    }

    static ArrowType arrowType(DType type) {
        return switch (type.id()) {
            case BOOL8, INT8 -> new ArrowType.Int(8, true);
            case INT16 -> new ArrowType.Int(16, true);
            case INT32 -> new ArrowType.Int(32, true);
            case INT64, DECIMAL64 -> new ArrowType.Int(64, true);
            case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DATE32 -> new ArrowType.Date(DateUnit.DAY);
            case TIMESTAMP_US -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case DECIMAL128 -> new ArrowType.Decimal(type.precision(), type.scale(), 128);
            case STRING -> ArrowType.Utf8.INSTANCE;
        };
    }

    private static ArrowBuf retained(ArrowBuf buffer) {
        buffer.getReferenceManager().retain();
        return buffer;
    }

    private static ArrowBuf empty(List<ArrowBuf> made) {
        ArrowBuf buffer = HostMemory.allocator().buffer(0);
        made.add(buffer);
        return buffer;
    }

    private static ArrowBuf sliceBits(ArrowBuf bitmap, int from, int count, List<ArrowBuf> made) {
        long bytes = HostBitmaps.minimumBytes(count);
        ArrowBuf out = HostMemory.allocator().buffer(bytes);
        made.add(out);
        out.setZero(0, out.capacity());
        HostBitmaps.copyBits(bitmap.memoryAddress(), from, out.memoryAddress(), 0, count);
        return out;
    }
}
