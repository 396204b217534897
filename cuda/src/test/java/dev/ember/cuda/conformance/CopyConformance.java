package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.bytes;

import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.kernel.CopyKernels;
import dev.ember.cuda.ops.Bitmaps;
import dev.ember.cuda.ops.CopyWithOffset;
import dev.ember.cuda.testing.RandomData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code copy.cu}: element copies at element offsets, bit copies at bit offsets. */
final class CopyConformance {
    private CopyConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (int width : new int[] {1, 2, 4, 8}) {
            cases.add(LambdaCase.of("copy width " + width + " with offsets", Set.of(CopyKernels.name(width)),
                    (device, seed, n) -> {
                        Random r = new Random(seed);
                        int srcOffset = r.nextInt(70);
                        int dstOffset = r.nextInt(70);
                        // The whole destination comes back: elements around the range must be untouched.
                        try (DeviceBuffer src = LambdaCase.uploadValues(device, r, width, srcOffset + n, r.nextBoolean());
                                DeviceBuffer dst = LambdaCase.uploadValues(device, r, width, dstOffset + n + 5, false)) {
                            CopyWithOffset.copy(device, src.address(), srcOffset, dst.address(), dstOffset, n, width,
                                    device.defaultStream());
                            return List.of(bytes(dst));
                        }
                    }));
        }
        cases.add(LambdaCase.of("copy bits at bit offsets", Set.of(CopyKernels.COPYBITS_B1), (device, seed, n) -> {
            Random r = new Random(seed);
            int srcBit = r.nextInt(200);
            int dstBit = r.nextInt(200);
            boolean absentSource = r.nextInt(5) == 0;
            byte[] dstBits = new byte[(int) Bitmaps.bitmapBytes(dstBit + n + 40)];
            r.nextBytes(dstBits);
            try (DeviceBuffer src = DeviceArrays.upload(device, RandomData.validity(r, srcBit + n, 0.5));
                    DeviceBuffer dst = DeviceArrays.upload(device, dstBits)) {
                CopyWithOffset.copyBits(device, absentSource ? 0 : src.address(), srcBit, dst.address(), dstBit, n,
                        device.defaultStream());
                return List.of(bytes(dst));
            }
        }));
        return cases;
    }
}
