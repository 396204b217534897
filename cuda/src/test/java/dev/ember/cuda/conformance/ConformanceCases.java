package dev.ember.cuda.conformance;

import java.util.ArrayList;
import java.util.List;

/** Every conformance case, by family. */
public final class ConformanceCases {
    /** Sizes every case runs at: empty, one, around a warp and a block, and a large odd size. */
    public static final int[] SIZES = {0, 1, 31, 32, 33, 255, 256, 257, 1_000_003};

    private ConformanceCases() {}

    public static List<ConformanceCase> all() {
        List<ConformanceCase> all = new ArrayList<>();
        all.addAll(ScanConformance.cases());
        all.addAll(CompactConformance.cases());
        all.addAll(GatherConformance.cases());
        all.addAll(ScatterConformance.cases());
        all.addAll(CopyConformance.cases());
        all.addAll(BitmapConformance.cases());
        all.addAll(FillConformance.cases());
        all.addAll(CastConformance.cases());
        all.addAll(HashConformance.cases());
        all.addAll(ExprConformance.cases());
        all.addAll(StringConformance.cases());
        all.addAll(StringCompareConformance.cases());
        all.addAll(StringFunctionConformance.cases());
        all.addAll(StringEditConformance.cases());
        all.addAll(StringCastConformance.cases());
        all.addAll(StringFloatConformance.cases());
        all.addAll(HashAggConformance.cases());
        all.addAll(AggSelectConformance.cases());
        all.addAll(HashAggDecConformance.cases());
        all.addAll(HashJoinConformance.cases());
        all.addAll(PartitionConformance.cases());
        all.addAll(SortConformance.cases());
        all.addAll(WindowConformance.cases());
        return all;
    }
}
