package dev.ember.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.ember.cuda.driver.JCudaNatives;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TestDevicesSelection {
    @Test
    void detectionIsRememberedAndNeverThrows() {
        CudaStatus first = Devices.cudaStatus();
        for (int i = 0; i < 3; i++) {
            assertThat(Devices.cudaStatus()).isSameAs(first);
        }
        assertThat(first.description()).isNotBlank();
        assertThat(first.usable()).isEqualTo(first.reason().isEmpty());
        assertThat(first.deviceCount()).isNotNegative();
    }

    @Test
    void withoutAGpuTheReasonSaysWhy() {
        CudaStatus status = Devices.cudaStatus();
        assumeFalse(status.usable(), "CUDA is usable here");
        assertThat(status.reason()).containsAnyOf("libcuda", "driver", "nvcc", "compute capability", "memory pools");
        assertThat(status.toString()).contains(status.reason());
        if (!JCudaNatives.loaded()) {
            assertThat(status.deviceCount()).isZero();
            assertThat(status.reason()).contains("libcuda.so.1").contains("NVIDIA driver");
        }
    }

    @Test
    void withoutAGpuAutoGivesNothing() {
        assumeFalse(Devices.cudaStatus().usable(), "CUDA is usable here");
        assertThat(Devices.open(DeviceKind.AUTO, 1 << 20)).isEmpty();
        assertThat(Devices.open(DeviceKind.AUTO, 1, 1 << 20)).isEmpty();
    }

    @Test
    void withoutAGpuCudaFailsWithTheReason() {
        CudaStatus status = Devices.cudaStatus();
        assumeFalse(status.usable(), "CUDA is usable here");
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> Devices.open(DeviceKind.CUDA, 1 << 20))
                    .isInstanceOf(DeviceUnavailableException.class)
                    .hasMessageContaining("the CUDA device was requested, but CUDA is not usable")
                    .hasMessageContaining(status.reason());
        }
    }

    @Test
    void emulatedAlwaysOpens() {
        Optional<Device> opened = Devices.open(DeviceKind.EMULATED, 5, 1 << 20);
        assertThat(opened).isPresent();
        try (Device device = opened.get()) {
            assertThat(device.kind()).isEqualTo(DeviceKind.EMULATED);
            assertThat(device.poolStats().limitBytes()).isEqualTo(1 << 20);
            try (DeviceBuffer buffer = device.allocate(1 << 20)) {
                assertThat(buffer.size()).isEqualTo(1 << 20);
            }
            assertThatThrownBy(() -> device.allocate((1 << 20) + 1)).isInstanceOf(GpuOutOfMemoryError.class);
        }
    }

    @ParameterizedTest
    @EnumSource(DeviceKind.class)
    void rejectsPoolLimitsThatAreNotPositive(DeviceKind kind) {
        for (long limit : new long[] {0, -1, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> Devices.open(kind, limit))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pool limit must be a positive number of bytes, got " + limit);
        }
        assertThatThrownBy(() -> Devices.open(kind, -1, 1 << 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ordinals start at 0");
    }

    @Test
    void statusKeepsReasonAndUsabilityConsistent() {
        assertThat(CudaStatus.usable(1, "GPU").reason()).isEmpty();
        assertThatThrownBy(() -> new CudaStatus(true, 1, "GPU", "broken")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CudaStatus.unusable(0, "none", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
