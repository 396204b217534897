package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.HashKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import java.util.List;

/**
 * Spark's Murmur3 row hash ({@code Murmur3Hash} with seed 42, as {@code HashPartitioning} uses it)
 * and HashPartitioning's partition ids, bit for bit: GPU and CPU stages that partition the same rows
 * send them to the same partitions.
 */
public final class Murmur3 {
    /** The seed of Spark's {@code Murmur3Hash} and {@code HashPartitioning}. */
    public static final int SPARK_SEED = 42;

    /** Column types and how Spark hashes them (see {@code hash.cu}). */
    public enum Type {
        BOOL8(HashKernels.MURMUR3_BOOL8, 1),
        INT8(HashKernels.MURMUR3_I8, 1),
        INT16(HashKernels.MURMUR3_I16, 2),
        INT32(HashKernels.MURMUR3_I32, 4),
        /** Days since the epoch; hashed as an int. */
        DATE32(HashKernels.MURMUR3_I32, 4),
        INT64(HashKernels.MURMUR3_I64, 8),
        /** Microseconds since the epoch; hashed as a long. */
        TIMESTAMP_US(HashKernels.MURMUR3_I64, 8),
        /** Decimals with precision at most 18, by their unscaled long. */
        DECIMAL64(HashKernels.MURMUR3_I64, 8),
        FLOAT32(HashKernels.MURMUR3_F32, 4),
        FLOAT64(HashKernels.MURMUR3_F64, 8),
        /**
         * Decimals with precision above 18, as 16-byte little-endian two's-complement unscaled values
         * (8-byte aligned). Spark hashes a decimal with precision at most 18 by its unscaled long
         * instead, so those must be passed as {@link #DECIMAL64}.
         */
        DECIMAL128(HashKernels.MURMUR3_DEC128, 16),
        /**
         * UTF-8 strings in Arrow's layout (int32 offsets + bytes), hashed as Spark hashes a {@code
         * UTF8String}: {@code Murmur3_x86_32.hashUnsafeBytes} of its bytes. Width 0: variable.
         */
        STRING(HashKernels.MURMUR3_STRING, 0);

        private final String kernel;
        private final int width;

        Type(String kernel, int width) {
            this.kernel = kernel;
            this.width = width;
        }

        /** The entry point hashing this type. */
        public String kernel() {
            return kernel;
        }

        /** Bytes per element; 0 for {@link #STRING}. */
        public int width() {
            return width;
        }
    }

    /**
     * One column to hash: its type, the device address of its data (for STRING: the UTF-8 bytes), of
     * its Arrow-layout validity bitmap (0 when every row is valid), and for STRING of its {@code n +
     * 1} int32 offsets (0 for every other type).
     */
    public record Input(Type type, long data, long validity, long offsets) {
        public Input {
            requireNonNull(type, "type is null");
            if ((type == Type.STRING) != (offsets != 0)) {
                throw new IllegalArgumentException(type == Type.STRING
                        ? "a STRING input needs its offsets: use Input.strings"
                        : type + " inputs have no offsets, but 0x" + Long.toHexString(offsets) + " was given");
            }
        }

        public static Input of(Type type, long data, long validity) {
            return new Input(type, data, validity, 0);
        }

        /** A STRING column: offsets, bytes (may be 0 when no row has bytes) and validity (0 for none). */
        public static Input strings(long offsets, long chars, long validity) {
            return new Input(Type.STRING, chars, validity, offsets);
        }

        /**
         * The input for a device column, hashed as Spark hashes its type: DATE32 as an int,
         * TIMESTAMP_US as a long, decimals by precision (unscaled long up to 18 digits, else the bytes of
         * the unscaled value), strings by their bytes.
         */
        public static Input of(dev.ember.cuda.column.Column column) {
            requireNonNull(column, "column is null");
            long validity = column.validityAddress();
            Type type = switch (column.type().id()) {
                case BOOL8 -> Type.BOOL8;
                case INT8 -> Type.INT8;
                case INT16 -> Type.INT16;
                case INT32 -> Type.INT32;
                case DATE32 -> Type.DATE32;
                case INT64 -> Type.INT64;
                case TIMESTAMP_US -> Type.TIMESTAMP_US;
                case DECIMAL64 -> Type.DECIMAL64;
                case DECIMAL128 -> Type.DECIMAL128;
                case FLOAT32 -> Type.FLOAT32;
                case FLOAT64 -> Type.FLOAT64;
                case STRING -> Type.STRING;
            };
            return type == Type.STRING ? strings(column.offsetsAddress(), column.dataAddress(), validity)
                    : of(type, column.dataAddress(), validity);
        }

        /** A column without nulls. */
        public static Input nonNull(Type type, long data) {
            return new Input(type, data, 0, 0);
        }
    }

    private Murmur3() {}

    /** The hashes of {@code n} rows of {@code columns} with Spark's seed 42: {@code Murmur3Hash(columns)}. */
    public static DeviceBuffer hashColumns(Device device, List<Input> columns, long n, Stream stream) {
        return hashColumns(device, columns, n, SPARK_SEED, stream);
    }

    /**
     * A new buffer of {@code n} int32 hashes: each row's hash starts at {@code seed}, and each column
     * in order updates it where the row is non-null. With no columns every hash is the seed.
     */
    public static DeviceBuffer hashColumns(Device device, List<Input> columns, long n, int seed, Stream stream) {
        requireNonNull(device, "device is null");
        List<Input> inputs = List.copyOf(requireNonNull(columns, "columns is null"));
        checkCount(n);
        DeviceBuffer hashes = device.allocate(n * 4, stream);
        try {
            Fill.fill(device, hashes.address(), n, 4, seed, stream);
            for (Input column : inputs) {
                hashColumn(device, column, hashes.address(), n, stream);
            }
        } catch (RuntimeException | Error e) {
            hashes.close();
            throw e;
        }
        return hashes;
    }

    /** Updates the {@code n} running int32 hashes at {@code hashes} in place with one column. */
    public static void hashColumn(Device device, Input column, long hashes, long n, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(column, "column is null");
        requireNonNull(stream, "stream is null");
        checkCount(n);
        if (n == 0) {
            return;
        }
        KernelArgs args = column.type() == Type.STRING
                ? KernelArgs.create().ptr(hashes).ptr(column.offsets()).ptr(column.data()).ptr(column.validity()).i64(n)
                : KernelArgs.create().ptr(hashes).ptr(column.data()).ptr(column.validity()).i64(n);
        device.kernel(column.type().kernel()).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()), args,
                stream);
    }

    /**
     * A new buffer of {@code n} partition ids in {@code [0, numPartitions)}: {@code pmod(hash,
     * numPartitions)} of the int32 hashes at {@code hashes}, as HashPartitioning computes them.
     */
    public static DeviceBuffer partitionIds(Device device, long hashes, long n, int numPartitions, Stream stream) {
        requireNonNull(device, "device is null");
        checkCount(n);
        DeviceBuffer out = device.allocate(n * 4, stream);
        try {
            partitionIdsInto(device, hashes, out.address(), n, numPartitions, stream);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Writes the partition ids of the {@code n} hashes at {@code hashes} to {@code out} (which may equal it). */
    public static void partitionIdsInto(Device device, long hashes, long out, long n, int numPartitions, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        checkCount(n);
        if (numPartitions < 1) {
            throw new IllegalArgumentException("the number of partitions must be at least 1, not " + numPartitions);
        }
        if (n == 0) {
            return;
        }
        device.kernel(HashKernels.PMOD_I32).launch(LaunchConfig.gridStride(n, device.multiProcessorCount()),
                KernelArgs.create().ptr(out).ptr(hashes).i64(n).i32(numPartitions), stream);
    }

    private static void checkCount(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("row count must not be negative: " + n);
        }
    }
}
