package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.ops.Casts;
import dev.ember.cuda.testing.CastValues;
import dev.ember.cuda.testing.RandomData;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code cast.cu}: one case per source type, casting it to every other type. */
final class CastConformance {
    private CastConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (Casts.Type from : Casts.Type.values()) {
            Set<String> kernels = new LinkedHashSet<>();
            for (Casts.Type to : Casts.Type.values()) {
                if (to != from) {
                    kernels.add(Casts.kernelName(from, to));
                }
            }
            cases.add(new ConformanceCase() {
                @Override
                public String name() {
                    return "cast " + from + " to every other type";
                }

                @Override
                public Set<String> kernels() {
                    return Set.copyOf(kernels);
                }

                @Override
                public List<byte[]> run(Device device, long seed, int n) {
                    List<byte[]> outputs = new ArrayList<>();
                    try (DeviceBuffer input = upload(device, from, new Random(seed), n)) {
                        for (Casts.Type to : Casts.Type.values()) {
                            if (to == from) {
                                continue;
                            }
                            // One element past the end must stay untouched.
                            int bytes = (n + 1) * to.width();
                            try (DeviceBuffer out = DeviceArrays.upload(device, new byte[bytes])) {
                                Casts.castInto(device, from, to, input.address(), out.address(), n,
                                        device.defaultStream());
                                outputs.add(DeviceArrays.downloadBytes(out, 0, bytes));
                            }
                        }
                    }
                    return outputs;
                }
            });
        }
        return cases;
    }

    /** {@code n} random values of {@code type}, with one spare element so no upload is empty. */
    private static DeviceBuffer upload(Device device, Casts.Type type, Random r, int n) {
        return switch (type) {
            case BOOL8 -> {
                byte[] b = RandomData.bytes(r, n + 1);
                // Mostly proper 0/1 booleans; the rest exercise "any non-zero byte is true".
                for (int i = 0; i < b.length; i++) {
                    if (r.nextDouble() < 0.8) {
                        b[i] = (byte) (b[i] & 1);
                    }
                }
                yield DeviceArrays.upload(device, b);
            }
            case INT8 -> DeviceArrays.upload(device, RandomData.bytes(r, n + 1));
            case INT16 -> DeviceArrays.upload(device, RandomData.shorts(r, n + 1));
            case INT32 -> DeviceArrays.upload(device, CastValues.mixIn(r, RandomData.ints(r, n + 1)));
            case INT64 -> DeviceArrays.upload(device, CastValues.mixIn(r, RandomData.longs(r, n + 1)));
            case FLOAT32 -> DeviceArrays.upload(device, CastValues.mixIn(r, RandomData.floats(r, n + 1)));
            case FLOAT64 -> DeviceArrays.upload(device, CastValues.mixIn(r, RandomData.doubles(r, n + 1)));
        };
    }
}
