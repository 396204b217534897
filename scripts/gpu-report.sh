#!/usr/bin/env bash
# Writes benchmarks/results/<date>-<gpu>.md from a folder scripts/gpu-suites.sh filled, complete or cut
# short: the command, the commit, the device line from nvidia-smi, the host, every step's status and
# duration (summary.txt), the steps that did not finish, and every printed table and summary as the run
# printed them (copied, never retyped), plus the TPC-H-derived chart next to it. Run it in the checkout
# the run was made from.
#
#   scripts/gpu-report.sh <results-dir> [date]      # date defaults to today (YYYY-MM-DD)
#
# A rehearsal without a GPU (EMBER_DEVICE=emulated, or the CUDA device on the Ember SIMT simulator) is
# never written to benchmarks/results/: its report says so in its title and goes to $REPORT_DIR
# (default target/rehearsal); a REPORT_DIR inside benchmarks/results is refused.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 <results-dir> [date]" >&2
  exit 2
fi
results="$(cd "$1" && pwd)"
day="${2:-$(date +%F)}"
cd "$(dirname "$0")/.."
[ -f "$results/device.txt" ] || { echo "$results/device.txt is missing: not a gpu-suites.sh results folder" >&2; exit 1; }
device_line="$(head -n 1 "$results/device.txt")"

# ---- a GPU run or a rehearsal? Any sign of the simulator or the emulation makes it a rehearsal. ---
rehearsal=
if [ -f "$results/rehearsal.txt" ]; then
  rehearsal="$(head -n 1 "$results/rehearsal.txt")"
elif grep -qs 'EMBER_DEVICE=emulated' "$results/command.txt"; then
  rehearsal="EMBER_DEVICE=emulated: a rehearsal without a GPU"
elif grep -rqs --include='*.log' 'Ember SIMT simulator' "$results"; then
  rehearsal="the logs name the Ember SIMT simulator (CPU, not a GPU) as the CUDA device"
elif [ ! -f "$results/nvidia-smi.txt" ]; then
  rehearsal="no nvidia-smi output: a run without a GPU"
fi
if [ -n "$rehearsal" ]; then
  case "$device_line" in
    *simulator*) gpu=simulator ;;
    emulated*) gpu=emulated ;;
    *) gpu=no-gpu ;;
  esac
  dir="${REPORT_DIR:-target/rehearsal}"
  case "$(realpath -m "$dir")/" in
    "$(pwd)/benchmarks/results/"*)
      echo "refusing to write a rehearsal ($rehearsal) into benchmarks/results: set REPORT_DIR elsewhere" >&2
      exit 1 ;;
  esac
  mkdir -p "$dir"
  out="$dir/$day-$gpu-rehearsal.md"
else
  gpu="$(echo "$device_line" | cut -d, -f1 | tr 'A-Z' 'a-z' | grep -oE '[a-z][0-9]{2,4}[a-z]?' | head -n 1 || true)"
  [ -n "$gpu" ] || gpu="$(echo "$device_line" | cut -d, -f1 | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-' | sed 's/^-*//; s/-*$//')"
  dir="${REPORT_DIR:-benchmarks/results}"
  out="$dir/$day-$gpu.md"
  mkdir -p "$dir"
fi
commit="$(git rev-parse HEAD)$(git diff --quiet HEAD -- . ':!benchmarks/results' || echo ' (with uncommitted changes)')"

# ---- steps that did not finish -------------------------------------------------------------------
unfinished=()
if [ -f "$results/summary.txt" ]; then
  while read -r step st _; do
    case "$step" in '#'*|finished|'') continue ;; esac
    [ "$st" = ok ] || unfinished+=("$step ($st)")
  done < "$results/summary.txt"
  grep -q '^finished after' "$results/summary.txt" || cut_short=1
else
  cut_short=1
fi

section() {  # title, file, lines from the end (0 = whole file)
  [ -f "$2" ] || return 0
  printf '\n## %s\n\n```\n' "$1"
  if [ "$3" -eq 0 ]; then cat "$2"; else tail -n "$3" "$2"; fi
  printf '```\n'
}
{
  if [ -n "$rehearsal" ]; then
    printf '# REHEARSAL, not a GPU: Ember on %s, %s\n\n' "$device_line" "$day"
    printf '**No figure in this file is a GPU figure.** Why: %s. Timings below measure a CPU running the\n' "$rehearsal"
    printf 'kernels (simulated thread by thread or emulated in Java) and only show that the procedure works.\n\n'
  else
    printf '# Ember on %s, %s\n\n' "$(echo "$device_line" | cut -d, -f1 | sed 's/^ *//')" "$day"
  fi
  if [ -f "$results/nvidia-smi.txt" ]; then
    printf -- '- Device (`nvidia-smi --query-gpu=name,driver_version,memory.total`): `%s`\n' "$device_line"
  else
    printf -- '- Device (device.txt, no nvidia-smi): `%s`\n' "$device_line"
  fi
  opened="$(grep -h -m1 -o '^\[conformance\] .*(CUDA device.*' "$results/conformance.log" 2>/dev/null | sed 's/^\[conformance\] //' || true)"
  [ -n "$opened" ] && printf -- '- Device Ember opened (conformance log): `%s`\n' "$opened"
  [ -f "$results/host.txt" ] && sed 's/^/- Host: `/; s/$/`/' "$results/host.txt"
  printf -- '- Commit: `%s`\n' "$commit"
  printf -- '- Command: `%s`\n' "$(head -n 1 "$results/command.txt")"
  tail -n +2 "$results/command.txt" | sed 's/^/  - environment: `/; s/$/`/'
  if [ -n "${cut_short:-}" ] || [ ${#unfinished[@]} -gt 0 ]; then
    printf '\n**Incomplete run.**'
    [ -n "${cut_short:-}" ] && printf ' The run was cut short (summary.txt has no "finished" line).'
    [ ${#unfinished[@]} -gt 0 ] && printf ' Steps that did not finish with success: %s.' "$(IFS=';'; echo "${unfinished[*]}" | sed 's/;/, /g')"
    printf '\n'
  fi
  section "Steps (status, seconds, budget in seconds; from summary.txt)" "$results/summary.txt" 0
  printf '\nEverything below is copied from the run'"'"'s output by scripts/gpu-report.sh.\n'
  section "Kernel conformance (CUDA against the emulation)" "$results/conformance.log" 25
  section "cuda module suites" "$results/cuda.log" 25
  section "Spark suites" "$results/spark.log" 30
  for pair in bench-kernels:RunKernelBenchmarks bench-join:RunJoinBenchmarks bench-agg:RunAggregationBenchmarks \
      bench-expr:RunExpressionBenchmarks; do
    step=${pair%%:*} runner=${pair#*:}
    log="$results/$step.log"
    [ -f "$log" ] || log="$results/$runner.log"   # results of gpu-suites.sh before the bench-* steps
    [ -f "$log" ] || continue
    if grep -q '^# Run complete' "$log"; then
      # JMH's summary and the runner's own table: everything from JMH's last "# Run complete" line on.
      from=$(grep -n '^# Run complete' "$log" | tail -n 1 | cut -d: -f1)
      tail -n +"$from" "$log" > "$results/$runner.tables.txt"
      section "$runner" "$results/$runner.tables.txt" 0
    else
      # Cut short: JMH printed no summary; each finished benchmark's result line is all there is.
      { echo "(did not finish: JMH's per-benchmark results so far, then the log's last lines)"
        grep -E '^(# Benchmark:|# Parameters:|Result "|  [0-9.,]+ ±)' "$log" || true
        echo "..."; tail -n 8 "$log"; } > "$results/$runner.tables.txt"
      section "$runner (incomplete)" "$results/$runner.tables.txt" 0
    fi
  done
  section "TPC-H-derived data generation" "$results/tpch-data.log" 5
  if [ -f "$results/tpch/tpch-results.md" ]; then
    printf '\n## TPC-H-derived queries\n\n'
    cat "$results/tpch/tpch-results.md"
    if [ -f "$results/tpch/tpch-speedup.svg" ]; then
      cp "$results/tpch/tpch-speedup.svg" "$dir/$(basename "$out" .md)-tpch.svg"
      printf '\n![speedup per query](%s)\n' "$(basename "$out" .md)-tpch.svg"
    fi
  elif [ -f "$results/tpch.log" ]; then
    grep -E '^q[0-9]{2}: ' "$results/tpch.log" > "$results/tpch.partial.txt" || echo "(no query finished)" > "$results/tpch.partial.txt"
    section "TPC-H-derived queries (incomplete: the queries that finished, as the runner printed them)" \
        "$results/tpch.partial.txt" 0
  fi
  section "nvidia-smi" "$results/nvidia-smi.txt" 0
} > "$out"
echo "wrote $out"
[ ${#unfinished[@]} -eq 0 ] || echo "steps that did not finish: ${unfinished[*]}"
