#!/usr/bin/env bash
# Runs Ember's GPU checks with the CUDA device, in order of value, each step under its own time budget,
# and keeps every step's output under $RESULTS_DIR (default: results) as it goes:
#
#   conformance  every kernel on the device against its emulation, byte for byte (TestKernelConformance)
#   spark        the Spark integration suites most likely to show GPU-only faults ($SPARK_CLASSES)
#   bench-kernels, bench-join, bench-agg, bench-expr
#                the JMH benchmarks (RunKernelBenchmarks, RunJoinBenchmarks, RunAggregationBenchmarks,
#                RunExpressionBenchmarks) with short JMH settings ($BENCH_JMH_ARGS)
#   tpch-data    generates TPC-H-derived scale factor $TPCH_SCALE under $TPCH_DATA (kept and reused)
#   tpch         the 22 TPC-H-derived queries with Ember off and on (TpchRunner)
#   cuda         the cuda module's suites on the device (not in the default plan)
#   bench        = the four bench-* steps
#
#   scripts/gpu-suites.sh [step]...     # default: conformance spark bench tpch-data tpch
#
# The default plan is sized for one lent H100 host (16 cores) and one command of at most 10 minutes:
# the steps together get $SUITES_BUDGET_S seconds (default 530), each step at most its own budget
# BUDGET_<STEP>_S (STEP in capitals, '-' as '_', e.g. BUDGET_BENCH_JOIN_S) and never more than what is
# left of the total. A step that runs over is stopped (timeout: TERM, KILL 10 s later) and marked
# "timeout"; a step with under 10 s left is "skipped"; the next step starts either way.
# docs/benchmarks.md ("On a GPU host") explains the budgets.
#
# Results survive a cut: each step's log is written as it runs, and $RESULTS_DIR/summary.txt (status,
# seconds and budget of every step, "running"/"not run" for the rest) is rewritten when a step starts
# and ends. With $RESULTS_ARCHIVE (a .tar.gz path, e.g. $OUT/results.tar.gz on the lent host) the
# results folder is also archived there after every step and every $SNAPSHOT_S seconds (default 20),
# and summary.txt is copied next to it.
#
# Expects $JAVA, $CP (the classpath scripts/gpu-prepare.sh wrote, joined with ':') and $SPARK_JVM_OPTS
# (Spark's --add-opens list and a private java.io.tmpdir); the shared kit's env.sh sets all three.
# Knobs (defaults in brackets):
#   EMBER_DEVICE [cuda]         emulated rehearses without any CUDA driver; with LD_LIBRARY_PATH on
#                               gpu-kernels/target/sim, cuda runs on the CPU simulator (a rehearsal too:
#                               recorded in device.txt and rehearsal.txt, never reported as a GPU)
#   SPARK_CLASSES [focused set] integration-test classes for the spark step, or "all" for every suite
#   BENCH_JMH_ARGS [-f 1 -wi 1 -i 2 -w 1s -r 1s]  JMH options for the kernel, join and aggregation runners
#                               (RunExpressionBenchmarks takes none: its annotations apply)
#   JOIN_BENCH_ARGS [-p probeRows=20000000], KERNEL_BENCH_ARGS [-p rows=33554432]  GPU sizes
#   AGG_BENCH_ARGS []           extra JMH options for RunAggregationBenchmarks (e.g. -p groups=10)
#   CONFORMANCE_ARGS []         extra JUnit console options for the conformance step
#   JUNIT_DETAILS [tree]        the JUnit console's --details (tree: every test in the log as it ends)
#   TPCH_SCALE [1], TPCH_DATA [target/tpch-data], TPCH_REPS [1], TPCH_WARMUP [1],
#   TPCH_QUERIES [all 22], TPCH_POOL_LIMIT [16g]
# scripts/gpu-report.sh turns the results folder, complete or not, into the results file.
set -uo pipefail
results=${RESULTS_DIR:-results}
mkdir -p "$results"
results=$(cd "$results" && pwd)
steps=()
for s in "$@"; do
  if [ "$s" = bench ]; then steps+=(bench-kernels bench-join bench-agg bench-expr); else steps+=("$s"); fi
done
[ ${#steps[@]} -eq 0 ] && steps=(conformance spark bench-kernels bench-join bench-agg bench-expr tpch-data tpch)
device=${EMBER_DEVICE:-cuda}
total=${SUITES_BUDGET_S:-530}
budget_of() {  # the step's own budget in seconds
  local var="BUDGET_$(echo "$1" | tr 'a-z-' 'A-Z_')_S" def
  case "$1" in
    conformance) def=120 ;; spark) def=75 ;; bench-kernels) def=100 ;; bench-join) def=45 ;;
    bench-agg) def=30 ;; bench-expr) def=35 ;; tpch-data) def=35 ;; tpch) def=90 ;; cuda) def=180 ;; *) def=60 ;;
  esac
  echo "${!var:-$def}"
}
tpch_scale=${TPCH_SCALE:-1}
tpch_data=${TPCH_DATA:-target/tpch-data}
jmh_args=${BENCH_JMH_ARGS--f 1 -wi 1 -i 2 -w 1s -r 1s}
# The focused Spark set: joins (every type and key, TPC-H join shapes), aggregations (many groups, distinct,
# every function), strings and casts against Spark, the expression matrix and decimals, filters and
# projections, Parquet scans and row/columnar transitions (host<->device copies), the GPU semaphore
# (concurrent tasks on one device), Murmur3 (shuffle partitioning) and TPC-H Q1.
focused="dev.ember.it.spark.TestHashJoin dev.ember.it.spark.TestHashJoinEdgeCases dev.ember.it.spark.TestHashJoinTpchQ3
dev.ember.it.spark.TestHashJoinTpchQ5Q10 dev.ember.it.spark.TestHashAggregate dev.ember.it.spark.TestHashAggregateManyGroups
dev.ember.it.spark.TestHashAggregateFunctions dev.ember.it.spark.TestDistinctAggregates dev.ember.it.spark.TestStrings
dev.ember.it.spark.strings.TestStringExpressions dev.ember.it.TestStringFunctionsAgainstSpark dev.ember.it.TestCastsAgainstSpark
dev.ember.it.spark.expr.TestExpressionMatrix dev.ember.it.spark.expr.TestDecimal64Expressions dev.ember.it.spark.expr.TestFilterProject
dev.ember.it.spark.TestParquetScan dev.ember.it.spark.TestTransitions dev.ember.it.spark.TestGpuSemaphore
dev.ember.it.TestMurmur3AgainstSpark dev.ember.it.spark.TestTpchQ1"
spark_classes=${SPARK_CLASSES:-$focused}

# ---- what runs here: the command, the host, the device ------------------------------------------
{
  echo "scripts/gpu-suites.sh ${steps[*]}"
  env | grep -E '^(EMBER_DEVICE|TPCH_[A-Z_]+|BENCH_JMH_ARGS|JOIN_BENCH_ARGS|KERNEL_BENCH_ARGS|AGG_BENCH_ARGS|CONFORMANCE_ARGS|SPARK_CLASSES|SUITES_BUDGET_S|BUDGET_[A-Z_]+_S|EMBER_SIM_[A-Z_]+)=' | sort
} > "$results/command.txt"
{
  echo "host: $(uname -n), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "java: $("$JAVA" -version 2>&1 | head -n 1)"
} > "$results/host.txt"
# The libcuda.so.1 JCuda will load: the first on LD_LIBRARY_PATH, else the loader's cache.
libcuda=
for d in ${LD_LIBRARY_PATH//:/ }; do
  if [ -e "$d/libcuda.so.1" ]; then libcuda=$d/libcuda.so.1; break; fi
done
[ -n "$libcuda" ] || libcuda=$( (ldconfig -p 2>/dev/null || true) | awk '/libcuda\.so\.1 .*x86-64/ { print $NF; exit }')
rm -f "$results/rehearsal.txt" "$results/nvidia-smi.txt"
if [ "$device" != cuda ]; then
  echo "$device device (Java emulation of the kernels on the CPU, not a GPU)" > "$results/device.txt"
  echo "EMBER_DEVICE=$device: a rehearsal without a GPU; no figure here is a GPU figure" > "$results/rehearsal.txt"
elif [ -n "$libcuda" ] && grep -aq 'Ember SIMT simulator' "$libcuda" 2>/dev/null; then
  echo "Ember SIMT simulator (CPU, not a GPU), libcuda.so.1 = $libcuda" > "$results/device.txt"
  echo "the CUDA device is the Ember SIMT simulator ($libcuda): a rehearsal on the CPU; no figure here is a GPU figure" \
      > "$results/rehearsal.txt"
elif command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$results/device.txt" 2>&1
  nvidia-smi > "$results/nvidia-smi.txt" 2>&1
else
  echo "no nvidia-smi on this host (device: $device, libcuda.so.1: ${libcuda:-not found})" > "$results/device.txt"
fi
[ -f "$results/rehearsal.txt" ] && echo "libcuda.so.1: ${libcuda:-not found}" >> "$results/host.txt"
echo "== device: $(head -n 1 "$results/device.txt")"
echo "== $(head -n 1 "$results/host.txt"); steps: ${steps[*]}; total budget ${total} s"

# ---- summary and archive -------------------------------------------------------------------------
declare -A state secs
for s in "${steps[@]}"; do state[$s]="not run"; secs[$s]=-; done
t0=$(date +%s)
write_summary() {
  local s
  {
    printf '# scripts/gpu-suites.sh: step, status, seconds, budget (s), log; total budget %s s, %s s elapsed\n' \
        "$total" "$(( $(date +%s) - t0 ))"
    for s in "${steps[@]}"; do
      printf '%-14s %-12s %6s %6s  %s\n' "$s" "${state[$s]// /_}" "${secs[$s]}" "$(budget_of "$s")" "$s.log"
    done
    if [ -n "${1:-}" ]; then echo "$1"; fi
  } > "$results/summary.txt.tmp"
  mv -f "$results/summary.txt.tmp" "$results/summary.txt"
}
snapshot() {
  [ -n "${RESULTS_ARCHIVE:-}" ] || return 0
  tar -czf "$RESULTS_ARCHIVE.tmp" -C "$(dirname "$results")" "$(basename "$results")" 2>/dev/null \
      && mv -f "$RESULTS_ARCHIVE.tmp" "$RESULTS_ARCHIVE"
  cp -f "$results/summary.txt" "$(dirname "$RESULTS_ARCHIVE")/summary.txt" 2>/dev/null || true
}
snapper=
if [ -n "${RESULTS_ARCHIVE:-}" ]; then
  mkdir -p "$(dirname "$RESULTS_ARCHIVE")"
  ( while sleep "${SNAPSHOT_S:-20}"; do snapshot; done ) &
  snapper=$!
fi
finish() {
  [ -n "$snapper" ] && kill "$snapper" 2>/dev/null
  snapshot
}
trap finish EXIT
write_summary
snapshot

# ---- the steps -----------------------------------------------------------------------------------
java_cuda=("$JAVA" $SPARK_JVM_OPTS -Dember.device="$device" -cp "$CP")
launcher="org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=${JUNIT_DETAILS:-tree} --details-theme=ascii"
step_cmd() {  # step; sets cmd to the step's command line
  local s=$1 c
  cmd=()
  case "$s" in
    conformance)
      cmd=("${java_cuda[@]}" -Dember.conformance.required=true $launcher ${CONFORMANCE_ARGS:-}
           --select-class dev.ember.cuda.conformance.TestKernelConformance --reports-dir "$results/conformance") ;;
    cuda)
      cmd=("${java_cuda[@]}" $launcher --select-package dev.ember.cuda --reports-dir "$results/cuda") ;;
    spark)
      cmd=("${java_cuda[@]}" $launcher --reports-dir "$results/spark")
      if [ "$spark_classes" = all ]; then
        cmd+=(--select-package dev.ember.spark --select-package dev.ember.it)
      else
        for c in $spark_classes; do cmd+=(--select-class "$c"); done
      fi ;;
    bench-kernels)
      # 32Mi rows (256 MiB per int64 column) on the device; RunKernelBenchmarks' default on cuda.
      cmd=("${java_cuda[@]}" dev.ember.bench.RunKernelBenchmarks ${KERNEL_BENCH_ARGS:--p rows=33554432} $jmh_args) ;;
    bench-join)
      # The probe takes 20M rows per invocation against build sides of 1K, 1M and 50M rows.
      cmd=("${java_cuda[@]}" dev.ember.bench.RunJoinBenchmarks ${JOIN_BENCH_ARGS:--p probeRows=20000000} $jmh_args) ;;
    bench-agg)
      cmd=("${java_cuda[@]}" dev.ember.bench.RunAggregationBenchmarks ${AGG_BENCH_ARGS:-} $jmh_args) ;;
    bench-expr)
      cmd=("${java_cuda[@]}" dev.ember.bench.RunExpressionBenchmarks) ;;
    tpch-data)
      cmd=("${java_cuda[@]}" dev.ember.bench.tpch.TpchData "$tpch_data" "$tpch_scale") ;;
    tpch)
      cmd=("${java_cuda[@]}" dev.ember.bench.tpch.TpchRunner --data "$tpch_data" --scale "$tpch_scale"
           --reps "${TPCH_REPS:-1}" --warmup "${TPCH_WARMUP:-1}" --device "$device"
           ${TPCH_QUERIES:+--queries "$TPCH_QUERIES"}
           --conf "spark.ember.memory.poolLimit=${TPCH_POOL_LIMIT:-16g}" --results "$results/tpch") ;;
  esac
}
for s in "${steps[@]}"; do
  case "$s" in
    conformance|cuda|spark|bench-kernels|bench-join|bench-agg|bench-expr|tpch-data|tpch) ;;
    *) echo "unknown step $s (conformance, spark, bench, bench-kernels, bench-join, bench-agg, bench-expr, tpch-data, tpch, cuda)" >&2
       exit 2 ;;
  esac
done
child=
trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; exit 143' TERM INT
status=0
for s in "${steps[@]}"; do
  left=$(( total - ($(date +%s) - t0) ))
  b=$(budget_of "$s")
  [ "$b" -gt "$left" ] && b=$left
  if [ "$b" -lt 10 ]; then
    state[$s]="skipped"
    echo "== $s: skipped, ${left} s left of the total budget"
    write_summary
    status=1
    continue
  fi
  echo "== $s (budget ${b} s) -> $results/$s.log"
  state[$s]="running"
  write_summary
  start=$(date +%s)
  step_cmd "$s"
  echo "${cmd[*]}" | sed "s|$CP|\$CP|; s|${SPARK_JVM_OPTS:-@@}|\$SPARK_JVM_OPTS|" > "$results/$s.cmd"
  # timeout runs the step in its own process group and stops all of it (JMH's forks too).
  timeout -k 10 "$b" "${cmd[@]}" > "$results/$s.log" 2>&1 &
  child=$!
  wait "$child"
  rc=$?
  child=
  secs[$s]=$(( $(date +%s) - start ))
  case $rc in
    0) state[$s]=ok ;;
    124|137) state[$s]=timeout; status=1 ;;
    *) state[$s]="failed($rc)"; status=1 ;;
  esac
  write_summary
  snapshot
  echo "== $s: ${state[$s]} after ${secs[$s]} s"
  tail -n 6 "$results/$s.log" | cut -c1-200
done
write_summary "finished after $(( $(date +%s) - t0 )) s, exit status $status"
echo "== summary ($results/summary.txt)"
cat "$results/summary.txt"
exit $status
