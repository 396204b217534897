#!/usr/bin/env bash
# Regenerates docs/images/ember-tab.png and docs/images/sql-plan.png: a local session with Spark's UI on
# runs TPC-H-style queries on the emulated device (dev.ember.it.spark.UiScreenshots), and headless
# Chromium captures the Ember tab and Spark's SQL page of a query that runs on the GPU.
# Needs Chromium (Debian: apt-get install chromium); CHROMIUM=/path/to/chrome picks another binary.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# One reactor run: packages the modules (without tests) and writes each module's test classpath to the
# same file; integration-tests comes last, so its classpath (with the other modules' jars) remains.
mvn -o -q -B -pl integration-tests -am -DskipTests package dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
opens="$(mvn -o -q -B -Dstyle.color=never help:evaluate -Dexpression=ember.jvm.opens -DforceStdout | sed "s/\x1b\[[0-9;]*m//g")"
# shellcheck disable=SC2086
SPARK_LOCAL_IP=127.0.0.1 java $opens -cp "integration-tests/target/test-classes:$(cat "$cp_file")" \
    dev.ember.it.spark.UiScreenshots docs/images "$chromium"
