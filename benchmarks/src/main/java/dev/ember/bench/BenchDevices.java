package dev.ember.bench;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.Devices;
import dev.ember.cuda.MemoryPoolStats;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import java.util.List;

/**
 * The device a benchmark runs on ({@code -Dember.device}, emulated by default) and the uploads its
 * setups share. Closing through {@link #close} fails when a benchmark left device memory allocated, so a
 * leak in a benchmark shows up in its first run instead of as a slowly filling pool.
 */
final class BenchDevices {
    private BenchDevices() {}

    /** The kind named by {@code -Dember.device}: emulated unless set. */
    static DeviceKind kind() {
        return DeviceKind.parse(System.getProperty(ExpressionBenchmark.DEVICE_PROPERTY, "emulated"));
    }

    /** Opens the device of {@link #kind()} with a pool of at most {@code poolLimitBytes}. */
    static Device open(long poolLimitBytes) {
        DeviceKind kind = kind();
        return Devices.open(kind, poolLimitBytes).orElseThrow(() -> new IllegalStateException(
                "no device of kind " + kind.configValue() + ": " + Devices.cudaStatus().reason()));
    }

    /** Closes {@code device} after checking that no buffer of it is still open. */
    static void close(Device device) {
        if (device == null) {
            return;
        }
        device.synchronize();
        MemoryPoolStats stats = device.poolStats();
        device.close();
        if (stats.usedBytes() != 0 || stats.liveAllocations() != 0) {
            throw new IllegalStateException("the benchmark left device memory allocated at teardown (" + stats
                    + "); close every buffer, column and result it creates");
        }
    }

    /** An INT64 column without nulls holding {@code values}, uploaded through one pinned buffer. */
    static Column int64Column(Device device, long[] values) {
        return Column.create(DType.INT64, values.length, DeviceArrays.upload(device, values));
    }

    /** An INT32 device array holding {@code values}. */
    static DeviceBuffer int32Buffer(Device device, int[] values) {
        return DeviceArrays.upload(device, values);
    }

    /** Bytes of values and validity of {@code columns}: what a kernel reading them all once reads. */
    static long columnBytes(List<Column> columns) {
        long bytes = 0;
        for (Column c : requireNonNull(columns, "columns is null")) {
            bytes += c.data().size() + (c.hasValidity() ? c.validity().size() : 0);
        }
        return bytes;
    }
}
