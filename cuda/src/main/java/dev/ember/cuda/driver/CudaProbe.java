package dev.ember.cuda.driver;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import dev.ember.cuda.Bytes;
import dev.ember.cuda.CudaStatus;
import dev.ember.cuda.DeviceUnavailableException;
import dev.ember.kernels.KernelResources;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;

/**
 * Finds out whether CUDA is usable, and why not, without ever letting a missing driver escape as an
 * error: loads JCuda's natives, initializes the driver, counts the devices and checks that device 0
 * can run Ember's kernels. Each failure becomes a sentence that says what is wrong and what to do.
 */
public final class CudaProbe {
    /** Ember's kernels are built for sm_75 and newer (Turing, Ampere, Ada, Hopper, ...). */
    static final int MIN_MAJOR = 7;
    static final int MIN_MINOR = 5;

    private static final String FALLBACK = " Select the emulated device to validate a job without a GPU,"
            + " or leave the device on auto to run on the CPU.";

    private CudaProbe() {}

    /** What the driver reports about one device; needs no context. */
    record DeviceInfo(int ordinal, CUdevice device, String name, int major, int minor, int multiProcessors,
            long totalMemory, int driverVersion, boolean memoryPools) {
        String describe() {
            return String.format(Locale.ROOT, "%s (CUDA device %d, compute capability %d.%d, %d SMs, %s, driver API %d.%d)",
                    name, ordinal, major, minor, multiProcessors, Bytes.format(totalMemory),
                    driverVersion / 1000, driverVersion % 1000 / 10);
        }

        boolean supported() {
            return major > MIN_MAJOR || (major == MIN_MAJOR && minor >= MIN_MINOR);
        }
    }

    /** The whole probe, for {@code Devices.cudaStatus()}. Never throws for a missing or broken driver. */
    public static CudaStatus status() {
        int count;
        try {
            count = initialize();
        } catch (DeviceUnavailableException e) {
            return CudaStatus.unusable(0, "no usable CUDA driver", e.getMessage());
        }
        if (count == 0) {
            return CudaStatus.unusable(0, "no CUDA device",
                    "the NVIDIA driver reports no CUDA device (check nvidia-smi and CUDA_VISIBLE_DEVICES)." + FALLBACK);
        }
        DeviceInfo info = query(0);
        String problem = problem(info);
        return problem == null
                ? CudaStatus.usable(count, info.describe())
                : CudaStatus.unusable(count, info.describe(), problem);
    }

    /**
     * Loads the natives and runs {@code cuInit}; returns the device count.
     *
     * @throws DeviceUnavailableException with the reason when CUDA cannot be used at all
     */
    static int initialize() {
        try {
            JCudaNatives.load();
        } catch (LinkageError e) {
            throw new DeviceUnavailableException(linkageReason(e), e);
        }
        int init = cuInit(0);
        if (init != CUresult.CUDA_SUCCESS) {
            throw new DeviceUnavailableException(initReason(init));
        }
        int[] count = new int[1];
        Driver.check("cuDeviceGetCount", cuDeviceGetCount(count));
        return count[0];
    }

    static DeviceInfo query(int ordinal) {
        CUdevice device = new CUdevice();
        Driver.check("cuDeviceGet", cuDeviceGet(device, ordinal));
        byte[] name = new byte[256];
        Driver.check("cuDeviceGetName", cuDeviceGetName(name, name.length, device));
        long[] total = new long[1];
        Driver.check("cuDeviceTotalMem", cuDeviceTotalMem(total, device));
        int[] version = new int[1];
        Driver.check("cuDriverGetVersion", cuDriverGetVersion(version));
        String deviceName = cString(name).isBlank() ? "unnamed CUDA device" : cString(name);
        return new DeviceInfo(ordinal, device, deviceName,
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                total[0], version[0],
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED) != 0);
    }

    /** Why Ember cannot use this device, or null if it can. */
    static String problem(DeviceInfo info) {
        if (!info.supported()) {
            return String.format(Locale.ROOT, "%s has compute capability %d.%d, and Ember's kernels need %d.%d"
                    + " (Turing) or newer; run on a newer GPU.%s", info.name(), info.major(), info.minor(),
                    MIN_MAJOR, MIN_MINOR, FALLBACK);
        }
        if (!info.memoryPools()) {
            return info.name() + " does not support stream-ordered memory pools (cuMemAllocAsync), which Ember"
                    + " allocates from; this needs a Linux driver with CUDA 11.2+ and no vGPU restriction." + FALLBACK;
        }
        // Checked last: a problem of the GPU itself is the more useful answer.
        if (!KernelResources.present()) {
            return "this Ember jar was built without nvcc and holds no CUDA kernels; rebuild it on a machine"
                    + " with the CUDA toolkit (nvcc on the PATH)." + FALLBACK;
        }
        return null;
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        Driver.check("cuDeviceGetAttribute(" + CUdevice_attribute.stringFor(attribute) + ")",
                cuDeviceGetAttribute(value, attribute, device));
        return value[0];
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    static String linkageReason(LinkageError e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof NoClassDefFoundError && !message.contains("jcuda/driver/JCudaDriver")
                && !message.contains("jcuda.driver.JCudaDriver")) {
            return "JCuda is missing from the class path (" + firstLine(message) + "); use the Ember jar that bundles it." + FALLBACK;
        }
        if (message.contains("libcuda")) {
            return "the NVIDIA driver library libcuda.so.1 cannot be loaded, so this machine has no usable NVIDIA"
                    + " driver; install the NVIDIA driver (nvidia-smi must work) or add its directory to"
                    + " LD_LIBRARY_PATH." + FALLBACK;
        }
        return "JCuda's driver library could not be loaded (" + firstLine(message) + "); CUDA needs the NVIDIA driver"
                + " (libcuda.so.1) on Linux x86_64." + FALLBACK;
    }

    static String initReason(int code) {
        String call = "cuInit returned " + Driver.describe(code);
        return switch (code) {
            case CUresult.CUDA_ERROR_NO_DEVICE -> "the NVIDIA driver is installed but finds no CUDA device (" + call
                    + "); check nvidia-smi and CUDA_VISIBLE_DEVICES." + FALLBACK;
            case CUresult.CUDA_ERROR_STUB_LIBRARY -> "libcuda.so.1 is the CUDA toolkit's stub, not the NVIDIA driver ("
                    + call + "); remove the stubs directory from LD_LIBRARY_PATH or install the driver." + FALLBACK;
            case CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH -> "the NVIDIA kernel driver and libcuda.so.1 have different"
                    + " versions (" + call + "); reinstall the driver or reboot after an upgrade." + FALLBACK;
            case CUresult.CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE -> "the CUDA forward-compatibility driver does not"
                    + " support this GPU (" + call + "); use the system driver." + FALLBACK;
            case CUresult.CUDA_ERROR_DEVICE_UNAVAILABLE -> "the CUDA device is busy or unavailable, e.g. in exclusive-process"
                    + " mode and used by another process (" + call + ")." + FALLBACK;
            case CUresult.CUDA_ERROR_SYSTEM_NOT_READY -> "the CUDA system is not ready, e.g. the fabric manager is not"
                    + " running (" + call + ")." + FALLBACK;
            case CUresult.CUDA_ERROR_NOT_INITIALIZED, CUresult.CUDA_ERROR_DEINITIALIZED ->
                    "the NVIDIA driver could not be initialized (" + call + "); check nvidia-smi." + FALLBACK;
            default -> "the NVIDIA driver failed to initialize (" + call + "); check nvidia-smi and the driver"
                    + " installation (an old driver gives this too)." + FALLBACK;
        };
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
