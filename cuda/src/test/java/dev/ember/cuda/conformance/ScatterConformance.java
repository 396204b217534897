package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.address;
import static dev.ember.cuda.conformance.LambdaCase.bytes;

import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.kernel.ScatterKernels;
import dev.ember.cuda.ops.Scatter;
import dev.ember.cuda.testing.RandomData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code scatter.cu}: every width, distinct targets (the kernels' contract). */
final class ScatterConformance {
    private ScatterConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (int width : new int[] {1, 2, 4, 8, 16}) {
            cases.add(LambdaCase.of("scatter width " + width, Set.of(ScatterKernels.name(width)), (device, seed, n) -> {
                Random r = new Random(seed);
                int outRows = n + r.nextInt(n / 2 + 2);
                int[] map = distinctMap(r, n, outRows);
                // One time in three each: no bitmaps, an all-valid source into a bitmap, both bitmaps.
                int mode = r.nextInt(3);
                try (DeviceBuffer src = LambdaCase.uploadValues(device, r, width, n, r.nextBoolean());
                        DeviceBuffer srcValidity = mode == 2 ? DeviceArrays.upload(device, RandomData.validity(r, n, 0.2)) : null;
                        DeviceBuffer mapBuf = DeviceArrays.upload(device, map);
                        DeviceBuffer out = LambdaCase.uploadValues(device, r, width, outRows, false);
                        DeviceBuffer outValidity = mode == 0 ? null
                                : DeviceArrays.upload(device, RandomData.validity(r, outRows, 0.5))) {
                    Scatter.scatter(device, src.address(), address(srcValidity), n, width, mapBuf.address(), out.address(),
                            address(outValidity), outRows, device.defaultStream());
                    return List.of(bytes(out), outValidity == null ? new byte[0] : bytes(outValidity));
                }
            }));
        }
        return cases;
    }

    /** A prefix of a shuffled permutation of the output rows, with out-of-range entries mixed in. */
    private static int[] distinctMap(Random r, int n, int outRows) {
        int[] perm = new int[outRows];
        for (int i = 0; i < outRows; i++) {
            perm[i] = i;
        }
        for (int i = outRows - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] map = new int[n];
        for (int i = 0; i < n; i++) {
            map[i] = switch (r.nextInt(16)) {
                case 0 -> -1;
                case 1 -> outRows + r.nextInt(2);
                case 2 -> Integer.MIN_VALUE;
                case 3 -> Integer.MAX_VALUE;
                default -> perm[i];
            };
        }
        return map;
    }
}
