package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.ScanKernels;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TestPrefixSum {
    private static final int TILE = ScanKernels.TILE;
    /** Guards the element past the end of every output: the scan must leave it alone. */
    private static final byte SENTINEL = 0x5A;

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    /** Around warps and blocks, a large odd size, and around tiles: TILE^2 + 1 needs three levels. */
    static IntStream sizes() {
        return IntStream.of(0, 1, 31, 32, 33, 255, 256, 257, 1_000_003, TILE - 1, TILE, TILE + 1, TILE * TILE + 1);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void scansRandomIntsOutOfPlace(int n) {
        int[] values = RandomData.ints(new Random(n), n);
        try (DeviceBuffer in = DeviceArrays.upload(device, values); DeviceBuffer out = sentinelBuffer(n + 1L, 4)) {
            int total = PrefixSum.exclusiveSumInt(device, in.address(), out.address(), n, stream);
            assertThat(total).isEqualTo(Arrays.stream(values).sum());
            assertThat(DeviceArrays.downloadInts(out, 0, n)).isEqualTo(referenceInts(values));
            assertThat(DeviceArrays.downloadBytes(out, n * 4L, 4)).containsOnly(SENTINEL);
            assertThat(DeviceArrays.downloadInts(in, 0, n)).isEqualTo(values);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void scansRandomLongsOutOfPlace(int n) {
        long[] values = RandomData.longs(new Random(n), n);
        try (DeviceBuffer in = DeviceArrays.upload(device, values); DeviceBuffer out = sentinelBuffer(n + 1L, 8)) {
            long total = PrefixSum.exclusiveSumLong(device, in.address(), out.address(), n, stream);
            assertThat(total).isEqualTo(Arrays.stream(values).sum());
            assertThat(DeviceArrays.downloadLongs(out, 0, n)).isEqualTo(referenceLongs(values));
            assertThat(DeviceArrays.downloadBytes(out, n * 8L, 8)).containsOnly(SENTINEL);
            assertThat(DeviceArrays.downloadLongs(in, 0, n)).isEqualTo(values);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void scansRandomIntsIntoLongsWithoutWrapping(int n) {
        int[] values = RandomData.ints(new Random(n), n);
        long[] widened = Arrays.stream(values).asLongStream().toArray();
        try (DeviceBuffer in = DeviceArrays.upload(device, values); DeviceBuffer out = sentinelBuffer(n + 1L, 8)) {
            long total = PrefixSum.exclusiveSumIntToLong(device, in.address(), out.address(), n, stream);
            assertThat(total).isEqualTo(Arrays.stream(widened).sum());
            assertThat(DeviceArrays.downloadLongs(out, 0, n)).isEqualTo(referenceLongs(widened));
            assertThat(DeviceArrays.downloadBytes(out, n * 8L, 8)).containsOnly(SENTINEL);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void scansInPlace(int n) {
        int[] ints = RandomData.ints(new Random(-n), n);
        long[] longs = RandomData.longs(new Random(-n), n);
        try (DeviceBuffer intBuf = DeviceArrays.upload(device, ints); DeviceBuffer longBuf = DeviceArrays.upload(device, longs)) {
            assertThat(PrefixSum.exclusiveSumInt(device, intBuf.address(), intBuf.address(), n, stream))
                    .isEqualTo(Arrays.stream(ints).sum());
            assertThat(PrefixSum.exclusiveSumLong(device, longBuf.address(), longBuf.address(), n, stream))
                    .isEqualTo(Arrays.stream(longs).sum());
            assertThat(DeviceArrays.downloadInts(intBuf, 0, n)).isEqualTo(referenceInts(ints));
            assertThat(DeviceArrays.downloadLongs(longBuf, 0, n)).isEqualTo(referenceLongs(longs));
        }
    }

    @Test
    void sumsWrapAroundLikeJava() {
        int n = 3 * TILE + 5;
        int[] ints = new int[n];
        Arrays.fill(ints, Integer.MAX_VALUE);
        long[] longs = new long[n];
        Arrays.fill(longs, Long.MIN_VALUE + 3);
        try (DeviceBuffer intBuf = DeviceArrays.upload(device, ints); DeviceBuffer longBuf = DeviceArrays.upload(device, longs);
                DeviceBuffer wide = device.allocate(n * 8L)) {
            assertThat(PrefixSum.exclusiveSumIntToLong(device, intBuf.address(), wide.address(), n, stream))
                    .isEqualTo((long) n * Integer.MAX_VALUE);
            assertThat(PrefixSum.exclusiveSumInt(device, intBuf.address(), intBuf.address(), n, stream))
                    .isEqualTo(n * Integer.MAX_VALUE);
            assertThat(PrefixSum.exclusiveSumLong(device, longBuf.address(), longBuf.address(), n, stream))
                    .isEqualTo(n * (Long.MIN_VALUE + 3));
            int[] scannedInts = DeviceArrays.downloadInts(intBuf, 0, n);
            long[] scannedLongs = DeviceArrays.downloadLongs(longBuf, 0, n);
            long[] scannedWide = DeviceArrays.downloadLongs(wide, 0, n);
            for (int i = 0; i < n; i++) {
                assertThat(scannedInts[i]).as("int sum before %d", i).isEqualTo(i * Integer.MAX_VALUE);
                assertThat(scannedLongs[i]).as("long sum before %d", i).isEqualTo(i * (Long.MIN_VALUE + 3));
                assertThat(scannedWide[i]).as("widened sum before %d", i).isEqualTo((long) i * Integer.MAX_VALUE);
            }
        }
    }

    @Test
    void zerosScanToZeros() {
        int n = TILE * 5 + 7;
        try (DeviceBuffer in = DeviceArrays.upload(device, new long[n]); DeviceBuffer out = sentinelBuffer(n, 8)) {
            assertThat(PrefixSum.exclusiveSumLong(device, in.address(), out.address(), n, stream)).isZero();
            assertThat(DeviceArrays.downloadLongs(out, 0, n)).containsOnly(0L);
        }
    }

    @Test
    void scansTileTotalsRecursivelyOneLevelPerTileFactor() {
        assertLevels(1, 1, 0);
        assertLevels(TILE, 1, 0);
        assertLevels(TILE + 1, 2, 1);
        assertLevels(TILE * TILE, 2, 1);
        assertLevels(TILE * TILE + 1, 3, 2);
    }

    private void assertLevels(int n, int scans, int offsetPasses) {
        int[] ones = new int[n];
        Arrays.fill(ones, 1);
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        try (DeviceBuffer buf = DeviceArrays.upload(device, ones)) {
            assertThat(PrefixSum.exclusiveSumInt(counting, buf.address(), buf.address(), n, stream)).isEqualTo(n);
            assertThat(DeviceArrays.downloadInts(buf, 0, n)).isEqualTo(IntStream.range(0, n).toArray());
        }
        assertThat(counting.launches(ScanKernels.SCAN_TILES_I32)).as("tile scans of %d elements", n).isEqualTo(scans);
        assertThat(counting.launches(ScanKernels.ADD_OFFSETS_I32)).as("offset passes of %d elements", n)
                .isEqualTo(offsetPasses);
        assertThat(counting.deviceToHostCopies()).as("copies of the total to the host").isEqualTo(1);
    }

    @Test
    void emptyInputLaunchesNothing() {
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        assertThat(PrefixSum.exclusiveSumLong(counting, 0, 0, 0, stream)).isZero();
        assertThat(counting.launches(ScanKernels.SCAN_TILES_I64)).isZero();
        assertThat(counting.deviceToHostCopies()).isZero();
    }

    @Test
    void rejectsNegativeCounts() {
        assertThatThrownBy(() -> PrefixSum.exclusiveSumInt(device, 0, 0, -1, stream))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void emulationRejectsALaunchThatDoesNotCoverEveryTile() {
        Device emulated = TestDevices.emulated();
        int n = TILE + 1;
        try (DeviceBuffer in = emulated.allocate(n * 4L); DeviceBuffer out = emulated.allocate(n * 4L);
                DeviceBuffer totals = emulated.allocate(8)) {
            KernelArgs args = KernelArgs.create().ptr(in.address()).ptr(out.address()).ptr(totals.address()).i64(n);
            assertThatThrownBy(() -> emulated.kernel(ScanKernels.SCAN_TILES_I32)
                            .launch(LaunchConfig.linear(1, ScanKernels.BLOCK_THREADS), args, emulated.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2 blocks of 256 threads");
            assertThatThrownBy(() -> emulated.kernel(ScanKernels.SCAN_TILES_I32)
                            .launch(LaunchConfig.linear(2, 128), args, emulated.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void emulationRejectsAWideningScanInPlace() {
        Device emulated = TestDevices.emulated();
        try (DeviceBuffer buf = emulated.allocate(16 * 8L)) {
            assertThatThrownBy(() -> PrefixSum.exclusiveSumIntToLong(emulated, buf.address(), buf.address(), 16,
                            emulated.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("overlap");
        }
    }

    @Test
    void tileGeometryMatchesTheCudaSource() throws IOException {
        Path source = Path.of("..", "gpu-kernels", "src", "main", "cuda", "kernels", "scan.cu");
        Assumptions.assumeTrue(Files.exists(source), "runs from the cuda module's directory, next to gpu-kernels");
        String text = Files.readString(source);
        assertThat(constant(text, "SCAN_BLOCK_THREADS")).isEqualTo(ScanKernels.BLOCK_THREADS);
        assertThat(constant(text, "SCAN_ITEMS_PER_THREAD")).isEqualTo(ScanKernels.ITEMS_PER_THREAD);
    }

    static int constant(String source, String name) {
        Matcher m = Pattern.compile("constexpr int " + name + " = (\\d+);").matcher(source);
        assertThat(m.find()).as("%s is defined in the CUDA source", name).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private DeviceBuffer sentinelBuffer(long elements, int width) {
        DeviceBuffer buf = device.allocate(elements * width, stream);
        device.memset(buf.address(), SENTINEL, elements * width, stream);
        return buf;
    }

    /** The exclusive prefix sum, by its definition. */
    private static int[] referenceInts(int[] values) {
        int[] out = new int[values.length];
        int sum = 0;
        for (int i = 0; i < values.length; i++) {
            out[i] = sum;
            sum += values[i];
        }
        return out;
    }

    private static long[] referenceLongs(long[] values) {
        long[] out = new long[values.length];
        long sum = 0;
        for (int i = 0; i < values.length; i++) {
            out[i] = sum;
            sum += values[i];
        }
        return out;
    }
}
