package dev.ember.cuda.conformance;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.testing.RandomData;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** A conformance case given as a name, its kernels and a function, plus shared input helpers. */
record LambdaCase(String name, Set<String> kernels, Body body) implements ConformanceCase {
    interface Body {
        List<byte[]> run(Device device, long seed, int n);
    }

    LambdaCase {
        requireNonNull(name, "name is null");
        kernels = Set.copyOf(kernels);
        requireNonNull(body, "body is null");
    }

    static LambdaCase of(String name, Set<String> kernels, Body body) {
        return new LambdaCase(name, kernels, body);
    }

    @Override
    public List<byte[]> run(Device device, long seed, int n) {
        return body.run(device, seed, n);
    }

    /**
     * {@code count} random elements of {@code width} bytes with the special values of their type:
     * floats and doubles (NaN payloads, -0.0, infinities) when {@code floating}, else integers with
     * their minimum and maximum.
     */
    static DeviceBuffer uploadValues(Device device, Random r, int width, int count, boolean floating) {
        return switch (width) {
            case 1 -> DeviceArrays.upload(device, RandomData.bytes(r, count));
            case 2 -> DeviceArrays.upload(device, RandomData.shorts(r, count));
            case 4 -> floating ? DeviceArrays.upload(device, RandomData.floats(r, count))
                    : DeviceArrays.upload(device, RandomData.ints(r, count));
            case 8 -> floating ? DeviceArrays.upload(device, RandomData.doubles(r, count))
                    : DeviceArrays.upload(device, RandomData.longs(r, count));
            // Two 64-bit words per element (DECIMAL128's unscaled value), with the words' extremes mixed in.
            case 16 -> DeviceArrays.upload(device, RandomData.longs(r, 2 * count));
            default -> throw new IllegalArgumentException("element width must be 1, 2, 4, 8 or 16, not " + width);
        };
    }

    /** A validity bitmap for {@code rows} rows with about a fifth null, or null (all valid) one time in four. */
    static DeviceBuffer uploadValidityOrNull(Device device, Random r, int rows) {
        return r.nextInt(4) == 0 ? null : DeviceArrays.upload(device, RandomData.validity(r, rows, 0.2));
    }

    static long address(DeviceBuffer buffer) {
        return buffer == null ? 0 : buffer.address();
    }

    static byte[] bytes(DeviceBuffer buffer) {
        return DeviceArrays.downloadBytes(buffer, 0, Math.toIntExact(buffer.size()));
    }
}
