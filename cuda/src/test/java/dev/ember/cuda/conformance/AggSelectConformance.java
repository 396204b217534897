package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.AggSelectKernels;
import dev.ember.cuda.kernel.HashAggKernels;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.AggSelect;
import dev.ember.cuda.ops.HashAggregate;
import dev.ember.cuda.ops.HashAggregate.Aggregation;
import dev.ember.cuda.ops.HashAggregate.Kind;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.RandomStrings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Conformance cases for {@code aggselect.cu}: the selected rows of every kernel on random slots with
 * a hot slot (many threads racing on one state), and whole hash aggregations with every row-selecting
 * kind over STRING, DECIMAL128 and FLOAT64 values. Selections do not depend on the thread order, so
 * the bytes must match the emulation's.
 */
final class AggSelectConformance {
    private static final Set<String> ALL = Set.of(AggSelectKernels.FIRST, AggSelectKernels.LAST,
            AggSelectKernels.MIN_STRING, AggSelectKernels.MAX_STRING, AggSelectKernels.MIN_DEC128,
            AggSelectKernels.MAX_DEC128, AggSelectKernels.ROWS);

    private AggSelectConformance() {}

    static List<ConformanceCase> cases() {
        return List.of(selectedRows(), hashAggregate());
    }

    private static ConformanceCase selectedRows() {
        return new LambdaCase("aggselect rows of every kernel, random slots with a hot slot", ALL,
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    int capacity = Math.max(1, n / 8);
                    int[] rowSlot = new int[n];
                    for (int i = 0; i < n; i++) {
                        int p = r.nextInt(10);
                        rowSlot[i] = p == 0 ? -1 : p < 5 ? 0 : r.nextInt(capacity);
                    }
                    int[] groupSlots = new int[capacity];
                    for (int g = 0; g < capacity; g++) {
                        groupSlots[g] = capacity - 1 - g;
                    }
                    List<byte[]> out = new ArrayList<>();
                    try (DeviceBuffer slots = DeviceArrays.upload(device, rowSlot);
                            DeviceBuffer groups = DeviceArrays.upload(device, groupSlots);
                            DeviceBuffer mask = DeviceArrays.upload(device, RandomData.validity(r, n, 0.5));
                            Column strings = DeviceStrings.column(device, RandomStrings.utf8(r, n, 0.1, 6));
                            Column decimals = decimals(device, r, n)) {
                        for (AggSelect.Rule rule : AggSelect.Rule.values()) {
                            List<Column> values = rule == AggSelect.Rule.FIRST || rule == AggSelect.Rule.LAST
                                    ? java.util.Collections.singletonList(null) : List.of(strings, decimals);
                            for (Column value : values) {
                                long rowMask = value == null ? mask.address() : 0;
                                try (DeviceBuffer rows = AggSelect.selectRows(device, rule, value, rowMask,
                                        slots.address(), n, capacity, groups.address(), capacity,
                                        device.defaultStream())) {
                                    out.add(DeviceArrays.downloadBytes(rows, 0, capacity * 4));
                                }
                            }
                        }
                    }
                    return out;
                });
    }

    private static ConformanceCase hashAggregate() {
        Set<String> kernels = new java.util.HashSet<>(ALL);
        kernels.add(HashAggKernels.INSERT);
        kernels.add(HashAggKernels.MARK_FIRST);
        return new LambdaCase("hash aggregate int32 keys, every row-selecting kind over string, decimal128, f64",
                Set.copyOf(kernels), (device, seed, n) -> {
                    Random r = new Random(seed);
                    List<Column> keys = new ArrayList<>();
                    List<Column> values = new ArrayList<>();
                    try {
                        keys.add(HostValues.ints(DType.INT32, RandomData.intsBelow(r, n, Math.max(1, n / 32)),
                                RandomData.validity(r, n, 0.05)).upload(device));
                        values.add(DeviceStrings.column(device, RandomStrings.utf8(r, n, 0.2, 8)));
                        values.add(decimals(device, r, n));
                        values.add(HostValues.doubles(RandomData.doubles(r, n), RandomData.validity(r, n, 0.2))
                                .upload(device));
                        values.add(HostValues.of(DType.BOOL8, RandomData.bytes(r, n), RandomData.validity(r, n, 0.3))
                                .upload(device));
                        List<Aggregation> aggs = new ArrayList<>();
                        for (int c = 0; c < 3; c++) {
                            for (Kind kind : List.of(Kind.FIRST, Kind.LAST, Kind.FIRST_NON_NULL, Kind.LAST_NON_NULL)) {
                                aggs.add(new Aggregation(kind, c));
                            }
                            aggs.add(new Aggregation(Kind.FIRST_WHERE, c, 3));
                            aggs.add(new Aggregation(Kind.LAST_WHERE, c, 3));
                        }
                        for (int c = 0; c < 2; c++) {
                            aggs.add(Aggregation.min(c));
                            aggs.add(Aggregation.max(c));
                        }
                        try (HashAggregate.Result result = HashAggregate.aggregate(device, keys, values, aggs,
                                device.defaultStream())) {
                            List<byte[]> out = new ArrayList<>();
                            for (Column c : result.table().columns()) {
                                out.addAll(bytes(c));
                            }
                            return out;
                        }
                    } finally {
                        Closeables.closeAll(keys);
                        Closeables.closeAll(values);
                    }
                });
    }

    /** A DECIMAL128 column of random values (extremes included), 20% null. */
    private static Column decimals(Device device, Random r, int n) {
        long[] words = RandomDecimals.words(r, n);
        ByteBuffer b = ByteBuffer.allocate(n * 16).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(words);
        return HostValues.of(DType.decimal128(38, 6), b.array(), RandomData.validity(r, n, 0.2)).upload(device);
    }

    /** A column's buffers as bytes: offsets, chars and validity for STRING, data and validity otherwise. */
    private static List<byte[]> bytes(Column c) {
        if (c.type().id() == DType.TypeId.STRING) {
            int n = Math.toIntExact(c.rowCount());
            int[] offsets = DeviceStrings.offsets(c);
            ByteBuffer o = ByteBuffer.allocate(offsets.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            o.asIntBuffer().put(offsets);
            byte[] validity = c.hasValidity()
                    ? DeviceArrays.downloadBytes(c.validity(), 0, (n + 63) / 64 * 8) : new byte[0];
            return List.of(o.array(), DeviceArrays.downloadBytes(c.data(), 0, Math.toIntExact(c.dataBytes())),
                    validity);
        }
        HostValues host = HostValues.download(c);
        return List.of(host.data(), host.validity() == null ? new byte[0] : host.validity());
    }
}
