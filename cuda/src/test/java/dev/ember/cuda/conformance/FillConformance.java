package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.kernel.FillKernels;
import dev.ember.cuda.ops.Fill;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code fill.cu}. */
final class FillConformance {
    private FillConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (int width : new int[] {1, 2, 4, 8}) {
            String kernel = switch (width) {
                case 1 -> FillKernels.FILL_I8;
                case 2 -> FillKernels.FILL_I16;
                case 4 -> FillKernels.FILL_I32;
                default -> FillKernels.FILL_I64;
            };
            cases.add(new ConformanceCase() {
                @Override
                public String name() {
                    return "fill width " + width;
                }

                @Override
                public Set<String> kernels() {
                    return Set.of(kernel);
                }

                @Override
                public List<byte[]> run(Device device, long seed, int n) {
                    long value = new Random(seed).nextLong();
                    // One element past the end must stay untouched.
                    try (DeviceBuffer buf = DeviceArrays.upload(device, new byte[(n + 1) * width])) {
                        Fill.fill(device, buf.address(), n, width, value, device.defaultStream());
                        return List.of(DeviceArrays.downloadBytes(buf, 0, (n + 1) * width));
                    }
                }
            });
        }
        cases.add(new ConformanceCase() {
            @Override
            public String name() {
                return "sequence i32 and i64";
            }

            @Override
            public Set<String> kernels() {
                return Set.of(FillKernels.SEQUENCE_I32, FillKernels.SEQUENCE_I64);
            }

            @Override
            public List<byte[]> run(Device device, long seed, int n) {
                Random r = new Random(seed);
                try (DeviceBuffer ints = Fill.sequenceInt(device, n, r.nextInt(), r.nextInt(), device.defaultStream());
                        DeviceBuffer longs = Fill.sequenceLong(device, n, r.nextLong(), r.nextLong(), device.defaultStream())) {
                    return List.of(DeviceArrays.downloadBytes(ints, 0, n * 4), DeviceArrays.downloadBytes(longs, 0, n * 8));
                }
            }
        });
        return cases;
    }
}
