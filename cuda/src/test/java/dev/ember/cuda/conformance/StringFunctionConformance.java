package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.bytes;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.kernel.StringFunctionKernels;
import dev.ember.cuda.ops.LikePattern;
import dev.ember.cuda.ops.StringFunctions;
import dev.ember.cuda.ops.StringFunctions.ConcatInput;
import dev.ember.cuda.ops.StringFunctions.TrimSide;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomStrings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code strfuncs.cu}. */
final class StringFunctionConformance {
    private StringFunctionConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(LambdaCase.of("string length", Set.of(StringFunctionKernels.LENGTH), (device, seed, n) -> {
            try (Column in = input(device, seed, n); Column out = StringFunctions.length(device, in, s(device))) {
                return List.of(bytes(out.data()), bytes(out.validity()));
            }
        }));
        cases.add(LambdaCase.of("string substring", Set.of(StringFunctionKernels.SUBSTRING_RANGES,
                StringFunctionKernels.COPY_RANGES), (device, seed, n) -> {
                    int[][] args = {{1, 3}, {0, 2}, {-3, 2}, {-100, 102}, {2, Integer.MAX_VALUE}, {5, -1}, {3, 0},
                        {Integer.MIN_VALUE, Integer.MAX_VALUE}};
                    List<byte[]> outputs = new ArrayList<>();
                    try (Column in = input(device, seed, n)) {
                        for (int[] a : args) {
                            try (Column out = StringFunctions.substring(device, in, a[0], a[1], s(device))) {
                                outputs.addAll(strings(out));
                            }
                        }
                    }
                    return outputs;
                }));
        cases.add(LambdaCase.of("string trim", Set.of(StringFunctionKernels.TRIM_RANGES,
                StringFunctionKernels.COPY_RANGES), (device, seed, n) -> {
                    List<byte[]> outputs = new ArrayList<>();
                    try (Column in = padded(device, seed, n)) {
                        for (TrimSide side : TrimSide.values()) {
                            try (Column a = StringFunctions.trim(device, in, side, s(device));
                                    Column b = StringFunctions.trim(device, in, side,
                                            "x\u00e9 \ud83d\ude00".getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE,
                                            s(device))) {
                                outputs.addAll(strings(a));
                                outputs.addAll(strings(b));
                            }
                        }
                    }
                    return outputs;
                }));
        cases.add(LambdaCase.of("string upper and lower", Set.of(StringFunctionKernels.CASE_ASCII),
                (device, seed, n) -> {
                    List<byte[]> outputs = new ArrayList<>();
                    try (Column in = input(device, seed, n); Column up = StringFunctions.upper(device, in, s(device));
                            Column low = StringFunctions.lower(device, in, s(device))) {
                        outputs.addAll(strings(up));
                        outputs.addAll(strings(low));
                    }
                    return outputs;
                }));
        cases.add(LambdaCase.of("string starts, ends, contains", Set.of(StringFunctionKernels.MATCH),
                (device, seed, n) -> {
                    List<byte[]> outputs = new ArrayList<>();
                    byte[][] patterns = {new byte[0], "a".getBytes(StandardCharsets.UTF_8),
                        "\u00e9t".getBytes(StandardCharsets.UTF_8), "ab".getBytes(StandardCharsets.UTF_8)};
                    try (Column in = input(device, seed, n)) {
                        for (byte[] p : patterns) {
                            try (Column a = StringFunctions.startsWith(device, in, p, s(device));
                                    Column b = StringFunctions.endsWith(device, in, p, s(device));
                                    Column c = StringFunctions.contains(device, in, p, s(device))) {
                                for (Column out : List.of(a, b, c)) {
                                    outputs.add(bytes(out.data()));
                                    outputs.add(bytes(out.validity()));
                                }
                            }
                        }
                    }
                    return outputs;
                }));
        cases.add(LambdaCase.of("string like", Set.of(StringFunctionKernels.LIKE), (device, seed, n) -> {
            List<byte[]> outputs = new ArrayList<>();
            String[] patterns = {"%", "", "a%", "%b", "a_c%", "%a%b%", "_", "__%", "%\u00e9%_", "ab\\%%", "%_\ud83d\ude00",
                "a%b%c"};
            try (Column in = input(device, seed, n)) {
                for (String p : patterns) {
                    try (Column out = StringFunctions.like(device, in, LikePattern.parse(p), s(device))) {
                        outputs.add(bytes(out.data()));
                        outputs.add(bytes(out.validity()));
                    }
                }
            }
            return outputs;
        }));
        cases.add(LambdaCase.of("string in list", Set.of(StringFunctionKernels.IN_LIST), (device, seed, n) -> {
            List<byte[]> outputs = new ArrayList<>();
            List<byte[]> withNull = new ArrayList<>(List.of("a".getBytes(StandardCharsets.UTF_8), new byte[0],
                    "abc".getBytes(StandardCharsets.UTF_8)));
            withNull.add(null);
            try (Column in = input(device, seed, n)) {
                for (List<byte[]> list : List.of(withNull.subList(0, 3), withNull, List.<byte[]>of())) {
                    try (Column out = StringFunctions.in(device, in, list, s(device))) {
                        outputs.add(bytes(out.data()));
                        outputs.add(bytes(out.validity()));
                    }
                }
            }
            return outputs;
        }));
        cases.add(LambdaCase.of("string concat", Set.of(StringFunctionKernels.CONCAT_SIZES,
                StringFunctionKernels.CONCAT_CHARS), (device, seed, n) -> {
                    try (Column a = input(device, seed, n); Column b = input(device, seed + 1, n);
                            Column out = StringFunctions.concat(device, List.of(ConcatInput.column(a),
                                    ConcatInput.scalar("-\u00e9-".getBytes(StandardCharsets.UTF_8)),
                                    ConcatInput.column(b), ConcatInput.scalar(new byte[0])), s(device))) {
                        return strings(out);
                    }
                }));
        return cases;
    }

    private static dev.ember.cuda.Stream s(Device device) {
        return device.defaultStream();
    }

    static Column input(Device device, long seed, int n) {
        return DeviceStrings.column(device, RandomStrings.utf8(new Random(seed), n, 0.15, 12));
    }

    /** Random strings with spaces and trim characters around them. */
    static Column padded(Device device, long seed, int n) {
        Random r = new Random(seed);
        byte[][] values = RandomStrings.utf8(r, n, 0.15, 8);
        String[] pads = {"", " ", "  ", "\t", "x", "\u00e9 ", " \ud83d\ude00"};
        for (int i = 0; i < n; i++) {
            if (values[i] != null) {
                String v = pads[r.nextInt(pads.length)] + new String(values[i], StandardCharsets.UTF_8)
                        + pads[r.nextInt(pads.length)];
                values[i] = v.getBytes(StandardCharsets.UTF_8);
            }
        }
        return DeviceStrings.column(device, values);
    }

    static List<byte[]> strings(Column out) {
        List<byte[]> outputs = new ArrayList<>();
        outputs.add(bytes(out.offsets()));
        outputs.add(dev.ember.cuda.DeviceArrays.downloadBytes(out.data(), 0, Math.toIntExact(out.dataBytes())));
        if (out.hasValidity()) {
            outputs.add(bytes(out.validity()));
        }
        return outputs;
    }
}
