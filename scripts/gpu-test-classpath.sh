#!/usr/bin/env bash
# Writes target/gpu-test-classpath.txt: everything needed to run the cuda module's test suites with
# the JUnit console launcher on a GPU host that has a Java runtime but no Maven, e.g.
#   java <Spark's --add-opens list> -Dember.device=cuda -Dember.conformance.required=true \
#        -cp "$(paste -sd: target/gpu-test-classpath.txt)" org.junit.platform.console.ConsoleLauncher \
#        --select-class dev.ember.cuda.conformance.TestKernelConformance
# Paths are relative to the repository root, one per line, in classpath order.
set -euo pipefail
cd "$(dirname "$0")/.."
console=org.junit.platform:junit-platform-console-standalone:1.10.2
mvn -B -ntp -q install -DskipTests -pl gpu-kernels,cuda -am
mvn -B -ntp -q dependency:get -Dartifact="$console"
mvn -B -ntp -q -pl cuda dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/deps.txt
repo=$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=settings.localRepository -DforceStdout | sed "s/\x1b\[[0-9;]*m//g")
mkdir -p target
{
  echo cuda/target/test-classes
  echo cuda/target/classes
  tr ':' '\n' < cuda/target/deps.txt | grep -v '/ember-gpu-kernels-' || true
  echo gpu-kernels/target/classes
  echo "$repo/org/junit/platform/junit-platform-console-standalone/1.10.2/junit-platform-console-standalone-1.10.2.jar"
} > target/gpu-test-classpath.txt
echo "wrote target/gpu-test-classpath.txt ($(wc -l < target/gpu-test-classpath.txt) entries)"
