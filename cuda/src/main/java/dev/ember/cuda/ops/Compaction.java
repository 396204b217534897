package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.CompactKernels;
import dev.ember.cuda.kernel.KernelArgs;

/**
 * Stream compaction: the int32 indices, in ascending order, of the selected rows of a BOOL8 flags
 * column (one byte per row, non-zero = true) with an optional Arrow validity bitmap. A null row is
 * not selected, as a SQL filter drops rows whose predicate is null. The result sizes and drives the
 * gather that a filter does next.
 *
 * <p>How: {@code compact_count} counts the selected rows per tile; {@link PrefixSum} scans the counts
 * in place and brings the total back to the host (the one device-to-host copy, which sizes the
 * output); {@code compact_indices} re-reads each tile and writes its indices from the tile's offset on.
 * No atomics, so the order is the row order.
 */
public final class Compaction {
    private Compaction() {}

    /** The selected rows' indices ({@code count} int32 values) and their count; closing frees them. */
    public record Selected(DeviceBuffer indices, int count) implements AutoCloseable {
        public Selected {
            requireNonNull(indices, "indices is null");
            if (count < 0 || indices.size() < count * 4L) {
                throw new IllegalArgumentException(count + " indices do not fit " + indices);
            }
        }

        @Override
        public void close() {
            indices.close();
        }
    }

    /**
     * The indices of the rows in {@code [0, n)} whose flag byte at {@code flags + i} is non-zero and
     * whose bit in {@code validity} is set ({@code validity == 0}: no nulls).
     *
     * @throws IllegalArgumentException when {@code n} is negative or more than 2^31-1 (indices are int32:
     *     split larger inputs into batches)
     */
    public static Selected selectedRows(Device device, long flags, long validity, long n, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("compaction takes 0 to 2^31-1 rows (its indices are int32), not " + n
                    + "; split the input into smaller batches");
        }
        if (n == 0) {
            return new Selected(device.allocate(0, stream), 0);
        }
        long tiles = CompactKernels.tileCount(n);
        try (DeviceBuffer offsets = device.allocate(tiles * 4, stream)) {
            device.kernel(CompactKernels.COUNT_BOOL8).launch(CompactKernels.tileLaunch(n),
                    KernelArgs.create().ptr(flags).ptr(validity).ptr(offsets.address()).i64(n), stream);
            // At most n rows are selected, so the int32 scan of the counts cannot wrap.
            int count = PrefixSum.exclusiveSumInt(device, offsets.address(), offsets.address(), tiles, stream);
            DeviceBuffer indices = device.allocate(count * 4L, stream);
            try {
                if (count > 0) {
                    device.kernel(CompactKernels.INDICES_BOOL8).launch(CompactKernels.tileLaunch(n),
                            KernelArgs.create().ptr(flags).ptr(validity).ptr(offsets.address()).ptr(indices.address())
                                    .i64(n),
                            stream);
                }
                return new Selected(indices, count);
            } catch (RuntimeException | Error e) {
                indices.close();
                throw e;
            }
        }
    }
}
