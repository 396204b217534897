#!/usr/bin/env bash
# Writes benchmarks/results/<date>-<gpu>.md from a folder scripts/gpu-suites.sh filled: the command,
# the commit, the device line from nvidia-smi, and every printed table and summary as the run printed
# them (copied, never retyped), plus the TPC-H-derived chart next to it. Run it in the checkout the
# run was made from.
#
#   scripts/gpu-report.sh <results-dir> [date]      # date defaults to today (YYYY-MM-DD)
#
# A rehearsal without a GPU (EMBER_DEVICE=emulated) is never written to benchmarks/results: set
# REPORT_DIR to write its report somewhere else.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 <results-dir> [date]" >&2
  exit 2
fi
results="$1"
day="${2:-$(date +%F)}"
cd "$(dirname "$0")/.."
[ -f "$results/device.txt" ] || { echo "$results/device.txt is missing: not a gpu-suites.sh results folder" >&2; exit 1; }
device_line="$(head -n 1 "$results/device.txt")"
gpu="$(echo "$device_line" | cut -d, -f1 | tr 'A-Z' 'a-z' | grep -oE '[a-z][0-9]{2,4}[a-z]?' | head -n 1 || true)"
[ -n "$gpu" ] || gpu="$(echo "$device_line" | cut -d, -f1 | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-' | sed 's/^-*//; s/-*$//')"
dir="${REPORT_DIR:-benchmarks/results}"
if [ -z "${REPORT_DIR:-}" ] && [ ! -f "$results/nvidia-smi.txt" ]; then
  echo "$results has no nvidia-smi output (a run without a GPU): set REPORT_DIR to write its report elsewhere" >&2
  exit 1
fi
out="$dir/$day-$gpu.md"
mkdir -p "$dir"
commit="$(git rev-parse HEAD)$(git diff --quiet HEAD -- . ':!benchmarks/results' || echo ' (with uncommitted changes)')"

section() {  # title, file, lines from the end (0 = whole file)
  [ -f "$2" ] || return 0
  printf '\n## %s\n\n```\n' "$1"
  if [ "$3" -eq 0 ]; then cat "$2"; else tail -n "$3" "$2"; fi
  printf '```\n'
}
{
  printf '# Ember on %s, %s\n\n' "$(echo "$device_line" | cut -d, -f1 | sed 's/^ *//')" "$day"
  printf -- '- Device (`nvidia-smi --query-gpu=name,driver_version,memory.total`): `%s`\n' "$device_line"
  printf -- '- Commit: `%s`\n' "$commit"
  printf -- '- Command: `%s`\n' "$(head -n 1 "$results/command.txt")"
  tail -n +2 "$results/command.txt" | sed 's/^/  - environment: `/; s/$/`/'
  printf '\nEverything below is copied from the run'"'"'s output by scripts/gpu-report.sh.\n'
  section "Kernel conformance (CUDA against the emulation)" "$results/conformance.log" 25
  section "cuda module suites" "$results/cuda.log" 25
  section "Spark suites" "$results/spark.log" 25
  for runner in RunKernelBenchmarks RunJoinBenchmarks RunAggregationBenchmarks RunExpressionBenchmarks; do
    log="$results/$runner.log"
    [ -f "$log" ] || continue
    # JMH's summary and the runner's own table: everything from JMH's last "# Run complete" line on.
    from=$(grep -n '^# Run complete' "$log" | tail -n 1 | cut -d: -f1)
    tail -n +"${from:-1}" "$log" > "$results/$runner.tables.txt"
    section "$runner" "$results/$runner.tables.txt" 0
  done
  if [ -f "$results/tpch/tpch-results.md" ]; then
    printf '\n## TPC-H-derived queries\n\n'
    cat "$results/tpch/tpch-results.md"
    if [ -f "$results/tpch/tpch-speedup.svg" ]; then
      cp "$results/tpch/tpch-speedup.svg" "$dir/$day-$gpu-tpch.svg"
      printf '\n![speedup per query](%s)\n' "$day-$gpu-tpch.svg"
    fi
  fi
  section "nvidia-smi" "$results/nvidia-smi.txt" 0
} > "$out"
echo "wrote $out"
