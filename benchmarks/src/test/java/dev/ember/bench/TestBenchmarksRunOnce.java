package dev.ember.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Runs every benchmark's trial setup, one invocation and teardown with tiny sizes on the test device
 * (emulated in CI), without JMH, so a benchmark that no longer compiles against the ops, fails, or
 * leaves memory open is caught by the build instead of on a GPU host. The leak check of the cuda
 * test-jar fails a test that leaves device, pinned or host memory open; the benchmarks' teardowns
 * also fail when their device's pool still has buffers.
 */
class TestBenchmarksRunOnce {
    private static final int ROWS = 3_001;

    @ParameterizedTest
    @ValueSource(strings = {"filter", "projection", "mixed20"})
    void expressionBenchmark(String program) {
        ExpressionBenchmark benchmark = new ExpressionBenchmark();
        benchmark.program = program;
        benchmark.setUp(ROWS);
        try {
            long outputs = ExpressionPrograms.named(program).outputTypes().size();
            assertThat(benchmark.evaluate()).isEqualTo(outputs * ROWS);
        } finally {
            benchmark.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 10_000})
    void aggregationBenchmark(int groups) {
        AggregationBenchmark benchmark = new AggregationBenchmark();
        benchmark.groups = groups;
        benchmark.setUp(ROWS);
        try {
            assertThat(benchmark.rows1M()).isEqualTo(Math.min(groups, ROWS));
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void hashJoinBuild() {
        HashJoinBenchmark benchmark = joinBenchmark();
        benchmark.setUp(false);
        try {
            HashJoinBenchmark.BuildCounters counters = new HashJoinBenchmark.BuildCounters();
            counters.reset();
            assertThat(benchmark.build(counters)).isEqualTo(1_000);
            assertThat(counters.buildRows).isEqualTo(1_000);
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void hashJoinProbe() {
        HashJoinBenchmark benchmark = joinBenchmark();
        benchmark.setUp(true);
        try {
            HashJoinBenchmark.ProbeCounters counters = new HashJoinBenchmark.ProbeCounters();
            counters.reset();
            long expected = JoinKeys.generate(1_000, ROWS, 0.1, HashJoinBenchmark.SEED).matches();
            assertThat(expected).isBetween(ROWS * 8L / 10, ROWS - 1L);
            assertThat(benchmark.probe(counters)).isEqualTo(expected);
            assertThat(counters.probeRows).isEqualTo(ROWS);
        } finally {
            benchmark.tearDown();
        }
    }

    private static HashJoinBenchmark joinBenchmark() {
        HashJoinBenchmark benchmark = new HashJoinBenchmark();
        benchmark.buildRows = 1_000;
        benchmark.probeRows = ROWS;
        benchmark.missFraction = 0.1;
        // Several result chunks per probe.
        benchmark.chunkRows = 1_024;
        return benchmark;
    }

    @ParameterizedTest
    @EnumSource(KernelCase.class)
    void kernelBenchmark(KernelCase kernel) throws Exception {
        KernelBenchmarks benchmark = new KernelBenchmarks();
        benchmark.rows = ROWS;
        benchmark.joinBuildRows = 100;
        benchmark.groups = 10;
        benchmark.setUp(kernel);
        try {
            KernelBenchmarks.Counters counters = new KernelBenchmarks.Counters();
            counters.reset();
            Method method = KernelBenchmarks.class.getMethod(kernel.method(), KernelBenchmarks.Counters.class);
            method.invoke(benchmark, counters);
            assertThat(counters.rows).isEqualTo(kernel == KernelCase.JOIN_BUILD ? 100 : ROWS);
            long minBytes = switch (kernel) {
                case D2D_COPY, PREFIX_SUM -> 16L * ROWS;
                case JOIN_BUILD -> 8L * 100;
                default -> 8L * ROWS;
            };
            assertThat(counters.bytes).isGreaterThanOrEqualTo(minBytes);
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void everyKernelBenchmarkMethodHasACase() {
        List<String> methods = Arrays.stream(KernelBenchmarks.class.getMethods())
                .filter(m -> m.isAnnotationPresent(Benchmark.class)).map(Method::getName).sorted().toList();
        assertThat(methods).containsExactlyInAnyOrder(
                Arrays.stream(KernelCase.values()).map(KernelCase::method).toArray(String[]::new));
    }
}
