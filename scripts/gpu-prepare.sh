#!/usr/bin/env bash
# Prepares a run of Ember's GPU checks on a host that has a GPU and a Java runtime but no Maven:
# builds everything, then writes target/gpu-classpath.txt, one entry per line in classpath order,
# with the classes and test classes of every module, the dependencies of the integration tests,
# the benchmarks and the TPC-H-derived runner, and JUnit's console launcher. scripts/gpu-suites.sh
# runs the checks with it. Offline (-o) except to fetch JUnit's console launcher once.
#
#   scripts/gpu-prepare.sh            # then /work/shared/gpu/prepare.sh . target/gpu-classpath.txt
#   GPU_PREPARE_BUILD=0 scripts/gpu-prepare.sh   # classpath only, from the current target folders
set -euo pipefail
cd "$(dirname "$0")/.."
console=org.junit.platform:junit-platform-console-standalone:1.10.2
[ "${GPU_PREPARE_BUILD:-1}" = 0 ] || mvn -B -ntp -q -o install -DskipTests
mvn -B -ntp -q -o -pl integration-tests,benchmarks,benchmarks-tpch dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/gpu-deps.txt
# The local repository, from where the build found JUnit (help:evaluate needs a plugin that may be absent offline).
repo=$(tr ':' '\n' < integration-tests/target/gpu-deps.txt | grep -m1 '/org/junit/platform/' | sed 's|/org/junit/platform/.*||')
[ -d "$repo" ] || { echo "cannot find the local Maven repository in integration-tests/target/gpu-deps.txt" >&2; exit 1; }
[ -f "$repo/org/junit/platform/junit-platform-console-standalone/1.10.2/junit-platform-console-standalone-1.10.2.jar" ] \
    || mvn -B -ntp -q dependency:get -Dartifact="$console"
mkdir -p target
{
  for module in integration-tests plugin shims/spark35 shims/shims-api cuda gpu-kernels benchmarks benchmarks-tpch; do
    [ -d "$module/target/test-classes" ] && echo "$module/target/test-classes"
    [ -d "$module/target/classes" ] && echo "$module/target/classes"  # integration-tests has none
  done
  # Ember's own modules come from their target folders above, never from the local repository.
  # The TPC-H generator's dependencies first: it needs guava 26, and Spark's optional ZooKeeper client
  # (curator) brings guava 16 into the integration tests' classpath; nothing those tests run uses it.
  cat benchmarks-tpch/target/gpu-deps.txt integration-tests/target/gpu-deps.txt benchmarks/target/gpu-deps.txt | tr ':' '\n' \
      | grep -v '/dev/ember/' | awk 'NF && !seen[$0]++'
  echo "$repo/org/junit/platform/junit-platform-console-standalone/1.10.2/junit-platform-console-standalone-1.10.2.jar"
} > target/gpu-classpath.txt
echo "wrote target/gpu-classpath.txt ($(wc -l < target/gpu-classpath.txt) entries)"
