package dev.ember.cuda.kernel;

import java.util.List;

/** The kernels of one {@code .cu} file, as Java knows them. */
public interface KernelFamily {
    /** The file's base name: {@code gather} for {@code gather.cu} and {@code gather.fatbin}. */
    String name();

    List<KernelSpec> kernels();
}
