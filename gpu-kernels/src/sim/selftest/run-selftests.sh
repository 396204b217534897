#!/usr/bin/env bash
# Runs the simulator's self-tests (built by build-sim.sh): every check must catch its bug.
# Usage: run-selftests.sh SIM_SRC OUT
set -euo pipefail
out=${2:?simulator output dir}
EMBER_SIM_EXTRA_KERNELS="$out/selftest/libember_sim_selftest.so" exec "$out/selftest/selftest"
