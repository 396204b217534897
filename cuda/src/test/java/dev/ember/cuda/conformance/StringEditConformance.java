package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.bytes;
import static dev.ember.cuda.conformance.StringFunctionConformance.input;
import static dev.ember.cuda.conformance.StringFunctionConformance.padded;
import static dev.ember.cuda.conformance.StringFunctionConformance.strings;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.kernel.StringEditKernels;
import dev.ember.cuda.ops.StringEdits;
import dev.ember.cuda.ops.StringFunctions.ConcatInput;
import dev.ember.cuda.ops.Strings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Conformance cases for {@code stredit.cu}. */
final class StringEditConformance {
    private StringEditConformance() {}

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(LambdaCase.of("string locate", Set.of(StringEditKernels.LOCATE), (device, seed, n) -> {
            List<byte[]> outputs = new ArrayList<>();
            String[] patterns = {"", "a", "b\u00e9", "\ud83d\ude00"};
            int[] positions = {1, 0, 3};
            try (Column in = padded(device, seed, n)) {
                for (String p : patterns) {
                    for (int pos : positions) {
                        try (Column out = StringEdits.locate(device, in, utf8(p), pos, s(device))) {
                            outputs.add(bytes(out.data()));
                            outputs.add(bytes(out.validity()));
                        }
                    }
                }
            }
            return outputs;
        }));
        cases.add(LambdaCase.of("string pad", Set.of(StringEditKernels.EDIT_SIZES, StringEditKernels.EDIT_CHARS),
                (device, seed, n) -> {
                    List<byte[]> outputs = new ArrayList<>();
                    String[] pads = {"", "\u00e9\ud83d\ude00z"};
                    int[] lengths = {-1, 3, 15};
                    try (Column in = input(device, seed, n)) {
                        for (String p : pads) {
                            for (int len : lengths) {
                                try (Column l = StringEdits.lpad(device, in, len, utf8(p), Strings.MAX_BYTES, s(device));
                                        Column r = StringEdits.rpad(device, in, len, utf8(p), Strings.MAX_BYTES,
                                                s(device))) {
                                    outputs.addAll(strings(l));
                                    outputs.addAll(strings(r));
                                }
                            }
                        }
                    }
                    return outputs;
                }));
        cases.add(LambdaCase.of("string replace, reverse, repeat", Set.of(StringEditKernels.EDIT_SIZES,
                StringEditKernels.EDIT_CHARS), (device, seed, n) -> {
                    List<byte[]> outputs = new ArrayList<>();
                    String[][] replaces = {{"a", "XYZ"}, {"", "q"}, {" ", ""}};
                    try (Column in = padded(device, seed, n)) {
                        for (String[] r : replaces) {
                            try (Column out = StringEdits.replace(device, in, utf8(r[0]), utf8(r[1]),
                                    Strings.MAX_BYTES, s(device))) {
                                outputs.addAll(strings(out));
                            }
                        }
                        try (Column out = StringEdits.reverse(device, in, s(device))) {
                            outputs.addAll(strings(out));
                        }
                        for (int times : new int[] {-1, 3}) {
                            try (Column out = StringEdits.repeat(device, in, times, Strings.MAX_BYTES, s(device))) {
                                outputs.addAll(strings(out));
                            }
                        }
                    }
                    return outputs;
                }));
        cases.add(LambdaCase.of("string substring_index", Set.of(StringEditKernels.EDIT_SIZES,
                StringEditKernels.EDIT_CHARS), (device, seed, n) -> {
                    List<byte[]> outputs = new ArrayList<>();
                    String[] delims = {"a", "", "x\ud83d\ude00"};
                    int[] counts = {2, -2, 0};
                    try (Column in = padded(device, seed, n)) {
                        for (String d : delims) {
                            for (int count : counts) {
                                try (Column out = StringEdits.substringIndex(device, in, utf8(d), count, s(device))) {
                                    outputs.addAll(strings(out));
                                }
                            }
                        }
                    }
                    return outputs;
                }));
        cases.add(LambdaCase.of("string split part", Set.of(StringEditKernels.EDIT_SIZES,
                StringEditKernels.EDIT_CHARS), (device, seed, n) -> {
                    List<byte[]> outputs = new ArrayList<>();
                    int[][] limitAndElement = {{-1, 0}, {-1, 1}, {-1, -1}, {2, 1}, {0, -3}, {1, 0}, {-1, 5}};
                    try (Column in = padded(device, seed, n)) {
                        for (String d : new String[] {"a", " ", "x\ud83d\ude00"}) {
                            for (int[] le : limitAndElement) {
                                try (Column out = StringEdits.splitPart(device, in, utf8(d), le[0], le[1], s(device))) {
                                    outputs.addAll(strings(out));
                                }
                            }
                        }
                    }
                    return outputs;
                }));
        cases.add(LambdaCase.of("string initcap", Set.of(StringEditKernels.INITCAP_ASCII), (device, seed, n) -> {
            try (Column in = words(device, seed, n); Column out = StringEdits.initcap(device, in, s(device))) {
                return strings(out);
            }
        }));
        cases.add(LambdaCase.of("string concat_ws", Set.of(StringEditKernels.CONCAT_WS_SIZES,
                StringEditKernels.CONCAT_WS_CHARS), (device, seed, n) -> {
                    List<byte[]> outputs = new ArrayList<>();
                    try (Column a = input(device, seed, n); Column b = input(device, seed + 1, n)) {
                        for (String sep : new String[] {"", ", ", "\u00e9\ud83d\ude00"}) {
                            try (Column out = StringEdits.concatWs(device, utf8(sep), List.of(ConcatInput.column(a),
                                    ConcatInput.scalar(utf8("-\u00e9-")), ConcatInput.column(b), ConcatInput.scalar(null),
                                    ConcatInput.column(a)), s(device))) {
                                outputs.addAll(strings(out));
                            }
                        }
                    }
                    return outputs;
                }));
        return cases;
    }

    /** Words of mixed-case ASCII, digits and punctuation between single and double spaces; some rows non-ASCII. */
    static Column words(Device device, long seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        String[] parts = {"hello", "WORLD", "sPaRk", "a", "", " ", "1st", "-x", "\u00e9t\u00c9", "\u01c6a", "\ud83d\ude00Z",
            "\tTab", "o'neil"};
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            if (r.nextInt(8) == 0) {
                continue;
            }
            StringBuilder b = new StringBuilder();
            int words = r.nextInt(5);
            for (int w = 0; w < words; w++) {
                String p = parts[r.nextInt(parts.length)];
                if (!p.isEmpty() && p.charAt(0) > 127 && r.nextInt(4) != 0) {
                    p = "word";
                }
                b.append(p).append(r.nextInt(3) == 0 ? "  " : " ");
            }
            values[i] = b.toString().getBytes(StandardCharsets.UTF_8);
        }
        return dev.ember.cuda.testing.DeviceStrings.column(device, values);
    }

    private static dev.ember.cuda.Stream s(Device device) {
        return device.defaultStream();
    }
}
