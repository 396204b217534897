#!/bin/sh
# Builds the stand-in libcuda.so.1 (driver and SIMT runtime) plus a test kernel family, and runs the
# driver tests and the export check.
#   run-tests.sh [BUILD_DIR]   (default BUILD_DIR: /tmp/ember-sim-driver-test)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
driver=$(dirname "$here")
sim=$(dirname "$driver")
runtime="$sim/runtime/*.cpp $sim/runtime/*.S"
out=${1:-/tmp/ember-sim-driver-test}
jcuda=${JCUDA_SO:-/tmp/jc/lib/libJCudaDriver-12.6.0-linux-x86_64.so}
mkdir -p "$out/kernels" "$out/extra"

CXX=${CXX:-g++}
FLAGS="-std=c++17 -O2 -g -fPIC -ffp-contract=off -Wall -Wextra -Werror -I $sim/include"

echo "== build"
"$driver/gen-exports.sh" "$jcuda" "$out/exports.cpp"
# shellcheck disable=SC2086
$CXX $FLAGS -shared -Wl,-soname,libcuda.so.1 -o "$out/libcuda.so.1.tmp" \
  $runtime "$driver"/*.cpp "$out/exports.cpp" -ldl -lpthread
mv "$out/libcuda.so.1.tmp" "$out/libcuda.so.1"
ln -sf libcuda.so.1 "$out/libcuda.so"
$CXX $FLAGS -fvisibility=hidden -shared -o "$out/kernels/libember_sim_test.so" "$here/test_family.cpp" \
  -L "$out" -l:libcuda.so.1 -Wl,-rpath,'$ORIGIN/..'
$CXX $FLAGS -fvisibility=hidden -shared -DEMBER_TEST_PREFIX='"ember_extra_"' \
  -o "$out/extra/libember_sim_extra.so" "$here/test_family.cpp" -L "$out" -l:libcuda.so.1 -Wl,-rpath,'$ORIGIN/..'
$CXX $FLAGS -o "$out/driver_test" "$here/driver_test.cpp" -L "$out" -l:libcuda.so.1 -Wl,-rpath,"$out" -lpthread

echo "== exports"
"$driver/gen-exports.sh" --check "$jcuda" "$out/libcuda.so.1"

fails=0
run_as() {  # run_as LABEL NAME [ENV=VALUE...] : runs driver_test NAME with that environment
  label=$1
  name=$2
  shift 2
  if env "$@" "$out/driver_test" "$name" > "$out/$label.out" 2> "$out/$label.err"; then
    echo "ok   $label"
  else
    echo "FAIL $label (stderr: $out/$label.err)"
    sed 's/^/     /' "$out/$label.err" | tail -n 20
    fails=$((fails + 1))
  fi
}
run() { run_as "$1" "$@"; }

echo "== tests"
run basic EMBER_SIM_SMS=3 EMBER_SIM_DEVICE_MEMORY=64m EMBER_SIM_SEED=12345
grep -q '^\[ember-sim\] CPU SIMT simulator, seed 12345 (set EMBER_SIM_SEED=12345 to replay)$' "$out/basic.err" \
  || { echo "FAIL seed line"; fails=$((fails + 1)); }
run oom EMBER_SIM_DEVICE_MEMORY=1m
run fail-alloc EMBER_SIM_FAIL_ALLOC=2
run fail-launch EMBER_SIM_FAIL_LAUNCH=2
run sticky
run threads
rm -f "$out/launches.log"
run launch-log EMBER_SIM_LAUNCH_LOG="$out/launches.log" EMBER_SIM_EXTRA_KERNELS="$out/extra/libember_sim_extra.so"
expected="launch ember_test_fill grid=1,1,1 block=64,1,1
launch ember_extra_fill grid=1,1,1 block=64,1,1
count ember_extra_fill 1
count ember_test_fill 3"
if [ "$(cat "$out/launches.log" 2>/dev/null)" = "$expected" ]; then
  echo "ok   launch log"
else
  echo "FAIL launch log:"
  cat "$out/launches.log" 2>/dev/null | sed 's/^/     /'
  fails=$((fails + 1))
fi
# The same again with every stream's work held until something waits for it, plus its own test.
run defer EMBER_SIM_DEFER_STREAMS=1
run_as basic-deferred basic EMBER_SIM_DEFER_STREAMS=1 EMBER_SIM_SMS=3 EMBER_SIM_DEVICE_MEMORY=64m
run_as oom-deferred oom EMBER_SIM_DEFER_STREAMS=1 EMBER_SIM_DEVICE_MEMORY=1m
run_as fail-alloc-deferred fail-alloc EMBER_SIM_DEFER_STREAMS=1 EMBER_SIM_FAIL_ALLOC=2
run_as fail-launch-deferred fail-launch EMBER_SIM_DEFER_STREAMS=1 EMBER_SIM_FAIL_LAUNCH=2
run_as sticky-deferred sticky EMBER_SIM_DEFER_STREAMS=1
run_as threads-deferred threads EMBER_SIM_DEFER_STREAMS=1
rm -f "$out/launches-deferred.log"
run_as launch-log-deferred launch-log EMBER_SIM_DEFER_STREAMS=1 EMBER_SIM_LAUNCH_LOG="$out/launches-deferred.log" \
  EMBER_SIM_EXTRA_KERNELS="$out/extra/libember_sim_extra.so"
if [ "$(cat "$out/launches-deferred.log" 2>/dev/null)" = "$expected" ]; then
  echo "ok   launch log (deferred)"
else
  echo "FAIL launch log (deferred):"
  cat "$out/launches-deferred.log" 2>/dev/null | sed 's/^/     /'
  fails=$((fails + 1))
fi
# Before any unsupported call nothing but the seed line is printed.
if [ "$(grep -vc 'CPU SIMT simulator, seed' "$out/oom.err")" != 0 ]; then
  echo "FAIL quiet: oom printed more than the seed line:"
  sed 's/^/     /' "$out/oom.err"
  fails=$((fails + 1))
fi
if [ "$(grep -vc 'CPU SIMT simulator, seed' "$out/oom-deferred.err")" != 0 ]; then
  echo "FAIL quiet: oom (deferred) printed more than the seed line:"
  sed 's/^/     /' "$out/oom-deferred.err"
  fails=$((fails + 1))
fi

# Through the real JCuda library in a JVM, when java and JCuda are at hand.
jar=${JCUDA_JAR:-$HOME/.m2/repository/org/jcuda/jcuda/12.6.0/jcuda-12.6.0.jar}
if command -v javac > /dev/null && [ -f "$jar" ] && [ -f "$jcuda" ]; then
  mkdir -p "$out/java"
  javac -d "$out/java" -cp "$jar" "$here/JCudaCheck.java"
  for defer in 0 1; do
    label="jcuda (JVM)"
    [ $defer = 1 ] && label="jcuda (JVM, deferred)"
    if LD_LIBRARY_PATH="$out" EMBER_SIM_DEFER_STREAMS=$defer java -Djava.library.path="$(dirname "$jcuda")" \
        -cp "$jar:$out/java" JCudaCheck > "$out/java.out" 2>&1 && grep -q 'JAVA CHECK PASSED' "$out/java.out"; then
      echo "ok   $label"
    else
      echo "FAIL $label:"
      sed 's/^/     /' "$out/java.out" | tail -n 20
      fails=$((fails + 1))
    fi
  done
elif [ -n "${JCUDA_JAR:-}" ]; then
  echo "FAIL jcuda (JVM): no javac, $jar or $jcuda"
  fails=$((fails + 1))
else
  echo "skip jcuda (JVM): no javac, $jar or $jcuda"
fi

[ $fails -eq 0 ] && echo "all driver tests passed" || { echo "$fails failed"; exit 1; }
