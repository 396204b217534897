#!/usr/bin/env bash
# Prepares a run of Ember's GPU checks on a host that has a GPU and a Java runtime but no Maven:
# builds everything, then writes target/gpu-classpath.txt, one entry per line in classpath order,
# with the classes and test classes of every module, the dependencies of the integration tests,
# the benchmarks and the TPC-H-derived runner, and JUnit's console launcher. scripts/gpu-suites.sh
# runs the checks with it.
#
#   scripts/gpu-prepare.sh            # then ship the repository and the listed jars to the host
set -euo pipefail
cd "$(dirname "$0")/.."
console=org.junit.platform:junit-platform-console-standalone:1.10.2
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -q dependency:get -Dartifact="$console"
mvn -B -ntp -q -pl integration-tests,benchmarks,benchmarks-tpch dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/gpu-deps.txt
repo=$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=settings.localRepository -DforceStdout | sed "s/\x1b\[[0-9;]*m//g")
mkdir -p target
{
  for module in integration-tests plugin shims/spark35 shims/shims-api cuda gpu-kernels benchmarks benchmarks-tpch; do
    [ -d "$module/target/test-classes" ] && echo "$module/target/test-classes"
    echo "$module/target/classes"
  done
  # Ember's own modules come from their target folders above, never from the local repository.
  # The TPC-H generator's dependencies first: it needs guava 26, and Spark's optional ZooKeeper client
  # (curator) brings guava 16 into the integration tests' classpath; nothing those tests run uses it.
  cat benchmarks-tpch/target/gpu-deps.txt integration-tests/target/gpu-deps.txt benchmarks/target/gpu-deps.txt | tr ':' '\n' \
      | grep -v '/dev/ember/' | awk 'NF && !seen[$0]++'
  echo "$repo/org/junit/platform/junit-platform-console-standalone/1.10.2/junit-platform-console-standalone-1.10.2.jar"
} > target/gpu-classpath.txt
echo "wrote target/gpu-classpath.txt ($(wc -l < target/gpu-classpath.txt) entries)"
