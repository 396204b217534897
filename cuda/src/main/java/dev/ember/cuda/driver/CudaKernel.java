package dev.ember.cuda.driver;

import static java.util.Objects.requireNonNull;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import dev.ember.cuda.Stream;
import dev.ember.cuda.kernel.ArgType;
import dev.ember.cuda.kernel.Kernel;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.KernelSpec;
import dev.ember.cuda.kernel.LaunchConfig;
import jcuda.Pointer;
import jcuda.driver.CUfunction;

/** One entry point of a loaded module: launches check their arguments against the spec first. */
final class CudaKernel implements Kernel {
    private final CudaDevice device;
    private final KernelSpec spec;
    private final CUfunction function;

    CudaKernel(CudaDevice device, KernelSpec spec, CUfunction function) {
        this.device = requireNonNull(device, "device is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.function = requireNonNull(function, "function is null");
    }

    @Override
    public KernelSpec spec() {
        return spec;
    }

    @Override
    public void launch(LaunchConfig config, KernelArgs args, Stream stream) {
        requireNonNull(config, "config is null");
        args.checkAgainst(spec);
        CudaStream cudaStream = device.own(stream);
        Pointer params = args.size() == 0 ? null : Pointer.to(parameters(args));
        device.bind();
        Driver.check("cuLaunchKernel(" + spec.name() + ")", cuLaunchKernel(function,
                config.gridX(), config.gridY(), config.gridZ(),
                config.blockX(), config.blockY(), config.blockZ(),
                config.sharedMemBytes(), cudaStream.jcuda(), params, null));
    }

    /**
     * One host pointer per parameter, to a value of exactly the parameter's size: cuLaunchKernel copies
     * {@code sizeof(param)} bytes from each. Floats travel as their raw bits, which have the same bytes.
     */
    private static Pointer[] parameters(KernelArgs args) {
        Pointer[] params = new Pointer[args.size()];
        for (int i = 0; i < params.length; i++) {
            ArgType type = args.type(i);
            long raw = args.raw(i);
            params[i] = type.size() == 8 ? Pointer.to(new long[] {raw}) : Pointer.to(new int[] {(int) raw});
        }
        return params;
    }

    @Override
    public String toString() {
        return "CudaKernel[" + spec.name() + "]";
    }
}
