package dev.ember.cuda;

import java.nio.ByteBuffer;

/**
 * Small host-array ↔ device copies through a pinned staging buffer, for parameters, results of
 * reductions and tests. Bulk column data goes through the columnar transfer path instead.
 */
public final class DeviceArrays {
    private DeviceArrays() {}

    public static DeviceBuffer upload(Device device, byte[] values) {
        return upload(device, values.length, view -> view.put(values));
    }

    public static DeviceBuffer upload(Device device, short[] values) {
        return upload(device, values.length * 2L, view -> view.asShortBuffer().put(values));
    }

    public static DeviceBuffer upload(Device device, int[] values) {
        return upload(device, values.length * 4L, view -> view.asIntBuffer().put(values));
    }

    public static DeviceBuffer upload(Device device, long[] values) {
        return upload(device, values.length * 8L, view -> view.asLongBuffer().put(values));
    }

    public static DeviceBuffer upload(Device device, float[] values) {
        return upload(device, values.length * 4L, view -> view.asFloatBuffer().put(values));
    }

    public static DeviceBuffer upload(Device device, double[] values) {
        return upload(device, values.length * 8L, view -> view.asDoubleBuffer().put(values));
    }

    public static byte[] downloadBytes(DeviceBuffer buffer, long offset, int n) {
        byte[] out = new byte[n];
        download(buffer, offset, n, view -> view.get(out));
        return out;
    }

    public static short[] downloadShorts(DeviceBuffer buffer, long offset, int n) {
        short[] out = new short[n];
        download(buffer, offset, n * 2L, view -> view.asShortBuffer().get(out));
        return out;
    }

    public static int[] downloadInts(DeviceBuffer buffer, long offset, int n) {
        int[] out = new int[n];
        download(buffer, offset, n * 4L, view -> view.asIntBuffer().get(out));
        return out;
    }

    public static long[] downloadLongs(DeviceBuffer buffer, long offset, int n) {
        long[] out = new long[n];
        download(buffer, offset, n * 8L, view -> view.asLongBuffer().get(out));
        return out;
    }

    public static float[] downloadFloats(DeviceBuffer buffer, long offset, int n) {
        float[] out = new float[n];
        download(buffer, offset, n * 4L, view -> view.asFloatBuffer().get(out));
        return out;
    }

    public static double[] downloadDoubles(DeviceBuffer buffer, long offset, int n) {
        double[] out = new double[n];
        download(buffer, offset, n * 8L, view -> view.asDoubleBuffer().get(out));
        return out;
    }

    private interface ViewAction {
        void apply(ByteBuffer view);
    }

    private static DeviceBuffer upload(Device device, long bytes, ViewAction fill) {
        Stream stream = device.defaultStream();
        DeviceBuffer out = device.allocate(bytes, stream);
        if (bytes == 0) {
            return out;
        }
        try (PinnedBuffer staging = device.allocatePinned(bytes)) {
            fill.apply(staging.asByteBuffer());
            device.copyHostToDevice(staging.address(), out.address(), bytes, stream);
            stream.synchronize();
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static void download(DeviceBuffer buffer, long offset, long bytes, ViewAction read) {
        if (bytes == 0) {
            return;
        }
        Device device = buffer.device();
        Stream stream = device.defaultStream();
        if (offset < 0 || offset + bytes > buffer.size()) {
            throw new IndexOutOfBoundsException(bytes + " bytes at offset " + offset + " exceed " + buffer);
        }
        try (PinnedBuffer staging = device.allocatePinned(bytes)) {
            device.copyDeviceToHost(buffer.address(offset), staging.address(), bytes, stream);
            stream.synchronize();
            read.apply(staging.asByteBuffer());
        }
    }
}
