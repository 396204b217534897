package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.bytes;

import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.BitmapKernels;
import dev.ember.cuda.ops.Bitmaps;
import dev.ember.cuda.testing.RandomData;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code bitmap.cu}. Input bitmaps carry random bits past n, which must not matter. */
final class BitmapConformance {
    private BitmapConformance() {}

    static List<ConformanceCase> cases() {
        return List.of(
                LambdaCase.of("bitmap and, or, not", Set.of(BitmapKernels.AND_B1, BitmapKernels.OR_B1, BitmapKernels.NOT_B1),
                        (device, seed, n) -> {
                            Random r = new Random(seed);
                            Stream s = device.defaultStream();
                            try (DeviceBuffer a = DeviceArrays.upload(device, RandomData.validity(r, n, 0.3));
                                    DeviceBuffer b = DeviceArrays.upload(device, RandomData.validity(r, n, 0.3));
                                    DeviceBuffer and = Bitmaps.and(device, a.address(), b.address(), n, s);
                                    DeviceBuffer andAllValid = Bitmaps.and(device, 0, b.address(), n, s);
                                    DeviceBuffer or = Bitmaps.or(device, a.address(), b.address(), n, s);
                                    DeviceBuffer orAllValid = Bitmaps.or(device, a.address(), 0, n, s);
                                    DeviceBuffer not = Bitmaps.not(device, a.address(), n, s);
                                    DeviceBuffer notAllValid = Bitmaps.not(device, 0, n, s)) {
                                // In place last, once the other results no longer need a.
                                Bitmaps.orInto(device, a.address(), b.address(), n, a.address(), s);
                                return List.of(bytes(and), bytes(andAllValid), bytes(or), bytes(orAllValid), bytes(not),
                                        bytes(notAllValid), bytes(a));
                            }
                        }),
                LambdaCase.of("bitmap popcount", Set.of(BitmapKernels.POPCOUNT_B1), (device, seed, n) -> {
                    Random r = new Random(seed);
                    Stream s = device.defaultStream();
                    try (DeviceBuffer bits = DeviceArrays.upload(device, RandomData.validity(r, n, r.nextDouble()));
                            DeviceBuffer counts = DeviceArrays.upload(device, new long[] {0, r.nextInt(1000)})) {
                        Bitmaps.countSetInto(device, bits.address(), n, counts.address(), s);
                        // The second counter accumulates twice on a non-zero start, once for an absent bitmap.
                        Bitmaps.countSetInto(device, bits.address(), n, counts.address(8), s);
                        Bitmaps.countSetInto(device, 0, n, counts.address(8), s);
                        s.synchronize();
                        return List.of(bytes(counts));
                    }
                }),
                LambdaCase.of("bitmap from and to int8 flags", Set.of(BitmapKernels.FROMBOOL8_B1, BitmapKernels.TOBOOL8_B1),
                        (device, seed, n) -> {
                            Random r = new Random(seed);
                            Stream s = device.defaultStream();
                            try (DeviceBuffer flags = DeviceArrays.upload(device, RandomData.bytes(r, n));
                                    DeviceBuffer bits = DeviceArrays.upload(device, RandomData.validity(r, n, 0.4));
                                    DeviceBuffer fromFlags = Bitmaps.fromBool8(device, flags.address(), n, s);
                                    DeviceBuffer toFlags = Bitmaps.toBool8(device, bits.address(), n, s);
                                    DeviceBuffer allValid = Bitmaps.toBool8(device, 0, n, s)) {
                                return List.of(bytes(fromFlags), bytes(toFlags), bytes(allValid));
                            }
                        }));
    }
}
