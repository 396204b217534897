package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.kernel.HashKernels;
import dev.ember.cuda.ops.Murmur3;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.testing.RandomDecimals;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Conformance cases for {@code hash.cu}. */
final class HashConformance {
    /** One type per kernel (DATE32, TIMESTAMP_US and DECIMAL64 share kernels with INT32 and INT64). */
    private static final Murmur3.Type[] KERNEL_TYPES = {Murmur3.Type.BOOL8, Murmur3.Type.INT8, Murmur3.Type.INT16,
        Murmur3.Type.INT32, Murmur3.Type.INT64, Murmur3.Type.FLOAT32, Murmur3.Type.FLOAT64, Murmur3.Type.DECIMAL128};

    private HashConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (Murmur3.Type type : KERNEL_TYPES) {
            cases.add(new ConformanceCase() {
                @Override
                public String name() {
                    return "murmur3 " + type + " into running hashes, with and without nulls";
                }

                @Override
                public Set<String> kernels() {
                    return Set.of(type.kernel());
                }

                @Override
                public List<byte[]> run(Device device, long seed, int n) {
                    Random r = new Random(seed);
                    // Random running hashes (as after earlier columns), one spare element that must stay.
                    int[] start = RandomData.ints(r, n + 1);
                    try (DeviceBuffer data = upload(device, type, r, n + 1);
                            DeviceBuffer validity = DeviceArrays.upload(device, RandomData.validity(r, n + 1, 0.25));
                            DeviceBuffer withNulls = DeviceArrays.upload(device, start);
                            DeviceBuffer allValid = DeviceArrays.upload(device, start)) {
                        Murmur3.hashColumn(device, Murmur3.Input.of(type, data.address(), validity.address()),
                                withNulls.address(), n, device.defaultStream());
                        Murmur3.hashColumn(device, Murmur3.Input.nonNull(type, data.address()), allValid.address(), n,
                                device.defaultStream());
                        return List.of(DeviceArrays.downloadBytes(withNulls, 0, (n + 1) * 4),
                                DeviceArrays.downloadBytes(allValid, 0, (n + 1) * 4));
                    }
                }
            });
        }
        cases.add(LambdaCase.of("murmur3 STRING into running hashes, with and without nulls",
                Set.of(HashKernels.MURMUR3_STRING), (device, seed, n) -> {
                    Random r = new Random(seed);
                    int[] start = RandomData.ints(r, n + 1);
                    // n + 1 rows so a spare hash past n must stay as it was.
                    byte[][] values = RandomStrings.utf8(r, n + 1, 0.2, 12);
                    try (Column strings = DeviceStrings.column(device, values);
                            DeviceBuffer withNulls = DeviceArrays.upload(device, start);
                            DeviceBuffer allValid = DeviceArrays.upload(device, start)) {
                        long validity = strings.validityAddress();
                        Murmur3.hashColumn(device, Murmur3.Input.strings(strings.offsetsAddress(), strings.dataAddress(),
                                validity), withNulls.address(), n, device.defaultStream());
                        Murmur3.hashColumn(device, Murmur3.Input.strings(strings.offsetsAddress(), strings.dataAddress(),
                                0), allValid.address(), n, device.defaultStream());
                        return List.of(DeviceArrays.downloadBytes(withNulls, 0, (n + 1) * 4),
                                DeviceArrays.downloadBytes(allValid, 0, (n + 1) * 4));
                    }
                }));
        cases.add(new ConformanceCase() {
            @Override
            public String name() {
                return "pmod of hashes by partition counts from 1 to 2^31-1";
            }

            @Override
            public Set<String> kernels() {
                return Set.of(HashKernels.PMOD_I32);
            }

            @Override
            public List<byte[]> run(Device device, long seed, int n) {
                Random r = new Random(seed);
                int[] counts = {1, 2, 7, 200, 1 + r.nextInt(100_000), Integer.MAX_VALUE};
                List<byte[]> outputs = new ArrayList<>();
                try (DeviceBuffer hashes = DeviceArrays.upload(device, RandomData.ints(r, n + 1))) {
                    for (int count : counts) {
                        try (DeviceBuffer out = DeviceArrays.upload(device, new int[n + 1])) {
                            Murmur3.partitionIdsInto(device, hashes.address(), out.address(), n, count,
                                    device.defaultStream());
                            outputs.add(DeviceArrays.downloadBytes(out, 0, (n + 1) * 4));
                        }
                    }
                }
                return outputs;
            }
        });
        return cases;
    }

    private static DeviceBuffer upload(Device device, Murmur3.Type type, Random r, int n) {
        return switch (type) {
            case BOOL8, INT8 -> DeviceArrays.upload(device, RandomData.bytes(r, n));
            case INT16 -> DeviceArrays.upload(device, RandomData.shorts(r, n));
            case INT32, DATE32 -> DeviceArrays.upload(device, RandomData.ints(r, n));
            case INT64, TIMESTAMP_US, DECIMAL64 -> DeviceArrays.upload(device, RandomData.longs(r, n));
            case FLOAT32 -> DeviceArrays.upload(device, RandomData.floats(r, n));
            case FLOAT64 -> DeviceArrays.upload(device, RandomData.doubles(r, n));
            case DECIMAL128 -> DeviceArrays.upload(device, RandomDecimals.words(r, n));
            case STRING -> throw new IllegalArgumentException("strings have their own case");
        };
    }
}
