#!/usr/bin/env bash
# Compiles every src/main/cuda/kernels/<family>.cu into <family>.fatbin (SASS for each target in
# EMBER_CUDA_ARCHS plus PTX for the first), prints ptxas' resource report, fails on any register
# spill and on any stack frame not listed in stack-frames.allowed, and writes entry-points.txt:
# one line per kernel, "<family> <name> <param sizes in bytes, comma separated>", taken from the PTX.
set -euo pipefail
src=${1:?cuda source dir}; out=${2:?output dir}; work=${3:?work dir}
archs=${EMBER_CUDA_ARCHS:-75 80 86 89 90}

if ! command -v nvcc >/dev/null 2>&1; then
  echo "[ember] nvcc not found on PATH: building without CUDA kernels (the CUDA device will refuse to open; the emulated device works)"
  rm -rf "$out"
  exit 0
fi

mkdir -p "$out" "$work"
# A change of targets or of nvcc invalidates every fatbin.
stamp="$work/build.stamp"
want="archs=$archs nvcc=$(nvcc --version | tail -n1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  rm -f "$out"/*.fatbin "$work"/*.ptxas.txt "$work"/*.ptx
  echo "$want" > "$stamp"
fi
first=${archs%% *}
gencode=()
for a in $archs; do gencode+=(-gencode "arch=compute_${a},code=sm_${a}"); done
gencode+=(-gencode "arch=compute_${first},code=compute_${first}")
flags=(-std=c++17 -O3 -fmad=false -Xptxas -v -I "$src/include" -Werror all-warnings)

allowed="$src/stack-frames.allowed"
status=0
manifest="$work/entry-points.txt"
: > "$manifest"
families=()
for cu in "$src"/kernels/*.cu; do
  fam=$(basename "$cu" .cu)
  families+=("$fam")
  fatbin="$out/$fam.fatbin"
  report="$work/$fam.ptxas.txt"
  ptx="$work/$fam.ptx"
  newest=$(find "$cu" "$src/include" "$0" -newer "$fatbin" 2>/dev/null | head -n1 || true)
  if [[ ! -f "$fatbin" || ! -f "$report" || ! -f "$ptx" || -n "$newest" ]]; then
    echo "[ember] nvcc $fam.cu (sm: $archs)"
    if ! nvcc -fatbin "${flags[@]}" "${gencode[@]}" -o "$fatbin" "$cu" > "$report" 2>&1; then
      cat "$report"; rm -f "$fatbin"; echo "[ember] nvcc failed on $fam.cu"; exit 1
    fi
    nvcc -ptx -std=c++17 -O3 -fmad=false -I "$src/include" -arch="compute_${first}" -o "$ptx" "$cu"
  fi
  # Resource report: one line per kernel and target.
  awk -v fam="$fam" '
    /Compiling entry function/ { match($0, /\x27[^\x27]+\x27 for \x27sm_[0-9]+\x27/); s=substr($0, RSTART, RLENGTH); gsub(/\x27/, "", s); split(s, p, " for "); fn=p[1]; sm=p[2] }
    /bytes stack frame/ { stack=$1; spills=$5; spilll=$9 }
    /Used [0-9]+ registers/ { match($0, /Used [0-9]+ registers/); regs=substr($0, RSTART+5, RLENGTH-15);
      printf "[ember] ptxas %-8s %-44s %3s regs, %s B stack, %s/%s B spill st/ld\n", sm, fn, regs, stack, spills, spilll }' "$report"
  # Spills always fail; stack frames fail unless allowed with a reason.
  while read -r fn sm stack spills spilll; do
    if [[ "$spills" != 0 || "$spilll" != 0 ]]; then
      echo "[ember] ERROR: $fn spills registers on $sm ($spills B stores, $spilll B loads)"; status=1
    fi
    if [[ "$stack" != 0 ]] && ! grep -qE "^$fn[[:space:]]+\S" "$allowed" 2>/dev/null; then
      echo "[ember] ERROR: $fn has a $stack-byte stack frame on $sm; fix it or list it with its reason in stack-frames.allowed"; status=1
    fi
  done < <(awk '
    /Compiling entry function/ { match($0, /\x27[^\x27]+\x27 for \x27sm_[0-9]+\x27/); s=substr($0, RSTART, RLENGTH); gsub(/\x27/, "", s); split(s, p, " for "); fn=p[1]; sm=p[2] }
    /bytes stack frame/ { print fn, sm, $1, $5, $9 }' "$report")
  # Entry points and their parameter sizes, from the PTX.
  awk -v fam="$fam" '
    /\.entry / { name=$0; sub(/.*\.entry[ \t]+/, "", name); sub(/\(.*/, "", name); sizes=""; inparams=1; next }
    inparams && /\.param/ { t=$2; sz=0;
      if (t ~ /64$/) sz=8; else if (t ~ /32$/) sz=4; else if (t ~ /16$/) sz=2; else if (t ~ /8$/) sz=1;
      if ($0 ~ /\.align/) { match($0, /\[[0-9]+\]/); sz=substr($0, RSTART+1, RLENGTH-2) }
      sizes = sizes (sizes=="" ? "" : ",") sz }
    inparams && /^\)/ { print fam, name, (sizes=="" ? "-" : sizes); inparams=0 }' "$ptx" >> "$manifest"
done
[[ $status == 0 ]] || { echo "[ember] kernel resource check failed"; exit 1; }
# Remove fatbins of deleted families.
for f in "$out"/*.fatbin; do
  [[ -e "$f" ]] || continue
  b=$(basename "$f" .fatbin); keep=0
  for fam in "${families[@]}"; do [[ $fam == "$b" ]] && keep=1; done
  [[ $keep == 1 ]] || rm -f "$f"
done
sort -o "$out/entry-points.txt" "$manifest"
echo "[ember] $(wc -l < "$out/entry-points.txt") kernels in ${#families[@]} fatbins"
