package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.address;
import static dev.ember.cuda.conformance.LambdaCase.bytes;

import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.kernel.GatherKernels;
import dev.ember.cuda.ops.Bitmaps;
import dev.ember.cuda.ops.Gather;
import dev.ember.cuda.ops.Gather.MapType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code gather.cu}: every width by either map type. */
final class GatherConformance {
    private GatherConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (MapType mapType : MapType.values()) {
            for (int width : new int[] {1, 2, 4, 8, 16}) {
                String kernel = GatherKernels.name(mapType.width(), width);
                cases.add(LambdaCase.of("gather width " + width + " by " + mapType, Set.of(kernel), (device, seed, n) -> {
                    Random r = new Random(seed);
                    int srcRows = r.nextInt(n + 1) + 1;
                    long[] map = map(r, n, srcRows, mapType);
                    // Floating-point data for one map type, integers for the other: both share a kernel.
                    try (DeviceBuffer src = LambdaCase.uploadValues(device, r, width, srcRows, mapType == MapType.INT32);
                            DeviceBuffer srcValidity = LambdaCase.uploadValidityOrNull(device, r, srcRows);
                            DeviceBuffer mapBuf = mapType == MapType.INT64 ? DeviceArrays.upload(device, map)
                                    : DeviceArrays.upload(device, Arrays.stream(map).mapToInt(v -> (int) v).toArray());
                            DeviceBuffer out = device.allocate((long) n * width);
                            DeviceBuffer outValidity = device.allocate(Bitmaps.bitmapBytes(n))) {
                        Gather.gatherInto(device, src.address(), address(srcValidity), srcRows, width, mapBuf.address(),
                                mapType, n, out.address(), outValidity.address(), device.defaultStream());
                        return List.of(bytes(out), bytes(outValidity));
                    }
                }));
            }
        }
        return cases;
    }

    /** In-range entries with -1, just past the end, and the map type's extremes mixed in. */
    private static long[] map(Random r, int n, int srcRows, MapType mapType) {
        long[] map = new long[n];
        for (int i = 0; i < n; i++) {
            map[i] = switch (r.nextInt(16)) {
                case 0 -> -1;
                case 1 -> srcRows + r.nextInt(2);
                case 2 -> mapType == MapType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
                case 3 -> mapType == MapType.INT32 ? Integer.MAX_VALUE : (1L << 32) + r.nextInt(srcRows);
                default -> r.nextInt(srcRows);
            };
        }
        return map;
    }
}
