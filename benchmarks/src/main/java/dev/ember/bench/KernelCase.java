package dev.ember.bench;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The kernel benchmarks: each a {@link KernelBenchmarks} method, its workload, the ceiling it is
 * compared with (measured in the same run) and the H100 target from the performance plan. Targets are
 * printed next to the measured ratio, never asserted.
 */
enum KernelCase {
    D2D_COPY("copyDeviceToDevice", "device->device copy", null, Target.NONE, CopyWorkloads::deviceToDevice),
    PINNED_H2D("copyHostToDevicePinned", "host->device pinned copy", null, Target.NONE,
            CopyWorkloads::pinnedHostToDevice),
    PINNED_D2H("copyDeviceToHostPinned", "device->host pinned copy", null, Target.NONE,
            CopyWorkloads::pinnedDeviceToHost),
    FILTER("filter", "filter (predicate, compaction, gather)", D2D_COPY, Target.ratio(0.75),
            OperatorWorkloads::filter),
    PROJECTION("projection", "fused projection (3 outputs)", D2D_COPY, Target.ratio(0.80),
            OperatorWorkloads::projection),
    GATHER("gather", "gather (int64, random int32 map)", D2D_COPY, Target.NONE, OperatorWorkloads::gather),
    PREFIX_SUM("prefixSum", "prefix sum (int64 exclusive scan)", D2D_COPY, Target.NONE, OperatorWorkloads::prefixSum),
    SORT_INT32("sortInt32", "radix sort order (int32 keys)", D2D_COPY, Target.NONE,
            (d, s) -> OperatorWorkloads.sort(d, s, OperatorWorkloads.SortKeys.INT32)),
    SORT_INT64("sortInt64", "radix sort order (int64 keys)", D2D_COPY, Target.NONE,
            (d, s) -> OperatorWorkloads.sort(d, s, OperatorWorkloads.SortKeys.INT64)),
    SORT_TWO_KEYS("sortTwoKeys", "radix sort order (int32 with nulls, int64)", D2D_COPY, Target.NONE,
            (d, s) -> OperatorWorkloads.sort(d, s, OperatorWorkloads.SortKeys.INT32_INT64)),
    SORT_STRINGS("sortStrings", "radix sort order (string keys, 4-24 bytes)", D2D_COPY, Target.NONE,
            (d, s) -> OperatorWorkloads.sort(d, s, OperatorWorkloads.SortKeys.STRING)),
    HASH_AGGREGATE("hashAggregate", "hash aggregate (<= 10,000 groups)", D2D_COPY, Target.ratio(0.50),
            OperatorWorkloads::hashAggregate),
    JOIN_BUILD("joinBuild", "hash join build (in L2)", D2D_COPY, Target.NONE, OperatorWorkloads::joinBuild),
    JOIN_PROBE("joinProbe", "hash join probe (build in L2)", D2D_COPY, Target.rowsPerSecond(2e9),
            OperatorWorkloads::joinProbe),
    HOST_TO_DEVICE("hostToDevice", "host->device column transfer", PINNED_H2D, Target.ratio(0.80),
            CopyWorkloads::hostToDevice),
    DEVICE_TO_HOST("deviceToHost", "device->host column transfer", PINNED_D2H, Target.NONE,
            CopyWorkloads::deviceToHost);

    private final String method;
    private final String label;
    private final KernelCase ceiling;
    private final Target target;
    private final BiFunction<Device, KernelWorkload.Sizes, KernelWorkload> factory;

    KernelCase(String method, String label, KernelCase ceiling, Target target,
            BiFunction<Device, KernelWorkload.Sizes, KernelWorkload> factory) {
        this.method = method;
        this.label = label;
        this.ceiling = ceiling;
        this.target = target;
        this.factory = factory;
    }

    /** The {@link KernelBenchmarks} method that runs this case. */
    String method() {
        return method;
    }

    String label() {
        return label;
    }

    /** The case whose bandwidth bounds this one; null for the ceilings themselves. */
    KernelCase ceiling() {
        return ceiling;
    }

    Target target() {
        return target;
    }

    /** Allocates the case's data on {@code device}; the caller closes the workload. */
    KernelWorkload create(Device device, KernelWorkload.Sizes sizes) {
        return factory.apply(requireNonNull(device, "device is null"), requireNonNull(sizes, "sizes is null"));
    }

    static KernelCase forMethod(String method) {
        return Arrays.stream(values()).filter(c -> c.method.equals(method)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel case runs from method '" + method + "'"));
    }

    /**
     * An H100 target: at least {@code minRatio} of the ceiling's GB/s, or at least {@code
     * minRowsPerSecond}; NaN where the plan sets none.
     */
    record Target(double minRatio, double minRowsPerSecond) {
        static final Target NONE = new Target(Double.NaN, Double.NaN);

        static Target ratio(double min) {
            return new Target(min, Double.NaN);
        }

        static Target rowsPerSecond(double min) {
            return new Target(Double.NaN, min);
        }

        boolean isSet() {
            return !Double.isNaN(minRatio) || !Double.isNaN(minRowsPerSecond);
        }

        /** Whether the measured figures reach the target (false when there is none). */
        boolean metBy(double ratio, double rowsPerSecond) {
            return !Double.isNaN(minRatio) ? ratio >= minRatio : rowsPerSecond >= minRowsPerSecond;
        }

        String describe(KernelCase ceiling) {
            if (!Double.isNaN(minRatio)) {
                return String.format(Locale.ROOT, ">= %.0f%% of %s", minRatio * 100, ceiling.label);
            }
            if (!Double.isNaN(minRowsPerSecond)) {
                return String.format(Locale.ROOT, ">= %.1e rows/s", minRowsPerSecond);
            }
            return "-";
        }
    }
}
