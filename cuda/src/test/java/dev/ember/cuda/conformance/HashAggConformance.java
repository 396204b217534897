package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.HashAggKernels;
import dev.ember.cuda.ops.HashAggregate;
import dev.ember.cuda.ops.HashAggregate.Aggregation;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.RandomStrings;
import dev.ember.cuda.memory.Closeables;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Conformance cases for {@code hashagg.cu}: whole aggregations, compared on their results (groups in
 * the order of their first row, which does not depend on where threads put groups in the table).
 * Floating-point SUM inputs are multiples of 0.5 below 2^19 (plus NaN, infinities and -0.0), whose
 * double sums are exact in any order, so the GPU's atomic addition order cannot change the bytes.
 */
final class HashAggConformance {
    /** Value columns of the all-aggregations case, in order. */
    private static final List<DType> VALUE_TYPES = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32,
            DType.INT64, DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(12, 2));

    private HashAggConformance() {}

    static List<ConformanceCase> cases() {
        return List.of(everyAggregation(), growingTable(), stringAndDecimal128Keys());
    }

    private static ConformanceCase everyAggregation() {
        Set<String> kernels = new HashSet<>();
        kernels.add(HashAggKernels.INSERT);
        kernels.add(HashAggKernels.MARK_FIRST);
        kernels.add(HashAggKernels.COUNT);
        kernels.add(HashAggKernels.EMIT_SUM_F64);
        kernels.add(HashAggKernels.NORMALIZE_F32);
        kernels.add(HashAggKernels.NORMALIZE_F64);
        HashAggKernels.SUM_TYPES.forEach(t -> kernels.add(HashAggKernels.sum(t)));
        HashAggKernels.MIN_MAX_TYPES.forEach(t -> kernels.add(HashAggKernels.min(t)));
        HashAggKernels.MIN_MAX_TYPES.forEach(t -> kernels.add(HashAggKernels.max(t)));
        HashAggKernels.EMIT_TYPES.forEach(t -> kernels.add(HashAggKernels.emit(t)));
        return new LambdaCase("hash aggregate int32+f64+f32 keys, every aggregation and type", Set.copyOf(kernels),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    List<HostValues> keys = List.of(
                            HostValues.ints(DType.INT32, RandomData.intsBelow(r, n, Math.max(1, n / 64)),
                                    RandomData.validity(r, n, 0.1)),
                            HostValues.doubles(pick(r, n, new double[] {0.0, -0.0, Double.NaN,
                                Double.longBitsToDouble(0xfff8000000000001L), 1.5, Double.POSITIVE_INFINITY}),
                                    RandomData.validity(r, n, 0.1)),
                            HostValues.floats(pickFloats(r, n), RandomData.validity(r, n, 0.1)));
                    List<HostValues> values = values(r, n);
                    List<Aggregation> aggs = new ArrayList<>();
                    aggs.add(Aggregation.countAll());
                    aggs.add(Aggregation.count(0));
                    for (int c = 1; c <= 6; c++) {
                        aggs.add(Aggregation.sum(c));
                    }
                    for (int c = 0; c < VALUE_TYPES.size(); c++) {
                        aggs.add(Aggregation.min(c));
                        aggs.add(Aggregation.max(c));
                    }
                    return run(device, keys, values, aggs, 1024);
                });
    }

    private static ConformanceCase growingTable() {
        return new LambdaCase("hash aggregate int64 keys, table grown from one expected group",
                Set.of(HashAggKernels.INSERT, HashAggKernels.MARK_FIRST, HashAggKernels.COUNT, HashAggKernels.sum("i64"),
                        HashAggKernels.max("f64"), HashAggKernels.emit("i64"), HashAggKernels.emit("f64")),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    long[] keys = new long[n];
                    for (int i = 0; i < n; i++) {
                        keys[i] = r.nextInt(Math.max(1, n / 2)) * 0x1_0000_0001L;
                    }
                    List<HostValues> values = List.of(
                            HostValues.longs(DType.INT64, RandomData.longs(r, n), RandomData.validity(r, n, 0.2)),
                            HostValues.doubles(RandomData.doubles(r, n), RandomData.validity(r, n, 0.2)));
                    return run(device, List.of(HostValues.longs(DType.INT64, keys, RandomData.validity(r, n, 0.05))),
                            values, List.of(Aggregation.countAll(), Aggregation.sum(0), Aggregation.max(1)), 1);
                });
    }

    private static ConformanceCase stringAndDecimal128Keys() {
        return new LambdaCase("hash aggregate string+decimal128+string keys, validity flags",
                Set.of(HashAggKernels.INSERT, HashAggKernels.MARK_FIRST, HashAggKernels.COUNT,
                        HashAggKernels.EMIT_ANY_VALID, HashAggKernels.EMIT_NONE_VALID, HashAggKernels.sum("i64"),
                        HashAggKernels.emit("i64")),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    // Few distinct values per key column so that rows share groups.
                    byte[][] pool = RandomStrings.utf8(r, 40, 0.05, 30);
                    pool[0] = "a shared prefix that is longer than one 64-bit word, then: x".getBytes();
                    pool[1] = "a shared prefix that is longer than one 64-bit word, then: y".getBytes();
                    byte[][] strings = new byte[n][];
                    byte[][] small = new byte[n][];
                    long[] decimals = new long[2 * n];
                    long[] decimalPool = RandomDecimals.words(r, 12);
                    for (int i = 0; i < n; i++) {
                        strings[i] = pool[r.nextInt(pool.length)];
                        small[i] = r.nextInt(8) == 0 ? null : new byte[r.nextInt(3)];
                        int d = r.nextInt(12);
                        decimals[2 * i] = decimalPool[2 * d];
                        decimals[2 * i + 1] = decimalPool[2 * d + 1];
                    }
                    HostValues dec = HostValues.longs(DType.decimal128(38, 4), decimals, RandomData.validity(r, n, 0.1));
                    List<Function<Device, Column>> keys = List.of(d -> DeviceStrings.column(d, strings), dec::upload,
                            d -> DeviceStrings.column(d, small));
                    byte[][] stringValues = RandomStrings.utf8(r, n, 0.5, 4);
                    HostValues longs = HostValues.longs(DType.INT64, RandomData.longs(r, n), RandomData.validity(r, n, 0.7));
                    List<Function<Device, Column>> values = List.of(d -> DeviceStrings.column(d, stringValues),
                            longs::upload);
                    return runColumns(device, keys, values, List.of(Aggregation.countAll(), Aggregation.count(0),
                            Aggregation.anyValid(0), Aggregation.noneValid(0), Aggregation.anyValid(1),
                            Aggregation.noneValid(1), Aggregation.sum(1)), 4);
                });
    }

    /** Random values per {@link #VALUE_TYPES}, 20% null; floats are exact-sum multiples of 0.5. */
    static List<HostValues> values(Random r, int n) {
        List<HostValues> values = new ArrayList<>();
        values.add(HostValues.of(DType.BOOL8, RandomData.bytes(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.of(DType.INT8, RandomData.bytes(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.shorts(RandomData.shorts(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.ints(DType.INT32, RandomData.ints(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.longs(DType.INT64, RandomData.longs(r, n), RandomData.validity(r, n, 0.2)));
        double[] exact = exactDoubles(r, n);
        float[] exactFloats = new float[n];
        for (int i = 0; i < n; i++) {
            exactFloats[i] = (float) exact[(i * 7 + 3) % n];
        }
        values.add(HostValues.floats(exactFloats, RandomData.validity(r, n, 0.2)));
        values.add(HostValues.doubles(exact, RandomData.validity(r, n, 0.2)));
        values.add(HostValues.ints(DType.DATE32, RandomData.ints(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.longs(DType.TIMESTAMP_US, RandomData.longs(r, n), RandomData.validity(r, n, 0.2)));
        values.add(HostValues.longs(DType.decimal64(12, 2), RandomData.longs(r, n), RandomData.validity(r, n, 0.2)));
        return values;
    }

    /** Multiples of 0.5 in (-2^19, 2^19) and a few NaN, infinities and -0.0: double sums are exact. */
    static double[] exactDoubles(Random r, int n) {
        double[] specials = {Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L), Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, -0.0, 0.0};
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(50) == 0 ? specials[r.nextInt(specials.length)] : (r.nextInt(1 << 20) - (1 << 19)) * 0.5;
        }
        return out;
    }

    private static double[] pick(Random r, int n, double[] choices) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = choices[r.nextInt(choices.length)];
        }
        return out;
    }

    private static float[] pickFloats(Random r, int n) {
        float[] choices = {0.0f, -0.0f, Float.NaN, Float.intBitsToFloat(0x7fc00001), 2.5f};
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = choices[r.nextInt(choices.length)];
        }
        return out;
    }

    /** The result's columns as data and validity bytes. */
    private static List<byte[]> run(Device device, List<HostValues> keys, List<HostValues> values,
            List<Aggregation> aggs, long expectedGroups) {
        List<Function<Device, Column>> keyUploads = new ArrayList<>();
        List<Function<Device, Column>> valueUploads = new ArrayList<>();
        keys.forEach(k -> keyUploads.add(k::upload));
        values.forEach(v -> valueUploads.add(v::upload));
        return runColumns(device, keyUploads, valueUploads, aggs, expectedGroups);
    }

    /** The result's columns as bytes: fixed width data and validity; STRING offsets, bytes and validity. */
    static List<byte[]> runColumns(Device device, List<Function<Device, Column>> keys,
            List<Function<Device, Column>> values, List<Aggregation> aggs, long expectedGroups) {
        List<Column> keyColumns = new ArrayList<>();
        List<Column> valueColumns = new ArrayList<>();
        try {
            keys.forEach(k -> keyColumns.add(k.apply(device)));
            values.forEach(v -> valueColumns.add(v.apply(device)));
            try (HashAggregate.Result result = HashAggregate.aggregate(device, keyColumns, valueColumns, aggs,
                    expectedGroups, device.defaultStream())) {
                List<byte[]> out = new ArrayList<>();
                for (Column c : result.table().columns()) {
                    if (c.type().id() == DType.TypeId.STRING) {
                        int rows = Math.toIntExact(c.rowCount());
                        out.add(DeviceArrays.downloadBytes(c.offsets(), 0, (rows + 1) * 4));
                        out.add(DeviceArrays.downloadBytes(c.data(), 0, Math.toIntExact(c.dataBytes())));
                        out.add(c.hasValidity() ? DeviceArrays.downloadBytes(c.validity(), 0, (rows + 63) / 64 * 8)
                                : new byte[0]);
                        continue;
                    }
                    HostValues host = HostValues.download(c);
                    out.add(host.data());
                    out.add(host.validity() == null ? new byte[0] : host.validity());
                }
                return out;
            }
        } finally {
            Closeables.closeAll(keyColumns);
            Closeables.closeAll(valueColumns);
        }
    }
}
