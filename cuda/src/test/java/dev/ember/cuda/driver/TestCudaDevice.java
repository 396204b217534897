package dev.ember.cuda.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.cuda.CudaStatus;
import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.Devices;
import dev.ember.cuda.GpuOutOfMemoryError;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.emulated.EmulatedDevice;
import dev.ember.cuda.kernel.FillKernels;
import dev.ember.cuda.kernel.Kernel;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.ops.Fill;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.apache.arrow.memory.util.MemoryUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CUDA device on a real GPU; skipped, with the reason, where CUDA is not usable. */
class TestCudaDevice {
    private static final long LIMIT = 1L << 30;
    private static CudaDevice device;

    @BeforeAll
    static void open() {
        if (Devices.cudaStatus().usable()) {
            device = (CudaDevice) Devices.open(DeviceKind.CUDA, LIMIT).orElseThrow();
        }
    }

    /** Per test rather than per class, so every test is reported as skipped with the reason. */
    @BeforeEach
    void requireGpu() {
        CudaStatus status = Devices.cudaStatus();
        assumeTrue(device != null, () -> "no usable CUDA device: " + status.reason());
    }

    @AfterAll
    static void close() {
        if (device != null) {
            device.close();
        }
    }

    @Test
    void describesTheGpu() {
        assertThat(device.kind()).isEqualTo(DeviceKind.CUDA);
        assertThat(device.description()).contains("compute capability").contains("pool limit 1.0 GiB");
        assertThat(device.multiProcessorCount()).isPositive();
        assertThat(device.totalMemoryBytes()).isGreaterThan(LIMIT);
        assertThat(device.poolStats().limitBytes()).isEqualTo(LIMIT);
    }

    @Test
    void roundTripsThroughDeviceMemory() {
        long[] values = new Random(7).longs(100_003).toArray();
        try (DeviceBuffer buffer = DeviceArrays.upload(device, values)) {
            assertThat(device.poolStats().usedBytes()).isGreaterThanOrEqualTo(values.length * 8L);
            assertThat(DeviceArrays.downloadLongs(buffer, 0, values.length)).isEqualTo(values);
            assertThat(DeviceArrays.downloadLongs(buffer, 8 * 99_000L, 3))
                    .containsExactly(values[99_000], values[99_001], values[99_002]);
        }
    }

    @Test
    void copiesBetweenDeviceBuffersAndSetsBytes() {
        int[] values = {1, 2, 3, 4, 5, 6, 7, 8};
        try (DeviceBuffer src = DeviceArrays.upload(device, values);
                DeviceBuffer dst = device.allocate(32)) {
            device.memset(dst.address(), (byte) 0x7F, 32, device.defaultStream());
            device.copyDeviceToDevice(src.address(8), dst.address(4), 12, device.defaultStream());
            device.memset(dst.address(28), (byte) 0, 4, device.defaultStream());
            assertThat(DeviceArrays.downloadInts(dst, 0, 8))
                    .containsExactly(0x7F7F7F7F, 3, 4, 5, 0x7F7F7F7F, 0x7F7F7F7F, 0x7F7F7F7F, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 31, 257, 1_000_003})
    void fillKernelsWriteExactlyTheirElements(int n) {
        try (DeviceBuffer buffer = device.allocate(n * 8L + 8)) {
            Stream stream = device.defaultStream();
            device.memset(buffer.address(), (byte) 0x5A, n * 8L + 8, stream);
            Fill.fill(device, buffer.address(), n, 8, Double.doubleToRawLongBits(-0.0), stream);
            long[] longs = DeviceArrays.downloadLongs(buffer, 0, n + 1);
            long[] expected = new long[n + 1];
            Arrays.fill(expected, Long.MIN_VALUE);
            expected[n] = 0x5A5A5A5A5A5A5A5AL;
            assertThat(longs).isEqualTo(expected);

            Fill.fill(device, buffer.address(), n, 1, -7, stream);
            byte[] bytes = DeviceArrays.downloadBytes(buffer, 0, n + 1);
            byte[] expectedBytes = new byte[n + 1];
            Arrays.fill(expectedBytes, (byte) -7);
            // Byte n lies inside the int64 fill of -0.0 (bytes 00 .. 00 80): 0x80 where it is a value's top byte.
            expectedBytes[n] = n % 8 == 7 ? (byte) 0x80 : 0;
            assertThat(bytes).isEqualTo(expectedBytes);
        }
        try (DeviceBuffer sequence = Fill.sequenceInt(device, n, Integer.MAX_VALUE - 2, 3, device.defaultStream())) {
            int[] expected = new int[n];
            for (int i = 0; i < n; i++) {
                expected[i] = Integer.MAX_VALUE - 2 + 3 * i;
            }
            assertThat(DeviceArrays.downloadInts(sequence, 0, n)).isEqualTo(expected);
        }
    }

    @Test
    void kernelsAreCachedAndCheckTheirArguments() {
        Kernel kernel = device.kernel(FillKernels.FILL_I32);
        assertThat(device.kernel(FillKernels.FILL_I32)).isSameAs(kernel);
        assertThat(kernel.spec().name()).isEqualTo(FillKernels.FILL_I32);
        try (DeviceBuffer buffer = device.allocate(16)) {
            assertThatThrownBy(() -> kernel.launch(LaunchConfig.linear(1, 32),
                    KernelArgs.create().ptr(buffer.address()).i32(4).i32(1), device.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(FillKernels.FILL_I32);
        }
        assertThatThrownBy(() -> device.kernel("ember_no_such_kernel"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ember_no_such_kernel");
    }

    @Test
    void pinnedBuffersStageCopiesBothWays() {
        int bytes = (1 << 20) + 3;
        try (PinnedBuffer in = device.allocatePinned(bytes);
                PinnedBuffer out = device.allocatePinned(bytes);
                DeviceBuffer buffer = device.allocate(bytes);
                PinnedBuffer empty = device.allocatePinned(0)) {
            assertThat(empty.asByteBuffer().capacity()).isZero();
            ByteBuffer view = in.asByteBuffer();
            for (int i = 0; i < bytes; i++) {
                view.put(i, (byte) (i * 31 + 7));
            }
            device.copyHostToDevice(in.address(), buffer.address(), bytes, device.defaultStream());
            device.copyDeviceToHost(buffer.address(), out.address(), bytes, device.defaultStream());
            device.defaultStream().synchronize();
            assertThat(out.asByteBuffer()).isEqualTo(in.asByteBuffer());
        }
    }

    @Test
    void copiesFromMemoryThatIsNotPinned() {
        ByteBuffer host = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1024; i++) {
            host.putInt(i * 4, i * i);
        }
        ByteBuffer back = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
        try (DeviceBuffer buffer = device.allocate(4096)) {
            device.copyHostToDevice(MemoryUtil.getByteBufferAddress(host), buffer.address(), 4096, device.defaultStream());
            device.copyDeviceToHost(buffer.address(), MemoryUtil.getByteBufferAddress(back), 4096, device.defaultStream());
            device.defaultStream().synchronize();
        }
        assertThat(back).isEqualTo(host);
    }

    @Test
    void streamsOrderTheirOwnWork() {
        assertThat(device.defaultStream().handle()).isZero();
        int n = 1 << 20;
        Stream stream = device.createStream();
        DeviceBuffer outlivesItsStream;
        try (stream) {
            assertThat(stream.handle()).isNotZero();
            try (DeviceBuffer values = device.allocate(n * 8L, stream);
                    PinnedBuffer host = device.allocatePinned(n * 8L)) {
                Fill.fill(device, values.address(), n, 8, 0x0123456789ABCDEFL, stream);
                device.copyDeviceToHost(values.address(), host.address(), n * 8L, stream);
                stream.synchronize();
                long[] expected = new long[n];
                Arrays.fill(expected, 0x0123456789ABCDEFL);
                long[] actual = new long[n];
                host.asByteBuffer().asLongBuffer().get(actual);
                assertThat(actual).isEqualTo(expected);
            }
            outlivesItsStream = device.allocate(64, stream);
        }
        stream.close();
        long used = device.poolStats().usedBytes();
        outlivesItsStream.close();
        assertThat(device.poolStats().usedBytes()).isEqualTo(used - 64);
        assertThatThrownBy(stream::synchronize).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesStreamsOfOtherDevices() {
        try (EmulatedDevice other = EmulatedDevice.create(1 << 20)) {
            assertThatThrownBy(() -> device.allocate(8, other.defaultStream()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not belong to");
        }
    }

    @Test
    void theLimitAndTheGpuBothGiveGpuOutOfMemory() {
        long before = device.poolStats().usedBytes();
        assertThatThrownBy(() -> device.allocate(LIMIT + 1))
                .isInstanceOf(GpuOutOfMemoryError.class)
                .hasMessageContaining((LIMIT + 1) + " bytes")
                .hasMessageContaining("limit 1.0 GiB");
        assertThat(device.poolStats().usedBytes()).isEqualTo(before);

        try (Device unlimited = Devices.open(DeviceKind.CUDA, Long.MAX_VALUE).orElseThrow()) {
            long tooMuch = 2 * device.totalMemoryBytes();
            assertThatThrownBy(() -> unlimited.allocate(tooMuch))
                    .isInstanceOf(GpuOutOfMemoryError.class)
                    .hasMessageContaining(tooMuch + " bytes")
                    .hasMessageContaining("CUDA_ERROR_OUT_OF_MEMORY")
                    .hasMessageContaining("free of");
            assertThat(unlimited.poolStats().usedBytes()).isZero();
            try (DeviceBuffer small = unlimited.allocate(1 << 20)) {
                assertThat(small.address()).isNotZero();
            }
        }
        // The primary context is shared: closing the second device leaves this one working.
        try (DeviceBuffer buffer = DeviceArrays.upload(device, new int[] {42})) {
            assertThat(DeviceArrays.downloadInts(buffer, 0, 1)).containsExactly(42);
        }
    }

    @Test
    void buffersCanBeFreedOnAnyThread() throws InterruptedException {
        long before = device.poolStats().usedBytes();
        DeviceBuffer buffer = device.allocate(1 << 20);
        PinnedBuffer pinned = device.allocatePinned(1 << 16);
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                buffer.close();
                pinned.close();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.start();
        thread.join();
        assertThat(failure[0]).isNull();
        assertThat(device.poolStats().usedBytes()).isEqualTo(before);
        device.synchronize();
    }

    @Test
    void zeroByteAllocationsNeedNoMemory() {
        try (DeviceBuffer empty = device.allocate(0)) {
            assertThat(empty.size()).isZero();
            device.memset(empty.address(), (byte) 1, 0, device.defaultStream());
        }
    }
}
