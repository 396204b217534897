package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.bytes;

import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.StringFloatKernels;
import dev.ember.cuda.ops.StringCasts;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.FloatTexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code strfloat.cu} (through the op, so the host fallback runs on both). */
final class StringFloatConformance {
    private StringFloatConformance() {}

    static List<ConformanceCase> cases() {
        return List.of(LambdaCase.of("cast string to double and float",
                Set.of(StringFloatKernels.TO_F64, StringFloatKernels.TO_F32), (device, seed, n) -> {
                    List<byte[]> outputs = new ArrayList<>();
                    try (Column in = DeviceStrings.column(device, FloatTexts.texts(new Random(seed), n))) {
                        for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                            try (Column out = StringCasts.toFloating(device, in, t, device.defaultStream())) {
                                outputs.add(bytes(out.data()));
                                outputs.add(bytes(out.validity()));
                            }
                        }
                    }
                    return outputs;
                }));
    }
}
