package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.CompactKernels;
import dev.ember.cuda.kernel.ScanKernels;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream.Builder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestCompaction {
    private static final int TILE = CompactKernels.TILE;

    private final Device device = TestDevices.device();
    private final Stream stream = device.defaultStream();

    /** How the flags and the validity of a test input are made. */
    enum Pattern {
        RANDOM_NO_VALIDITY,
        RANDOM_WITH_NULLS,
        ALL_TRUE,
        ALL_FALSE,
        ALL_NULL,
        ALL_TRUE_SOME_NULL;

        byte[] flags(Random r, int n) {
            byte[] flags = new byte[n];
            switch (this) {
                case RANDOM_NO_VALIDITY, RANDOM_WITH_NULLS -> {
                    // About half false; true flags are any non-zero byte, negative ones included.
                    for (int i = 0; i < n; i++) {
                        flags[i] = r.nextBoolean() ? 0 : (byte) (1 + r.nextInt(255));
                    }
                }
                case ALL_TRUE, ALL_NULL, ALL_TRUE_SOME_NULL -> {
                    for (int i = 0; i < n; i++) {
                        flags[i] = (byte) (1 + r.nextInt(255));
                    }
                }
                case ALL_FALSE -> { }
            }
            return flags;
        }

        /** An Arrow bitmap of whole 64-bit words, or null for no validity. */
        byte[] validity(Random r, int n) {
            return switch (this) {
                case RANDOM_NO_VALIDITY, ALL_TRUE, ALL_FALSE -> null;
                case RANDOM_WITH_NULLS, ALL_TRUE_SOME_NULL -> RandomData.validity(r, n, 0.3);
                case ALL_NULL -> RandomData.validity(r, n, 1.0);
            };
        }
    }

    static java.util.stream.Stream<Arguments> cases() {
        Builder<Arguments> cases = java.util.stream.Stream.builder();
        for (int n : new int[] {0, 1, 31, 32, 33, 255, 256, 257, 1_000_003, TILE - 1, TILE, TILE + 1, TILE * TILE + 1}) {
            for (Pattern p : Pattern.values()) {
                cases.add(Arguments.of(n, p));
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} rows, {1}")
    @MethodSource("cases")
    void selectsExactlyTheTrueNonNullRowsInOrder(int n, Pattern pattern) {
        Random r = new Random(31L * n + pattern.ordinal());
        byte[] flags = pattern.flags(r, n);
        byte[] validity = pattern.validity(r, n);
        int[] expected = reference(flags, validity);
        try (DeviceBuffer flagBuf = DeviceArrays.upload(device, flags);
                DeviceBuffer validityBuf = validity == null ? null : DeviceArrays.upload(device, validity);
                Compaction.Selected selected = Compaction.selectedRows(device, flagBuf.address(),
                        validityBuf == null ? 0 : validityBuf.address(), n, stream)) {
            assertThat(selected.count()).isEqualTo(expected.length);
            assertThat(DeviceArrays.downloadInts(selected.indices(), 0, selected.count())).isEqualTo(expected);
        }
    }

    @Test
    void patternsCoverTheirExtremes() {
        int n = 1000;
        assertThat(reference(Pattern.ALL_TRUE.flags(new Random(1), n), null)).hasSize(n);
        assertThat(reference(Pattern.ALL_FALSE.flags(new Random(1), n), null)).isEmpty();
        Random r = new Random(2);
        assertThat(reference(Pattern.ALL_NULL.flags(r, n), Pattern.ALL_NULL.validity(r, n))).isEmpty();
    }

    @Test
    void ignoresFlagsAndValidityPastTheEnd() {
        int n = TILE + 3;
        byte[] flags = new byte[n + 64];
        Arrays.fill(flags, (byte) 1);
        byte[] validity = new byte[(n + 63) / 64 * 8];
        Arrays.fill(validity, (byte) -1);
        try (DeviceBuffer flagBuf = DeviceArrays.upload(device, flags); DeviceBuffer validityBuf = DeviceArrays.upload(device, validity);
                Compaction.Selected selected = Compaction.selectedRows(device, flagBuf.address(), validityBuf.address(), n, stream)) {
            assertThat(selected.count()).isEqualTo(n);
            assertThat(DeviceArrays.downloadInts(selected.indices(), 0, n)).isEqualTo(IntStream.range(0, n).toArray());
        }
    }

    @Test
    void bringsOnlyTheCountBackToTheHost() {
        int n = TILE * TILE + 1;
        byte[] flags = Pattern.RANDOM_NO_VALIDITY.flags(new Random(5), n);
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        try (DeviceBuffer flagBuf = DeviceArrays.upload(device, flags);
                Compaction.Selected selected = Compaction.selectedRows(counting, flagBuf.address(), 0, n, stream)) {
            assertThat(selected.count()).isEqualTo(reference(flags, null).length);
        }
        assertThat(counting.deviceToHostCopies()).isEqualTo(1);
        assertThat(counting.launches(CompactKernels.COUNT_BOOL8)).isEqualTo(1);
        assertThat(counting.launches(CompactKernels.INDICES_BOOL8)).isEqualTo(1);
        // TILE + 1 tile counts: two scan levels.
        assertThat(counting.launches(ScanKernels.SCAN_TILES_I32)).isEqualTo(2);
    }

    @Test
    void skipsTheIndexPassWhenNothingIsSelected() {
        int n = 3 * TILE;
        LaunchCountingDevice counting = new LaunchCountingDevice(device);
        try (DeviceBuffer flagBuf = DeviceArrays.upload(device, new byte[n]);
                Compaction.Selected selected = Compaction.selectedRows(counting, flagBuf.address(), 0, n, stream)) {
            assertThat(selected.count()).isZero();
            assertThat(selected.indices().size()).isZero();
        }
        assertThat(counting.launches(CompactKernels.INDICES_BOOL8)).isZero();
    }

    @Test
    void rejectsRowCountsThatIndicesCannotAddress() {
        assertThatThrownBy(() -> Compaction.selectedRows(device, 0, 0, Integer.MAX_VALUE + 1L, stream))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smaller batches");
        assertThatThrownBy(() -> Compaction.selectedRows(device, 0, 0, -1, stream))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tileGeometryMatchesTheCudaSource() throws IOException {
        Path source = Path.of("..", "gpu-kernels", "src", "main", "cuda", "kernels", "compact.cu");
        Assumptions.assumeTrue(Files.exists(source), "runs from the cuda module's directory, next to gpu-kernels");
        String text = Files.readString(source);
        assertThat(TestPrefixSum.constant(text, "COMPACT_BLOCK_THREADS")).isEqualTo(CompactKernels.BLOCK_THREADS);
        assertThat(TestPrefixSum.constant(text, "COMPACT_ITEMS_PER_THREAD")).isEqualTo(CompactKernels.ITEMS_PER_THREAD);
    }

    /** The selected rows by definition: flag non-zero and valid. */
    private static int[] reference(byte[] flags, byte[] validity) {
        return IntStream.range(0, flags.length)
                .filter(i -> flags[i] != 0 && RandomData.isValid(validity, i))
                .toArray();
    }
}
