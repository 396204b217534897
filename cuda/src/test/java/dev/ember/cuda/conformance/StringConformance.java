package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.bytes;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.kernel.CopyKernels;
import dev.ember.cuda.kernel.ScanKernels;
import dev.ember.cuda.kernel.StringKernels;
import dev.ember.cuda.ops.Strings;
import dev.ember.cuda.ops.Strings.RowCopy;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code strings.cu}: gather by either copy kernel, slice and concatenation. */
final class StringConformance {
    private StringConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (RowCopy copy : new RowCopy[] {RowCopy.THREAD_PER_ROW, RowCopy.WARP_PER_ROW}) {
            String chars = copy == RowCopy.THREAD_PER_ROW ? StringKernels.GATHER_CHARS_THREAD
                    : StringKernels.GATHER_CHARS_WARP;
            cases.add(LambdaCase.of("string gather by int32 map, " + copy, Set.of(StringKernels.GATHER_SIZES, chars,
                    ScanKernels.SCAN_TILES_I32, ScanKernels.ADD_OFFSETS_I32), (device, seed, n) -> {
                        Random r = new Random(seed);
                        int srcRows = n / 2 + 3;
                        // Longer rows for the warp copy, with a long one now and then.
                        int maxChars = copy == RowCopy.WARP_PER_ROW ? 40 : 12;
                        byte[][] values = RandomStrings.utf8(r, srcRows, 0.2, maxChars);
                        if (copy == RowCopy.WARP_PER_ROW) {
                            values[r.nextInt(srcRows)] = RandomStrings.string(r, 3000).getBytes(
                                    java.nio.charset.StandardCharsets.UTF_8);
                        }
                        int[] map = map(r, n, srcRows);
                        try (Column src = DeviceStrings.column(device, values);
                                DeviceBuffer mapBuf = DeviceArrays.upload(device, map);
                                Column out = Strings.gather(device, src, mapBuf, n, Strings.MAX_BYTES, copy,
                                        device.defaultStream())) {
                            return outputs(out);
                        }
                    }));
        }
        cases.add(LambdaCase.of("string slice and concatenation (offsets rebased)", Set.of(StringKernels.REBASE_OFFSETS,
                CopyKernels.COPYBITS_B1), (device, seed, n) -> {
                    Random r = new Random(seed);
                    byte[][] values = RandomStrings.utf8(r, n, 0.2, 12);
                    int from = n == 0 ? 0 : r.nextInt(n + 1);
                    int to = from + (n == from ? 0 : r.nextInt(n - from + 1));
                    try (Column src = DeviceStrings.column(device, values);
                            Column other = DeviceStrings.column(device, RandomStrings.utf8(r, 33, 0.0, 5));
                            Column slice = Strings.slice(device, src, from, to, device.defaultStream());
                            Column concat = Strings.concat(device, List.of(slice, other, src), device.defaultStream())) {
                        List<byte[]> all = new ArrayList<>(outputs(slice));
                        all.addAll(outputs(concat));
                        return all;
                    }
                }));
        return cases;
    }

    static List<byte[]> outputs(Column c) {
        List<byte[]> out = new ArrayList<>();
        out.add(bytes(c.offsets()));
        out.add(DeviceArrays.downloadBytes(c.data(), 0, Math.toIntExact(c.dataBytes())));
        if (c.hasValidity()) {
            out.add(bytes(c.validity()));
        }
        return out;
    }

    /** In-range entries with -1, just past the end, and the int32 extremes mixed in. */
    private static int[] map(Random r, int n, int srcRows) {
        int[] map = new int[n];
        for (int i = 0; i < n; i++) {
            map[i] = switch (r.nextInt(16)) {
                case 0 -> -1;
                case 1 -> srcRows + r.nextInt(2);
                case 2 -> Integer.MIN_VALUE;
                case 3 -> Integer.MAX_VALUE;
                default -> r.nextInt(srcRows);
            };
        }
        return map;
    }
}
