package dev.ember.cuda.driver;

import static org.assertj.core.api.Assertions.assertThat;

import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

class TestCudaProbe {
    @Test
    void missingDriverLibraryIsNamed() {
        UnsatisfiedLinkError error = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/x/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file");
        assertThat(CudaProbe.linkageReason(error))
                .contains("libcuda.so.1")
                .contains("install the NVIDIA driver")
                .contains("emulated device");
    }

    @Test
    void missingJCudaIsNamed() {
        assertThat(CudaProbe.linkageReason(new NoClassDefFoundError("jcuda/Pointer")))
                .contains("JCuda is missing from the class path")
                .contains("jcuda/Pointer");
    }

    @Test
    void initFailuresSayWhatToDo() {
        assertThat(CudaProbe.initReason(CUresult.CUDA_ERROR_NO_DEVICE))
                .contains("finds no CUDA device")
                .contains("CUDA_ERROR_NO_DEVICE (100)")
                .contains("CUDA_VISIBLE_DEVICES");
        assertThat(CudaProbe.initReason(CUresult.CUDA_ERROR_STUB_LIBRARY)).contains("stub");
        assertThat(CudaProbe.initReason(CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH)).contains("different versions");
        assertThat(CudaProbe.initReason(CUresult.CUDA_ERROR_UNKNOWN))
                .contains("CUDA_ERROR_UNKNOWN (999)")
                .contains("nvidia-smi");
    }

    @Test
    void computeCapabilityBelowTuringIsRefused() {
        CudaProbe.DeviceInfo volta = new CudaProbe.DeviceInfo(0, null, "Tesla V100", 7, 0, 80, 16L << 30, 13000, true);
        CudaProbe.DeviceInfo turing = new CudaProbe.DeviceInfo(0, null, "Tesla T4", 7, 5, 40, 16L << 30, 13000, true);
        CudaProbe.DeviceInfo hopper = new CudaProbe.DeviceInfo(0, null, "H100", 9, 0, 132, 80L << 30, 13000, true);
        assertThat(volta.supported()).isFalse();
        assertThat(turing.supported()).isTrue();
        assertThat(hopper.supported()).isTrue();
        assertThat(CudaProbe.problem(volta)).contains("compute capability 7.0").contains("7.5");
        assertThat(hopper.describe()).contains("H100").contains("compute capability 9.0").contains("132 SMs")
                .contains("80.0 GiB").contains("driver API 13.0");
    }
}
