package dev.ember.cuda.kernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every kernel Java knows, by family. Adding a kernel means: its contract and CUDA code in the
 * family's {@code .cu}, its spec in the family class listed here, and its emulation in
 * {@code dev.ember.cuda.emulated}. {@code TestKernelCatalog} checks that the three sets agree.
 */
public final class KernelCatalog {
    private static final List<KernelFamily> FAMILIES = List.of(
            FillKernels.FAMILY,
            ScanKernels.FAMILY,
            CompactKernels.FAMILY,
            GatherKernels.FAMILY,
            ScatterKernels.FAMILY,
            CopyKernels.FAMILY,
            BitmapKernels.FAMILY,
            CastKernels.FAMILY,
            HashKernels.FAMILY,
            ExprKernels.FAMILY,
            StringKernels.FAMILY,
            StringCompareKernels.FAMILY,
            StringFunctionKernels.FAMILY,
            StringEditKernels.FAMILY,
            StringCastKernels.FAMILY,
            StringFloatKernels.FAMILY,
            AggSelectKernels.FAMILY,
            HashAggKernels.FAMILY,
            HashAggDecKernels.FAMILY,
            HashJoinKernels.FAMILY,
            PartitionKernels.FAMILY,
            SortKernels.FAMILY,
            WindowKernels.FAMILY);

    private static final Map<String, KernelSpec> BY_NAME = index();

    private KernelCatalog() {}

    public static List<KernelFamily> families() {
        return FAMILIES;
    }

    public static Map<String, KernelSpec> all() {
        return BY_NAME;
    }

    public static Optional<KernelSpec> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static KernelSpec get(String name) {
        KernelSpec spec = BY_NAME.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("no kernel named " + name + " in the catalog");
        }
        return spec;
    }

    private static Map<String, KernelSpec> index() {
        Map<String, KernelSpec> map = new LinkedHashMap<>();
        for (KernelFamily family : FAMILIES) {
            for (KernelSpec spec : family.kernels()) {
                if (!spec.family().equals(family.name())) {
                    throw new IllegalStateException(spec.name() + " is listed in family " + family.name()
                            + " but declares " + spec.family());
                }
                if (map.put(spec.name(), spec) != null) {
                    throw new IllegalStateException("kernel " + spec.name() + " is declared twice");
                }
            }
        }
        return Map.copyOf(map);
    }
}
