package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.kernel.CompactKernels;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.ops.Compaction;
import dev.ember.cuda.testing.RandomData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code compact.cu}: whole compactions, with and without nulls, and the count pass alone. */
final class CompactConformance {
    private CompactConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (boolean withNulls : new boolean[] {false, true}) {
            cases.add(new ConformanceCase() {
                @Override
                public String name() {
                    return "compaction bool8 " + (withNulls ? "with nulls" : "without validity");
                }

                @Override
                public Set<String> kernels() {
                    return Set.of(CompactKernels.COUNT_BOOL8, CompactKernels.INDICES_BOOL8);
                }

                @Override
                public List<byte[]> run(Device device, long seed, int n) {
                    Random r = new Random(seed);
                    byte[] flags = flags(r, n);
                    byte[] validity = withNulls ? RandomData.validity(r, n, 0.2) : null;
                    try (DeviceBuffer flagBuf = DeviceArrays.upload(device, flags);
                            DeviceBuffer validityBuf = validity == null ? null : DeviceArrays.upload(device, validity);
                            Compaction.Selected selected = Compaction.selectedRows(device, flagBuf.address(),
                                    validityBuf == null ? 0 : validityBuf.address(), n, device.defaultStream())) {
                        return List.of(DeviceArrays.downloadBytes(selected.indices(), 0, selected.count() * 4),
                                ScanConformance.longBytes(selected.count()));
                    }
                }
            });
        }
        cases.add(new ConformanceCase() {
            @Override
            public String name() {
                return "compact count bool8, one launch";
            }

            @Override
            public Set<String> kernels() {
                return Set.of(CompactKernels.COUNT_BOOL8);
            }

            @Override
            public List<byte[]> run(Device device, long seed, int n) {
                Random r = new Random(seed);
                byte[] flags = flags(r, n);
                byte[] validity = RandomData.validity(r, n, 0.2);
                int tiles = CompactKernels.tileLaunch(n).gridX();
                try (DeviceBuffer flagBuf = DeviceArrays.upload(device, flags);
                        DeviceBuffer validityBuf = DeviceArrays.upload(device, validity);
                        DeviceBuffer counts = device.allocate(tiles * 4L)) {
                    device.kernel(CompactKernels.COUNT_BOOL8).launch(CompactKernels.tileLaunch(n),
                            KernelArgs.create().ptr(flagBuf.address()).ptr(validityBuf.address()).ptr(counts.address()).i64(n),
                            device.defaultStream());
                    return List.of(DeviceArrays.downloadBytes(counts, 0, tiles * 4));
                }
            }
        });
        return cases;
    }

    /** About a third false; true flags are arbitrary non-zero bytes, negative ones included. */
    private static byte[] flags(Random r, int n) {
        byte[] flags = RandomData.bytes(r, n);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(3) == 0) {
                flags[i] = 0;
            }
        }
        return flags;
    }
}
