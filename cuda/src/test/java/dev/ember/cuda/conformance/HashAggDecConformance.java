package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.HashAggDecKernels;
import dev.ember.cuda.kernel.HashAggKernels;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.DecimalAverage;
import dev.ember.cuda.ops.HashAggregate.Aggregation;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Conformance cases for {@code hashaggdec.cu}: exact decimal sums (with overflow to null at 10^P and
 * the merge's null propagation) through whole aggregations, and the decimal average on random sums and
 * counts (ties, zero, negative and extreme counts).
 */
final class HashAggDecConformance {
    private HashAggDecConformance() {}

    static List<ConformanceCase> cases() {
        return List.of(decimalSums(), averages());
    }

    private static ConformanceCase decimalSums() {
        return new LambdaCase("hash aggregate exact decimal sums of decimal64 and decimal128",
                Set.of(HashAggKernels.INSERT, HashAggDecKernels.SUM_DEC64, HashAggDecKernels.SUM_DEC128,
                        HashAggDecKernels.EMIT_DEC64, HashAggDecKernels.EMIT_DEC128),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    int[] keys = RandomData.intsBelow(r, n, Math.max(1, n / 16));
                    long[] small = new long[n];
                    for (int i = 0; i < n; i++) {
                        small[i] = r.nextInt(4) == 0 ? RandomData.longs(r, 1)[0] : r.nextLong() % 1_000_000_000_000L;
                    }
                    List<HostValues> values = List.of(
                            HostValues.longs(DType.decimal64(18, 3), small, RandomData.validity(r, n, 0.1)),
                            HostValues.longs(DType.decimal128(38, 3), RandomDecimals.words(r, n),
                                    RandomData.validity(r, n, 0.1)));
                    List<Function<Device, Column>> uploads = new ArrayList<>();
                    values.forEach(v -> uploads.add(v::upload));
                    HostValues key = HostValues.ints(DType.INT32, keys, RandomData.validity(r, n, 0.05));
                    return HashAggConformance.runColumns(device, List.of(key::upload), uploads, List.of(
                            Aggregation.sumDecimal(0, 14), Aggregation.sumDecimal(0, 28),
                            Aggregation.sumDecimalMerge(0, 18), Aggregation.sumDecimal(1, 38),
                            Aggregation.sumDecimalMerge(1, 38), Aggregation.sumDecimal(1, 16)), 64);
                });
    }

    private static ConformanceCase averages() {
        return new LambdaCase("decimal average of decimal64 and decimal128 sums",
                Set.of(HashAggDecKernels.AVERAGE_DEC64, HashAggDecKernels.AVERAGE_DEC128),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    long[] counts = new long[n];
                    for (int i = 0; i < n; i++) {
                        counts[i] = switch (r.nextInt(8)) {
                            case 0 -> 0;
                            case 1 -> RandomData.longs(r, 1)[0];
                            case 2, 3 -> 2 << r.nextInt(20);
                            default -> 1 + r.nextInt(1000);
                        };
                    }
                    HostValues count = HostValues.longs(DType.INT64, counts, RandomData.validity(r, n, 0.05));
                    HostValues sum64 = HostValues.longs(DType.decimal64(18, 2), RandomData.longs(r, n),
                            RandomData.validity(r, n, 0.1));
                    HostValues sum128 = HostValues.longs(DType.decimal128(38, 6), RandomDecimals.words(r, n),
                            RandomData.validity(r, n, 0.1));
                    List<byte[]> out = new ArrayList<>();
                    List<Column> inputs = new ArrayList<>();
                    try {
                        Column c = count.upload(device);
                        inputs.add(c);
                        Column s64 = sum64.upload(device);
                        inputs.add(s64);
                        Column s128 = sum128.upload(device);
                        inputs.add(s128);
                        int[][] shapes = {{0, 18, 6}, {0, 38, 21}, {1, 38, 10}, {1, 18, 6}, {1, 38, 25}};
                        for (int[] shape : shapes) {
                            try (Column avg = DecimalAverage.average(device, shape[0] == 0 ? s64 : s128, c, shape[1],
                                    shape[2], device.defaultStream())) {
                                HostValues host = HostValues.download(avg);
                                out.add(host.data());
                                out.add(host.validity());
                            }
                        }
                    } finally {
                        Closeables.closeAll(inputs);
                    }
                    return out;
                });
    }
}
