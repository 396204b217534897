package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.bytes;

import dev.ember.cuda.column.Column;
import dev.ember.cuda.kernel.StringCompareKernels;
import dev.ember.cuda.ops.StringCompare;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code strcmp.cu}: column with column and column with scalars. */
final class StringCompareConformance {
    private StringCompareConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(LambdaCase.of("string compare column with column", Set.of(StringCompareKernels.COMPARE_CC),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    byte[][] a = RandomStrings.utf8(r, n, 0.15, 10);
                    byte[][] b = RandomStrings.utf8(r, n, 0.15, 10);
                    // Equal rows and shared prefixes, which random strings rarely give.
                    for (int i = 0; i < n; i++) {
                        if (a[i] != null && r.nextInt(3) == 0) {
                            b[i] = r.nextBoolean() ? a[i].clone() : prefix(a[i], r);
                        }
                    }
                    try (Column ca = DeviceStrings.column(device, a); Column cb = DeviceStrings.column(device, b);
                            Column out = StringCompare.compare(device, ca, cb, device.defaultStream())) {
                        return List.of(bytes(out.data()), bytes(out.validity()));
                    }
                }));
        cases.add(LambdaCase.of("string compare column with scalars", Set.of(StringCompareKernels.COMPARE_CS),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    byte[][] a = RandomStrings.utf8(r, n, 0.15, 6);
                    byte[][] scalars = {new byte[0], "m".getBytes(StandardCharsets.UTF_8),
                        RandomStrings.string(r, 3).getBytes(StandardCharsets.UTF_8),
                        "\ud83d\ude00".getBytes(StandardCharsets.UTF_8)};
                    List<byte[]> outputs = new ArrayList<>();
                    try (Column ca = DeviceStrings.column(device, a)) {
                        for (byte[] s : scalars) {
                            try (Column out = StringCompare.compare(device, ca, s, device.defaultStream())) {
                                outputs.add(bytes(out.data()));
                                outputs.add(bytes(out.validity()));
                            }
                        }
                    }
                    return outputs;
                }));
        return cases;
    }

    private static byte[] prefix(byte[] value, Random r) {
        return java.util.Arrays.copyOf(value, r.nextInt(value.length + 1));
    }
}
