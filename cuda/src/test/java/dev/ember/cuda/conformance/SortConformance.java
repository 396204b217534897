package dev.ember.cuda.conformance;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.PartitionKernels;
import dev.ember.cuda.kernel.ScanKernels;
import dev.ember.cuda.kernel.SortKernels;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.RadixSort;
import dev.ember.cuda.ops.SortKey;
import dev.ember.cuda.testing.DeviceStrings;
import dev.ember.cuda.testing.KeyRows;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomStrings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Conformance cases for {@code sort.cu}: each normalize kernel on its type's values (NaN payloads,
 * -0.0, infinities, integer extremes, non-0/1 booleans, DECIMAL128 words) with and without nulls, in
 * both directions, from the full range and from pools of a few values (so the OR accumulators show which
 * bytes vary), on grids of whole warps; the digit and null-digit steps with and without each map, at
 * every byte shift; the composition; and whole sorts ({@link RadixSort}) of one to three random key
 * columns of every type under every direction and null ordering. For STRING keys: the string word kernel
 * at byte offsets inside, at the end of and past the strings (shared prefixes, proper prefixes, 0x00 and
 * 0xff bytes, multi-byte UTF-8, empty strings, nulls, rows of up to 1,000 bytes), the tie bits, the rank
 * marks with and without previous ranks, and whole sorts of string keys alone and among other keys. The whole-sort cases
 * sort at most {@link #WHOLE_SORT_ROWS} rows whatever the size, the string kernels at most
 * {@link #STRING_ROWS}, to keep the simulator's time small.
 */
final class SortConformance {
    /** The most rows the whole-sort case sorts (its passes run the partition split many times). */
    static final int WHOLE_SORT_ROWS = 20_011;
    /** The most rows the string word, tie bit and rank mark cases take (the largest run's strings are large). */
    static final int STRING_ROWS = 100_003;

    private static final List<DType> KEY_TYPES = List.of(DType.BOOL8, DType.INT8, DType.INT16, DType.INT32,
            DType.INT64, DType.FLOAT32, DType.FLOAT64, DType.DATE32, DType.TIMESTAMP_US, DType.decimal64(18, 2),
            DType.decimal128(38, 10));
    private static final List<SortKey> SORT_KEYS = List.of(new SortKey(true, true), new SortKey(true, false),
            new SortKey(false, true), new SortKey(false, false));

    private SortConformance() {}

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        String[] names = {"bool8", "i8", "i16", "i32", "i64", "f32", "f64", "dec128"};
        int[] widths = {1, 1, 2, 4, 8, 4, 8, 16};
        for (int t = 0; t < names.length; t++) {
            cases.add(normalize(SortKernels.NORMALIZE.get(t), names[t], widths[t], names[t].startsWith("f")));
        }
        cases.add(digit(false));
        cases.add(digit(true));
        cases.add(compose());
        cases.add(wholeSort());
        cases.add(stringWord());
        cases.add(tieBits());
        cases.add(rankMarks());
        cases.add(wholeStringSort());
        return cases;
    }

    /** {@code n} values of {@code width} bytes with their type's special values, little-endian. */
    private static byte[] values(Random r, int width, int n, boolean floating) {
        ByteBuffer b = ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
        switch (width) {
            case 1 -> b.put(RandomData.bytes(r, n));
            case 2 -> b.asShortBuffer().put(RandomData.shorts(r, n));
            case 4 -> {
                if (floating) {
                    b.asFloatBuffer().put(RandomData.floats(r, n));
                } else {
                    b.asIntBuffer().put(RandomData.ints(r, n));
                }
            }
            case 8 -> {
                if (floating) {
                    b.asDoubleBuffer().put(RandomData.doubles(r, n));
                } else {
                    b.asLongBuffer().put(RandomData.longs(r, n));
                }
            }
            case 16 -> b.asLongBuffer().put(RandomData.longs(r, 2 * n));
            default -> throw new IllegalArgumentException("width " + width);
        }
        return b.array();
    }

    /** The values of {@code n} rows, half the time drawn from a pool of 1 to 3 of them. */
    private static byte[] keyValues(Random r, int width, int n, boolean floating) {
        byte[] all = values(r, width, n, floating);
        if (n == 0 || r.nextBoolean()) {
            return all;
        }
        int pool = 1 + r.nextInt(Math.min(3, n));
        byte[] out = new byte[all.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(all, r.nextInt(pool) * width, out, i * width, width);
        }
        return out;
    }

    /** A grid of whole warps: 1 to 3 blocks of 32 to 256 threads. */
    private static LaunchConfig warpGrid(Random r) {
        return LaunchConfig.linear(1 + r.nextInt(3), 32 * (1 + r.nextInt(8)));
    }

    private static ConformanceCase normalize(String kernel, String type, int width, boolean floating) {
        int words = width == 16 ? 2 : 1;
        return LambdaCase.of("sort normalize " + type, Set.of(kernel), (device, seed, n) -> {
            Random r = new Random(seed);
            Stream stream = device.defaultStream();
            List<byte[]> out = new ArrayList<>();
            for (int descending = 0; descending < 2; descending++) {
                long accBytes = (2L * words + 1) * 8;
                try (DeviceBuffer data = DeviceArrays.upload(device, keyValues(r, width, n, floating));
                        DeviceBuffer validity = LambdaCase.uploadValidityOrNull(device, r, n);
                        DeviceBuffer keys = device.allocate((long) words * n * 8);
                        DeviceBuffer acc = device.allocate(accBytes)) {
                    device.memset(acc.address(), (byte) 0, accBytes, stream);
                    device.kernel(kernel).launch(warpGrid(r), KernelArgs.create().ptr(keys.address())
                            .ptr(acc.address()).ptr(data.address()).ptr(LambdaCase.address(validity))
                            .i32(descending).i64(n), stream);
                    out.add(LambdaCase.bytes(keys));
                    out.add(LambdaCase.bytes(acc));
                }
            }
            return out;
        });
    }

    /** A random permutation of [0, n). */
    private static int[] permutation(Random r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            int j = r.nextInt(i + 1);
            p[i] = p[j];
            p[j] = i;
        }
        return p;
    }

    private static DeviceBuffer permutationOrNull(Device device, Random r, int n) {
        return r.nextInt(3) == 0 ? null : DeviceArrays.upload(device, permutation(r, n));
    }

    private static ConformanceCase digit(boolean nulls) {
        String kernel = nulls ? SortKernels.NULL_DIGIT : SortKernels.DIGIT;
        return LambdaCase.of(nulls ? "sort null digit" : "sort digit", Set.of(kernel), (device, seed, n) -> {
            Random r = new Random(seed);
            Stream stream = device.defaultStream();
            List<byte[]> out = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                try (DeviceBuffer permIn = permutationOrNull(device, r, n);
                        DeviceBuffer order = permutationOrNull(device, r, n);
                        DeviceBuffer source = nulls ? DeviceArrays.upload(device, RandomData.validity(r, n, 0.3))
                                : DeviceArrays.upload(device, RandomData.longs(r, n));
                        DeviceBuffer digits = device.allocate(n * 4L);
                        DeviceBuffer permOut = device.allocate(n * 4L)) {
                    KernelArgs args = KernelArgs.create().ptr(digits.address()).ptr(permOut.address())
                            .ptr(LambdaCase.address(permIn)).ptr(LambdaCase.address(order)).ptr(source.address());
                    int last = nulls ? r.nextInt(2) : 8 * r.nextInt(8) - (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
                    device.kernel(kernel).launch(LaunchConfig.gridStride(n, 1 + r.nextInt(4)),
                            args.i32(Math.max(0, last)).i64(n), stream);
                    out.add(LambdaCase.bytes(digits));
                    out.add(LambdaCase.bytes(permOut));
                }
            }
            return out;
        });
    }

    private static ConformanceCase compose() {
        return LambdaCase.of("sort compose", Set.of(SortKernels.COMPOSE), (device, seed, n) -> {
            Random r = new Random(seed);
            try (DeviceBuffer perm = DeviceArrays.upload(device, permutation(r, n));
                    DeviceBuffer order = DeviceArrays.upload(device, permutation(r, n));
                    DeviceBuffer out = device.allocate(n * 4L)) {
                device.kernel(SortKernels.COMPOSE).launch(LaunchConfig.gridStride(n, 1 + r.nextInt(4)),
                        KernelArgs.create().ptr(out.address()).ptr(perm.address()).ptr(order.address()).i64(n),
                        device.defaultStream());
                return List.of(LambdaCase.bytes(out));
            }
        });
    }

    /** Whole sorts: the normalize, digit, null-digit and compose kernels as the sort drives them. */
    private static ConformanceCase wholeSort() {
        Set<String> kernels = Set.of(SortKernels.DIGIT, SortKernels.NULL_DIGIT, SortKernels.COMPOSE,
                PartitionKernels.COUNT, PartitionKernels.ORDER, ScanKernels.SCAN_TILES_I32);
        return LambdaCase.of("sort whole radix sorts, one to three keys", kernels, (device, seed, n) -> {
            Random r = new Random(seed);
            int rows = Math.min(n, WHOLE_SORT_ROWS);
            List<byte[]> out = new ArrayList<>();
            // Two sorts: one key of a random type, then two or three keys with ties on the first.
            for (int columns : new int[] {1, 2 + r.nextInt(2)}) {
                List<DType> types = new ArrayList<>();
                List<SortKey> order = new ArrayList<>();
                for (int k = 0; k < columns; k++) {
                    types.add(KEY_TYPES.get(r.nextInt(KEY_TYPES.size())));
                    order.add(SORT_KEYS.get(r.nextInt(SORT_KEYS.size())));
                }
                KeyRows keyRows = KeyRows.random(r, types, rows);
                List<Column> keys = keyRows.upload(device);
                try (DeviceBuffer sorted = RadixSort.sortOrder(device, keys, order, device.defaultStream())) {
                    out.add(DeviceArrays.downloadBytes(sorted, 0, rows * 4));
                } finally {
                    Closeables.closeAll(keys);
                }
            }
            return out;
        });
    }

    /** Strings for a sort: half the time with prefixes shared up to 1,000 bytes, else short ones. */
    private static byte[][] sortStrings(Random r, int n) {
        return switch (r.nextInt(3)) {
            case 0 -> RandomStrings.utf8(r, n, r.nextInt(3) * 0.1, 8);
            case 1 -> RandomStrings.sortStrings(r, n, r.nextInt(3) * 0.1, 30);
            default -> RandomStrings.sortStrings(r, n, r.nextInt(3) * 0.1, n > 1_000 ? 100 : 1_000);
        };
    }

    private static ConformanceCase stringWord() {
        return LambdaCase.of("sort string word", Set.of(SortKernels.STRING_WORD), (device, seed, n) -> {
            Random r = new Random(seed);
            int rows = Math.min(n, STRING_ROWS);
            Stream stream = device.defaultStream();
            List<byte[]> out = new ArrayList<>();
            try (Column strings = DeviceStrings.column(device, sortStrings(r, rows));
                    DeviceBuffer keys = device.allocate(rows * 8L);
                    DeviceBuffer acc = device.allocate(16)) {
                // The first round, a later one, a random offset and one past every string.
                for (long start : new long[] {0, 7, r.nextInt(40), 2_000}) {
                    device.memset(acc.address(), (byte) 0, 16, stream);
                    device.kernel(SortKernels.STRING_WORD).launch(warpGrid(r), KernelArgs.create()
                            .ptr(keys.address()).ptr(acc.address()).ptr(strings.offsetsAddress())
                            .ptr(strings.dataAddress()).ptr(strings.validityAddress()).i64(start).i64(rows), stream);
                    out.add(LambdaCase.bytes(keys));
                    out.add(LambdaCase.bytes(acc));
                }
            }
            return out;
        });
    }

    private static ConformanceCase tieBits() {
        return LambdaCase.of("sort tie bits", Set.of(SortKernels.TIE_BITS), (device, seed, n) -> {
            Random r = new Random(seed);
            int rows = Math.min(n, STRING_ROWS);
            List<byte[]> out = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                // Words from a pool whose members differ in a few bits; equal ranks adjacent in the order
                // (as after a sort), in long runs, then in short ones; every third run holds one word.
                long base = r.nextLong();
                long[] pool = new long[1 + r.nextInt(4)];
                for (int k = 0; k < pool.length; k++) {
                    pool[k] = base ^ (1L << r.nextInt(64)) ^ (r.nextBoolean() ? 0 : 1L << r.nextInt(64));
                }
                int[] perm = permutation(r, rows);
                long[] words = new long[rows];
                int[] ranks = new int[rows];
                int run = r.nextInt(100);
                for (int p = 0; p < rows; p++) {
                    if (r.nextInt(round == 0 ? 20 : 2) == 0) {
                        run += 1 + r.nextInt(3);
                    }
                    ranks[perm[p]] = run;
                    words[perm[p]] = run % 3 == 0 ? pool[0] : pool[r.nextInt(pool.length)];
                }
                try (DeviceBuffer order = DeviceArrays.upload(device, perm);
                        DeviceBuffer keys = DeviceArrays.upload(device, words);
                        DeviceBuffer rank = DeviceArrays.upload(device, ranks);
                        DeviceBuffer bits = DeviceArrays.upload(device, new long[] {r.nextBoolean() ? 0 : 1L << 40})) {
                    device.kernel(SortKernels.TIE_BITS).launch(warpGrid(r), KernelArgs.create().ptr(bits.address())
                            .ptr(order.address()).ptr(rank.address()).ptr(keys.address()).i64(rows),
                            device.defaultStream());
                    out.add(LambdaCase.bytes(bits));
                }
            }
            return out;
        });
    }

    private static ConformanceCase rankMarks() {
        return LambdaCase.of("sort rank marks", Set.of(SortKernels.RANK_MARKS), (device, seed, n) -> {
            Random r = new Random(seed);
            int rows = Math.min(n, STRING_ROWS);
            List<byte[]> out = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                // Words from a small pool (ties), with low bytes below, at and above 8; ranks from a pool.
                long[] pool = new long[1 + r.nextInt(4)];
                for (int k = 0; k < pool.length; k++) {
                    pool[k] = (r.nextLong() & ~0xffL) | r.nextInt(round == 0 ? 9 : 256);
                }
                long[] words = new long[rows];
                int[] ranks = new int[rows];
                for (int i = 0; i < rows; i++) {
                    words[i] = pool[r.nextInt(pool.length)];
                    ranks[i] = r.nextInt(3);
                }
                try (DeviceBuffer order = DeviceArrays.upload(device, permutation(r, rows));
                        DeviceBuffer keys = DeviceArrays.upload(device, words);
                        DeviceBuffer rank = round == 0 ? null : DeviceArrays.upload(device, ranks);
                        DeviceBuffer marks = device.allocate(rows * 4L);
                        DeviceBuffer more = DeviceArrays.upload(device, new long[] {r.nextInt(5), r.nextInt(5)})) {
                    device.kernel(SortKernels.RANK_MARKS).launch(warpGrid(r), KernelArgs.create()
                            .ptr(marks.address()).ptr(more.address()).ptr(order.address())
                            .ptr(LambdaCase.address(rank)).ptr(keys.address()).i64(rows), device.defaultStream());
                    out.add(LambdaCase.bytes(marks));
                    out.add(LambdaCase.bytes(more));
                }
            }
            return out;
        });
    }

    /** Whole sorts with STRING keys: the string kernels as the ranking rounds drive them. */
    private static ConformanceCase wholeStringSort() {
        Set<String> kernels = Set.of(SortKernels.STRING_WORD, SortKernels.TIE_BITS, SortKernels.RANK_MARKS,
                SortKernels.NORMALIZE_I32, SortKernels.DIGIT,
                SortKernels.NULL_DIGIT, SortKernels.COMPOSE, PartitionKernels.COUNT, PartitionKernels.ORDER,
                ScanKernels.SCAN_TILES_I32);
        return LambdaCase.of("sort whole radix sorts with string keys", kernels, (device, seed, n) -> {
            Random r = new Random(seed);
            int rows = Math.min(n, WHOLE_SORT_ROWS);
            List<byte[]> out = new ArrayList<>();
            // A string key alone, then a string key with a fixed-width one (either first) and ties.
            for (int columns = 1; columns <= 2; columns++) {
                List<DType> types = new ArrayList<>();
                List<Object[]> values = new ArrayList<>();
                List<SortKey> order = new ArrayList<>();
                for (int k = 0; k < columns; k++) {
                    boolean string = k == 0 ? columns == 1 || r.nextBoolean() : types.get(0).id() != DType.TypeId.STRING;
                    DType type = string ? DType.STRING : KEY_TYPES.get(r.nextInt(KEY_TYPES.size()));
                    types.add(type);
                    values.add(string ? sortStrings(r, rows) : KeyRows.values(r, type, rows));
                    order.add(SORT_KEYS.get(r.nextInt(SORT_KEYS.size())));
                }
                List<Column> keys = KeyRows.of(types, values).upload(device);
                try (DeviceBuffer sorted = RadixSort.sortOrder(device, keys, order, device.defaultStream())) {
                    out.add(DeviceArrays.downloadBytes(sorted, 0, rows * 4));
                } finally {
                    Closeables.closeAll(keys);
                }
            }
            return out;
        });
    }
}
