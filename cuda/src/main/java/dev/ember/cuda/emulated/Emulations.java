package dev.ember.cuda.emulated;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Every kernel emulation, by entry-point name. */
public final class Emulations {
    private static final List<Supplier<Map<String, KernelEmulation>>> FAMILIES = List.of(
            FillEmulation::emulations,
            ScanEmulation::emulations,
            CompactEmulation::emulations,
            GatherEmulation::emulations,
            ScatterEmulation::emulations,
            CopyEmulation::emulations,
            BitmapEmulation::emulations,
            CastEmulation::emulations,
            HashEmulation::emulations,
            ExprEmulation::emulations,
            StringEmulation::emulations,
            StringCompareEmulation::emulations,
            StringFunctionEmulation::emulations,
            StringEditEmulation::emulations,
            StringCastEmulation::emulations,
            StringFloatEmulation::emulations,
            AggSelectEmulation::emulations,
            HashAggEmulation::emulations,
            HashAggDecEmulation::emulations,
            HashJoinEmulation::emulations,
            PartitionEmulation::emulations,
            SortEmulation::emulations,
            WindowEmulation::emulations);

    private static final Map<String, KernelEmulation> ALL = index();

    private Emulations() {}

    public static Map<String, KernelEmulation> all() {
        return ALL;
    }

    private static Map<String, KernelEmulation> index() {
        Map<String, KernelEmulation> map = new HashMap<>();
        for (Supplier<Map<String, KernelEmulation>> family : FAMILIES) {
            for (Map.Entry<String, KernelEmulation> e : family.get().entrySet()) {
                if (map.put(e.getKey(), e.getValue()) != null) {
                    throw new IllegalStateException("emulation " + e.getKey() + " is registered twice");
                }
            }
        }
        return Map.copyOf(map);
    }
}
