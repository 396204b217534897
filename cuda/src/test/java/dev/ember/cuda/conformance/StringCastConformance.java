package dev.ember.cuda.conformance;

import static dev.ember.cuda.conformance.LambdaCase.bytes;

import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.StringCastKernels;
import dev.ember.cuda.ops.StringCasts;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.StringCastInputs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code strcast.cu}. */
final class StringCastConformance {
    private static final DType[] INTEGRALS = {DType.INT8, DType.INT16, DType.INT32, DType.INT64};

    private StringCastConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        Set<String> toIntegral = new HashSet<>();
        Set<String> fromIntegral = new HashSet<>();
        for (int w : new int[] {1, 2, 4, 8}) {
            toIntegral.add(StringCastKernels.toIntegral(w));
            fromIntegral.add(StringCastKernels.integralSizes(w));
            fromIntegral.add(StringCastKernels.integralChars(w));
        }
        cases.add(LambdaCase.of("cast string to integral", toIntegral, (device, seed, n) -> {
            List<byte[]> outputs = new ArrayList<>();
            try (Column in = DeviceStrings.column(device, StringCastInputs.integralTexts(new Random(seed), n))) {
                for (DType t : INTEGRALS) {
                    try (Column out = StringCasts.toIntegral(device, in, t, device.defaultStream())) {
                        outputs.add(bytes(out.data()));
                        outputs.add(bytes(out.validity()));
                    }
                }
            }
            return outputs;
        }));
        cases.add(LambdaCase.of("cast string to date", Set.of(StringCastKernels.TO_DATE32), (device, seed, n) -> {
            try (Column in = DeviceStrings.column(device, StringCastInputs.dateTexts(new Random(seed), n));
                    Column out = StringCasts.toDate(device, in, device.defaultStream())) {
                return List.of(bytes(out.data()), bytes(out.validity()));
            }
        }));
        cases.add(LambdaCase.of("cast integral to string", fromIntegral, (device, seed, n) -> {
            List<byte[]> outputs = new ArrayList<>();
            Random r = new Random(seed);
            for (DType t : INTEGRALS) {
                int width = t.sizeInBytes();
                try (DeviceBuffer data = LambdaCase.uploadValues(device, r, width, n, false);
                        DeviceBuffer validity = n == 0 ? null : LambdaCase.uploadValidityOrNull(device, r, n)) {
                    data.incRef();
                    if (validity != null) {
                        validity.incRef();
                    }
                    try (Column in = Column.create(t, n, data, validity, Column.UNKNOWN_NULL_COUNT);
                            Column out = StringCasts.fromIntegral(device, in, device.defaultStream())) {
                        outputs.addAll(StringFunctionConformance.strings(out));
                    }
                }
            }
            return outputs;
        }));
        cases.add(LambdaCase.of("cast date to string", Set.of(StringCastKernels.DATE32_SIZES,
                StringCastKernels.DATE32_CHARS), (device, seed, n) -> {
                    Random r = new Random(seed);
                    int[] days = StringCastInputs.days(r, n);
                    try (DeviceBuffer data = DeviceArrays.upload(device, days);
                            DeviceBuffer validity = n == 0 ? null : LambdaCase.uploadValidityOrNull(device, r, n)) {
                        data.incRef();
                        if (validity != null) {
                            validity.incRef();
                        }
                        try (Column in = Column.create(DType.DATE32, n, data, validity, Column.UNKNOWN_NULL_COUNT);
                                Column out = StringCasts.fromDate(device, in, device.defaultStream())) {
                            return StringFunctionConformance.strings(out);
                        }
                    }
                }));
        return cases;
    }
}
