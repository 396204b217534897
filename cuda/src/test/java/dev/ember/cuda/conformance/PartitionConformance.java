package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.column.Table;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.PartitionKernels;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.PartitionSplit;
import dev.ember.cuda.ops.PrefixSum;
import dev.ember.cuda.ops.RangePartition;
import dev.ember.cuda.ops.SortKey;
import dev.ember.cuda.testing.KeyRows;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Conformance cases for {@code partition.cu}: whole stable splits for 1, 2, 7, 200, 2,000 and 100,000
 * partitions and for more partitions than rows (shared-memory and global counters, one tile and many),
 * with uniform, skewed and run-length ids; the three split kernels launched directly on ids outside
 * {@code [0, P)}, which land in the extra bucket; and range partition ids for every key type alone and
 * for three-column keys with ties, under every direction and null ordering, with bounds drawn from the
 * rows (so rows equal to bounds) and from fresh values, from none to a few hundred bounds.
 */
final class PartitionConformance {
    private static final Set<String> SPLIT_KERNELS = Set.of(PartitionKernels.COUNT, PartitionKernels.OFFSETS,
            PartitionKernels.ORDER);
    private static final List<DType> KEY_TYPES = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32,
            DType.INT64, DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(18, 2),
            DType.decimal128(38, 10), DType.STRING);
    private static final List<SortKey> SORT_KEYS = List.of(new SortKey(true, true), new SortKey(true, false),
            new SortKey(false, true), new SortKey(false, false));

    private PartitionConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (int p : new int[] {1, 2, 7, 200, 2000, 100_000}) {
            cases.add(split("partition split " + p + " partitions", n -> p));
        }
        cases.add(split("partition split more partitions than rows", n -> n + 3));
        cases.add(invalidIds());
        cases.add(rangeEachType());
        cases.add(rangeThreeKeys());
        return cases;
    }

    /** Ids of {@code n} rows in {@code [0, p)}: uniform, one hot partition, and runs of equal ids, mixed. */
    private static int[] ids(Random r, int n, int p) {
        int[] out = new int[n];
        int hot = r.nextInt(p);
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            out[i] = kind < 4 ? hot : (kind < 6 && i > 0 ? out[i - 1] : r.nextInt(p));
        }
        return out;
    }

    private static ConformanceCase split(String name, IntUnaryOperator partitions) {
        return LambdaCase.of(name, SPLIT_KERNELS, (device, seed, n) -> {
            Random r = new Random(seed);
            int p = partitions.applyAsInt(n);
            try (DeviceBuffer pids = DeviceArrays.upload(device, ids(r, n, p));
                    PartitionSplit.Split split = PartitionSplit.split(device, pids.address(), n, p,
                            device.defaultStream())) {
                return List.of(DeviceArrays.downloadBytes(split.order(), 0, n * 4), intBytes(split.offsets()));
            }
        });
    }

    /**
     * The kernels on their own, as the split launches them, on ids of which about a tenth are outside
     * [0, P): the rows with such ids go to the extra bucket P, and nothing is written out of bounds.
     */
    private static ConformanceCase invalidIds() {
        return LambdaCase.of("partition split kernels with ids outside [0, P)", SPLIT_KERNELS, (device, seed, n) -> {
            Random r = new Random(seed);
            int p = 1 + r.nextInt(50);
            int[] ids = ids(r, n, p);
            int[] wrong = {-1, p, p + 1, Integer.MIN_VALUE, Integer.MAX_VALUE};
            for (int i = 0; i < n; i++) {
                if (r.nextInt(10) == 0) {
                    ids[i] = wrong[r.nextInt(wrong.length)];
                }
            }
            if (n == 0) {
                return List.of(new byte[0]);
            }
            Stream stream = device.defaultStream();
            long tileRows = PartitionKernels.tileRows(n, p);
            long tiles = PartitionKernels.tileCount(n, tileRows);
            long entries = (p + 1L) * tiles;
            LaunchConfig grid = LaunchConfig.linear((int) Math.min(tiles, 3), PartitionKernels.BLOCK_THREADS);
            try (DeviceBuffer pids = DeviceArrays.upload(device, ids);
                    DeviceBuffer order = device.allocate(n * 4L);
                    DeviceBuffer positions = device.allocate(entries * 4);
                    DeviceBuffer offsets = device.allocate((p + 2L) * 4)) {
                device.memset(positions.address(), (byte) 0, entries * 4, stream);
                device.kernel(PartitionKernels.COUNT).launch(grid, KernelArgs.create().ptr(positions.address())
                        .ptr(pids.address()).i32(p).i64(tileRows).i64(tiles).i64(n), stream);
                byte[] counts = DeviceArrays.downloadBytes(positions, 0, (int) entries * 4);
                PrefixSum.exclusiveSumInt(device, positions.address(), positions.address(), entries, stream);
                device.kernel(PartitionKernels.OFFSETS).launch(LaunchConfig.linear(2, 64), KernelArgs.create()
                        .ptr(offsets.address()).ptr(positions.address()).i32(p).i64(tiles).i64(n), stream);
                device.kernel(PartitionKernels.ORDER).launch(grid, KernelArgs.create().ptr(order.address())
                        .ptr(positions.address()).ptr(pids.address()).i32(p).i64(tileRows).i64(tiles).i64(n), stream);
                return List.of(counts, DeviceArrays.downloadBytes(offsets, 0, (p + 2) * 4),
                        DeviceArrays.downloadBytes(order, 0, n * 4),
                        DeviceArrays.downloadBytes(positions, 0, (int) entries * 4));
            }
        });
    }

    private static ConformanceCase rangeEachType() {
        return LambdaCase.of("partition range ids, one key of each type", Set.of(PartitionKernels.RANGE),
                (device, seed, n) -> {
                    Random r = new Random(seed);
                    List<byte[]> out = new ArrayList<>();
                    for (DType type : KEY_TYPES) {
                        List<SortKey> order = List.of(SORT_KEYS.get(r.nextInt(SORT_KEYS.size())));
                        out.add(rangeIds(device, r, List.of(type), order, n));
                    }
                    return out;
                });
    }

    private static ConformanceCase rangeThreeKeys() {
        List<List<DType>> keys = List.of(
                List.of(DType.STRING, DType.INT32, DType.FLOAT64),
                List.of(DType.BOOL8, DType.decimal128(38, 0), DType.STRING),
                List.of(DType.FLOAT32, DType.INT8, DType.TIMESTAMP_US),
                List.of(DType.DATE32, DType.decimal64(10, 3), DType.INT16));
        return LambdaCase.of("partition range ids, three keys", Set.of(PartitionKernels.RANGE), (device, seed, n) -> {
            Random r = new Random(seed);
            List<byte[]> out = new ArrayList<>();
            for (List<DType> types : keys) {
                List<SortKey> order = new ArrayList<>();
                for (int k = 0; k < types.size(); k++) {
                    order.add(SORT_KEYS.get(r.nextInt(SORT_KEYS.size())));
                }
                out.add(rangeIds(device, r, types, order, n));
            }
            return out;
        });
    }

    /**
     * Range ids of {@code n} random rows against bounds sampled from the rows and from fresh values,
     * sorted and made distinct under {@code order}.
     */
    private static byte[] rangeIds(Device device, Random r, List<DType> types, List<SortKey> order, int n) {
        KeyRows rows = KeyRows.random(r, types, n);
        int[] counts = {0, 1, 2, 15, 300};
        int sampled = n == 0 ? 0 : counts[r.nextInt(counts.length)];
        int[] picks = new int[sampled];
        for (int j = 0; j < sampled; j++) {
            picks[j] = r.nextInt(n);
        }
        KeyRows bounds = rows.select(picks).append(KeyRows.random(r, types, r.nextInt(20))).sortedDistinct(order);
        List<Column> keys = rows.upload(device);
        try (Table boundTable = bounds.uploadTable(device);
                DeviceBuffer pids = RangePartition.partitionIds(device, keys, order, boundTable,
                        device.defaultStream())) {
            return DeviceArrays.downloadBytes(pids, 0, n * 4);
        } finally {
            Closeables.closeAll(keys);
        }
    }

    private static byte[] intBytes(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return b.array();
    }
}
