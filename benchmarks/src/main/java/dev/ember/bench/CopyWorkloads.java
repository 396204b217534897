package dev.ember.bench;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.memory.Closeables;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The copy workloads: the ceilings (the device's own copy primitives on {@code rows} int64 values) and
 * Ember's column transfers, which the ceilings bound.
 */
final class CopyWorkloads {
    private CopyWorkloads() {}

    /**
     * {@link Device#copyDeviceToDevice} of {@code 8 * rows} bytes: the device memory bandwidth ceiling of
     * the device kernels. Bytes counted: read + written ({@code 2 * 8 * rows}), as for the kernels.
     */
    static KernelWorkload deviceToDevice(Device device, KernelWorkload.Sizes sizes) {
        long bytes = 8L * sizes.rows();
        Stream stream = device.defaultStream();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            DeviceBuffer src = add(owned, device.allocate(bytes, stream));
            DeviceBuffer dst = add(owned, device.allocate(bytes, stream));
            device.memset(src.address(), (byte) 0x5A, bytes, stream);
            stream.synchronize();
            return workload(owned, () -> {
                device.copyDeviceToDevice(src.address(), dst.address(), bytes, stream);
                stream.synchronize();
                return new KernelWorkload.Work(sizes.rows(), 2 * bytes);
            });
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(owned);
            throw e;
        }
    }

    /** {@link Device#copyHostToDevice} of {@code 8 * rows} bytes from one pinned buffer: the upload ceiling. */
    static KernelWorkload pinnedHostToDevice(Device device, KernelWorkload.Sizes sizes) {
        return pinned(device, sizes, true);
    }

    /** {@link Device#copyDeviceToHost} of {@code 8 * rows} bytes into one pinned buffer: the download ceiling. */
    static KernelWorkload pinnedDeviceToHost(Device device, KernelWorkload.Sizes sizes) {
        return pinned(device, sizes, false);
    }

    /** Bytes counted: those crossing the bus, {@code 8 * rows}. */
    private static KernelWorkload pinned(Device device, KernelWorkload.Sizes sizes, boolean toDevice) {
        long bytes = 8L * sizes.rows();
        Stream stream = device.defaultStream();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            PinnedBuffer host = add(owned, device.allocatePinned(bytes));
            DeviceBuffer onDevice = add(owned, device.allocate(bytes, stream));
            device.memset(onDevice.address(), (byte) 0x5A, bytes, stream);
            host.asByteBuffer().put(0, (byte) 1);
            stream.synchronize();
            return workload(owned, () -> {
                if (toDevice) {
                    device.copyHostToDevice(host.address(), onDevice.address(), bytes, stream);
                } else {
                    device.copyDeviceToHost(onDevice.address(), host.address(), bytes, stream);
                }
                stream.synchronize();
                return new KernelWorkload.Work(sizes.rows(), bytes);
            });
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(owned);
            throw e;
        }
    }

    /**
     * {@link ColumnTransfer#toDevice} of an INT64 host column (Arrow memory, not pinned) of {@code rows}
     * rows without nulls, staged through the transfer's pinned buffers, and the device column closed:
     * what a scan's upload does. Bytes counted: {@code 8 * rows}.
     */
    static KernelWorkload hostToDevice(Device device, KernelWorkload.Sizes sizes) {
        Stream stream = device.defaultStream();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            ColumnTransfer transfer = add(owned, ColumnTransfer.create(device));
            HostColumn host = add(owned, HostColumn.fromLongs(randomLongs(sizes.rows()), null));
            return workload(owned, () -> {
                try (Column column = transfer.toDevice(host, stream)) {
                    stream.synchronize();
                    return new KernelWorkload.Work(sizes.rows(), column.data().size());
                }
            });
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(owned);
            throw e;
        }
    }

    /**
     * {@link ColumnTransfer#toHost} of an INT64 device column of {@code rows} rows without nulls into a
     * new host column, then closed: what a device-to-row transition does. Bytes counted: {@code 8 * rows}.
     */
    static KernelWorkload deviceToHost(Device device, KernelWorkload.Sizes sizes) {
        Stream stream = device.defaultStream();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            ColumnTransfer transfer = add(owned, ColumnTransfer.create(device));
            Column column = add(owned, BenchDevices.int64Column(device, randomLongs(sizes.rows())));
            return workload(owned, () -> {
                try (HostColumn host = transfer.toHost(column, stream)) {
                    return new KernelWorkload.Work(sizes.rows(), host.dataBytes());
                }
            });
        } catch (RuntimeException | Error e) {
            Closeables.closeAll(owned);
            throw e;
        }
    }

    static long[] randomLongs(int n) {
        SplittableRandom random = new SplittableRandom(7);
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextLong();
        }
        return values;
    }

    static <T extends AutoCloseable> T add(List<AutoCloseable> owned, T resource) {
        owned.add(resource);
        return resource;
    }

    /** A workload that runs {@code run} and closes {@code owned} (in reverse order) when closed. */
    static KernelWorkload workload(List<AutoCloseable> owned, Supplier<KernelWorkload.Work> run) {
        List<AutoCloseable> resources = new ArrayList<>(owned);
        return new KernelWorkload() {
            @Override
            public Work run() {
                return run.get();
            }

            @Override
            public void close() {
                List<AutoCloseable> reversed = new ArrayList<>(resources);
                Collections.reverse(reversed);
                Closeables.closeAll(reversed);
            }
        };
    }
}
