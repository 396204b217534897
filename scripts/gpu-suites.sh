#!/usr/bin/env bash
# Runs Ember's GPU checks with the CUDA device, in order of what they prove, and keeps each one's
# output under $RESULTS_DIR (default: results): the kernel conformance suite (CUDA against the
# emulation, byte for byte, every kernel), the cuda module's suites, the Spark integration suites,
# and the JMH benchmarks; on request (step tpch) the TPC-H-derived queries with Ember off and on.
# Expects $JAVA, $CP (the classpath scripts/gpu-prepare.sh wrote, joined with ':') and
# $SPARK_JVM_OPTS (Spark's --add-opens list and a private java.io.tmpdir). The tpch step generates
# scale factor $TPCH_SCALE (default 10) under $TPCH_DATA (default target/tpch-data, outside the results;
# kept and reused when complete) and writes its table and chart to $RESULTS_DIR/tpch; $TPCH_REPS (default 3),
# $TPCH_WARMUP (default 1) and $TPCH_POOL_LIMIT (spark.ember.memory.poolLimit, default 16g) tune it.
# $EMBER_DEVICE (default cuda) = emulated rehearses the whole procedure on a machine without a GPU;
# $BENCH_JMH_ARGS adds JMH options to every benchmark (e.g. -f 1 -wi 1 -i 1 -w 1s -r 1s), and
# $JOIN_BENCH_ARGS and $KERNEL_BENCH_ARGS replace the join and kernel benchmarks' GPU sizes.
# scripts/gpu-report.sh turns the results folder into benchmarks/results/<date>-<gpu>.md.
#
#   scripts/gpu-suites.sh [conformance|cuda|spark|bench|tpch]...   # default: the first four
set -uo pipefail
results=${RESULTS_DIR:-results}
mkdir -p "$results"
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(conformance cuda spark bench)
device=${EMBER_DEVICE:-cuda}
echo "scripts/gpu-suites.sh ${steps[*]}" > "$results/command.txt"
env | grep -E '^(EMBER_DEVICE|TPCH_[A-Z_]+|BENCH_JMH_ARGS|JOIN_BENCH_ARGS|KERNEL_BENCH_ARGS)=' | sort >> "$results/command.txt"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$results/device.txt"
  nvidia-smi > "$results/nvidia-smi.txt" 2>&1
else
  echo "no nvidia-smi on this host (device: $device)" | tee "$results/device.txt"
fi
java_cuda=("$JAVA" $SPARK_JVM_OPTS -Dember.device="$device" -cp "$CP")
launcher="org.junit.platform.console.ConsoleLauncher execute"
status=0
for step in "${steps[@]}"; do
  case "$step" in
    conformance)
      "${java_cuda[@]}" -Dember.conformance.required=true $launcher --disable-banner --details=summary \
          --select-class dev.ember.cuda.conformance.TestKernelConformance --reports-dir "$results/conformance" \
          > "$results/conformance.log" 2>&1 || status=1 ;;
    cuda)
      "${java_cuda[@]}" $launcher --disable-banner --details=summary --select-package dev.ember.cuda \
          --reports-dir "$results/cuda" > "$results/cuda.log" 2>&1 || status=1 ;;
    spark)
      "${java_cuda[@]}" $launcher --disable-banner --details=summary --select-package dev.ember.spark \
          --select-package dev.ember.it --reports-dir "$results/spark" > "$results/spark.log" 2>&1 || status=1 ;;
    bench)
      # GPU sizes: the join probes 20M rows per invocation (build sides of 1K, 1M and 50M rows), the
      # kernels run on 32Mi rows (256 MiB per int64 column); both runners default to these on cuda.
      for runner in RunExpressionBenchmarks RunAggregationBenchmarks \
          "RunJoinBenchmarks ${JOIN_BENCH_ARGS:--p probeRows=20000000}" \
          "RunKernelBenchmarks ${KERNEL_BENCH_ARGS:--p rows=33554432}"; do
        set -- $runner
        "${java_cuda[@]}" "dev.ember.bench.$1" "${@:2}" ${BENCH_JMH_ARGS:-} > "$results/$1.log" 2>&1 || status=1
      done ;;
    tpch)
      "${java_cuda[@]}" dev.ember.bench.tpch.TpchRunner --data "${TPCH_DATA:-target/tpch-data}" \
          --scale "${TPCH_SCALE:-10}" --reps "${TPCH_REPS:-3}" --warmup "${TPCH_WARMUP:-1}" --device "$device" \
          --conf "spark.ember.memory.poolLimit=${TPCH_POOL_LIMIT:-16g}" --results "$results/tpch" \
          > "$results/tpch.log" 2>&1 || status=1 ;;
    *) echo "unknown step $step (conformance, cuda, spark, bench, tpch)" >&2; exit 2 ;;
  esac
  tail -n 15 "$results/$step"*.log 2>/dev/null || tail -n 15 "$results"/Run*.log
done
exit $status
