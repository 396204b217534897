package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.Decimal128Kernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;

/**
 * The exact product of two DECIMAL64 columns as a DECIMAL128 column: Spark's decimal multiply where
 * its result type is decimal(p1 + p2 + 1, s1 + s2) (both operands of at most 18 digits, so at most 37
 * digits, and no precision loss adjustment applies). The product of values below 10^p1 and 10^p2 is
 * below 10^(p1 + p2), so it always fits: no rounding and no overflow null, only null operands give null.
 */
public final class DecimalMultiply {
    private DecimalMultiply() {}

    /**
     * A new column of {@code DType.decimal128(precision, a.scale + b.scale)} holding {@code a * b} row by
     * row (null where either is null).
     *
     * @param precision the result precision: at least the operands' precisions summed (so every product
     *     fits), at least 19 (a DECIMAL128) and at most 38
     */
    public static Column multiply(Device device, Column a, Column b, int precision, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(a, "a is null");
        requireNonNull(b, "b is null");
        requireNonNull(stream, "stream is null");
        if (a.type().id() != DType.TypeId.DECIMAL64 || b.type().id() != DType.TypeId.DECIMAL64) {
            throw new IllegalArgumentException("a DECIMAL128 product takes two DECIMAL64 columns (at most 18 digits), "
                    + "not " + a.type() + " and " + b.type());
        }
        if (a.rowCount() != b.rowCount()) {
            throw new IllegalArgumentException("the operands of a product must have equal lengths, found "
                    + a.rowCount() + " and " + b.rowCount() + " rows");
        }
        int digits = a.type().precision() + b.type().precision();
        if (precision < Math.max(digits, DType.MAX_DECIMAL64_PRECISION + 1)
                || precision > DType.MAX_DECIMAL128_PRECISION) {
            throw new IllegalArgumentException("the product of " + a.type() + " and " + b.type() + " needs a precision "
                    + "of " + Math.max(digits, DType.MAX_DECIMAL64_PRECISION + 1) + ".."
                    + DType.MAX_DECIMAL128_PRECISION + " (every product fits and it is a DECIMAL128), not "
                    + precision);
        }
        DType type = DType.decimal128(precision, a.type().scale() + b.type().scale());
        long n = a.rowCount();
        DeviceBuffer data = device.allocate(n * type.sizeInBytes(), stream);
        DeviceBuffer validity = null;
        try {
            if (n > 0) {
                device.kernel(Decimal128Kernels.MULTIPLY_DEC64).launch(
                        LaunchConfig.gridStride(n, device.multiProcessorCount()),
                        KernelArgs.create().ptr(data.address()).ptr(a.dataAddress()).ptr(a.validityAddress())
                                .ptr(b.dataAddress()).ptr(b.validityAddress()).i64(n),
                        stream);
            }
            if (a.hasValidity() || b.hasValidity()) {
                // A 0 address reads as all valid, so this is also a copy of the one bitmap present.
                validity = Bitmaps.and(device, a.validityAddress(), b.validityAddress(), n, stream);
            }
        } catch (RuntimeException | Error e) {
            data.close();
            if (validity != null) {
                validity.close();
            }
            throw e;
        }
        long nullCount = a.hasValidity() || b.hasValidity() ? Column.UNKNOWN_NULL_COUNT : 0;
        return Column.create(type, n, data, validity, nullCount);
    }
}
