package dev.ember.cuda.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.conformance.ConformanceCase;
import dev.ember.cuda.conformance.ConformanceCases;
import dev.ember.cuda.emulated.Emulations;
import dev.ember.kernels.KernelResources;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fatbins' entry points (as compiled), the Java catalog, the emulations and the conformance
 * cases must describe the same set of kernels, with the same parameter sizes: a kernel added on
 * one side only, or whose signature drifted, fails here without a GPU.
 */
class TestKernelCatalog {
    @Test
    void catalogAndEmulationsAreTheSameSet() {
        assertThat(new TreeSet<>(Emulations.all().keySet())).isEqualTo(new TreeSet<>(KernelCatalog.all().keySet()));
    }

    @Test
    void fatbinEntryPointsMatchTheCatalogWithTheirParameterSizes() {
        Assumptions.assumeTrue(KernelResources.present(),
                "the kernels jar was built without nvcc; this check needs the compiled entry points");
        Map<String, List<Integer>> compiled = new HashMap<>();
        Set<String> families = new HashSet<>();
        for (KernelResources.EntryPoint e : KernelResources.entryPoints()) {
            compiled.put(e.name(), e.paramSizes());
            families.add(e.family());
            assertThat(KernelCatalog.find(e.name()))
                    .as("entry point %s of %s.cu is in the Java catalog", e.name(), e.family())
                    .isPresent();
            assertThat(KernelCatalog.get(e.name()).family()).as("family of %s", e.name()).isEqualTo(e.family());
        }
        for (KernelSpec spec : KernelCatalog.all().values()) {
            assertThat(compiled).as("catalog kernel %s is compiled into %s.fatbin", spec.name(), spec.family())
                    .containsKey(spec.name());
            List<Integer> javaSizes = spec.params().stream().map(ArgType::size).toList();
            assertThat(compiled.get(spec.name())).as("parameter sizes of %s", spec.name()).isEqualTo(javaSizes);
        }
        for (String family : families) {
            assertThat(KernelResources.fatbin(family)).as("%s.fatbin is packaged", family).isPresent();
        }
    }

    @Test
    void namesFollowTheConvention() {
        for (KernelSpec spec : KernelCatalog.all().values()) {
            assertThat(spec.name()).matches("ember_[a-z0-9]+(_[a-z0-9]+)+");
        }
    }

    @Test
    void everyKernelHasAConformanceCase() {
        Set<String> covered = new TreeSet<>();
        for (ConformanceCase c : ConformanceCases.all()) {
            covered.addAll(c.kernels());
        }
        assertThat(covered).containsExactlyInAnyOrderElementsOf(new TreeSet<>(KernelCatalog.all().keySet()));
    }
}
