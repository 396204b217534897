package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.HashAggKernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The device-side description of composite keys that {@code ember_keys.cuh} compares, shared by
 * {@link HashAggregate} and {@link HashJoin}: four int64 words per key column (kind, data address —
 * STRING: its offsets —, validity address or 0, aux address — STRING: its bytes, else 0). The
 * descriptor holds addresses only: the columns must stay open while kernels read it.
 */
final class KeyDescriptor {
    private KeyDescriptor() {}

    /** The descriptor kind of a key type; every device type can be a key. */
    static int kind(DType type) {
        return switch (type.id()) {
            case BOOL8 -> HashAggKernels.KIND_BOOL8;
            case INT8 -> HashAggKernels.KIND_I8;
            case INT16 -> HashAggKernels.KIND_I16;
            case INT32, DATE32 -> HashAggKernels.KIND_I32;
            case INT64, TIMESTAMP_US, DECIMAL64 -> HashAggKernels.KIND_I64;
            case FLOAT32 -> HashAggKernels.KIND_F32;
            case FLOAT64 -> HashAggKernels.KIND_F64;
            case DECIMAL128 -> HashAggKernels.KIND_DEC128;
            case STRING -> HashAggKernels.KIND_STRING;
        };
    }

    /** Writes the descriptor of {@code keys} into {@code view} (little-endian) from byte {@code at} on. */
    static void put(ByteBuffer view, int at, List<Column> keys) {
        int words = HashAggKernels.KEY_WORDS * 8;
        for (int k = 0; k < keys.size(); k++) {
            Column key = keys.get(k);
            boolean string = key.type().id() == DType.TypeId.STRING;
            int base = at + k * words;
            view.putLong(base, kind(key.type()));
            view.putLong(base + 8, string ? key.offsetsAddress() : key.dataAddress());
            view.putLong(base + 16, key.validityAddress());
            view.putLong(base + 24, string ? key.dataAddress() : 0);
        }
    }

    /** Uploads the descriptor of {@code keys} (at least 8 bytes, also for no keys); waits for the copy. */
    static DeviceBuffer upload(Device device, List<Column> keys, Stream stream) {
        requireNonNull(keys, "keys is null");
        int words = HashAggKernels.KEY_WORDS * 8;
        long bytes = Math.max(8, keys.size() * (long) words);
        DeviceBuffer buffer = device.allocate(bytes, stream);
        try (PinnedBuffer host = device.allocatePinned(bytes)) {
            ByteBuffer view = host.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            view.putLong(0, 0);
            put(view, 0, keys);
            device.copyHostToDevice(host.address(), buffer.address(), bytes, stream);
            // The pinned buffer is freed when this returns: the copy must be done by then.
            stream.synchronize();
            return buffer;
        } catch (RuntimeException | Error e) {
            buffer.close();
            throw e;
        }
    }
}
