#!/usr/bin/env bash
# Runs the simulator's self-tests (built by build-sim.sh), where every check must catch its bug, then
# the stand-in driver's own tests (driver/test), which include a JVM calling it through JCuda.
# Usage: run-selftests.sh SIM_SRC OUT JCUDA_DRIVER_SO
set -euo pipefail
sim=${1:?simulator source dir}; out=${2:?simulator output dir}; jcuda=${3:?JCuda driver library}
EMBER_SIM_EXTRA_KERNELS="$out/selftest/libember_sim_selftest.so" "$out/selftest/selftest"
JCUDA_SO="$jcuda" sh "$sim/driver/test/run-tests.sh" "$out/driver-test"
