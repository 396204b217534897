package dev.ember.cuda.kernel;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The kernels of one {@code .cu} file, as Java knows them.
 *
 * @param name the file's base name: {@code gather} for {@code gather.cu} and {@code gather.fatbin}
 */
public record KernelFamily(String name, List<KernelSpec> kernels) {
    public KernelFamily {
        requireNonNull(name, "name is null");
        kernels = List.copyOf(kernels);
    }

    public static KernelFamily of(String name, List<KernelSpec> kernels) {
        return new KernelFamily(name, kernels);
    }
}
