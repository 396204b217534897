package dev.ember.cuda.driver;

import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.ember.cuda.CudaException;
import dev.ember.cuda.DeviceUnavailableException;
import dev.ember.cuda.kernel.KernelCatalog;
import dev.ember.cuda.kernel.KernelFamily;
import dev.ember.kernels.KernelResources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

/**
 * The loaded fatbin of every kernel family in the catalog. All are loaded when the device opens: the
 * driver then picks the SASS for this GPU (or JIT-compiles the PTX), and a driver too old for the
 * kernels' PTX or a GPU without a matching binary refuses the device at once, with the reason, instead
 * of failing the first query that needs a kernel.
 */
final class Modules {
    private final Map<String, CUmodule> byFamily;

    private Modules(Map<String, CUmodule> byFamily) {
        this.byFamily = byFamily;
    }

    /** Loads every family's fatbin in the current context; unloads what was loaded if one fails. */
    static Modules loadAll(CudaProbe.DeviceInfo info) {
        Map<String, CUmodule> loaded = new LinkedHashMap<>();
        Modules modules = new Modules(loaded);
        try {
            for (KernelFamily family : KernelCatalog.families()) {
                byte[] image = KernelResources.fatbin(family.name()).orElseThrow(() -> new DeviceUnavailableException(
                        "the Ember jar has no " + family.name() + ".fatbin although the catalog lists that kernel"
                                + " family; rebuild the jar with nvcc."));
                CUmodule module = new CUmodule();
                int result = cuModuleLoadData(module, image);
                if (result != CUresult.CUDA_SUCCESS) {
                    throw loadFailure(family.name(), result, info);
                }
                loaded.put(family.name(), module);
            }
        } catch (RuntimeException | Error e) {
            List<CudaException> ignored = new ArrayList<>();
            modules.unloadAll(ignored);
            throw e;
        }
        return modules;
    }

    private static RuntimeException loadFailure(String family, int result, CudaProbe.DeviceInfo info) {
        CudaException error = Driver.error("cuModuleLoadData(" + family + ".fatbin)", result);
        return switch (result) {
            case CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION, CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU,
                    CUresult.CUDA_ERROR_INVALID_PTX, CUresult.CUDA_ERROR_INVALID_IMAGE ->
                    new DeviceUnavailableException("cannot load Ember's kernels on " + info.describe() + ": "
                            + error.getMessage() + ". The kernels are built with CUDA 13: the NVIDIA driver must"
                            + " support CUDA 13 (version 580 or newer); update the driver, or use the emulated"
                            + " device.", error);
            default -> error;
        };
    }

    CUmodule get(String family) {
        CUmodule module = byFamily.get(family);
        if (module == null) {
            throw new IllegalStateException("kernel family " + family + " is not loaded; it is missing from KernelCatalog");
        }
        return module;
    }

    void unloadAll(List<CudaException> errors) {
        for (Map.Entry<String, CUmodule> entry : byFamily.entrySet()) {
            CudaDevice.collect(errors, "cuModuleUnload(" + entry.getKey() + ")", cuModuleUnload(entry.getValue()));
        }
        byFamily.clear();
    }
}
