package dev.ember.cuda.kernel;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One {@code extern "C"} entry point: its family (the {@code .cu} file, and the fatbin it is loaded
 * from), its name and its parameter types in order. The CUDA source, the emulation and this spec
 * describe the same contract; the catalog test checks the names and parameter sizes agree with the
 * compiled PTX.
 */
public record KernelSpec(String family, String name, List<ArgType> params) {
    public KernelSpec {
        requireNonNull(family, "family is null");
        requireNonNull(name, "name is null");
        params = List.copyOf(params);
        if (!name.startsWith("ember_")) {
            throw new IllegalArgumentException("kernel names start with ember_: " + name);
        }
    }

    public static KernelSpec of(String family, String name, ArgType... params) {
        return new KernelSpec(family, name, List.of(params));
    }
}
