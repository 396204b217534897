package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.ScanKernels;
import dev.ember.cuda.ops.PrefixSum;
import dev.ember.cuda.testing.RandomData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Conformance cases for {@code scan.cu}: whole prefix sums (every level and the offset pass) and
 * single {@code scan_tiles} launches, whose per-tile sums and tile totals are the raw contract.
 */
final class ScanConformance {
    private ScanConformance() {}

    private record Variant(String label, String scanTiles, String addOffsets, int inWidth, int outWidth) {}

    private static final List<Variant> VARIANTS = List.of(
            new Variant("i32", ScanKernels.SCAN_TILES_I32, ScanKernels.ADD_OFFSETS_I32, 4, 4),
            new Variant("i64", ScanKernels.SCAN_TILES_I64, ScanKernels.ADD_OFFSETS_I64, 8, 8),
            new Variant("i32 to i64", ScanKernels.SCAN_TILES_I32_I64, ScanKernels.ADD_OFFSETS_I64, 4, 8));

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (Variant v : VARIANTS) {
            cases.add(new ConformanceCase() {
                @Override
                public String name() {
                    return "prefix sum " + v.label();
                }

                @Override
                public Set<String> kernels() {
                    // The upper levels of a widening scan run the i64 tile scan.
                    return v.inWidth() == v.outWidth() ? Set.of(v.scanTiles(), v.addOffsets())
                            : Set.of(v.scanTiles(), ScanKernels.SCAN_TILES_I64, v.addOffsets());
                }

                @Override
                public List<byte[]> run(Device device, long seed, int n) {
                    try (DeviceBuffer in = upload(device, v.inWidth(), new Random(seed), n);
                            DeviceBuffer out = device.allocate((long) n * v.outWidth())) {
                        long total = switch (v.label()) {
                            case "i32" -> PrefixSum.exclusiveSumInt(device, in.address(), out.address(), n, device.defaultStream());
                            case "i64" -> PrefixSum.exclusiveSumLong(device, in.address(), out.address(), n, device.defaultStream());
                            default -> PrefixSum.exclusiveSumIntToLong(device, in.address(), out.address(), n,
                                    device.defaultStream());
                        };
                        return List.of(DeviceArrays.downloadBytes(out, 0, n * v.outWidth()), longBytes(total));
                    }
                }
            });
            cases.add(new ConformanceCase() {
                @Override
                public String name() {
                    return "scan tiles " + v.label() + ", one launch";
                }

                @Override
                public Set<String> kernels() {
                    return Set.of(v.scanTiles());
                }

                @Override
                public List<byte[]> run(Device device, long seed, int n) {
                    int tiles = ScanKernels.tileLaunch(n).gridX();
                    try (DeviceBuffer in = upload(device, v.inWidth(), new Random(seed), n);
                            DeviceBuffer out = device.allocate((long) n * v.outWidth());
                            DeviceBuffer totals = device.allocate((long) tiles * v.outWidth())) {
                        device.kernel(v.scanTiles()).launch(ScanKernels.tileLaunch(n),
                                KernelArgs.create().ptr(in.address()).ptr(out.address()).ptr(totals.address()).i64(n),
                                device.defaultStream());
                        return List.of(DeviceArrays.downloadBytes(out, 0, n * v.outWidth()),
                                DeviceArrays.downloadBytes(totals, 0, tiles * v.outWidth()));
                    }
                }
            });
        }
        return cases;
    }

    private static DeviceBuffer upload(Device device, int width, Random r, int n) {
        return width == 4 ? DeviceArrays.upload(device, RandomData.ints(r, n)) : DeviceArrays.upload(device, RandomData.longs(r, n));
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }
}
